"""``sagemon-tui snapshot``: one read of AWS printed as text (or JSON), then exit.

For scripts, cron and chat-ops::

    sagemon-tui snapshot                       # every pane that lists something
    sagemon-tui snapshot --pane jobs --json    # one pane (or several: --pane endpoints,jobs)
    sagemon-tui snapshot --job NAME            # a job's facts and its per-host table
    sagemon-tui snapshot --endpoint NAME       # an endpoint's facts and its variants

It reads through exactly the app's data layer: the same :class:`~tui.refresh.Refresher`
(discovery and the metrics fetch into the model, its first refresh a full one, as the app's
is), then the overview's row builders and the drill-down screens' model functions, exported
with :mod:`tui.model.export_views`, so every cell reads as the app shows it (a control
character in a name shows as its visible symbol; the output has no terminal escapes).

Exit status: 0 printed; 1 AWS could not be read (the reason on stderr, one line); 2 a bad
flag, an unknown pane, job or endpoint (one line on stderr). Warnings (a kind that could not
be listed while others could) go to stderr as ``sagemon-tui: warning: ...`` lines.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tui.model.export import Export, dumps, facts_text, text_table, to_json
from tui.model.format import safe_text
from tui.model.schedule import RefreshRequest
from tui.model.kinds import PANE_KINDS, Pane, pane_named

PROG = "sagemon-tui snapshot"
#: Seconds ``--demo`` waits for the demo's history to be complete before reading.
DEMO_HISTORY_WAIT = 300.0


class SnapshotFailed(Exception):
    """Printed as one line on stderr; ``code`` is the exit status."""

    def __init__(self, text: str, code: int = 1) -> None:
        super().__init__(text)
        self.code = code


@dataclass
class Request:
    panes: tuple[Pane, ...] = ()  # empty: every pane
    job: str | None = None
    endpoint: str | None = None
    json: bool = False
    width: int | None = None  # None: every column


@dataclass
class Snapshot:
    views: list[Export]
    account: str | None = None
    regions: tuple[str, ...] = ()
    window: str = ""
    taken: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: Column keys hidden per view title (the config's hidden columns; text output only).
    hidden: dict[str, tuple[str, ...]] = field(default_factory=dict)


# -- the command line ---------------------------------------------------------------------------

def add_snapshot_arguments(p) -> None:
    """The snapshot's own flags, on a parser that has the app's (``tui.config.options.build_parser``)."""
    p.description = ("Read AWS once and print one pane as a table (or JSON), a job's hosts or an "
                     "endpoint's variants, then exit: 0 printed, 1 AWS could not be read, 2 unknown "
                     "pane, job or endpoint.")
    p.epilog = "Panes: " + ", ".join(pn.value for pn in Pane) + " (or all, the default)."
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--pane", metavar="PANE", help="the pane(s) to print, separated by commas (default: all)")
    p.add_argument("--job", metavar="NAME", help="a training, processing or transform job: its facts and hosts")
    p.add_argument("--endpoint", dest="endpoint_name", metavar="NAME",
                   help="an endpoint: its facts and variants")
    p.add_argument("--width", metavar="COLUMNS",
                   help="fit the table to this many columns as the app would (0: every column; default: "
                        "the terminal's width, every column when the output is not a terminal)")


def parse_request(args) -> Request:
    """The snapshot's own flags; a :class:`SnapshotFailed` with status 2 when one is wrong."""
    req = Request(json=bool(args.json), job=args.job, endpoint=args.endpoint_name)
    if req.job is not None and req.endpoint is not None:
        raise SnapshotFailed("--job and --endpoint cannot be used together", 2)
    if args.pane is not None:
        if req.job is not None or req.endpoint is not None:
            raise SnapshotFailed("--pane cannot be used with --job or --endpoint", 2)
        names = [n.strip() for n in args.pane.split(",") if n.strip()]
        if not names:
            raise SnapshotFailed("--pane needs a pane name", 2)
        panes = []
        for name in names:
            if name.lower() == "all":
                panes = list(Pane)
                break
            pane = pane_named(name)
            if pane is None:
                raise SnapshotFailed(f"no pane named {safe_text(name, 40)!r} (panes: "
                                     + ", ".join(pn.value for pn in Pane) + ", all)", 2)
            panes.append(pane)
        req.panes = tuple(dict.fromkeys(panes))
    if args.width is not None:
        try:
            width = int(args.width)
        except ValueError:
            raise SnapshotFailed(f"--width must be a whole number of columns, got {safe_text(args.width, 20)!r}",
                                 2) from None
        if width < 0:
            raise SnapshotFailed(f"--width must be 0 or more, got {width}", 2)
        req.width = width or None
    elif sys.stdout.isatty():
        req.width = shutil.get_terminal_size().columns
    return req


