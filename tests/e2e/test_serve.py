"""``sagemon-tui serve`` before anything listens: the loopback-only rule, bad flags as one line,
a port in use, and the command each browser tab runs (the app's flags, quoted, no serve flags).

The served app itself, in a real browser, is tests/e2e/test_e2e_browser.py.
"""

from __future__ import annotations

import shlex
import socket

import pytest

from tui import cli, serve


def one_line_error(capsys, argv: list[str], code: int) -> str:
    with pytest.raises(SystemExit) as exc:
        status = cli.main(argv)
        raise SystemExit(status)
    assert exc.value.code == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com"])
def test_any_host_but_loopback_is_refused(capsys, host):
    err = one_line_error(capsys, ["serve", "--host", host], 2)
    assert err.startswith("sagemon-tui serve: error: --host must be 127.0.0.1") and repr(host) in err


def test_loopback_names_mean_127_0_0_1():
    assert serve.check_host("localhost") == serve.check_host("127.0.0.1") == "127.0.0.1"


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_a_bad_port_is_one_line(capsys, port):
    err = one_line_error(capsys, ["serve", f"--port={port}"], 2)
    assert "--port must be a number from 1 to 65535" in err


def test_the_apps_flags_are_checked_before_serving(capsys):
    err = one_line_error(capsys, ["serve", "--demo-speed", "2"], 2)
    assert err == "sagemon-tui: error: --demo-speed only applies with --demo\n"


def test_a_port_in_use_is_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = one_line_error(capsys, ["serve", "--demo", "--port", str(port)], 1)
    assert err.startswith(f"sagemon-tui serve: cannot listen on 127.0.0.1:{port}: "), err


def test_each_tab_runs_sagemon_tui_with_the_apps_flags_only():
    argv = ["--demo", "--port", "9000", "--host=localhost", "--demo-describe", "/tmp/a fleet's.json",
            "--port=9001", "--host", "127.0.0.1", "--window", "12h"]
    words = shlex.split(serve.app_command(argv))
    assert words[0] == "exec" and words[1:-5] == serve.entry_point()
    assert words[-5:] == ["--demo", "--demo-describe", "/tmp/a fleet's.json", "--window", "12h"]
    assert serve.entry_point()[0].endswith("sagemon-tui") or serve.entry_point()[1:] == ["-m", "tui.cli"]


def test_start_lines_give_the_url_and_the_port_forward():
    lines = serve.start_lines("127.0.0.1", 8123)
    assert "http://127.0.0.1:8123" in lines[0]
    assert "ssh -N -L 8123:127.0.0.1:8123 bastion" in lines[1]


def test_only_the_served_page_may_open_the_websocket():
    assert serve.origin_allowed("http://127.0.0.1:8123", 8123)
    assert serve.origin_allowed("http://localhost:8123", 8123)
    assert serve.origin_allowed(None, 8123)  # not a browser page
    for origin in ("https://evil.example", "http://127.0.0.1:8124", "http://127.0.0.1.evil.example:8123", "null"):
        assert not serve.origin_allowed(origin, 8123), origin
