"""Theme files: the shipped ``themes/`` folder (inside the wheel, or in a source checkout) and
the user's own themes in the config directory.

Shipped themes are ``themes/*.json``, each ``{"themes": [ {Theme fields}, ... ]}``. A user adds
themes as ``$XDG_CONFIG_HOME/sagemon-tui/themes/*.json`` or ``*.toml`` (default
``~/.config/sagemon-tui/themes``): either one theme (Textual ``Theme`` fields at the top level)
or several (``"themes": [...]`` / ``[[themes]]``). ``variables`` may set the app's health
colours (``sagemon-ok``, ``sagemon-warn``, ``sagemon-crit``, ``sagemon-stale``,
``sagemon-heat-0`` .. ``sagemon-heat-4`` ...); what a theme leaves out takes the app's defaults.
A user theme with the name of a shipped one replaces it. A file that cannot be read is
skipped and named in :attr:`ThemeLoad.problems`; the app says so in one line and starts.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.theme import Theme

_PACKAGE = Path(__file__).resolve().parent


def theme_dir() -> Path:
    """``tui/themes`` in a wheel install; the top-level ``themes/`` in a checkout."""
    for candidate in (_PACKAGE / "themes", _PACKAGE.parent / "themes"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the sagemon-tui themes folder is missing from this installation")


def stylesheet() -> Path:
    return theme_dir() / "sagemon.tcss"


def user_theme_dir(environ: dict[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/sagemon-tui/themes`` (``~/.config/...`` without it or with a relative
    one, on macOS too): beside the config file (:func:`tui.config.settings.config_home`)."""
    from tui.config.settings import config_home

    return config_home(os.environ if environ is None else environ) / "sagemon-tui" / "themes"


@dataclass
class ThemeLoad:
    """The themes found, in load order, and one line per file that could not be used."""

    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)  #: theme name -> its file


def _entries(data: object) -> list[dict]:
    if isinstance(data, dict) and isinstance(data.get("themes"), list):
        return [t for t in data["themes"] if isinstance(t, dict)]
    if isinstance(data, dict) and "name" in data:
        return [data]
    return []


def _read_theme_file(path: Path, out: ThemeLoad) -> None:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        out.problems.append(f"theme file {path}: {type(exc).__name__}: {exc}")
        return
    entries = _entries(data)
    if not entries:
        out.problems.append(f"theme file {path}: no theme in it (need a name and a primary colour)")
    for fields in entries:
        fields = {k: v for k, v in fields.items() if not k.startswith("_")}
        try:
            theme = Theme(**fields)
            theme.to_color_system()  # a colour Textual cannot parse fails here, not at switch time
        except Exception as exc:  # noqa: BLE001 - a TypeError or a colour parse error: named, skipped
            out.problems.append(f"theme file {path}: theme {fields.get('name', '?')!r}: {exc}")
            continue
        out.themes = [t for t in out.themes if t.name != theme.name] + [theme]
        out.sources[theme.name] = path


def load_theme_files(user_dir: Path | None = None) -> ThemeLoad:
    """Every shipped theme, then the user's (``user_dir``, default :func:`user_theme_dir`)."""
    out = ThemeLoad()
    for path in sorted(theme_dir().glob("*.json")):
        _read_theme_file(path, out)
    folder = user_theme_dir() if user_dir is None else user_dir
    if folder.is_dir():
        for path in sorted([*folder.glob("*.json"), *folder.glob("*.toml")]):
            _read_theme_file(path, out)
    return out


def pick_theme(wanted: str | None, available, default: str) -> tuple[str, str | None]:
    """The theme to start in (``--theme`` / config ``theme``, else ``default``) and, when the
    wanted one does not exist, the one line that says so."""
    name = wanted or default
    if name in available:
        return name, None
    fallback = default if default in available else "textual-dark"
    return fallback, f"no theme named {name!r}: using {fallback!r} (Ctrl+P > theme lists them)"
