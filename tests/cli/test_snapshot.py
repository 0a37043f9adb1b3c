"""``sagemon-tui snapshot`` against the shared demo fleet on the moto server: its text and JSON
parsed back equal what the overview of an app on the same account shows; the job and endpoint
views; exit statuses for an unreachable endpoint, an unknown pane and an unknown job."""

from __future__ import annotations

import json
import re

import pytest

from tests.pilot import wait_for
from tui import snapshot
from tui.config.options import Options
from tui.model.export import export_stem
from tui.model.format import safe_text
from tui.model.kinds import Pane, pane_resources
from tui.refresh import Connection

#: Columns that count time up to the moment they are drawn (a job's age, its duration so far):
#: the app and the snapshot draw them a few seconds apart.
CLOCK_COLUMNS = {"age", "duration", "last_start", "since"}  # ages: they move with the clock
SIZE = (200, 50)


@pytest.fixture
def cli_env(shared_demo, monkeypatch, tmp_path):
    """The command line pointed at the shared demo: its endpoint, region and credentials."""
    conn = shared_demo.connection
    creds = dict(conn.credentials)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", creds["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", creds["aws_secret_access_key"])
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no config file of the machine's
    return ["--endpoint-url", conn.endpoint_url, "--region", conn.region]


def run(argv, capsys) -> tuple[int, str, str]:
    code = snapshot.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def shown_cells(row, keys) -> dict[str, str]:
    return {k: safe_text(row.cells[k].text) if k in row.cells else "" for k in keys}


