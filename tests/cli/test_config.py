"""The config file, ``SAGEMON_*`` variables and flags, ``sagemon-tui config``, and the session log.

Every test has its own XDG config and cache folders (tests/conftest.py and ``tmp_path``), and
reads AWS profiles from its own files: nothing here reads or writes the real home directory.
"""

from __future__ import annotations

import logging
import socket
import tomllib

import pytest

from tests.pilot import wait_for
from tui import cli
from tui.config.options import Options, parse
from tui.config import session_log
from tui.config.settings import SETTINGS, default_path
from tui.model import health
from tui.model.cells import util_level
from tui.model.kinds import Pane
from tui.model.thresholds import set_thresholds

SECRET_KEY_ID = "AKIAZZZZEXAMPLEKEY12"
SECRET_KEY = "s3cr3t-KEY-wJalrXUtnFEMIK7MDENG-bPxRfiCY"
SECRET_TOKEN = "FwoGZXIvYXdzEXAMPLE-session-token-9f8e7d6c5b4a"
VALID = """\
refresh = 30
regions = ["us-east-1", "eu-west-1"]
window = "12h"
theme = "sagemon-light"
color = "256"
ascii = true
max_cost_per_day = 2.5
bell = true
hidden_panes = ["labeling"]
hidden_columns = ["jobs.disk", "endpoints.overhead"]

[thresholds.CPUUtilizationNormalized]
warn = 50
critical = 70

[keys]
pause = "f6"
"""


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """This test's own AWS files (profile ``prod`` exists) and no profile in the environment;
    the health thresholds are the defaults again afterwards."""
    config, credentials = tmp_path / "aws-config", tmp_path / "aws-credentials"
    config.write_text("[default]\nregion = us-east-1\n\n[profile prod]\nregion = eu-west-1\n")
    credentials.write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    yield
    set_thresholds({})


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    """Writes ``$XDG_CONFIG_HOME/sagemon-tui/config.toml`` (XDG_CONFIG_HOME in ``tmp_path``)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "xdg" / "sagemon-tui" / "config.toml"
    path.parent.mkdir(parents=True)

    def write(text: str):
        path.write_text(text, encoding="utf-8")
        return path

    return write


def config_lines(argv: list[str], capsys) -> dict[str, tuple[object, str]]:
    """``sagemon-tui config`` run in-process, each line parsed back: {key: (value, source)}."""
    assert cli.main(["config", *argv]) == 0
    out = {}
    for line in capsys.readouterr().out.splitlines():
        setting, _, rest = line.partition(" = ")
        value, _, source = rest.rpartition("  # ")
        out[setting] = (None if value == "unset" else tomllib.loads(f"v = {value}")["v"], source)
    return out


# -- the file -------------------------------------------------------------------------------------

def test_a_valid_file_sets_every_key(config_file, capsys):
    path = config_file(VALID)
    o = parse([])
    assert (o.refresh, o.regions, o.window, o.theme, o.color, o.ascii) == (
        30, ("us-east-1", "eu-west-1"), "12h", "sagemon-light", "256", True)
    assert (o.max_cost_per_day, o.bell, o.hidden_panes) == (2.5, True, ("labeling",))
    assert o.hidden_columns == {"jobs": ("disk",), "endpoints": ("overhead",)}
    assert o.thresholds == {"CPUUtilizationNormalized": (50.0, 70.0)}
    assert o.keys == {"pause": "f6"}
    assert o.config_path == str(path) and o.config_warning is None
    assert o.sources["refresh"] == str(path) and o.sources["debug"] == "default"
    assert capsys.readouterr().err == ""


def test_the_file_location(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert default_path() == tmp_path / "home" / ".config" / "sagemon-tui" / "config.toml"  # macOS too
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert cli.main(["config", "--path"]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'xdg' / 'sagemon-tui' / 'config.toml'}\n"
    assert cli.main(["config", "--path", "--config", str(tmp_path / "mine.toml")]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'mine.toml'}\n"


def test_no_file_is_the_defaults_without_a_word(capsys):
    o = parse([])
    assert (o.refresh, o.window, o.color, o.theme, o.hidden_panes, o.keys) == (60, "3h", "auto", "sagemon", (), {})
    assert set(o.sources.values()) == {"default"}
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("text, line, words", [
    ("refresh = 30\nwindow = = 3h\n", 2, "not valid TOML"),
    ("refresh = 30\nrefesh = 30\n", 2, "refesh: unknown key"),
    ('window = "3h"\nrefresh = "30"\n', 2, "refresh must be a whole number, got '30'"),
    ("ascii = 1\n", 1, "ascii must be true or false"),
    ("refresh = 5\n", 1, "refresh must be at least 10 seconds, got 5"),
    ('color = "fancy"\n', 1, "color must be one of auto, truecolor, 256, 16, none"),
    ('hidden_panes = ["endpoints", "nope"]\n', 1, "hidden_panes: no pane named 'nope'"),
    ('hidden_columns = ["jobs.colour"]\n', 1, "the jobs pane has no column 'colour'"),
    ("[thresholds.DiskUtilization]\nwarn = 80\ncritical = \"high\"\n", 3,
     "thresholds.DiskUtilization.critical must be a number"),
    ("[thresholds.Nope]\nwarn = 1\n", 1, "thresholds.Nope: no threshold for this metric"),
    ('\n[keys]\nrefresh = "f5"\nexplode = "x"\n', 4, "keys.explode: no such action"),
    ('[keys]\nrefresh = "two words"\n', 2, "keys.refresh must be a key"),
])
def test_a_malformed_file_is_one_line_and_the_defaults(config_file, capsys, text, line, words):
    path = config_file(text)
    o = parse([])
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith(f"sagemon-tui: warning: {path}:{line}: "), err
    assert words in err, err
    assert o.config_warning == err.removeprefix("sagemon-tui: warning: ").strip()
    defaults = Options()
    assert (o.refresh, o.window, o.color, o.ascii, o.hidden_panes, o.thresholds, o.keys) == (
        defaults.refresh, defaults.window, defaults.color, defaults.ascii, (), {}, {})
    assert set(o.sources.values()) == {"default"}


def test_a_file_naming_an_unknown_aws_profile_is_ignored(config_file, capsys):
    path = config_file('profile = "nope"\nrefresh = 30\n')
    o = parse([])
    err = capsys.readouterr().err
    assert err.startswith(f"sagemon-tui: warning: {path}:1: profile: no profile named 'nope'")
    assert (o.profile, o.refresh) == (None, 60)


def test_a_missing_config_flag_file_is_an_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        parse(["--config", str(tmp_path / "absent.toml")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--config: no such file" in err


# -- precedence: default < file < env < flag ----------------------------------------------------------

def test_precedence_read_back_from_the_config_command(config_file, monkeypatch, capsys):
    path = config_file('refresh = 30\nwindow = "12h"\ntheme = "from-file"\ncolor = "16"\nprofile = "default"\n')
    monkeypatch.setenv("SAGEMON_WINDOW", "24h")
    monkeypatch.setenv("SAGEMON_THEME", "from-env")
    monkeypatch.setenv("SAGEMON_COLOR", "none")
    monkeypatch.setenv("SAGEMON_HIDDEN_PANES", "features,recommendations")
    got = config_lines(["--theme", "from-flag", "--profile", "prod", "--ascii"], capsys)
    assert set(got) == {s.key for s in SETTINGS}
    assert got["refresh"] == (30, str(path))  # file over default
    assert got["window"] == ("24h", "SAGEMON_WINDOW")  # env over file
    assert got["color"] == ("none", "SAGEMON_COLOR")
    assert got["theme"] == ("from-flag", "--theme")  # flag over env over file
    assert got["profile"] == ("prod", "--profile")
    assert got["ascii"] == (True, "--ascii")
    assert got["hidden_panes"] == (["features", "recommendations"], "SAGEMON_HIDDEN_PANES")
    assert got["max_cost_per_day"] == (None, "default") and got["bell"] == (False, "default")
    assert got["thresholds"] == ({}, "default")


def test_the_config_command_prints_tables_as_toml(config_file, capsys):
    path = config_file(VALID)
    got = config_lines([], capsys)
    assert got["thresholds"] == ({"CPUUtilizationNormalized": {"warn": 50.0, "critical": 70.0}}, str(path))
    assert got["keys"] == ({"pause": "f6"}, str(path))
    assert got["hidden_columns"] == (["jobs.disk", "endpoints.overhead"], str(path))
    assert got["max_cost_per_day"] == (2.5, str(path))


def test_one_rule_for_flag_env_and_file(config_file, monkeypatch, capsys):
    """The same words for the same bad value, from wherever it came."""
    with pytest.raises(SystemExit):
        parse(["--refresh", "5"])
    flag = capsys.readouterr().err
    monkeypatch.setenv("SAGEMON_REFRESH", "5")
    with pytest.raises(SystemExit) as exc:
        parse([])
    env = capsys.readouterr().err
    monkeypatch.delenv("SAGEMON_REFRESH")
    path = config_file("refresh = 5\n")
    parse([])
    file = capsys.readouterr().err
    assert exc.value.code == 2
    assert flag == "sagemon-tui: error: --refresh must be at least 10 seconds, got 5\n"
    assert env == "sagemon-tui: error: SAGEMON_REFRESH must be at least 10 seconds, got 5\n"
    assert file.startswith(f"sagemon-tui: warning: {path}:1: refresh must be at least 10 seconds, got 5")


@pytest.mark.parametrize("argv, words", [
    (["--color", "purple"], "--color must be one of auto, truecolor, 256, 16, none"),
    (["--max-cost-per-day", "-1"], "--max-cost-per-day must be a positive amount"),
    (["--max-cost-per-day", "nan"], "--max-cost-per-day must be a positive amount"),
    (["--theme", ""], "--theme needs a theme name"),
])
def test_new_flags_refuse_bad_values_in_one_line(argv, words, capsys):
    with pytest.raises(SystemExit) as exc:
        parse(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and words in err


def test_the_demo_ignores_a_configured_profile(config_file):
    config_file('profile = "prod"\n')
    assert parse([]).profile == "prod"
    o = parse(["--demo"])
    assert o.profile is None and o.sources["profile"] == "default"


# -- thresholds ---------------------------------------------------------------------------------

def test_configured_thresholds_change_the_health_level(config_file):
    assert util_level("CPUUtilizationNormalized", 60.0) == "ok"  # today's 85 / 95
    assert health.metric_level("DiskUtilization", 85.0) is health.Level.WARN
    assert health.error_level(2.0) is health.Level.WARN
    config_file("[thresholds.CPUUtilizationNormalized]\nwarn = 50\ncritical = 70\n"
                "[thresholds.DiskUtilization]\nwarn = 90\n"
                "[thresholds.Invocation5XXErrors]\nwarn = 3\ncritical = 4\n")
    set_thresholds(parse([]).thresholds)
    assert util_level("CPUUtilizationNormalized", 60.0) == "warn"
    assert util_level("CPUUtilizationNormalized", 75.0) == "crit"
    assert health.metric_level("DiskUtilization", 85.0) is health.Level.OK  # warn moved to 90; critical kept
    assert health.metric_level("DiskUtilization", 91.0) is health.Level.CRIT
    assert health.error_level(2.0) is health.Level.OK and health.error_level(4.5) is health.Level.CRIT
    assert health.memory_flag("algo-1", 96.0) is not None  # an untouched metric keeps its numbers


# -- the app: hidden panes and columns, key overrides, the config warning ---------------------------------

async def test_the_app_applies_the_config(clients):
    from tui.app import SagemonApp
    from tui.refresh import Connection

    opts = Options(refresh=60, window="1h", hidden_panes=("labeling",), hidden_columns={"jobs": ("disk",)},
                   keys={"pause": "f6", "next_pane": "n"}, config_warning="/x/config.toml:3: refresh: bad")
    app = SagemonApp(opts, connection=Connection(clients, None, None, clients.regions))
    async with app.run_test(size=(240, 40)) as pilot:  # wide: every column but the hidden one fits
        await wait_for(pilot, lambda: app.scheduler is not None, 30, "the connection")
        overview = app.overview
        tabs = [t.id for t in overview.query("Tab")]
        assert "labeling" not in tabs and "features" in tabs and len(tabs) == len(Pane) - 1
        assert not overview.query("#table-labeling")
        await pilot.press("f6")  # pause, rebound
        await pilot.pause(0.1)
        assert app.state.paused
        await pilot.press("p")  # its old key does nothing now
        await pilot.pause(0.1)
        assert app.state.paused
        await pilot.press("colon", *"pipelines", "enter")
        await wait_for(pilot, lambda: overview.pane.value == "pipelines", 5, "the pipelines pane")
        await pilot.press("n")  # next pane, rebound: labeling is skipped
        await wait_for(pilot, lambda: overview.pane.value == "features", 5, "the features pane")
        overview.show_pane(Pane.LABELING)  # the palette or a number key asking for it
        await pilot.pause(0.1)
        assert overview.pane.value == "features"
        await pilot.press("colon", *"jobs", "enter")
        await wait_for(pilot, lambda: overview.pane.value == "jobs", 5, "the jobs pane")
        await pilot.pause(0.2)
        keys = [c.key for c in overview.table().columns_spec]
        assert "mem" in keys and "disk" not in keys
        notes = [f"{n.title} {n.message}" for n in app._notifications]
        assert any("config file ignored" in n and "/x/config.toml:3" in n for n in notes), notes
        assert any("labeling pane is hidden" in n for n in notes), notes


# -- the session log ---------------------------------------------------------------------------------

@pytest.fixture
def logging_restored():
    """The loggers the session log touches, as they were (levels and handlers) after the test."""
    names = ("tui", "tui.session", "botocore")
    before = {n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers)) for n in names}
    yield
    for n, (level, handlers) in before.items():
        assert (logging.getLogger(n).level, logging.getLogger(n).handlers) == (level, handlers), n


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_debug_log_has_botocore_requests_and_no_credential(tmp_path, logging_restored):
    from tui.aws.session import AwsClients, AwsSettings

    path = tmp_path / "cache" / "sagemon-tui.log"
    log = session_log.start(debug=True, path=path)
    try:
        clients = AwsClients(AwsSettings(
            regions=("us-east-1",), endpoint_url=f"http://127.0.0.1:{_closed_port()}", max_attempts=1,
            connect_timeout=2, credentials={"aws_access_key_id": SECRET_KEY_ID, "aws_secret_access_key": SECRET_KEY,
                                            "aws_session_token": SECRET_TOKEN}))
        session_log.add_redactor(clients.redact)
        with pytest.raises(Exception):
            clients.sagemaker().list_endpoints()  # signed, sent, refused
        logging.getLogger("tui.session").error("ListEndpoints failed: token=%s key %s", SECRET_TOKEN, SECRET_KEY)
    finally:
        log.close()
    text = path.read_text(encoding="utf-8")
    assert "botocore" in text and "ListEndpoints" in text and "Sending http request" in text
    assert "ERROR tui.session: ListEndpoints failed" in text
    for secret in (SECRET_KEY_ID, SECRET_KEY, SECRET_TOKEN):
        assert secret not in text
    assert "****" in text


def test_without_debug_only_the_apps_lines_are_logged(tmp_path, logging_restored):
    path = tmp_path / "s.log"
    log = session_log.start(debug=False, path=path)
    try:
        logging.getLogger("botocore.endpoint").debug("a request")
        logging.getLogger("tui.session").warning("a warning")
    finally:
        log.close()
    text = path.read_text(encoding="utf-8")
    assert "WARNING tui.session: a warning" in text and "a request" not in text


def test_the_log_is_capped_by_rotation(tmp_path, monkeypatch, logging_restored):
    monkeypatch.setattr(session_log, "MAX_BYTES", 2000)
    path = tmp_path / "s.log"
    log = session_log.start(path=path)
    try:
        for i in range(200):
            logging.getLogger("tui.session").warning("problem number %d", i)
    finally:
        log.close()
    assert path.stat().st_size <= 2000 and (tmp_path / "s.log.1").stat().st_size <= 2000
    assert "problem number 199" in path.read_text(encoding="utf-8")
    assert not (tmp_path / "s.log.2").exists()


def test_the_command_opens_the_log_in_the_cache_folder(tmp_path, monkeypatch, config_file, logging_restored):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    config_file("refresh = 1\n")
    opts = parse([])
    log = cli._open_session_log(opts)
    log.close()
    text = (tmp_path / "cache" / "sagemon-tui" / "sagemon-tui.log").read_text(encoding="utf-8")
    assert "session started" in text and "refresh must be at least 10 seconds" in text


def test_bell_flag_overrides_the_file_both_ways(config_file, capsys):
    config_file("bell = true\n")
    assert config_lines(["--no-bell"], capsys)["bell"] == (False, "--bell")
    assert config_lines([], capsys)["bell"][0] is True
    config_file("bell = false\n")
    assert config_lines(["--bell"], capsys)["bell"] == (True, "--bell")
