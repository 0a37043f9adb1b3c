"""Reading a past moment (time travel) for the refresh worker.

When a :class:`~tui.model.schedule.RefreshRequest` carries ``at`` (the end of a window in the
past), :meth:`Refresher._run <tui.refresh.Refresher>` lists as usual, then hands over to
:func:`read_at` instead of its incremental live fetch: the rows on screen and the open screen's
series are read over ``(at - window, at]`` at the period CloudWatch keeps for that age
(:func:`~tui.aws.metrics.choose_period`: 60 s up to 15 days back, 300 s to 63 days, 3600 s
beyond), into a store of their own. Each moment's store is kept (:class:`PastMoments`, the last
few): a series of the past cannot change, so stepping back and forth or scrolling reads only
what was never read there. The live store is left untouched, and no live series is fetched
while the app is away.

The live job listing reaches back from now (28 days for training jobs), so the jobs that ran
at an older moment are listed there (:func:`jobs_at`: one bounded listing per kind, region and
account, :func:`~tui.aws.discovery.past_jobs.list_jobs_at`; the source accounts a profile or a
role reaches in parallel with the signed-in one, each job marked with its account; a metrics-only
account cannot be listed, which one warning says once), once per moment, and added to the report's
inventory beside the live one's; the Jobs pane lists those whose span overlaps the window
(:func:`~tui.model.time_travel.rows_at`). The open screen's series (endpoint, instances, GPUs,
pipeline, component, host...) are read over the same window at the same period as the rows'.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from tui.model.detail import DetailResult
from tui.model.plan import is_extended_stat
from tui.model.resources import Inventory, Job
from tui.model.schedule import RefreshRequest, Tier, tier_keys
from tui.model.series import SeriesKey, SeriesStore
from tui.model.state import RefreshReport
from tui.refresh_describe import snapshot

#: Moments whose series are kept (``[`` then ``]`` reads nothing again).
KEPT_MOMENTS = 4


class PastMoments:
    """Per (moment, window): an engine, its store and the series already read there."""

    def __init__(self, cloudwatch_for) -> None:
        self._cloudwatch_for = cloudwatch_for
        self._moments: OrderedDict[tuple[int, int], tuple] = OrderedDict()
        self._jobs: OrderedDict[tuple[int, int], list[Job]] = OrderedDict()
        #: Job listings made at moments (each kind, region and account counts one per moment listed).
        self.listings = 0
        #: The metrics-only accounts already said to be unlistable at a moment (said once).
        self.warned: set[str] = set()

    def jobs(self, at: int, window: int) -> list[Job] | None:
        """The jobs listed at the window ending at ``at`` (None: not listed there yet)."""
        return self._jobs.get((at, window))

    def keep_jobs(self, at: int, window: int, jobs: list[Job]) -> None:
        self._jobs[(at, window)] = jobs
        self._jobs.move_to_end((at, window))
        while len(self._jobs) > KEPT_MOMENTS:
            self._jobs.popitem(last=False)

    def get(self, at: int, window: int) -> tuple:
        """``(engine, store, keys read)`` of the window ending at ``at``, made on first use."""
        from tui.aws.metrics import MetricEngine

        key = (at, window)
        found = self._moments.get(key)
        if found is None:
            store = SeriesStore(window)
            found = (MetricEngine(self._cloudwatch_for, store, clock=lambda: at), store, set())
            self._moments[key] = found
            while len(self._moments) > KEPT_MOMENTS:
                self._moments.popitem(last=False)
        self._moments.move_to_end(key)
        return found


def moment_keys(request: RefreshRequest, inventory: Inventory, at: int, window: int) -> list[SeriesKey]:
    """The series to read at ``at``: the open screen's (unless it reads its own span) and the
    rows on screen, as the live schedule's top tiers name them at that moment."""
    detail = request.detail
    own = list(detail.keys) if detail is not None and detail.span is None else []
    tiers = tier_keys(request, inventory, datetime.fromtimestamp(at, timezone.utc), window, own)
    return tiers.tiers[Tier.DETAIL] + tiers.tiers[Tier.VISIBLE]