def main(argv: list[str] | None = None) -> int:
    """Parse with the app's parser and settings (``tui.cli``), then :func:`print_snapshot`."""
    from tui.config.options import build_parser, resolve_options

    p = build_parser(PROG)
    add_snapshot_arguments(p)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        parse_request(args)  # a bad snapshot flag is reported before the config is read
    except SnapshotFailed as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return exc.code
    return print_snapshot(args, resolve_options(args))


def print_snapshot(args, opts) -> int:
    """Take and print the snapshot ``args`` ask for with the resolved options ``opts``."""
    from tui.config.options import unreachable

    try:
        req = parse_request(args)
    except SnapshotFailed as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return exc.code
    if opts.endpoint_url:
        why = unreachable(opts.endpoint_url)
        if why is not None:
            sys.stderr.write(f"sagemon-tui: cannot reach {safe_text(opts.endpoint_url)}: {safe_text(why)}\n")
            return 1
    try:
        snap = take(opts, req)
    except SnapshotFailed as exc:
        sys.stderr.write(f"sagemon-tui: {safe_text(str(exc), 400)}\n")
        return exc.code
    except KeyboardInterrupt:
        return 130
    for line in snap.warnings:
        sys.stderr.write(f"sagemon-tui: warning: {safe_text(line, 400)}\n")
    text = dumps(snapshot_json(snap)) if req.json else render_text(snap, req.width)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: what was wanted was printed
        return 0
    return 0


# -- reading AWS --------------------------------------------------------------------------------

def take(opts, req: Request, *, connection=None) -> Snapshot:
    """Read AWS once (through ``connection``, else one made from ``opts``) and build the views."""
    from tui.refresh import connect

    conn = connection
    if conn is None:
        try:
            conn = connect(opts, lambda _text: None)
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            from tui.model.state import describe_error
            from tui.refresh import _code

            raise SnapshotFailed(describe_error(_code(exc), str(exc), "cannot connect to AWS", opts.profile)) from None
    try:
        if conn.history is not None:  # the demo still backfills its history: wait for all of it
            conn.history.wait(DEMO_HISTORY_WAIT)
        return _read(conn, opts, req)
    finally:
        if connection is None and getattr(conn, "demo", None) is not None:
            conn.demo.stop()


def _read(conn, opts, req: Request) -> Snapshot:
    from tui.config.rules import WINDOWS
    from tui.refresh import Refresher

    refresher = Refresher(conn.clients, WINDOWS[opts.window])
    first = Pane.JOBS if req.job else Pane.ENDPOINTS if req.endpoint else (req.panes or tuple(Pane))[0]
    report = refresher.run(first, full=True)  # the app's first refresh: every pane
    if report.errors:
        raise SnapshotFailed(report.errors[0])
    snap = Snapshot([], conn.account, tuple(conn.regions), opts.window, time.time(), list(report.warnings))
    inv = report.inventory
    hidden_cols = dict(getattr(opts, "hidden_columns", {}) or {})
    if req.job is not None:
        snap.views.append(_job_view(refresher, req.job))
    elif req.endpoint is not None:
        snap.views.append(_endpoint_view(refresher, req.endpoint))
    else:
        from tui.model.export_views import pane_export
        from tui.model.overview import pane_rows
        from tui.model.state import kind_of

        hidden = set(getattr(opts, "hidden_panes", ()) or ())
        panes = req.panes or tuple(p for p in Pane if p.value not in hidden)
        now = int(time.time())
        for pane in panes:
            failed = [e for e in inv.errors if not e.partial and kind_of(e.kind) in PANE_KINDS[pane]]
            rows = pane_rows(pane, inv, report.store, now)
            if failed and not rows and req.panes:  # asked for, and could not be listed at all
                from tui.model.state import discovery_error_text

                raise SnapshotFailed(discovery_error_text(failed[0], opts.profile))
            if rows or req.panes:
                snap.views.append(pane_export(pane, rows, report.store, now))
                if pane.value in hidden_cols:
                    snap.hidden[pane.value] = tuple(hidden_cols[pane.value])
    snap.taken = time.time()
    return snap


def _refresh_detail(refresher, pane: Pane, request):
    report = refresher.run(RefreshRequest(pane, detail=request), full=True)  # the newest minutes only
    if report.errors:
        raise SnapshotFailed(report.errors[0])
    return report


