"""The background refresh layer: pulls discovery and metrics from AWS into the model.

Two halves:

* :class:`Refresher` does one refresh synchronously (it runs in a worker thread): discovery
  of the kinds that are due, the series the plan asks for (incrementally, through the
  :class:`~tui.aws.metrics.MetricEngine`), and a snapshot of the result as a
  :class:`~tui.model.state.RefreshReport`. It owns the live :class:`SeriesStore`; the UI only
  ever sees snapshots, so drawing never races with a fetch.
* :class:`RefreshScheduler` runs it on a Textual app: every ``interval`` seconds, never two
  at once, paused on request, and posts one :class:`RefreshDone` message per refresh.

What is fetched follows the tiered schedule of :mod:`tui.model.schedule`, from one
:class:`~tui.model.schedule.RefreshRequest` per refresh: the rows on screen (and the open
drill-down screen's series) on every refresh; the rest of the visible pane and the other panes
(with their discovery) on the first refresh and then on every ``full_every``-th, stretched
further under ``--max-cost-per-day``; a settled ended job's series once. Rows are posted as
soon as the listings answer, the rows on screen described first (:mod:`tui.refresh_describe`). Percentiles go in the
same GetMetricData calls as the plain statistics; a backend that refuses them (HTTP 500) has
the plain ones asked again at once, and percentiles off from then on.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Callable

from tui.aws.call_counter import CallCounter
from tui.model.catalog import Kind
from tui.model.detail import DetailRequest, DetailResult
from tui.model.plan import is_extended_stat
from tui.model.kinds import PANE_KINDS, Pane
from tui.model.resources import Inventory
from tui.model.schedule import (CostEstimate, RefreshRequest, Tier, TierKeys, TierLoad, due_tiers, estimate,
                                tier_keys)
from tui.model.series import SeriesKey, SeriesStore
from tui.model.state import (CREDENTIAL_CODES, RefreshReport, describe_error, discovery_error_text, failed_kinds,
                              merge_inventory)
from tui.refresh_describe import Describer, snapshot
from tui.refresh_connect import (Connected, Connection, LogLines, RefreshDone, RefreshProgress,  # noqa: F401
                                 RefreshStarted, StartupFailed, StartupProgress, connect)

#: Every ``FULL_EVERY``-th refresh covers all panes (the first one always does).
FULL_EVERY = 5
#: Error codes that mean "this backend cannot compute percentiles", not a passing failure.
PERCENTILE_UNSUPPORTED = ("InternalFailure", "InternalError", "InternalServerError", "500",
                          "InvalidParameterCombination", "InvalidParameterValue", "ValidationError")


class Refresher:
    """One refresh at a time, synchronously; run it from a worker thread."""

    def __init__(self, clients, window_seconds: int, *, discover: Callable | None = None,
                 full_every: int = FULL_EVERY, clock: Callable[[], float] = time.time) -> None:
        from tui.aws.metrics import MetricEngine

        self.clients = clients
        self.regions: tuple[str, ...] = tuple(getattr(clients, "regions", ()) or ())
        self.store = SeriesStore(window_seconds)
        self.engine = MetricEngine(clients.cloudwatch, self.store, clock=clock)
        self.clock = clock
        self.full_every = max(1, full_every)
        self.inventory = Inventory()
        self.count = 0
        self.percentiles = True
        self.counter = CallCounter()
        if hasattr(clients, "on_session"):  # every session, including those made after a renewal
            clients.on_session(lambda session: self.counter.install(session.events))
        elif getattr(clients, "session", None) is not None:
            self.counter.install(clients.session.events)
        self.profile: str | None = getattr(clients, "profile", None)
        #: Set when a refresh failed for credentials: the next one starts with a fresh session.
        self.renew_session = False
        self._discover = discover
        self._describe_cache = None
        self._instance_types = None  # tui.aws.instance_types.InstanceTypeCatalog, made on first use
        self._span = None  # (span, engine, store, keys read) of the open screen's own span
        self._instance_types_warned: str | None = None
        self._lock = threading.Lock()
        self.history = None
        #: Seconds between scheduled refreshes when a bare pane is passed to run() (a request carries its own).
        self.interval = 60.0
        #: Series of settled jobs fetched once: never requested again (their points cannot change).
        self._kept: set[SeriesKey] = set()
        #: The schedule at the last refresh: tiers, how often each is due, what a day costs.
        self.estimate: CostEstimate = estimate([TierLoad(t, 0, 1 if t in (Tier.VISIBLE, Tier.DETAIL)
                                                          else self.full_every) for t in Tier], self.interval)

    # -- discovery -----------------------------------------------------------------------------
    def _discover_kinds(self, kinds: set[Kind], pending: list) -> Inventory:
        """The listings of ``kinds``; the Describe calls they need are appended to ``pending``."""
        if self._discover is not None:
            return self._discover(self.clients, self.regions or None, kinds=kinds)
        from tui.aws.accounts import discover_accounts  # the source accounts too, when there are any
        from tui.aws.discovery import DescribeCache

        if self._describe_cache is None:  # immutable Describe answers, kept across refreshes
            self._describe_cache = DescribeCache()
        return discover_accounts(self.clients, self.regions or None, kinds=[getattr(k, "value", k) for k in kinds],
                                 cache=self._describe_cache, pending=pending, previous=self.inventory)

    # -- one refresh ---------------------------------------------------------------------------
    def run(self, request: RefreshRequest | Pane, *, full: bool = False,
            cancelled: Callable[[], bool] = lambda: False,
            progress: Callable[[RefreshReport], None] | None = None) -> RefreshReport:
        """Discover and fetch what is due for ``request`` (a bare pane: its first rows are taken
        as on screen); never raises (failures become report errors).

        When the listings hold rows never described (start-up, new resources), ``progress`` gets
        partial reports: the rows as listed, the rows on screen described with their metrics, then
        each batch of the rest (:mod:`tui.refresh_describe`); the report returned is the whole."""
        if not isinstance(request, RefreshRequest):
            request = RefreshRequest(request, interval=self.interval)
        with self._lock:
            return self._run(request, full or request.full, cancelled, progress)

    def _run(self, request: RefreshRequest, full: bool, cancelled, progress=None) -> RefreshReport:
        started = time.time()
        window = request.window
        if window is not None and window != self.store.window:
            self._set_window(window)
        if self.history is not None and self.history.is_set():
            self.history = self.history.rest() if hasattr(self.history, "rest") else None
            self.engine.fetched_until.clear()  # older points landed since: read the whole window
            self._kept.clear()
            full = True
        due = due_tiers(self.estimate, self.count, full or self.count == 0)
        full = due >= set(Tier)
        panes = tuple(Pane) if Tier.OTHER in due else (request.pane,)
        self.count += 1
        report = RefreshReport(started=started, finished=started, panes=panes, full=full)
        kinds = {k for p in panes for k in PANE_KINDS[p]}
        wanted: set = set(kinds)
        detail = request.detail
        if Tier.OTHER in due or (detail is not None and detail.owner.startswith(("endpoint", "component", "alarm"))):
            kinds.add(Kind.ALARM)  # alarms show on endpoint screens and mark rows; listed with the slow tier
            wanted.add(Kind.ALARM)
        if self.renew_session and hasattr(self.clients, "renew"):
            self.renew_session = False
            self.clients.renew()  # credentials renewed since (aws sso login) are read again
        failure: str | None = None  # the code that stopped discovery altogether
        pending: list = []  # Describe calls of listed resources, run below (visible rows first)
        describer = None
        try:
            new = self._discover_kinds(wanted, pending)
        except Exception as exc:  # noqa: BLE001 - any failure becomes a STALE line, never a traceback
            failure = _code(exc)
            report.errors.append(describe_error(failure, str(exc), "discovery failed", self.profile))
            new = None
        if new is not None:
            redact = getattr(self.clients, "redact", None)
            for err in new.errors if redact is not None else ():
                err.message = redact(err.message)  # kept in the inventory, shown by the panes
            failed = {k for k, _region in failed_kinds(new)}
            report.warnings += [discovery_error_text(e, self.profile) for e in new.errors]
            if kinds and kinds <= failed:
                # nothing listed at all (expired credentials, unreachable endpoint): stale
                first = next(e for e in new.errors if not getattr(e, "partial", False))
                failure = first.code
                report.errors.append(discovery_error_text(first, self.profile))
            previous, self.inventory = self.inventory, merge_inventory(self.inventory, new, kinds)
            describer = Describer(self.inventory, pending, request, previous, STOP_CODES, THROTTLE_CODES)
            if failure is None:
                self._add_instance_facts(report)
            report.inventory = self.inventory
        if failure in CREDENTIAL_CODES:
            self.renew_session = True
        report.throttled = failure in THROTTLE_CODES
        if cancelled() or failure in STOP_CODES:
            # throttled, unreachable or without credentials: the metrics would fail the same way,
            # so this refresh asks no more of AWS (the last good data stays, marked STALE)
            return self._finish(report)
        now_ts = int(self.clock())
        now = datetime.fromtimestamp(now_ts, timezone.utc)
        fine: list[SeriesKey] = []  # detail series published faster than the default period
        detail_keys: list[SeriesKey] = []
        if detail is not None and detail.span is None:
            if detail.period:
                fine = list(detail.keys)
            else:
                detail_keys += list(detail.keys)
        fine_set = set(fine)
        done: set[SeriesKey] = set()
        if describer is not None:
            # progressive: the listing's rows now when some were never described, then the rows
            # on screen described and their metrics, then the rest in batches
            def post(store: bool = False) -> None:  # a partial report: what is known so far
                progress(describer.partial(report, self.inventory, snapshot(self.store) if store else None,
                                           self.percentiles))

            posting = progress is not None and describer.fresh > 0
            if posting:
                post()
            describer.run(describer.front, cancelled)
            if posting and describer.front and not cancelled() and request.at is None:
                self._add_instance_facts(report)
                early = tier_keys(request, self.inventory, now, self.store.window)
                done = self._fetch([k for k in early.tiers[Tier.VISIBLE] if k not in self._kept], now_ts, report,
                                   cancelled)
                post(store=True)
            describer.run(describer.rest, cancelled, post if posting else None)
            describer.finish()
            describer.report_problems(report, getattr(self.clients, "redact", None), self.profile)
            self.renew_session = self.renew_session or describer.stopped in CREDENTIAL_CODES
            self._add_instance_facts(report)
            report.inventory = self.inventory
            if cancelled() or describer.stopped in STOP_CODES - THROTTLE_CODES:
                return self._finish(report)
        if request.at is not None:  # a past moment: read there, the live series untouched
            from tui.refresh_history import read_at

            return self._finish(read_at(self, request, report, cancelled))
        tiers = tier_keys(request, self.inventory, now, self.store.window, detail_keys + fine)
        self.estimate = self._estimate(tiers, request)
        due = due_tiers(self.estimate, self.count - 1, full)  # the cap may have stretched a tier just now
        keys = [k for t in Tier if t in due for k in tiers.tiers[t]
                if k not in self._kept and k not in fine_set and k not in done]
        if full:
            self._forget_unused(set(tiers.all()))
        done |= self._fetch(keys, now_ts, report, cancelled)
        if fine and not cancelled():
            done |= self._fetch(fine, now_ts, report, cancelled, published=detail.period)
        self._kept |= tiers.settled & done  # an ended job's points cannot change: never again
        self._kept &= tiers.settled
        report.estimate = self.estimate = self._estimate(tiers, request)  # percentiles may be off now
        if detail is not None and not cancelled():
            from tui.refresh_detail import run_reads

            report.detail = run_reads(self.clients, detail) if detail.reads else DetailResult(detail.owner)
            if detail.span is not None:
                report.detail.store = self._fetch_span(detail, report, cancelled)
        report.store = snapshot(self.store)
        return self._finish(report)

    def _estimate(self, tiers: TierKeys, request: RefreshRequest) -> CostEstimate:
        """What the schedule requests per day: each tier's series (those of settled jobs are
        requested once, not per refresh; percentiles only while the backend answers them)."""
        def billed(keys: list[SeriesKey]) -> int:
            return sum(1 for k in keys if k not in tiers.settled and (self.percentiles or not is_extended_stat(k.stat)))

        every = {Tier.VISIBLE: 1, Tier.DETAIL: 1, Tier.PANE: self.full_every, Tier.OTHER: self.full_every}
        loads = [TierLoad(t, billed(tiers.tiers[t]), every[t]) for t in Tier]
        return estimate(loads, request.interval, request.max_cost_per_day)

    def _fetch_span(self, detail: DetailRequest, report: RefreshReport, cancelled) -> SeriesStore:
        """``detail``'s series over its own span, in a store of their own (kept while the same
        span is asked for: an ended job's points do not change, so they are read once)."""
        from tui.aws.metrics import MetricEngine, MetricRequest, choose_period

        start, end = detail.span
        cached = self._span
        if cached is None or cached[0] != detail.span:
            store = SeriesStore(end - start)
            engine = MetricEngine(self.clients.cloudwatch, store, clock=lambda: end)
            cached = self._span = (detail.span, engine, store, set())
        _span, engine, store, done = cached
        wanted = [k for k in detail.keys if k not in done]
        if wanted and not cancelled():
            # the period retention allows for the span's start (1-minute points are kept 15 days)
            period = choose_period(max(end - start, int(self.clock()) - start), self.clock())
            basic = [MetricRequest(k, period) for k in wanted if not is_extended_stat(k.stat)]
            res = engine.fetch(basic, now=end, cancelled=cancelled)
            report.usage.metrics_requested += res.usage.metrics_requested
            report.usage.metric_data_calls += res.usage.metric_data_calls
            report.usage.datapoints += res.usage.datapoints
            if res.call_errors:
                report.warnings.append(describe_error(res.errors[0].code if res.errors else "Error",
                                                      res.call_errors[0], "metrics of the job's own span",
                                                      self.profile))
            done.update(res.updated)
        return snapshot(store)

    def _add_instance_facts(self, report: RefreshReport) -> None:
        """vCPUs and GPUs of every instance type in use (asked once per type and run)."""
        types = self.inventory.instance_types()  # all: the catalog answers known ones from its cache,
        if not types:                            # and asks AWS again after a denial in time
            return
        if self._instance_types is None:
            from tui.aws.instance_types import InstanceTypeCatalog

            self._instance_types = InstanceTypeCatalog(self.clients)
        catalog = self._instance_types
        region = self.regions[0] if self.regions else None
        self.inventory.instance_facts.update(catalog.facts(types, region))
        if catalog.error and catalog.error != self._instance_types_warned:
            self._instance_types_warned = catalog.error  # once per new problem: the table stands in
            report.warnings.append(f"{catalog.error} (using the instance table shipped with sagemon-tui)")

    def _finish(self, report: RefreshReport) -> RefreshReport:
        redact = getattr(self.clients, "redact", None)
        if redact is not None and (report.errors or report.warnings):
            report.errors = [redact(line) for line in report.errors]
            report.warnings = [redact(line) for line in report.warnings]
        report.usage.add(self.counter.take())
        report.percentiles = self.percentiles
        report.finished = time.time()
        return report

    def _fetch(self, keys: list[SeriesKey], now: int, report: RefreshReport, cancelled,
               published: int = 60) -> set[SeriesKey]:
        """Fetch ``keys`` (percentiles in the same calls as the plain statistics); returns the
        series updated. A backend that refuses percentiles fails the calls that hold them: those
        calls' plain statistics are asked again at once without them, and when that answers,
        percentiles are off for the rest of the run (a general outage fails both, and proves
        nothing about percentiles)."""
        from tui.aws.metrics import FetchResult, choose_period

        period = choose_period(self.store.window, now, published=published)
        wanted = [k for k in keys if self.percentiles or not is_extended_stat(k.stat)]
        report.series += len(wanted)
        res = self._engine_fetch(wanted, period, now, report, cancelled)
        if res is None:
            return set()
        failed = {e.key for e in res.errors}
        if self.percentiles and res.call_errors and _unsupported(res) \
                and any(is_extended_stat(k.stat) for k in failed):
            retry = [k for k in wanted if k in failed and not is_extended_stat(k.stat)]
            again = self._engine_fetch(retry, period, now, report, cancelled) if retry and not cancelled() else None
            if (again is not None and not again.call_errors) or (not retry and res.updated):
                self.percentiles = False
                report.warnings.append("this CloudWatch endpoint cannot compute percentiles: p50/p99 show –")
                updated = res.updated | (again.updated if again is not None else set())
                res = FetchResult(updated=updated, errors=list(again.errors) if again is not None else [])
        self._report_result(res, report)
        return set(res.updated)

    def _engine_fetch(self, keys: list[SeriesKey], period: int, now: int, report: RefreshReport, cancelled):
        """One :meth:`MetricEngine.fetch`, its billed usage added to ``report`` (None: it raised)."""
        from tui.aws.metrics import FetchResult, MetricRequest

        if not keys or cancelled():
            return FetchResult()
        try:
            res = self.engine.fetch([MetricRequest(k, period) for k in keys], now=now, cancelled=cancelled)
        except Exception as exc:  # noqa: BLE001
            report.errors.append(describe_error(_code(exc), str(exc), "metrics", self.profile))
            return None
        # api_calls for GetMetricData come from the call counter; the engine adds what is billed
        report.usage.metrics_requested += res.usage.metrics_requested
        report.usage.metric_data_calls += res.usage.metric_data_calls
        report.usage.datapoints += res.usage.datapoints
        return res

    def _report_result(self, res, report: RefreshReport) -> None:
        if res.call_errors:
            code = res.errors[0].code if res.errors else "Error"
            msg = res.errors[0].message if res.errors else res.call_errors[0]
            report.throttled = report.throttled or code in THROTTLE_CODES
            if code in CREDENTIAL_CODES:  # expired between the listing and the metrics
                self.renew_session = True
            line = describe_error(code, msg, "metrics", self.profile)
            (report.errors if not res.updated else report.warnings).append(line)
        elif res.errors:
            report.warnings.append(f"metrics: {len(res.errors)} series could not be read")

    def _forget_unused(self, wanted: set[SeriesKey]) -> None:
        unused = [k for k in self.store.keys() if k not in wanted]
        if unused:
            self.engine.forget(unused)

    def _set_window(self, seconds: int) -> None:
        grow = seconds > self.store.window
        self.store.set_window(seconds)
        if grow:  # the older part of the window was never fetched: start those series afresh
            self.engine.forget(self.store.keys())
            self._kept.clear()


