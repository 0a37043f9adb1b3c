"""What a screen shows, as plain data to write out: tables, series and facts, to CSV, JSON or text.

Pure Python (no Textual, no boto3). The screens hand over what they draw (the overview's rows,
a drill-down screen's tables and charts, a job's host grid); ``sagemon-tui snapshot`` hands over
the same rows built by the same model functions. So an exported file, a snapshot and the screen
say the same thing:

* every cell is the text the screen shows, made safe with :func:`~tui.model.format.safe_text`
  (a control character in a name reads as its visible symbol, never as an escape), next to
  its number where the column is numeric (``values``; ``None`` where the screen shows "–");
* a series is a value per period ending at ``end`` (epoch seconds), ``None`` where CloudWatch
  has no point.

Formats: JSON (one document: facts, tables and series), CSV (one file per table, plus one
``-series.csv`` in long form: ``series,label,unit,time,value``), and aligned plain text for
the terminal (:func:`text_table`), which has no terminal escapes at all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from tui.model.format import safe_text

#: Export formats ``x`` / ``X`` write.
FORMATS = ("csv", "json")
#: Version of the JSON document's shape (bumped when a field changes meaning).
JSON_VERSION = 1


@dataclass(frozen=True)
class ExportColumn:
    key: str
    label: str
    numeric: bool = False


@dataclass
class ExportRow:
    key: str
    name: str
    cells: dict[str, str]
    values: dict[str, float | None] = field(default_factory=dict)


@dataclass
class ExportTable:
    title: str
    columns: list[ExportColumn]
    rows: list[ExportRow]

    def column_texts(self, key: str) -> list[str]:
        return [r.cells.get(key, "") for r in self.rows]


@dataclass
class ExportSeries:
    """One line of a chart or sparkline: ``values[i]`` is the period ending ``end - (n-1-i)*period``."""

    name: str
    label: str
    values: list[float | None]
    period: int = 60
    end: int | None = None
    unit: str = ""

    def points(self) -> list[tuple[int | None, float | None]]:
        n = len(self.values)
        if self.end is None:
            return [(None, v) for v in self.values]
        end = self.end - self.end % self.period if self.period else self.end
        return [(end - (n - 1 - i) * self.period, v) for i, v in enumerate(self.values)]


@dataclass
class Export:
    """One screen's content: what it is (``title``, e.g. ``"endpoints"`` or a job's name)."""

    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[ExportTable] = field(default_factory=list)
    series: list[ExportSeries] = field(default_factory=list)
    #: The AWS account of the resource exported, while more than one account is shown ("": not
    #: named): in the JSON document, first among the facts, and in the file names.
    account: str = ""

    def named(self, account: str) -> "Export":
        """This export of a resource of ``account`` ("": no account to name): the account in
        its facts, its JSON and its file names."""
        if account and not self.account:
            self.account = account
            self.facts.insert(0, ("Account", account))
        return self


# -- building ----------------------------------------------------------------------------------

def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if value != value else float(value)  # NaN: no value


def table_from_rows(title: str, columns: Iterable, rows: Iterable) -> ExportTable:
    """A table of model :class:`~tui.model.cells.Row` objects in ``columns`` (model
    :class:`~tui.model.cells.Column` objects; sparkline columns are left out: they are series)."""
    cols = [ExportColumn(c.key, c.label, bool(c.numeric)) for c in columns if not getattr(c, "spark", False)]
    out = []
    for r in rows:
        cells, values = {}, {}
        for c in cols:
            cell = r.cells.get(c.key)
            cells[c.key] = safe_text(cell.text) if cell is not None else ""
            if c.numeric:
                values[c.key] = _number(cell.sort) if cell is not None else None
        out.append(ExportRow(str(r.key), safe_text(r.name), cells, values))
    return ExportTable(title, cols, out)


def row_series(rows: Iterable, label: str, *, period: int, end: int | None, unit: str = "") -> list[ExportSeries]:
    """Each row's sparkline values as a series named after the row."""
    return [ExportSeries(safe_text(r.name), label, list(r.spark), period, end, unit) for r in rows if r.spark]


# -- JSON --------------------------------------------------------------------------------------

