"""The tiered polling schedule: which series a refresh requests, and what that costs per day.

Pure Python. The UI sends one immutable :class:`RefreshRequest` per refresh (the pane shown,
the rows on screen, the interval and the cost cap); :func:`tier_keys` sorts every series the
overview could draw into tiers; a :class:`CostEstimate` holds how often each tier is due (and
what that costs), and :func:`due_tiers` which tiers a given refresh requests:

* ``VISIBLE``: the rows on screen, every refresh;
* ``DETAIL``: the open drill-down screen's series (hosts, curves), every refresh, only while open;
* ``PANE``: the rest of the visible pane, every ``full_every``-th refresh (5 by default:
  ``tui.refresh.FULL_EVERY``);
* ``OTHER``: the other panes (and their discovery), as often as ``PANE``.

Series of ended jobs whose data can no longer change (ended :data:`SETTLE` seconds ago) are
requested once and kept: they are in no tier after that.

The cost is exact for the schedule: GetMetricData bills every metric requested, so a day costs
``sum over tiers (metrics of the tier / its every) x refreshes a day x price``
(:meth:`CostEstimate.per_day`). With a cap (``--max-cost-per-day``) :func:`fit_to_cap`
stretches the lower tiers first (``PANE``, ``OTHER``), and the top ones only when the lower
ones alone cannot bring the estimate under the cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from tui.model.cost import PRICE_PER_METRIC
from tui.model.plan import ComponentKeys, endpoint_components, job_is_recent, resource_keys
from tui.model.detail import DetailRequest
from tui.model.kinds import Pane, pane_resources
from tui.model.resources import Endpoint, Inventory, Job
from tui.model.series import SeriesKey

#: Rows taken as on screen when the UI has not said yet (the first refresh, a test).
DEFAULT_VISIBLE_ROWS = 60
#: Seconds after its end from which an ended job's points no longer change (points arrive 1-3
#: minutes late; the incremental fetch re-reads 5 minutes): its series are then fetched once.
SETTLE = 15 * 60
#: The most a tier is stretched under a cost cap (refreshes between two fetches).
MAX_EVERY = 100_000


class Tier(str, Enum):
    """A polling tier, from the most to the least important."""

    VISIBLE = "visible"
    DETAIL = "detail"
    PANE = "pane"
    OTHER = "other"


#: Tiers stretched first under a cost cap.
LOWER_TIERS = (Tier.PANE, Tier.OTHER)


@dataclass(frozen=True)
class RefreshRequest:
    """What the UI asks of one refresh (built on the UI thread, read by the worker).

    ``visible_keys``: the resource keys of the rows on screen (None: unknown, the first
    :data:`DEFAULT_VISIBLE_ROWS` of the pane are taken). ``window``: the time window in
    seconds (None: unchanged). ``interval``: seconds between scheduled refreshes (for the cost
    per day). ``max_cost_per_day``: the cap in USD (None: none). ``full``: every tier now.
    ``detail``: what the drill-down screen on top needs (None: the overview is on top).
    ``at``: a past moment to read (epoch seconds, the window's end: :mod:`tui.model.time_travel`);
    None: live.
    """

    pane: Pane
    visible_keys: frozenset[str] | None = None
    window: int | None = None
    interval: float = 60.0
    max_cost_per_day: float | None = None
    full: bool = False
    detail: DetailRequest | None = None
    at: int | None = None


@dataclass(frozen=True)
class TierLoad:
    """One tier at the current schedule: metrics requested when it is due, and how often."""

    tier: Tier
    metrics: int
    every: int = 1

    @property
    def per_refresh(self) -> float:
        return self.metrics / self.every


@dataclass(frozen=True)
class CostEstimate:
    """What the schedule requests per day, by tier (the status bar's figure)."""

    loads: tuple[TierLoad, ...]
    interval: float
    cap: float | None = None
    capped: bool = False  # the cap stretched some tier
    over_cap: bool = False  # even stretched to the limit, the estimate is above the cap

    @property
    def refreshes_per_day(self) -> float:
        return 86400.0 / self.interval if self.interval > 0 else 0.0

    @property
    def metrics_per_refresh(self) -> float:
        return sum(t.per_refresh for t in self.loads)

    @property
    def metrics_per_day(self) -> float:
        return self.metrics_per_refresh * self.refreshes_per_day

    def per_day(self) -> float:
        """USD per day: metrics requested per refresh x refreshes per day x price, by tier."""
        return self.metrics_per_day * PRICE_PER_METRIC

    def every(self, tier: Tier) -> int:
        return next((t.every for t in self.loads if t.tier is tier), 1)


def estimate(loads: list[TierLoad], interval: float, cap: float | None = None) -> CostEstimate:
    """The cost of ``loads`` at ``interval``, fitted under ``cap`` when there is one."""
    est = CostEstimate(tuple(loads), interval, cap)
    return est if cap is None else fit_to_cap(est)


def fit_to_cap(est: CostEstimate) -> CostEstimate:
    """``est`` with tiers stretched so its :meth:`~CostEstimate.per_day` is at most its cap.

    The lower tiers are stretched by one common factor (each ``every`` multiplied, rounded
    up); only when they cannot make room even at :data:`MAX_EVERY` are the top tiers
    stretched as well. Never shortens an interval.
    """
    cap = est.cap
    if cap is None or est.per_day() <= cap or est.refreshes_per_day <= 0:
        return est
    budget = cap / PRICE_PER_METRIC / est.refreshes_per_day  # metrics per refresh allowed
    lower = [t for t in est.loads if t.tier in LOWER_TIERS and t.metrics]
    top = [t for t in est.loads if t not in lower]
    top_rate = sum(t.per_refresh for t in top)
    lower_rate = sum(t.per_refresh for t in lower)
    room = budget - top_rate
    if lower and room > 0 and lower_rate / room <= MAX_EVERY:
        factor = lower_rate / room
        stretched = [replace(t, every=min(MAX_EVERY, math.ceil(t.every * factor - 1e-9))) for t in lower]
        return replace(est, loads=_ordered(est.loads, top + stretched), capped=True)
    lower = [replace(t, every=MAX_EVERY) for t in lower]
    room = budget - sum(t.per_refresh for t in lower)
    if top_rate and room > 0:
        factor = top_rate / room
        top = [replace(t, every=min(MAX_EVERY, math.ceil(t.every * factor - 1e-9))) if t.metrics else t
               for t in top]
    else:
        top = [replace(t, every=MAX_EVERY) if t.metrics else t for t in top]
    out = replace(est, loads=_ordered(est.loads, top + lower), capped=True)
    return replace(out, over_cap=out.per_day() > cap)


def _ordered(original: tuple[TierLoad, ...], loads: list[TierLoad]) -> tuple[TierLoad, ...]:
    by_tier = {t.tier: t for t in loads}
    return tuple(by_tier[t.tier] for t in original)


# -- which series are in which tier ---------------------------------------------------------------

def job_settled(job: Job, now: datetime) -> bool:
    """An ended job whose points can no longer change (ended :data:`SETTLE` seconds ago)."""
    if job.running:
        return False
    end = job.end_time or job.start_time or job.creation_time
    return end is not None and end + timedelta(seconds=SETTLE) <= now


def _resource_series(resource, inv: Inventory) -> list[SeriesKey]:
    keys = resource_keys(resource)
    if isinstance(resource, Endpoint):
        for ic in endpoint_components(resource, inv):
            keys += ComponentKeys.of(ic).endpoint_traffic()
    return keys


@dataclass
class TierKeys:
    """Every series of the overview by tier (without duplicates: a series is in its highest
    tier), and those of settled jobs (requested once, then kept)."""

    tiers: dict[Tier, list[SeriesKey]] = field(default_factory=lambda: {t: [] for t in Tier})
    settled: set[SeriesKey] = field(default_factory=set)

    def all(self) -> list[SeriesKey]:
        return [k for t in Tier for k in self.tiers[t]]


def shown_keys(request: RefreshRequest, inv: Inventory) -> frozenset[str]:
    """The resource keys of the rows on screen: ``request.visible_keys``, or the first
    :data:`DEFAULT_VISIBLE_ROWS` of the visible pane when the UI has not said yet (the rows a
    refresh describes and fetches first)."""
    if request.visible_keys is not None:
        return request.visible_keys
    return frozenset(r.key for r in pane_resources(request.pane, inv)[:DEFAULT_VISIBLE_ROWS])


def tier_keys(request: RefreshRequest, inv: Inventory, now: datetime, window: int,
              detail: list[SeriesKey] = ()) -> TierKeys:
    """Sort the series of every pane (and the open screen's ``detail`` series) into tiers.

    The visible pane's rows named in ``request.visible_keys`` are ``VISIBLE`` (the first
    :data:`DEFAULT_VISIBLE_ROWS` rows when unknown), its other rows ``PANE``, every other
    pane ``OTHER``. Jobs are planned only while recent (see :func:`~tui.model.plan.job_is_recent`).
    """
    out = TierKeys()
    seen: set[SeriesKey] = set()

    def add(tier: Tier, keys) -> None:
        bucket = out.tiers[tier]
        for k in keys:
            if k not in seen:
                seen.add(k)
                bucket.append(k)

    add(Tier.DETAIL, detail)
    shown = shown_keys(request, inv)
    later: list[tuple[Tier, list[SeriesKey]]] = []
    for pane in Pane:
        for resource in pane_resources(pane, inv):
            if isinstance(resource, Job):
                if not job_is_recent(resource, now, window):
                    continue
                keys = _resource_series(resource, inv)
                if job_settled(resource, now):
                    out.settled.update(keys)
            else:
                keys = _resource_series(resource, inv)
            if pane is not request.pane:
                later.append((Tier.OTHER, keys))
            elif resource.key in shown:
                add(Tier.VISIBLE, keys)
            else:
                later.append((Tier.PANE, keys))
    for tier in (Tier.PANE, Tier.OTHER):
        for t, keys in later:
            if t is tier:
                add(tier, keys)
    return out


def due_tiers(est: CostEstimate, count: int, full: bool) -> set[Tier]:
    """The tiers refresh number ``count`` (0 for the first) requests: all of them on a full one."""
    if full:
        return set(Tier)
    return {t.tier for t in est.loads if count % max(1, t.every) == 0}
