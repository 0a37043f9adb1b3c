"""Progressive discovery for the refresh worker: rows from the listings first, details after.

Discovery hands back placeholders (a resource's listing, ``described=False``) and one
:class:`~tui.aws.discovery.Pending` Describe per placeholder. A :class:`Describer` runs them
for one refresh, in the order the screen needs them: the visible pane's rows on screen first
(:func:`~tui.model.schedule.shown_keys`), then the rest of that pane, then the other panes, in
batches of :data:`BATCH` over at most :data:`WORKERS` concurrent calls, replacing each
placeholder in the refresher's inventory as its answer lands. A resource known from an earlier
refresh keeps its last description meanwhile (its listed status on top), so only rows never
described show "…". A throttled, denied-credentials or unreachable answer stops the remaining
describes of the refresh (their rows stay as listed; the next refresh describes them).

Pure worker-side code: nothing here touches the UI; the refresher posts the snapshots.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from tui.model.kinds import pane_resources
from tui.model.resources import DiscoveryError, Inventory
from tui.model.schedule import RefreshRequest, shown_keys
from tui.model.series import SeriesStore
from tui.model.state import RefreshReport, discovery_error_text

#: Describes run per batch; the refresher posts a snapshot after each batch of a start-up.
BATCH = 100
#: Concurrent Describe calls (the SageMaker client pools 20 connections; AWS's Describe quotas
#: are per account and shared with every other tool, so this stays well below them).
WORKERS = 8
#: The inventory lists whose resources can be pending.
FIELDS = ("endpoints", "components", "jobs", "pipelines")
_NOUN = {"endpoint": "endpoints", "inference-component": "components", "pipeline": "pipelines"}


def snapshot(store: SeriesStore) -> SeriesStore:
    """A copy of a store that later fetches will not touch (the series share their points until
    either side writes: about a ms for thousands of series)."""
    return store.copy()


def inventory_copy(inv: Inventory) -> Inventory:
    """A copy the worker can go on replacing resources in while the UI reads this one."""
    lists = {f.name: [r for r in getattr(inv, f.name) if r is not None] for f in dataclasses.fields(inv)
             if isinstance(getattr(inv, f.name), list)}  # (None: a slot of a resource found deleted)
    return dataclasses.replace(inv, instance_facts=dict(inv.instance_facts), **lists)


class Describer:
    """The pending Describe calls of one refresh, applied to ``inv`` (the refresher's inventory,
    already merged with the listing's placeholders) as they are answered."""

    def __init__(self, inv: Inventory, pending: list, request: RefreshRequest, previous: Inventory,
                 stop_codes: frozenset[str] = frozenset(), throttle_codes: frozenset[str] = frozenset()) -> None:
        self.inv = inv
        self.stop_codes = stop_codes  # answers after which no more describes are sent this refresh
        self.throttle_codes = throttle_codes
        self.stopped: str | None = None  # the error code that stopped the describes
        self.errors: list[DiscoveryError] = []
        where = {r.key: (name, i) for name in FIELDS for i, r in enumerate(getattr(inv, name))}
        self.pending = [p for p in pending if p.key in where]  # a kind that failed keeps its old rows
        self.where = where
        self.total: dict[str, int] = {}
        self.done: dict[str, int] = {}
        known = {r.key: r for name in FIELDS for r in getattr(previous, name) if getattr(r, "described", True)}
        self.fresh = 0  # rows never described before: shown as "…" until their describe lands
        for p in self.pending:
            noun = self.noun(p.kind)
            self.total[noun] = self.total.get(noun, 0) + 1
            old = known.get(p.key)
            if old is None:
                self.fresh += 1
                continue
            kept = copy.copy(old)  # the last description, with the listing's newer status
            if getattr(p.placeholder, "status", None):
                kept.status = p.placeholder.status
            self._put(p.key, kept)
        self.front, self.rest = self._order(request)

    @staticmethod
    def noun(kind: str) -> str:
        return _NOUN.get(kind, "jobs")

    def _order(self, request: RefreshRequest) -> tuple[list, list]:
        """(rows on screen, the others: the rest of the visible pane before the other panes)."""
        shown = shown_keys(request, self.inv)
        pane = {r.key for r in pane_resources(request.pane, self.inv)}
        front = [p for p in self.pending if p.key in shown]
        rest = sorted((p for p in self.pending if p.key not in shown), key=lambda p: p.key not in pane)
        return front, rest

    def _put(self, key: str, record) -> None:
        name, i = self.where[key]
        getattr(self.inv, name)[i] = record

    def loading(self) -> str | None:
        """What is still being described ("describing 240 of 1,000 endpoints"), None when done."""
        parts = [f"{self.done.get(noun, 0):,} of {total:,} {noun}" for noun, total in self.total.items()
                 if self.done.get(noun, 0) < total]
        return ("describing " + ", ".join(parts[:2])) if parts and self.stopped is None else None

    def run(self, items: list, cancelled: Callable[[], bool], after_batch: Callable[[], None] | None = None) -> None:
        """Describe ``items`` in batches (``after_batch`` after each); stops early once cancelled
        or when an answer says AWS throttles, the credentials are gone or AWS cannot be reached."""
        if not items:
            return

        def work(p):  # in a pool thread: nothing more is sent once an answer said stop
            if cancelled() or self.stopped is not None:
                return None
            record, errors = p.run()
            stop = next((e.code for e in errors if e.code in self.stop_codes), None)
            if stop is not None and self.stopped is None:
                self.stopped = stop
            return record, errors

        with ThreadPoolExecutor(max_workers=min(WORKERS, len(items)), thread_name_prefix="describe") as pool:
            for start in range(0, len(items), BATCH):
                if cancelled() or self.stopped is not None:
                    return
                batch = items[start:start + BATCH]
                for p, answer in zip(batch, pool.map(work, batch)):
                    if answer is not None:  # (None: skipped; the row stays as listed)
                        self._land(p, *answer)
                if after_batch is not None and start + BATCH < len(items):
                    after_batch()

    def _land(self, p, record, errors: list[DiscoveryError]) -> None:
        noun = self.noun(p.kind)
        self.done[noun] = self.done.get(noun, 0) + 1
        self.errors += errors
        if record is None:  # deleted since it was listed
            self._put(p.key, None)
            return
        if p.kind == "endpoint" and any(c is not None and c.endpoint_name == record.name and c.region == record.region
                                        for c in self.inv.components):
            record.component_based = True  # as discover() marks the endpoints it returns
        self._put(p.key, record)

    def partial(self, report: RefreshReport, inv: Inventory, store, percentiles: bool) -> RefreshReport:
        """A partial report of the refresh ``report`` is for: a copy of ``inv`` (the worker goes
        on replacing resources in it), the series snapshot ``store`` (None: unchanged) and what
        is still loading."""
        return RefreshReport(report.started, time.time(), report.panes, report.full, partial=True,
                             inventory=inventory_copy(inv), loading=self.loading(), store=store,
                             percentiles=percentiles)

    def report_problems(self, report: RefreshReport, redact, profile: str | None) -> None:
        """The describes' failures: kept in the inventory (the panes show them) and reported as
        warnings; a throttled answer marks the report throttled (the scheduler backs off)."""
        for err in self.errors:
            if redact is not None:
                err.message = redact(err.message)
            self.inv.errors.append(err)
            report.warnings.append(discovery_error_text(err, profile))
        report.throttled = report.throttled or self.stopped in self.throttle_codes

    def finish(self) -> None:
        """Drop the resources found deleted (their slots hold None)."""
        for name in FIELDS:
            values = getattr(self.inv, name)
            if any(r is None for r in values):
                setattr(self.inv, name, [r for r in values if r is not None])
        self.where = {}
