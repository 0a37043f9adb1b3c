"""The export writer (``x`` / ``X``) and the snapshot's text tables: pure, parsed back."""

from __future__ import annotations

import csv
import json

from tui.model.export import (ExportSeries, export_stem, series_csv, table_from_rows, text_table, to_json,
                              write_export)
from tui.model.export_views import pane_export
from tui.model.cells import Cell, Row
from tui.model.columns import COLUMNS
from tui.model.kinds import Pane
from tui.model.resources import Endpoint
from tui.model.series import SeriesStore

NOW = 1_000_020  # any epoch second: the exports only count periods back from it


def rows() -> list[Row]:
    hostile = "ep\x1b[31mred\x1b[0m"
    return [
        Row("k1", "fraud", Endpoint("fraud", "InService"), {"name": Cell("fraud", "fraud"),
            "status": Cell("InService", "InService"), "inv": Cell("2,999", 2999.0), "p99": Cell("–", None)},
            [1.0, None, 3.0]),
        Row("k2", hostile, Endpoint(hostile, "Failed"), {"name": Cell(hostile, hostile),
            "status": Cell("Failed", "Failed"), "inv": Cell("12.5", 12.5), "p99": Cell("31.2 ms", 31200.0)}),
    ]


def test_csv_and_json_files_read_back_as_the_rows(tmp_path):
    store = SeriesStore(3600)
    export = pane_export(Pane.ENDPOINTS, rows(), store, NOW)
    [path] = write_export(export, "json", tmp_path, NOW)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == f"{export_stem('endpoints', NOW)}.json" and doc == to_json(export)
    table = doc["tables"][0]
    assert [c["key"] for c in table["columns"]] == [c.key for c in COLUMNS[Pane.ENDPOINTS] if not c.spark]
    got = {r["name"]: r for r in table["rows"]}
    assert got["fraud"]["cells"]["inv"] == "2,999" and got["fraud"]["values"]["inv"] == 2999.0
    assert got["fraud"]["values"]["p99"] is None and got["fraud"]["cells"]["p99"] == "–"
    hostile = "ep␛[31mred␛[0m"  # shown, never sent to a terminal as an escape
    assert got[hostile]["cells"]["name"] == hostile
    # the sparkline is a series: one value per period ending at NOW
    [series] = doc["series"]
    assert series["name"] == "fraud" and [v for _t, v in series["points"]] == [1.0, None, 3.0]
    assert [t for t, _v in series["points"]] == [NOW - NOW % 60 - 120, NOW - NOW % 60 - 60, NOW - NOW % 60]

    paths = write_export(export, "csv", tmp_path, NOW)
    assert [p.name for p in paths] == [f"{export_stem('endpoints', NOW)}.csv",
                                       f"{export_stem('endpoints', NOW)}-series.csv"]
    lines = list(csv.reader(paths[0].open(encoding="utf-8")))
    labels = [c.label for c in COLUMNS[Pane.ENDPOINTS] if not c.spark]
    assert lines[0] == labels
    assert [dict(zip(labels, line))["Inv/min"] for line in lines[1:]] == ["2,999", "12.5"]
    assert dict(zip(labels, lines[2]))["Name"] == hostile
    points = list(csv.DictReader(paths[1].open(encoding="utf-8")))
    assert [p["value"] for p in points] == ["1.0", "", "3.0"]
    # a second export of the same second never overwrites the first
    again = write_export(export, "json", tmp_path, NOW)
    assert again[0] != path and again[0].exists() and path.exists()


def test_text_table_aligns_and_holds_no_escapes():
    table = table_from_rows("endpoints", COLUMNS[Pane.ENDPOINTS], rows())
    text = text_table(table, ["name", "status", "inv"])
    lines = text.splitlines()
    assert lines[0].split() == ["Name", "Status", "Inv/min"]
    assert "\x1b" not in text and all(line.isprintable() for line in lines)
    ends = {len(line) for line in lines}  # numbers right-aligned: every line ends at the same cell
    assert len(ends) == 1
    assert lines[2].startswith("ep␛[31mred␛[0m  Failed")


def test_series_csv_without_end_has_no_times():
    s = ExportSeries("h", "GPU", [5.0, None], period=60, end=None, unit="Percent")
    rows_ = list(csv.DictReader(series_csv([s]).splitlines()))
    assert [(r["time"], r["value"]) for r in rows_] == [("", "5.0"), ("", "")]