def table_json(table: ExportTable) -> dict:
    return {
        "title": table.title,
        "columns": [{"key": c.key, "label": c.label, "numeric": c.numeric} for c in table.columns],
        "rows": [{"key": r.key, "name": r.name, "cells": dict(r.cells), "values": dict(r.values)} for r in table.rows],
    }


def series_json(s: ExportSeries) -> dict:
    return {"name": s.name, "label": s.label, "unit": s.unit, "period": s.period, "end": s.end,
            "points": [[t, v] for t, v in s.points()]}


def to_json(export: Export) -> dict:
    return {
        "version": JSON_VERSION,
        "title": export.title,
        **({"account": export.account} if export.account else {}),
        "facts": [{"label": k, "text": v} for k, v in export.facts],
        "tables": [table_json(t) for t in export.tables],
        "series": [series_json(s) for s in export.series],
    }


def dumps(doc) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# -- CSV ---------------------------------------------------------------------------------------

def table_csv(table: ExportTable) -> str:
    """A header of the column labels, then one line per row: the text the screen shows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.label for c in table.columns])
    for r in table.rows:
        w.writerow([r.cells.get(c.key, "") for c in table.columns])
    return buf.getvalue()


def series_csv(series: Sequence[ExportSeries]) -> str:
    """Long form, one point a line: ``series,label,unit,time,value`` (time in ISO 8601 UTC)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["series", "label", "unit", "time", "value"])
    for s in series:
        for t, v in s.points():
            when = "" if t is None else datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            w.writerow([s.name, s.label, s.unit, when, "" if v is None else repr(float(v))])
    return buf.getvalue()


# -- plain text --------------------------------------------------------------------------------

def text_table(table: ExportTable, keys: Sequence[str] | None = None, gap: int = 2) -> str:
    """Aligned columns (numbers to the right), a header line first; names are never cut."""
    from rich.cells import cell_len

    cols = [c for c in table.columns if keys is None or c.key in keys]
    if keys is not None:
        order = {k: i for i, k in enumerate(keys)}
        cols.sort(key=lambda c: order[c.key])
    grid = [[c.label for c in cols]] + [[r.cells.get(c.key, "") for c in cols] for r in table.rows]
    widths = [max(cell_len(line[i]) for line in grid) for i in range(len(cols))]
    lines = []
    for line in grid:
        parts = []
        for c, w, text in zip(cols, widths, line):
            pad = " " * (w - cell_len(text))
            parts.append(pad + text if c.numeric else text + pad)
        lines.append((" " * gap).join(parts).rstrip())
    return "\n".join(lines)


def facts_text(facts: Sequence[tuple[str, str]]) -> str:
    width = max((len(k) for k, _ in facts), default=0)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in facts)


# -- files -------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def export_stem(label: str, when: float, what: str = "export") -> str:
    """``sagemon-<what>-<label>-<UTC time>``: a label made of file-name characters only."""
    slug = _UNSAFE.sub("-", label).strip("-.")[:60] or "screen"
    return f"sagemon-{what}-{slug}-{datetime.fromtimestamp(when, timezone.utc).strftime('%Y%m%d-%H%M%S')}"


def write_export(export: Export, fmt: str, folder: Path, when: float) -> list[Path]:
    """Write ``export`` under ``folder``; returns the files written (the main one first).

    JSON: one file. CSV: the first table in ``<stem>.csv``, other tables in ``<stem>-2.csv``...,
    and the series in ``<stem>-series.csv``. An existing file is never overwritten: a suffix
    is added instead.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    folder = Path(folder)
    stem = export_stem(f"{export.account}-{export.title}" if export.account else export.title, when)
    out: list[tuple[str, str]] = []
    if fmt == "json":
        out.append((f"{stem}.json", dumps(to_json(export))))
    else:
        tables = export.tables or [ExportTable(export.title, [], [])]
        for i, t in enumerate(tables):
            out.append((f"{stem}{'' if i == 0 else f'-{i + 1}'}.csv", table_csv(t)))
        if export.series:
            out.append((f"{stem}-series.csv", series_csv(export.series)))
    written = []
    for name, text in out:
        path = _free(folder / name)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _free(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.{n}{path.suffix}")
    return candidate
