"""Getting things out of whatever screen is on top: copy (``y`` / ``Y``), console URL (``o``),
export (``x`` CSV, ``X`` JSON) and an SVG screenshot (Ctrl+S).

The app's actions call these functions with itself; they read the screen on top by what it
holds (a focused table's selected row, the resource the screen is about, a focused log view)
rather than by its class, so every screen, present and future, takes part without knowing
of this module. What is copied goes through :meth:`textual.app.App.copy_to_clipboard` (an OSC
52 sequence, which reaches the local clipboard over SSH in terminals that allow it); what is
exported is what the screen shows, built by :mod:`tui.model.export_views` and written by
:mod:`tui.model.export`. Files go to the current directory, or ``$XDG_DATA_HOME/sagemon-tui``
(``~/.local/share/sagemon-tui``) when the current directory cannot be written to.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import DataTable

from tui.model.console_url import console_url, resource_arn
from tui.model.export import Export, ExportColumn, ExportRow, ExportTable, export_stem, write_export
from tui.model.format import safe_text
from tui.model.kinds import spec_of
from tui.model.resources import (Alarm, Endpoint, FeatureGroup, InferenceComponent, Job, LabelingJob, Pipeline,
                                 PipelineExecution, RecommendationJob)

if TYPE_CHECKING:  # imported where used: RichLog pulls rich.pretty in, which the first frame does not need
    from tui.widgets.log_view import LogView

#: Model resources a selection can be.
RESOURCES = (Endpoint, InferenceComponent, Job, Pipeline, PipelineExecution, LabelingJob, FeatureGroup,
             RecommendationJob, Alarm)
#: Seconds within which a second ``y`` on the same resource copies its ARN.
AGAIN_SECONDS = 5.0
#: Cells of a copied text shown in the notification.
SHOWN = 60

@dataclass(frozen=True)
class Target:
    """What ``y`` / ``o`` act on: a resource (its name, ARN and console page) or a log line."""

    noun: str
    name: str
    arn: str | None = None
    url: str | None = None


def _noun(resource) -> str:
    if isinstance(resource, PipelineExecution):
        return "pipeline execution"
    spec = spec_of(resource)
    return spec.noun if spec else "resource"


def resource_target(resource, account: str | None, pipeline: Pipeline | None = None) -> Target:
    if isinstance(resource, PipelineExecution):
        return Target(_noun(resource), resource.execution_id, resource.arn or None,
                      console_url(resource, pipeline=pipeline))
    return Target(_noun(resource), resource.name, resource_arn(resource, account), console_url(resource))


def _screen_resource(screen):
    """The resource a screen is about (most specific first): an execution, a component, ..."""
    for attr in ("execution", "component", "endpoint", "pipeline", "job", "resource"):
        value = getattr(screen, attr, None)
        if isinstance(value, RESOURCES):
            return value
    return None


def log_line(view: LogView) -> str | None:
    """The log line in question: the current search match, else the newest line in view."""
    lines = view.plain_lines
    if not lines:
        return None
    match = view.current_match
    if match is not None and 0 <= match < len(lines):
        return lines[match]
    if view.follow:
        return lines[-1]
    bottom = int(view.scroll_y) + max(1, view.scrollable_content_region.height) - 1
    return lines[max(0, min(len(lines) - 1, bottom))]


def target_of(app, *, lines: bool = True) -> Target | None:
    """What the screen on top has selected (``lines``: a focused log view's line counts)."""
    from tui.widgets.log_view import LogView

    screen = app.screen
    focused = app.focused
    if lines and isinstance(focused, LogView):
        line = log_line(focused)
        if line is not None:
            return Target("log line", line)
    account = getattr(getattr(app, "state", None), "account", None)
    row = getattr(focused, "selected_row", None) if focused is not None else None
    resource = getattr(row, "resource", None)
    if isinstance(resource, RESOURCES):
        return resource_target(resource, account, getattr(screen, "pipeline", None))
    resource = _screen_resource(screen)
    if resource is None:
        return None
    return resource_target(resource, account, getattr(screen, "pipeline", None))


# -- copy ----------------------------------------------------------------------------------------

class Copier:
    """``y``: the name (again within a few seconds: the ARN); ``Y``: the ARN; ``o``: the URL."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._last: tuple[Target, float] | None = None

    def copy(self, app, arn: bool = False) -> str | None:
        """Copy the selection's name or ARN (or the selected log line); returns what was copied."""
        target = target_of(app, lines=not arn)
        if target is None:
            app.notify("nothing selected to copy here", severity="warning", timeout=3)
            return None
        if target.noun == "log line":
            return self._put(app, target.name, "log line")
        again = self._last is not None and self._last[0] == target and self.clock() - self._last[1] < AGAIN_SECONDS
        self._last = None if arn or again else (target, self.clock())
        if arn or again:
            if not target.arn:
                app.notify(f"the ARN of this {target.noun} is not known (the account was not read)",
                           severity="warning", timeout=4, markup=False)
                return None
            return self._put(app, target.arn, f"{target.noun} ARN")
        hint = " (y again: ARN)" if target.arn else ""
        return self._put(app, target.name, f"{target.noun} name", hint)

    def open_url(self, app) -> str | None:
        target = target_of(app, lines=False)
        if target is None or not target.url:
            what = f"a {target.noun}" if target is not None else "this screen"
            app.notify(f"no console page for {what}", severity="warning", timeout=3, markup=False)
            return None
        app.copy_to_clipboard(target.url)
        app.notify(safe_text(target.url), title=f"console URL of the {target.noun} (copied)", timeout=12,
                   markup=False)
        return target.url

    @staticmethod
    def _put(app, text: str, what: str, hint: str = "") -> str:
        app.copy_to_clipboard(text)
        app.notify(f"copied {what}: {safe_text(text, SHOWN)}{hint}", timeout=4, markup=False)
        return text


# -- export --------------------------------------------------------------------------------------

def export_folder() -> Path:
    """The current directory where it can be written to, else the user's data directory."""
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    folder = Path(base) / "sagemon-tui"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _log_export(view: LogView, title: str) -> Export:
    rows = [ExportRow(str(i), str(i + 1), {"n": str(i + 1), "line": line}) for i, line in enumerate(view.plain_lines)]
    return Export(title, tables=[ExportTable("log", [ExportColumn("n", "#", True), ExportColumn("line", "Line")],
                                             rows)])


def _shown(widget) -> bool:
    node = widget
    while node is not None and hasattr(node, "display"):
        if not node.display:
            return False
        node = node.parent
    return True


def screen_export(app) -> Export | None:
    """What the screen on top shows, as an :class:`Export` (None: nothing to export)."""
    from tui.model.export_views import job_export, pane_export, resource_export
    from tui.widgets.log_view import LogView

    screen, state, now = app.screen, getattr(app, "state", None), int(time.time())
    pane, table = getattr(screen, "pane", None), getattr(screen, "table", None)
    if pane is not None and callable(table) and state is not None:  # the overview
        return pane_export(pane, list(table().shown), state.store, now)
    views = list(screen.query(LogView))
    if views and (isinstance(app.focused, LogView) or not hasattr(screen, "job")):
        return _log_export(views[0], f"{getattr(screen, 'crumb', '') or 'log'}-log")
    job, hosts = getattr(screen, "job", None), getattr(screen, "table", None)
    if isinstance(job, Job) and not callable(hosts):  # a job or host screen and its host grid
        from tui.model.job_views import job_facts
        from tui.widgets.host_grid_cells import short_name

        title = job.name if getattr(screen, "host", None) is None else f"{job.name}-{screen.crumb}"
        return job_export(title, job_facts(job), hosts, short_name)
    facts = [f for w in screen.query("*") if _shown(w) for f in (getattr(w, "facts", None) or [])
             if hasattr(f, "label") and hasattr(f, "text")]
    tables = [(t.id or "table", t.spec, list(t.rows_shown)) for t in screen.query(DataTable)
              if hasattr(t, "rows_shown") and hasattr(t, "spec") and _shown(t) and t.rows_shown]
    charts = [s for w in screen.query("*") if _shown(w) for s in (getattr(w, "specs", None) or [])
              if hasattr(s, "lines")]
    if not (facts or tables or charts):
        return None
    return resource_export(getattr(screen, "crumb", "") or "screen", facts, tables, charts, now)


def export_screen(app, fmt: str) -> list[Path]:
    from tui.model.accounts import account_named

    export = screen_export(app)
    if export is not None:  # a resource of one of several accounts: its account named in the files
        inventory = getattr(getattr(app, "state", None), "inventory", None)
        export.named(account_named(_screen_resource(app.screen), inventory))
    if export is None:
        app.notify("nothing to export on this screen", severity="warning", timeout=3)
        return []
    try:
        paths = write_export(export, fmt, export_folder(), time.time())
    except OSError as exc:
        app.notify(safe_text(f"cannot write the export: {exc.strerror or exc}", 200), severity="error",
                   markup=False)
        return []
    more = f" (+{len(paths) - 1} more: " + ", ".join(p.name for p in paths[1:]) + ")" if len(paths) > 1 else ""
    app.notify(safe_text(f"exported to {paths[0]}{more}", 300), title=f"export ({fmt.upper()})", timeout=10,
               markup=False)
    return paths


def save_screenshot(app) -> Path | None:
    label = getattr(app.screen, "crumb", "") or getattr(getattr(app.screen, "pane", None), "value", "") or "screen"
    try:
        folder = export_folder()
        name = export_stem(label, time.time(), "screenshot") + ".svg"
        path = Path(app.save_screenshot(filename=name, path=str(folder)))
    except OSError as exc:
        app.notify(safe_text(f"cannot save the screenshot: {exc.strerror or exc}", 200), severity="error",
                   markup=False)
        return None
    app.notify(safe_text(f"saved {path}", 300), title="screenshot (SVG)", timeout=10, markup=False)
    return path