async def test_snapshot_json_and_text_equal_the_overview(shared_demo, shared_demo_clients, cli_env, capsys):
    from tui.app import SagemonApp

    code, out, err = run(cli_env + ["--json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    views = {v["title"]: v for v in doc["views"]}
    assert doc["regions"] == [shared_demo.region] and Pane.ENDPOINTS.value in views and Pane.JOBS.value in views
    code, text, err = run(cli_env + ["--width", "0"], capsys)
    assert code == 0, err
    assert "\x1b" not in text and all(line.isprintable() for line in text.splitlines())

    conn = Connection(shared_demo_clients, "demo", None, (shared_demo.region,))
    app = SagemonApp(Options(refresh=60), connection=conn)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1, 90, "first refresh")
        for i, pane in enumerate(Pane):
            await pilot.press(str(i + 1))
            table = app.overview.table(pane)
            await wait_for(pilot, lambda: app.overview.pane is pane and len(table.all_rows) ==
                           len(pane_resources(pane, app.state.inventory)), 10, f"{pane.value} drawn")
            rows = table.shown
            if not rows:
                assert pane.value not in views  # the snapshot leaves empty panes out
                continue
            got = views[pane.value]["tables"][0]
            keys = [c["key"] for c in got["columns"] if c["key"] not in CLOCK_COLUMNS]
            # JSON: every row of the pane, in the overview's order, with the overview's texts
            assert [r["name"] for r in got["rows"]] == [safe_text(r.name) for r in rows]
            for mine, theirs in zip(got["rows"], rows):
                assert {k: mine["cells"][k] for k in keys} == shown_cells(theirs, keys), theirs.name
            # text: the pane's title and count, then one line per row holding the same cells
            block = text.split(f"{pane.title} ({len(rows)})\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
            assert len(block) == len(rows) + 1
            all_keys = [c["key"] for c in got["columns"]]
            for line, theirs in zip(block[1:], rows):
                cells = [safe_text(theirs.cells[k].text) if k in theirs.cells else "" for k in all_keys]
                parts = re.split(r" {2,}", line.strip())
                want = [c for k, c in zip(all_keys, cells) if c != ""]
                assert len(parts) == len(want)
                assert [p for p, k in zip(parts, [k for k, c in zip(all_keys, cells) if c != ""])
                        if k not in CLOCK_COLUMNS] == \
                       [c for k, c in zip(all_keys, cells) if c != "" and k not in CLOCK_COLUMNS]


def test_job_view_has_facts_and_every_host(shared_demo, cli_env, capsys):
    fleet = shared_demo.fleet
    name = fleet.distributed_job
    code, out, err = run(cli_env + ["--job", name, "--json"], capsys)
    assert code == 0, err
    [view] = json.loads(out)["views"]
    facts = {f["label"]: f["text"] for f in view["facts"]}
    assert facts["Job"] == name and facts["Type"] == "training"
    hosts, cluster = view["tables"]
    spec = fleet.job(name)
    assert [r["name"] for r in hosts["rows"]] == [f"algo-{i}" for i in range(1, spec.instance_count + 1)]
    health = {r["name"]: r["cells"]["health"] for r in hosts["rows"]}
    assert "lagging" in health[fleet.lagging_host.rsplit("/", 1)[-1]]
    assert "disk" in health[fleet.disk_full_host.rsplit("/", 1)[-1]]
    assert [r["name"] for r in cluster["rows"]] == ["min", "median", "max"]
    gpu = [r["values"]["GPUUtilization"] for r in hosts["rows"]]
    assert cluster["rows"][2]["values"]["GPUUtilization"] == pytest.approx(max(gpu))
    code, text, _err = run(cli_env + ["--job", name], capsys)
    assert code == 0 and text.startswith(f"Job        {name}\n") and "\nHosts\nHost " in text


def test_endpoint_view_has_its_variants(shared_demo, cli_env, capsys):
    fleet = shared_demo.fleet
    name = fleet.split_endpoint
    code, out, err = run(cli_env + ["--endpoint", name, "--json"], capsys)
    assert code == 0, err
    [view] = json.loads(out)["views"]
    assert view["facts"][0] == {"label": "Endpoint", "text": name}
    variants = view["tables"][0]
    assert variants["title"] == "variants"
    assert sorted(r["name"] for r in variants["rows"]) == sorted(v.name for v in fleet.endpoint(name).variants)
    assert view["series"]  # its charts, as series


def test_exit_statuses(shared_demo, cli_env, capsys):
    code, out, err = run(cli_env + ["--pane", "nosuchpane"], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "no pane named 'nosuchpane'" in err
    code, out, err = run(cli_env + ["--job", "no-such-job-here"], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "no job named" in err
    code, out, err = run(cli_env + ["--endpoint", "no-such-endpoint"], capsys)
    assert code == 2 and out == "" and "no endpoint named" in err
    code, out, err = run(cli_env + ["--job", "a", "--endpoint", "b"], capsys)
    assert code == 2 and out == ""
    # a pane asked for by an alias
    code, out, err = run(cli_env + ["--pane", "ep", "--json"], capsys)
    assert code == 0 and [v["title"] for v in json.loads(out)["views"]] == ["endpoints"]


def test_unreachable_endpoint_exits_1_with_one_line(cli_env, capsys):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = run(["--endpoint-url", f"http://127.0.0.1:{port}", "--region", "us-east-1"], capsys)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "cannot reach" in err


def test_aws_that_cannot_be_read_exits_1(capsys):
    """Past the reachability check (an endpoint that stops answering): the refresh's reason."""
    import socket

    from tui.aws.session import AwsClients, AwsSettings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    clients = AwsClients(AwsSettings(regions=("us-east-1",), endpoint_url=f"http://127.0.0.1:{port}",
                                     credentials={"aws_access_key_id": "x", "aws_secret_access_key": "y"},
                                     max_attempts=1))
    conn = Connection(clients, None, None, ("us-east-1",))
    with pytest.raises(snapshot.SnapshotFailed) as failed:
        snapshot.take(Options(), snapshot.Request(panes=(Pane.ENDPOINTS,)), connection=conn)
    assert failed.value.code == 1 and "\n" not in str(failed.value) and str(failed.value)


def test_stem_of_a_snapshot_view_is_a_file_name():
    assert export_stem("a/b\x1b c", 0) == "sagemon-export-a-b-c-19700101-000000"
