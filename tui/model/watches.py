"""Watches: the resources someone asked to be told about, and what happened to them.

``w`` watches a resource; after every refresh the app hands :meth:`WatchBook.update` the new
inventory and series, and gets back the events since the previous refresh:

* a job (or any resource with a status) changes status; a job *ends* (Completed, Stopped) or
  *fails* (Failed) as one event, not two;
* a host of a watched job is newly flagged by the health rules (:mod:`tui.model.health`);
* a watched endpoint's 5XX error rate or p99 latency crosses a threshold
  (:mod:`tui.model.thresholds`), up or back down;
* an alarm on a watched resource (or a watched alarm) changes state.

Each refresh is compared with the last observation of the same resource (:func:`observe`,
:func:`changes`), so an unchanged state never repeats an event; a resource missing from one
refresh's inventory keeps its last observation. Pure Python: no Textual, no boto3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.model import health, plan
from tui.model.alarms import alarm_targets
from tui.model.cells import CRIT, INFO, OK, WARN
from tui.model.format import format_value
from tui.model.kinds import Pane, pane_resources, spec_of
from tui.model.overview import host_table, traffic
from tui.model.readings import latest
from tui.model.resources import Alarm, Endpoint, Inventory, Job
from tui.model.series import SeriesStore

#: Events kept for the Watches list (the oldest dropped first).
MAX_EVENTS = 200
#: Statuses a resource ends in: reaching one is an "ended" event ("failed" for the failures).
ENDED = frozenset({"Completed", "Stopped", "Succeeded", "COMPLETED", "STOPPED"})
FAILED = frozenset({"Failed", "FAILED", "CreateFailed", "UpdateFailed", "DeleteFailed"})


@dataclass
class Observation:
    """What the watch rules look at in one resource at one refresh."""

    status: str | None = None
    #: (host, flag kind) -> the flag's reason and level, of every flagged host of a job.
    flags: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: Threshold crossings: what ("5XX error rate") -> (level, the value as text).
    levels: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Alarm name -> state, of the alarms on the resource (a watched alarm: itself).
    alarms: dict[str, str] = field(default_factory=dict)
    failure: str | None = None


@dataclass(frozen=True)
class WatchEvent:
    """One thing that happened to a watched resource (``at``: epoch seconds)."""

    at: float
    key: str
    name: str
    kind: str  # status / ended / failed / host-flag / threshold / alarm
    text: str
    level: str = INFO

    @property
    def line(self) -> str:
        return f"{self.name}: {self.text}"


@dataclass
class Watch:
    key: str
    name: str
    noun: str
    since: float
    last: Observation
    resource: object = None
    events: int = 0


def _alarms_on(resource, inv: Inventory) -> dict[str, str]:
    if isinstance(resource, Alarm):
        return {resource.name: resource.state}
    region = getattr(resource, "region", "")
    return {a.name: a.state for a in inv.alarms
            if resource.name in alarm_targets(a) and (not a.region or not region or a.region == region)}


def _job_flags(job: Job, inv: Inventory, store: SeriesStore, now: int) -> dict[tuple[str, str], tuple[str, str]]:
    if not job.hosts:
        return {}
    table = host_table(job, store, now, facts=inv.facts(job.instance_type))  # read at its end once ended
    return {(host, f.kind.value): (f.reason, f.level.value)
            for host, flags in health.host_flags(table).items() for f in flags}


def _endpoint_levels(ep: Endpoint, inv: Inventory, store: SeriesStore, now: int) -> dict[str, tuple[str, str]]:
    """The 5XX error rate and p99 latency levels, as the endpoints pane computes them."""
    vks = plan.variant_keys(ep)
    cks = [plan.ComponentKeys.of(ic) for ic in plan.endpoint_components(ep, inv)]
    tr = traffic(store, vks, now)
    if cks and not tr.present:
        tr = traffic(store, cks, now)
    rate = health.error_rate(tr.errors_5xx, tr.total)
    p99 = max((v for v in (latest(store, k.latency_p99, now) for k in vks + cks) if v is not None), default=None)
    unit = vks[0].latency_p99.unit  # the catalog's, carried by the key
    return {
        "5XX error rate": (health.error_level(rate).value, "–" if rate is None else f"{rate:.1f}%"),
        "p99 latency": (health.latency_level(p99, unit).value, format_value(p99, unit, stat="p99")),
    }


def observe(resource, inv: Inventory, store: SeriesStore, now: int) -> Observation:
    """What the rules compare, of ``resource`` in this refresh's inventory and series."""
    obs = Observation(status=getattr(resource, "status", None) if not isinstance(resource, Alarm) else None,
                      alarms=_alarms_on(resource, inv))
    latest_execution = getattr(resource, "latest", None)  # a pipeline: its latest execution's status
    if latest_execution is not None and getattr(latest_execution, "status", None):
        obs.status = latest_execution.status
    if isinstance(resource, Job):
        obs.flags = _job_flags(resource, inv, store, now)
        obs.failure = resource.failure_reason
    elif isinstance(resource, Endpoint):
        obs.levels = _endpoint_levels(resource, inv, store, now)
    return obs