def _job_view(refresher, name: str) -> Export:
    from tui.model.export_views import job_export
    from tui.model.job_requests import algorithm_names, job_hosts, job_request
    from tui.model.job_views import job_host_table, job_facts
    from tui.model.resources import job_anchor
    from tui.widgets.host_grid_cells import short_name

    inv = refresher.inventory
    job = next((j for j in inv.jobs if j.name == name), None)
    if job is None:
        raise SnapshotFailed(_not_found("job", name, [j.name for j in inv.jobs], refresher.regions), 2)
    hosts = job_hosts(job, None)
    report = _refresh_detail(refresher, Pane.JOBS, job_request(job, hosts))
    found = job_hosts(job, report.detail)
    if found != hosts:  # a transform job's hosts: known once read
        hosts = found
        report = _refresh_detail(refresher, Pane.JOBS,
                                 job_request(job, hosts, algorithm_names(job, report.detail)))
    job = next((j for j in report.inventory.jobs if j.key == job.key), job)
    now = job_anchor(job, time.time())
    table = job_host_table(job, hosts, report.store, now, facts=report.inventory.facts(job.instance_type)) \
        if hosts else None
    return job_export(job.name, job_facts(job), table, short_name)


def _endpoint_view(refresher, name: str) -> Export:
    from tui.model.endpoint.charts import endpoint_charts
    from tui.model.endpoint.components import COMPONENT_COLUMNS
    from tui.model.endpoint.facts import endpoint_facts
    from tui.model.endpoint.keys import endpoint_request
    from tui.model.endpoint.variants import VARIANT_COLUMNS, variant_rows
    from tui.model.export_views import resource_export
    from tui.model.overview import component_rows
    from tui.model.plan import endpoint_components
    from tui.model.resources import Inventory

    inv = refresher.inventory
    ep = next((e for e in inv.endpoints if e.name == name), None)
    if ep is None:
        raise SnapshotFailed(_not_found("endpoint", name, [e.name for e in inv.endpoints], refresher.regions), 2)
    report = _refresh_detail(refresher, Pane.ENDPOINTS, endpoint_request(ep, inv))
    inv, store, now = report.inventory, report.store, int(time.time())
    ep = next((e for e in inv.endpoints if e.key == ep.key), ep)
    tables = [("variants", VARIANT_COLUMNS, variant_rows(ep, store, now, inv))]
    comps = endpoint_components(ep, inv)
    if comps:
        tables.append(("components", COMPONENT_COLUMNS, component_rows(Inventory(components=comps), store, now)))
    export = resource_export(ep.name, endpoint_facts(ep, inv, store, now), tables,
                             endpoint_charts(ep, store, now, inv), now)
    export.facts.insert(0, ("Endpoint", safe_text(ep.name)))
    return export


def _not_found(noun: str, name: str, names: list[str], regions) -> str:
    where = f" in {', '.join(regions)}" if regions else ""
    close = [n for n in names if name.lower() in n.lower()][:3]
    hint = f" (did you mean {', '.join(safe_text(n, 64) for n in close)}?)" if close else \
        f" ({len(names)} {noun}s listed)"
    return f"no {noun} named {safe_text(name, 64)!r}{where}{hint}"


# -- printing -------------------------------------------------------------------------------------

def snapshot_json(snap: Snapshot) -> dict:
    return {
        "version": 1,
        "account": snap.account,
        "regions": list(snap.regions),
        "window": snap.window,
        "time": datetime.fromtimestamp(snap.taken, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "views": [to_json(v) for v in snap.views],
        "warnings": [safe_text(w) for w in snap.warnings],
    }


def _fitted(export: Export, width: int | None, hidden: tuple[str, ...]) -> list[str] | None:
    """The column keys the overview would show at ``width`` (None: every column)."""
    pane = pane_named(export.title) if export.title in {p.value for p in Pane} else None
    table = export.tables[0]
    keys = [c.key for c in table.columns if c.key not in hidden]
    if width is None or pane is None:
        return keys
    from tui.model.columns import COLUMNS, visible_columns

    longest = max((len(r.name) for r in table.rows), default=12)
    cols = [c for c in COLUMNS[pane] if c.key in keys]
    shown = {c.key for c in visible_columns(cols, width - 2, name_width=longest, min_name=longest, grow_spark=False)}
    return [k for k in keys if k in shown]


def render_text(snap: Snapshot, width: int | None = None) -> str:
    """Every view: a title line, its facts, its tables (plain text, no escapes)."""
    blocks = []
    for view in snap.views:
        parts = []
        is_pane = view.title in {p.value for p in Pane}
        if is_pane:
            pane = Pane(view.title)
            count = len(view.tables[0].rows)
            parts.append(f"{pane.title} ({count})" if count else f"{pane.title}: none")
        if view.facts:
            parts.append(facts_text(view.facts))
        for i, table in enumerate(view.tables):
            if is_pane and not table.rows:
                continue
            keys = _fitted(view, width, snap.hidden.get(view.title, ())) if is_pane and i == 0 else None
            title = "" if is_pane else f"{table.title.capitalize()}\n"
            parts.append(title + text_table(table, keys))
        blocks.append("\n\n".join(parts))
    if not blocks:
        where = ", ".join(snap.regions)
        blocks.append(f"nothing listed{' in ' + where if where else ''}")
    return "\n\n".join(blocks) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