#: AWS's ways of saying "too many requests": the scheduler backs off after them.
THROTTLE_CODES = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException",
                            "RequestLimitExceeded", "SlowDown", "429"})
#: Discovery failures after which a refresh sends no more calls: AWS throttles, cannot be
#: reached, or the credentials are gone (the rest of the refresh would fail the same way).
STOP_CODES = CREDENTIAL_CODES | THROTTLE_CODES | {
    "EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError",
    "ServiceUnavailable", "ServiceUnavailableException", "503",
}
#: The most the refresh interval is stretched while AWS throttles (doubling per throttled refresh).
MAX_BACKOFF = 8


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code", type(exc).__name__)
    return type(exc).__name__


def _unsupported(res) -> bool:
    codes = {e.code for e in res.errors}
    text = " ".join(res.call_errors)
    return any(c in PERCENTILE_UNSUPPORTED for c in codes) or "500" in text or "Internal" in text


# -- scheduling on a Textual app -------------------------------------------------------------------

class RefreshScheduler:
    """Runs :class:`Refresher` on an app's thread workers on a fixed cadence.

    ``visible()`` is called on the UI thread as each refresh starts and returns its
    :class:`~tui.model.schedule.RefreshRequest` (or a bare pane): the one immutable message
    from the UI to the worker. ``tick()`` is called once a second by the app; a refresh starts when it is due,
    unless one is running (they never overlap: a request made meanwhile runs right after) or refreshing is
    paused. The worker posts :class:`RefreshStarted`, :class:`RefreshProgress` while a start-up's rows are
    described, and :class:`RefreshDone`. While AWS throttles, the interval doubles after each throttled refresh (up to
    :data:`MAX_BACKOFF` times) and returns to normal after the first refresh that is not.
    """

    def __init__(self, app, refresher: Refresher, interval: float,
                 visible: Callable[[], RefreshRequest | Pane],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.refresher = refresher
        self.interval = interval
        self.visible = visible
        self.clock = clock
        self.next_due = clock()
        self.running = False
        self.paused = False
        self._pending: bool | None = None  # None: nothing queued; else "full" flag
        self._worker = None
        self.backoff = 1  # the interval's multiplier while AWS throttles
        self._started_at = self.next_due

    def seconds_left(self) -> float | None:
        if self.paused or self.running:
            return None
        return max(0.0, self.next_due - self.clock())

    def tick(self) -> None:
        if self.running:
            return
        if self._pending is not None:
            full, self._pending = self._pending, None
            self.start(full=full)
        elif not self.paused and self.clock() >= self.next_due:
            self.start()

    def request(self, full: bool = False) -> bool:
        """Refresh as soon as possible; returns False when queued behind a running one."""
        if self.running:
            self._pending = bool(full or self._pending)
            return False
        self.start(full=full)
        return True

    def start(self, full: bool = False) -> None:
        self.running = True
        self._started_at = self.clock()
        self.next_due = self._started_at + self.interval * self.backoff
        request = self.visible()  # built here, on the UI thread: the worker never reads UI state
        self._worker = self.app.run_worker(lambda: self._work(request, full), name="refresh", group="refresh",
                                           thread=True, exit_on_error=False)

    def _work(self, request: RefreshRequest | Pane, full: bool) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        pane = request.pane if isinstance(request, RefreshRequest) else request
        self.app.post_message(RefreshStarted((pane,)))
        try:
            report = self.refresher.run(request, full=full, cancelled=lambda: worker.is_cancelled,
                                        progress=lambda partial: worker.is_cancelled
                                        or self.app.post_message(RefreshProgress(partial)))
        except Exception as exc:  # noqa: BLE001 - run() already catches; this is the last guard
            now = time.time()
            report = RefreshReport(now, now, (pane,), full, errors=[describe_error(_code(exc), str(exc))])
        if not worker.is_cancelled:
            self.app.post_message(RefreshDone(report))

    def finished(self, report: RefreshReport | None = None) -> None:
        """Called by the app when it handled :class:`RefreshDone`."""
        self.running = False
        if report is not None:
            if report.throttled:  # back off: every tool of the account shares these quotas
                self.backoff = min(self.backoff * 2, MAX_BACKOFF)
                self.next_due = self.clock() + self.interval * self.backoff
            elif report.ok and self.backoff > 1:  # AWS answers again: the normal cadence at once
                self.backoff = 1
                self.next_due = min(self.next_due, self._started_at + self.interval)
        if self.next_due <= self.clock():  # the refresh outlasted the interval: breathe before the next
            self.next_due = self.clock() + min(self.interval, 5.0)

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused and self.clock() >= self.next_due:
            self.next_due = self.clock()

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