def changes(prev: Observation, new: Observation, key: str, name: str, at: float) -> list[WatchEvent]:
    """The events between two observations of one resource (none when nothing changed)."""
    out: list[WatchEvent] = []

    def add(kind: str, text: str, level: str = INFO) -> None:
        out.append(WatchEvent(at, key, name, kind, text, level))

    if new.status and prev.status and new.status != prev.status:
        if new.status in FAILED:
            reason = " ".join((new.failure or "").split())[:120]
            add("failed", f"failed ({prev.status} → {new.status})" + (f": {reason}" if reason else ""), CRIT)
        elif new.status in ENDED:
            good = new.status in ("Completed", "Succeeded", "COMPLETED")
            add("ended", f"ended: {prev.status} → {new.status}", OK if good else WARN)
        else:
            add("status", f"status {prev.status} → {new.status}")
    for (host, kind), (reason, level) in new.flags.items():
        if (host, kind) not in prev.flags:
            add("host-flag", f"host {host} flagged: {reason}", level)
    for what, (level, value) in new.levels.items():
        before = prev.levels.get(what, (OK, ""))[0]
        if level != before:
            verb = "back under its threshold" if level == OK \
                else f"crossed its {'critical' if level == CRIT else 'warning'} threshold"
            add("threshold", f"{what} {verb} ({value})", level)
    for alarm, state in new.alarms.items():
        before = prev.alarms.get(alarm)
        if before is not None and before != state:
            add("alarm", f"alarm {alarm}: {before} → {state}",
                CRIT if state == "ALARM" else OK if state == "OK" else WARN)
    return out


def _resources(inv: Inventory) -> dict[str, object]:
    return {r.key: r for pane in Pane for r in pane_resources(pane, inv)}


class WatchBook:
    """The watched resources and what happened to them, across refreshes."""

    def __init__(self) -> None:
        self.watches: dict[str, Watch] = {}
        self.events: list[WatchEvent] = []

    def is_watched(self, key: str) -> bool:
        return key in self.watches

    def watch(self, resource, inv: Inventory, store: SeriesStore, now: int) -> Watch:
        """Watch ``resource`` from now on: today's state is the baseline (no event for it)."""
        spec = spec_of(resource)
        w = self.watches.get(resource.key)
        if w is None:
            w = Watch(resource.key, resource.name, spec.noun if spec else "resource", float(now),
                      observe(resource, inv, store, now), resource)
            self.watches[resource.key] = w
        return w

    def unwatch(self, key: str) -> Watch | None:
        return self.watches.pop(key, None)

    def toggle(self, resource, inv: Inventory, store: SeriesStore, now: int) -> bool:
        """Watch ``resource``, or stop watching it; True when it is watched now."""
        if self.unwatch(resource.key) is not None:
            return False
        self.watch(resource, inv, store, now)
        return True

    def update(self, inv: Inventory, store: SeriesStore, now: int) -> list[WatchEvent]:
        """Observe every watched resource in this refresh; the events since the last one."""
        if not self.watches:
            return []
        found = _resources(inv)
        new_events: list[WatchEvent] = []
        for w in self.watches.values():
            resource = found.get(w.key)
            if resource is None:
                continue  # not in this inventory: keep the last observation
            obs = observe(resource, inv, store, now)
            events = changes(w.last, obs, w.key, w.name, float(now))
            w.last, w.resource = obs, resource
            w.events += len(events)
            new_events += events
        self.events = (self.events + new_events)[-MAX_EVENTS:]
        return new_events


__all__ = ["ENDED", "FAILED", "MAX_EVENTS", "Observation", "Watch", "WatchBook", "WatchEvent", "changes",
           "observe"]
