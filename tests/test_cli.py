"""The command line: valid options parse, invalid ones exit 2 with one line and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui import __version__
from tui.cli import parse


def test_defaults():
    o = parse([])
    assert (o.refresh, o.window, o.demo, o.regions, o.profile) == (60, "3h", False, (), None)


def test_valid_values(monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    o = parse(["--profile", "prod", "--region", "us-east-1, eu-west-1,us-east-1", "--refresh", "15",
               "--window", "24h", "--endpoint-url", "http://127.0.0.1:5000"])
    assert o.profile == "prod"
    assert o.regions == ("us-east-1", "eu-west-1")
    assert o.refresh == 15 and o.window == "24h"
    assert o.endpoint_url == "http://127.0.0.1:5000"


def test_demo_describe_path(tmp_path):
    path = str(tmp_path / "fleet.json")
    assert parse(["--demo", "--demo-describe", path]).demo_describe == path
    assert parse(["--demo"]).demo_describe is None


def test_endpoint_url_from_environment(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:4566")
    assert parse([]).endpoint_url == "http://localhost:4566"
    assert parse(["--endpoint-url", "https://example.test"]).endpoint_url == "https://example.test"


@pytest.mark.parametrize("argv, fragment", [
    (["--refresh", "5"], "at least 10"),
    (["--refresh", "abc"], "whole number"),
    (["--region", "mars"], "not a region name"),
    (["--region", ","], "at least one region"),
    (["--endpoint-url", "ftp://x"], "http(s) URL"),
    (["--window", "2h"], "one of 1h, 3h, 12h, 24h"),
    (["--demo-speed", "10"], "only applies with --demo"),
    (["--demo", "--demo-speed", "-1"], "between 0 and 3600"),
    (["--demo", "--profile", "x"], "drop --profile"),
    (["--demo-describe", "fleet.json"], "only applies with --demo"),
    (["--demo", "--demo-describe", "/no/such/dir/fleet.json"], "no such directory"),
    (["--demo", "--demo-describe", " "], "needs a file path"),
    (["--bogus"], "unrecognized arguments"),
])
def test_invalid_values_exit_2_with_one_line(argv, fragment, capsys):
    with pytest.raises(SystemExit) as exc:
        parse(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_console_script_help_and_version_without_traceback():
    exe = [sys.executable, "-m", "tui.cli"]
    v = subprocess.run(exe + ["--version"], capture_output=True, text=True, timeout=60)
    assert v.returncode == 0 and v.stdout.strip() == f"sagemon-tui {__version__}"
    h = subprocess.run(exe + ["--help"], capture_output=True, text=True, timeout=60)
    assert h.returncode == 0
    for flag in ("--profile", "--region", "--endpoint-url", "--refresh", "--demo", "--version"):
        assert flag in h.stdout
    bad = subprocess.run(exe + ["--refresh", "1"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