def jobs_at(refresher, past: PastMoments, at: int, window: int, report: RefreshReport, cancelled) -> list[Job]:
    """The jobs that may have run in the window ending at ``at``, listed there once per moment in
    every region of the signed-in account and of every source account a profile or a role reaches
    (each job marked with its account); a listing that failed is listed again next time. The
    source accounts reached through their metrics only cannot be listed: said once, in a warning."""
    kept = past.jobs(at, window)
    if kept is not None or not hasattr(refresher.clients, "sagemaker"):
        return kept or []
    from tui.aws.accounts import listing_targets
    from tui.aws.discovery import DescribeCache
    from tui.model.state import discovery_error_text
    from tui.model.time_travel import unlisted_jobs_note

    if refresher._describe_cache is None:  # the live listing's: an ended job is described once
        refresher._describe_cache = DescribeCache()
    targets, metrics_only = listing_targets(refresher.clients)
    note = unlisted_jobs_note([a for a in metrics_only if a not in past.warned])
    if note:
        past.warned.update(metrics_only)
        report.warnings.append(note)

    def one(target) -> tuple[list[Job], list, bool]:
        account, clients, cache = target
        if isinstance(clients, Exception):
            report.warnings.append(f"jobs at the moment: account {account} cannot be reached: {clients}")
            return [], [], True
        theirs: list = []
        jobs = _account_jobs_at(refresher, past, clients, cache or refresher._describe_cache, at, window, theirs,
                                report, cancelled)
        for job in jobs:
            job.account = account
        for err in theirs:
            err.account = account
            if account and clients is not refresher.clients:
                err.region = f"{err.region}, account {account}" if err.region else f"account {account}"
        return jobs, theirs, False

    if len(targets) == 1:
        results = [one(targets[0])]
    else:  # the accounts in parallel, as the live listing lists them
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(targets), thread_name_prefix="jobs-at") as pool:
            results = list(pool.map(one, targets))
    found = [j for jobs, _e, _f in results for j in jobs]
    errors = [e for _j, errs, _f in results for e in errs]
    if cancelled():
        return found
    report.warnings += [discovery_error_text(e, refresher.profile) for e in errors]
    if not any(f for _j, _e, f in results) and not any(not getattr(e, "partial", False) for e in errors):
        past.keep_jobs(at, window, found)
    return found


def _account_jobs_at(refresher, past: PastMoments, clients, cache, at: int, window: int, errors: list,
                     report: RefreshReport, cancelled) -> list[Job]:
    """One account's jobs of every region and kind at ``at`` (see :func:`jobs_at`)."""
    from tui.aws.discovery.past_jobs import PAST_KINDS, list_jobs_at

    found: list[Job] = []
    when = datetime.fromtimestamp(at, timezone.utc)
    for region in refresher.regions or (None,):
        for kind in PAST_KINDS:
            if cancelled():
                return found
            try:
                sm = clients.sagemaker(region)
            except Exception as exc:  # noqa: BLE001 - no client: a report line, never a traceback
                report.warnings.append(f"jobs at the moment: {exc}")
                return found
            past.listings += 1
            found += list_jobs_at(sm, kind, region, at=when, window=timedelta(seconds=window), errors=errors,
                                  cache=cache)
    return found


def with_jobs(inventory: Inventory, jobs: list[Job]) -> Inventory:
    """``inventory`` with the ``jobs`` it does not hold yet (by account, region, kind and name) added."""
    known = {j.key for j in inventory.jobs}
    extra = [j for j in jobs if j.key not in known]
    return replace(inventory, jobs=list(inventory.jobs) + extra) if extra else inventory


def read_at(refresher, request: RefreshRequest, report: RefreshReport, cancelled) -> RefreshReport:
    """Finish ``report`` (the listings done) with the series of ``request.at``; see the module."""
    from tui.aws.metrics import MetricRequest, choose_period

    at = int(request.at)
    window = request.window or refresher.store.window
    report.at = at
    past = getattr(refresher, "past", None)
    if past is None:
        past = refresher.past = PastMoments(refresher.clients.cloudwatch)
    engine, store, done = past.get(at, window)
    inventory = with_jobs(refresher.inventory, jobs_at(refresher, past, at, window, report, cancelled))
    if inventory is not refresher.inventory or report.inventory is not None:
        report.inventory = inventory  # the live listing's, and the moment's jobs beside it
    wanted = [k for k in moment_keys(request, inventory, at, window)
              if k not in done and (refresher.percentiles or not is_extended_stat(k.stat))]
    report.series += len(wanted)
    if wanted and not cancelled():
        now = refresher.clock()
        period = choose_period(int(now) - (at - window), now)  # what retention keeps at the window's start
        try:
            res = engine.fetch([MetricRequest(k, period) for k in wanted], now=at, cancelled=cancelled)
        except Exception as exc:  # noqa: BLE001 - a failure becomes a report line, never a traceback
            from tui.model.state import describe_error

            response = getattr(exc, "response", None)
            code = response.get("Error", {}).get("Code", type(exc).__name__) if isinstance(response, dict) \
                else type(exc).__name__
            report.errors.append(describe_error(code, str(exc), "metrics of the past moment", refresher.profile))
        else:
            report.usage.metrics_requested += res.usage.metrics_requested
            report.usage.metric_data_calls += res.usage.metric_data_calls
            report.usage.datapoints += res.usage.datapoints
            refresher._report_result(res, report)
            done.update(k for k in wanted if k not in {e.key for e in res.errors})
    detail = request.detail
    if detail is not None and not cancelled():
        from tui.refresh_detail import run_reads

        report.detail = run_reads(refresher.clients, detail) if detail.reads else DetailResult(detail.owner)
        if detail.span is not None:
            report.detail.store = refresher._fetch_span(detail, report, cancelled)
    report.store = snapshot(store)
    return report


__all__ = ["KEPT_MOMENTS", "PastMoments", "jobs_at", "moment_keys", "read_at", "with_jobs"]
