"""The command line: valid options parse, invalid ones exit 2 with one line and no traceback.

Every test reads AWS profiles from its own config and credentials files (``AWS_CONFIG_FILE``,
``AWS_SHARED_CREDENTIALS_FILE``) with no profile set in the environment, so the machine's
``~/.aws`` never changes an outcome.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tui import __version__
from tui.config.options import parse

#: The profiles the test config files define: two in the config file, one in credentials.
CONFIG = "[default]\nregion = us-east-1\n\n[profile prod]\nregion = eu-west-1\n\n[profile known]\nregion = us-west-2\n"
CREDENTIALS = "[from-credentials]\naws_access_key_id = testing\naws_secret_access_key = testing\n"


@pytest.fixture(autouse=True)
def aws_files(tmp_path, monkeypatch):
    """Point botocore at this test's own AWS config and credentials files; no profile in the env."""
    config, credentials = tmp_path / "aws-config", tmp_path / "aws-credentials"
    config.write_text(CONFIG)
    credentials.write_text(CREDENTIALS)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    return config, credentials


def test_defaults():
    o = parse([])
    assert (o.refresh, o.window, o.demo, o.regions, o.profile) == (60, "3h", False, (), None)


def test_valid_values():
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


@pytest.mark.parametrize("url", [
    "http://localhost:4566",
    "https://example.test:443/path",
    "http://127.0.0.1:1",
    "http://127.0.0.1:65535",
    "http://[::1]:4566",
    "HTTP://Example.test",
])
def test_endpoint_urls_that_parse(url):
    assert parse(["--endpoint-url", url]).endpoint_url == url


@pytest.mark.parametrize("profile", ["known", "prod", "default", "from-credentials"])
def test_a_profile_in_the_config_files_parses(profile):
    assert parse(["--profile", profile]).profile == profile


def test_a_known_profile_in_the_environment_parses(monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "known")
    assert parse([]).profile is None  # boto3 reads it from the environment itself
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    assert parse(["--profile", "prod"]).profile == "prod"  # --profile wins over the environment


@pytest.mark.parametrize("argv, fragment", [
    (["--refresh", "5"], "at least 10"),
    (["--refresh", "abc"], "whole number"),
    (["--region", "mars"], "not a region name"),
    (["--region", ","], "at least one region"),
    (["--endpoint-url", "ftp://x"], "http(s) URL"),
    (["--endpoint-url", "localhost:4566"], "(scheme 'localhost')"),
    (["--endpoint-url", "127.0.0.1:4566"], "(no scheme)"),
    (["--endpoint-url", "http://127.0.0.1:99999"], "port must be a number from 1 to 65535, got '99999'"),
    (["--endpoint-url", "http://127.0.0.1:0"], "got '0'"),
    (["--endpoint-url", "http://localhost:http"], "got 'http'"),
    (["--endpoint-url", "http://localhost:"], "got ''"),
    (["--endpoint-url", "http://[::1]:70000"], "got '70000'"),
    (["--endpoint-url", "http://"], "no host in 'http://'"),
    (["--endpoint-url", "http://:4566"], "no host"),
    (["--endpoint-url", "http://a_b.example"], "not a valid host name: 'a_b.example'"),
    (["--endpoint-url", "http://[::1"], "not a valid URL"),
    (["--endpoint-url", "http://local host:4566"], "contains whitespace"),
    (["--endpoint-url", "http://localhost:4566 "], "contains whitespace"),
    (["--endpoint-url", "http://localhost\n:4566"], "contains whitespace"),
    (["--endpoint-url", "http://local\x00host"], "contains a control character"),
    (["--profile", "no-such-profile"], "--profile: no profile named 'no-such-profile' in "),
    (["--profile", "no-such-profile"], "(known: default, from-credentials, known, prod)"),
    (["--profile", ""], "--profile needs a profile name"),
    (["--profile", "bad\nname"], "no profile named 'bad\\nname'"),
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


@pytest.mark.parametrize("env, value, fragment", [
    ("AWS_PROFILE", "no-such-profile", "AWS_PROFILE: no profile named 'no-such-profile'"),
    ("AWS_DEFAULT_PROFILE", "nope", "AWS_DEFAULT_PROFILE: no profile named 'nope'"),
    ("AWS_PROFILE", "", "AWS_PROFILE needs a profile name"),
    ("AWS_ENDPOINT_URL", "http://127.0.0.1:99999", "AWS_ENDPOINT_URL: the port must be"),
    ("AWS_ENDPOINT_URL", "ftp://x", "AWS_ENDPOINT_URL must be an http(s) URL"),
])
def test_invalid_environment_exits_2_with_one_line(env, value, fragment, monkeypatch, capsys):
    monkeypatch.setenv(env, value)
    with pytest.raises(SystemExit) as exc:
        parse([])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_profile_lists_a_handful_and_names_the_files(aws_files, capsys):
    config, credentials = aws_files
    config.write_text(CONFIG + "".join(f"[profile p{i:02d}]\n" for i in range(20)))
    with pytest.raises(SystemExit):
        parse(["--profile", "x"])
    err = capsys.readouterr().err
    assert f"in {config} or {credentials} (known: default, from-credentials, known, p00, p01, ...)" in err
    assert err.count("\n") == 1


def test_unreadable_config_file_is_one_line(aws_files, capsys):
    aws_files[0].write_text("[profile broken\n")
    with pytest.raises(SystemExit) as exc:
        parse(["--profile", "broken"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--profile: cannot read the AWS config files" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_profile_exits_2_before_the_ui_opens(aws_files):
    """The real command, with no terminal: it must stop at the profile check, not draw a UI."""
    config, credentials = aws_files
    config.write_text("[profile known]\nregion = us-east-1\n")
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(credentials))
    start = time.monotonic()
    bad = subprocess.run([sys.executable, "-m", "tui.cli", "--profile", "no-such-profile"], env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    assert bad.returncode == 2, bad
    assert bad.stdout == "" and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1
    assert bad.stderr.startswith("sagemon-tui: error: --profile: no profile named 'no-such-profile' in ")
    assert "(known: from-credentials, known)" in bad.stderr
    assert elapsed < 30  # a quick refusal, not a UI waiting for a key


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


@pytest.mark.parametrize("url, fragment", [
    ("http://127.0.0.1:9", "refused"),  # nothing listens on the discard port here
    ("http://no-such-host.invalid:4566", "does not resolve"),
])
def test_an_unreachable_endpoint_exits_1_with_one_line_before_the_ui(url, fragment, aws_files):
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "tui.cli", "--endpoint-url", url, "--region", "us-east-1"],
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=env)
    assert run.returncode == 1, run
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert f"cannot reach {url}" in run.stderr and fragment in run.stderr, run.stderr
    assert time.monotonic() - t0 < 30


def test_a_hanging_endpoint_is_reachable_and_a_listening_one_too():
    import socket

    from tui.config.options import unreachable

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        assert unreachable(f"http://127.0.0.1:{server.getsockname()[1]}", timeout=1) is None
    finally:
        server.close()
