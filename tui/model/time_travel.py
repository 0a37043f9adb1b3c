"""Time travel as plain data: which past moment the app shows, and what it lists there.

Pure Python. ``T`` moves the whole app to a past moment CloudWatch still keeps (15 months, at
the periods it keeps there: :data:`KEPT`); ``[`` / ``]`` step the window back and forward
(:func:`step_moment`); ``T`` again or Esc returns to live. This module

* reads the moment a person types (:func:`parse_moment`): ``-2d``, ``-36h``, ``-1d6h``, ``90m``
  (ago), ``03:10`` (the last 03:10: "the job at 03:10 last night"), ``yesterday 03:10``,
  ``2026-11-28 03:10`` or ``2026-11-28`` in local time, or in UTC with ``UTC`` or ``Z`` after it;
  always against a clock passed in, so tests freeze nothing;
* names it (:func:`moment_label`) and the period CloudWatch keeps for it (:func:`kept_period`);
* says what the overview lists there (:func:`rows_at`): jobs whose time span overlaps the
  window ending at the moment, as they were then (a job that ended later is running there),
  the other resources as they are now, the ones created after the moment marked "not yet";
* gives a job's own span (:func:`moment_span`), which its screen opens on while travelling;
* says what cannot be listed at a moment: the jobs of a metrics-only source account
  (:func:`unlisted_jobs_note`), and, older than two weeks, the instances and hosts ListMetrics
  names (:func:`unlisted_instances_note`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone, tzinfo

from tui.model.catalog import RETENTION
from tui.model.cells import DIM, Cell, Row
from tui.model.format import format_age, format_duration
from tui.model.kinds import Pane
from tui.model.overview import pane_rows, resource_count
from tui.model.resources import Inventory, Job, epoch_seconds
from tui.model.series import SeriesStore

#: Seconds back that CloudWatch keeps each period (the catalog's table).
KEPT = RETENTION
#: The oldest moment CloudWatch still holds a point for (seconds back).
OLDEST = KEPT[-1][0]
#: A moment closer to now than this is live, not history.
NEAREST = 60
#: What a status cell of a resource created after the moment says.
NOT_YET = "not yet"
#: Units of a relative moment ("mo" is 30 days).
_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "mo": 30 * 86400}
_RELATIVE = re.compile(r"^[-+]?\s*((\d+)\s*(mo|min|[smhdw])\s*)+(ago)?$")
_PART = re.compile(r"(\d+)\s*(mo|min|[smhdw])")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ t](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
#: What the prompt says it accepts.
FORMS = "-2d  -36h  -1d6h  03:10  yesterday 03:10  2026-11-28 03:10 (local; add UTC or Z for UTC)"


class MomentError(ValueError):
    """A typed moment that cannot be read, or that CloudWatch no longer (or not yet) holds."""


def kept_period(age: float) -> int:
    """The finest period CloudWatch keeps for a point ``age`` seconds old (60, 300 or 3600)."""
    for limit, period in KEPT:
        if age <= limit:
            return period
    return KEPT[-1][1]


def _local(when: datetime, tz: tzinfo | None) -> float:
    """Epoch seconds of a naive wall-clock ``when`` in ``tz`` (None: the local time zone)."""
    return when.replace(tzinfo=tz).timestamp() if tz is not None else when.timestamp()


def _today(now: float, tz: tzinfo | None) -> datetime:
    """``now`` as a naive wall-clock time in ``tz`` (None: local)."""
    return datetime.fromtimestamp(now, tz).replace(tzinfo=None)


def parse_moment(text: str, now: float, tz: tzinfo | None = None) -> int:
    """The moment ``text`` means, in epoch seconds on the minute (see the module for the forms).

    Wall-clock forms are read in ``tz`` (None: the local time zone), or in UTC when they end
    with ``UTC`` or ``Z``. Raises :class:`MomentError` for what cannot be read, a moment less than
    :data:`NEAREST` seconds ago or in the future, and one older than CloudWatch keeps (:data:`OLDEST`).
    """
    raw = " ".join(text.strip().split())
    value = raw.lower()
    if not value:
        raise MomentError(f"type a moment: {FORMS}")
    if value.endswith(" utc") or value.endswith("utc") or (value.endswith("z") and value[:1].isdigit()):
        value = value.removesuffix("utc").removesuffix("z").strip()
        tz = timezone.utc
    if _RELATIVE.match(value):
        back = sum(int(n) * _UNITS[u] for n, u in _PART.findall(value))
        at = now - back
    elif value.startswith("yesterday") and _CLOCK.match(value.removeprefix("yesterday").strip()):
        h, m = (int(x) for x in _CLOCK.match(value.removeprefix("yesterday").strip()).groups())
        day = _today(now, tz) - timedelta(days=1)
        at = _local(_wall(day.year, day.month, day.day, h, m, 0, raw), tz)
    elif (clock := _CLOCK.match(value)) is not None:
        h, m = (int(x) for x in clock.groups())
        day = _today(now, tz)
        at = _local(_wall(day.year, day.month, day.day, h, m, 0, raw), tz)
        if at > now - NEAREST:  # a time of day still to come today: the last one, yesterday's
            day -= timedelta(days=1)
            at = _local(_wall(day.year, day.month, day.day, h, m, 0, raw), tz)
    elif (date := _DATE.match(value)) is not None:
        y, mo, d, h, mi, s = (int(x) if x else 0 for x in date.groups())
        at = _local(_wall(y, mo, d, h, mi, s, raw), tz)
    else:
        raise MomentError(f"cannot read “{raw}”: try {FORMS}")
    if at > now - NEAREST:
        raise MomentError(f"“{raw}” is not in the past: that is live (T or Esc)")
    if now - at > OLDEST:
        raise MomentError(f"“{raw}” is {format_duration(now - at)} ago: CloudWatch keeps 15 months (455 days)")
    return int(at) - int(at) % 60


def _wall(y: int, mo: int, d: int, h: int, mi: int, s: int, raw: str) -> datetime:
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError as exc:
        raise MomentError(f"cannot read “{raw}”: {exc}") from None


def moment_label(at: int, now: float, tz: tzinfo | None = None) -> str:
    """``2026-11-28 03:10 CET (2d ago)``: the moment in ``tz`` (None: local) and its age, coarse
    enough that the status bar showing it changes about once a minute, not every second."""
    when = datetime.fromtimestamp(at, tz) if tz is not None else datetime.fromtimestamp(at).astimezone()
    return f"{when.strftime('%Y-%m-%d %H:%M')} {when.tzname() or ''}".rstrip() + f" ({format_age(at, now)} ago)"


def period_label(at: int, window: int, now: float) -> str:
    """The period CloudWatch keeps for the window ending at ``at`` ("1-min", "5-min", "1-hour")."""
    period = kept_period(now - (at - window))
    return {60: "1-min", 300: "5-min", 3600: "1-hour"}.get(period, f"{period}-s")


def step_moment(at: int | None, window: int, direction: int, now: float) -> int | None:
    """The moment one window back (``direction`` -1) or forward (+1) of ``at`` (None: live);
    None when forward reaches now (live again). Back never goes past :data:`OLDEST`."""
    base = int(now) - int(now) % 60 if at is None else at
    if at is None and direction > 0:
        return None
    moved = base + direction * window
    if moved > now - NEAREST:
        return None
    floor = int(now) - OLDEST + window  # the window's start still kept
    return max(moved, floor + -floor % 60)


# -- what the overview lists at a moment ----------------------------------------------------------

def job_span(job: Job, now: float) -> tuple[float, float] | None:
    """When ``job`` ran: (start, end), its end ``now`` while it runs (None: no time known)."""
    start = epoch_seconds(job.start_time or job.creation_time)
    if start is None:
        return None
    end = epoch_seconds(job.end_time)
    if end is None:
        end = now if job.running else start
    return start, max(start, end)


def job_overlaps(job: Job, begin: float, end: float, now: float) -> bool:
    """``job`` ran at some time in ``[begin, end]``."""
    span = job_span(job, now)
    return span is not None and span[0] <= end and span[1] >= begin


def existed_at(resource, at: float) -> bool:
    """``resource`` had been created by ``at`` (one without a creation time is taken as existing)."""
    created = epoch_seconds(getattr(resource, "creation_time", None))
    return created is None or created <= at


def job_then(job: Job, at: float, now: float) -> Job:
    """``job`` as it was at ``at``: still running then (status InProgress, no end, no failure
    yet) when it ended after ``at``; otherwise as it is."""
    span = job_span(job, now)
    if span is None or span[1] <= at or job.status == "InProgress":
        return job
    return replace(job, status="InProgress", secondary_status=None, end_time=None, failure_reason=None)


def inventory_at(inv: Inventory, at: int, window: int, now: float) -> Inventory:
    """``inv`` as the overview lists it at ``at``: only the jobs that ran in ``[at - window, at]``,
    each as it was then (:func:`job_then`); the other resources as they are now."""
    jobs = [job_then(j, at, now) for j in inv.jobs if job_overlaps(j, at - window, at, now)]
    return replace(inv, jobs=jobs)


def moment_rows(rows: list[Row], at: int) -> list[Row]:
    """``rows`` with the status of the resources created after ``at`` replaced by
    :data:`NOT_YET` (dim, sorted last); jobs are listed by their time span instead."""
    return [row if isinstance(row.resource, Job) or existed_at(row.resource, at) else
            replace(row, cells={**row.cells, "status": Cell(NOT_YET, "~", DIM)}) for row in rows]


def rows_at(pane: Pane, inv: Inventory, store: SeriesStore, now: int, at: int | None) -> list[Row]:
    """The overview's rows of ``pane``: live at ``now``, or as listed at the past moment ``at``
    (jobs that ran in the window ending there, as they were; the rest read at ``at`` and
    marked :data:`NOT_YET` where created after it)."""
    if at is None:
        return pane_rows(pane, inv, store, now)
    return moment_rows(pane_rows(pane, inventory_at(inv, at, store.window, now), store, at), at)


def count_at(pane: Pane, inv: Inventory, window: int, now: float, at: int | None) -> int:
    """What ``pane``'s tab counts: its resources live; at a past moment, for the Jobs pane, the
    jobs listed there (:func:`inventory_at`), not every job known."""
    if at is None:
        return resource_count(pane, inv)
    return resource_count(pane, inventory_at(inv, at, window, now))


def view_now(at: int | None, now: float) -> int:
    """The end of the window a screen draws: the moment while away, else ``now``."""
    return int(now) if at is None else int(at)


def live_jobs(inv: Inventory, live: set[str]) -> Inventory:
    """``inv`` without the jobs listed only at a past moment: those whose key is not in ``live``
    (the live listing's, kept when the app left it); the next live refresh lists afresh."""
    jobs = [j for j in inv.jobs if j.key in live]
    return inv if len(jobs) == len(inv.jobs) else replace(inv, jobs=jobs)


def moment_span(job: Job, now: float) -> tuple[int, int] | None:
    """A job's own span on the minute grid, from its start to its end (to ``now`` while it
    runs): what its screen shows while travelling (None: no start known)."""
    span = job_span(job, now)
    if span is None:
        return None
    start, end = int(span[0]), int(span[1])
    return start - start % 60, end - end % 60 + 60


def unlisted_jobs_note(accounts: list[str]) -> str:
    """What a past moment says of the source accounts reached through their metrics only
    (``linked``: every linked one): nothing can list their jobs ("" : none of them)."""
    ids = [a for a in accounts if a != "linked"]
    if not accounts:
        return ""
    named = ", ".join(ids) + (" and " if ids and "linked" in accounts else "")
    named = ("account " if len(ids) == 1 else "accounts " if ids else "") + named
    named += "every other linked account" if "linked" in accounts else ""
    return (f"jobs at the moment: {named}: reached through metrics only, so their jobs of that time cannot be "
            f"listed (a profile or a role_arn for an account in the accounts setting lists its jobs)")


#: How far back ListMetrics names a series: only those with a point in the last two weeks.
LISTED_METRICS_AGE = 14 * 86400


def unlisted_instances_note(at: int | None, now: float, what: str = "instances") -> str:
    """What a screen whose rows come from ListMetrics (an endpoint's instances, a transform job's
    hosts) says at a moment older than :data:`LISTED_METRICS_AGE`: ListMetrics names only series
    with data in the last two weeks, so the ``what`` of that time cannot be listed ("" : they can)."""
    if at is None or now - at <= LISTED_METRICS_AGE:
        return ""
    return (f"The {what} of {format_age(at, now)} ago cannot be listed: CloudWatch ListMetrics names only "
            f"series with data in the last 2 weeks")


def last_series_time(at: int | None, job: Job) -> float | None:
    """The newest time a job's host series can hold data for, as shown: the moment while away,
    its end once it ended, whichever is earlier (None: live and still running)."""
    times = [t for t in (at, None if job.running else epoch_seconds(job.end_time)) if t is not None]
    return min(times) if times else None


__all__ = [
    "FORMS", "KEPT", "MomentError", "NEAREST", "NOT_YET", "OLDEST", "count_at", "existed_at", "inventory_at",
    "job_overlaps", "job_span", "job_then", "live_jobs", "view_now",
    "LISTED_METRICS_AGE", "last_series_time", "unlisted_instances_note", "unlisted_jobs_note",
    "kept_period", "moment_label", "moment_rows", "moment_span", "parse_moment", "period_label", "rows_at",
    "step_moment",
]
