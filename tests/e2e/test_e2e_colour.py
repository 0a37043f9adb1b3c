"""End to end: the colours the real ``sagemon-tui --demo`` sends to a terminal, recorded byte
for byte from a private tmux server (``pipe-pane``).

A plain ``ssh`` session passes ``TERM=xterm-256color`` but not ``COLORTERM``: the app must
send 256-colour codes (``38;5;N``) and never 24-bit ones (``38;2;R;G;B``). Under
``NO_COLOR=1`` it must send no colour code at all (bold, reverse and the cursor moves stay).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

from tests.tmux_driver import Tmux, available

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not available(), reason="tmux is not installed (make tools installs it)")]

SCRIPT = Path(sys.executable).parent / "sagemon-tui"
SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def sgr_params(raw: str) -> list[list[str]]:
    """The parameters of every SGR (colour and attribute) sequence in ``raw``."""
    return [m.group(1).replace(":", ";").split(";") for m in SGR.finditer(raw)]


def colour_codes(params: list[str]) -> list[str]:
    """The colour-setting codes among one SGR's parameters (30-38, 40-48, 90-97, 100-107)."""
    out = []
    i = 0
    while i < len(params):
        p = params[i]
        if p in ("38", "48"):
            kind = params[i + 1] if i + 1 < len(params) else ""
            width = 3 if kind == "5" else 5 if kind == "2" else 2
            out.append(";".join(params[i:i + width]))
            i += width
            continue
        if p.isdigit() and (30 <= int(p) <= 37 or 40 <= int(p) <= 47 or 90 <= int(p) <= 97 or 100 <= int(p) <= 107):
            out.append(p)
        i += 1
    return out


def run_recorded(tmp_path: Path, env: dict[str, str], unset: tuple[str, ...] = ()) -> str:
    if not SCRIPT.exists():
        pytest.skip(f"the sagemon-tui console script is not installed next to {sys.executable}")
    record = tmp_path / "terminal.raw"
    tui = Tmux(120, 32)
    try:
        tui.start([str(SCRIPT), "--demo"], env=env, unset=unset, record=str(record))
        screen = tui.wait_for("updated", timeout=120)
        assert "Traceback" not in screen
        tui.type(":jobs")
        tui.keys("Enter")
        time.sleep(1.5)  # a pane of health colours drawn
        tui.keys("q")
        tui.wait_exit(15)
    finally:
        tui.stop()
    return record.read_text(encoding="utf-8", errors="replace")


def test_plain_ssh_gets_256_colours(tmp_path):
    raw = run_recorded(tmp_path, {"TERM": "xterm-256color"}, unset=("COLORTERM", "NO_COLOR"))
    codes = [c for params in sgr_params(raw) for c in colour_codes(params)]
    assert any(c.startswith("38;5;") for c in codes), "no 256-colour foreground sent"
    truecolour = [c for c in codes if c.startswith(("38;2", "48;2"))]
    assert not truecolour, truecolour[:5]


def test_no_color_sends_no_colour_code(tmp_path):
    raw = run_recorded(tmp_path, {"TERM": "xterm-256color", "NO_COLOR": "1"})
    params = sgr_params(raw)
    assert params, "no styling at all was sent"
    codes = [c for p in params for c in colour_codes(p)]
    assert not codes, sorted(set(codes))[:10]
    assert any("1" in p or "7" in p for p in params)  # bold / reverse still mark what colour did


def test_plain_xterm_gets_16_colours(tmp_path):
    raw = run_recorded(tmp_path, {"TERM": "xterm"}, unset=("COLORTERM", "NO_COLOR"))
    codes = [c for params in sgr_params(raw) for c in colour_codes(params)]
    assert codes, "no colour sent"
    assert not [c for c in codes if c.startswith(("38;", "48;"))], sorted({c for c in codes if ";" in c})[:5]
