"""The jobs that ran in a past window (time travel): one bounded listing per kind, at the moment.

The live listing (:mod:`.jobs`) reaches back from *now* by the lookback or the longest run of a
kind (28 days for training), so a job that ran months before a past moment is not in it. While
the app shows a past moment ``at``, :func:`list_jobs_at` lists, per kind, the jobs created in
``(at - window - longest run, at)`` (``CreationTimeAfter`` / ``CreationTimeBefore``, newest first,
at most :data:`PAST_JOB_PAGES` pages): every job whose span can overlap the window ending at
``at`` was created in it. Of those, the ones whose listed end time falls before the window are
dropped without a call; the others are described (their start, instance count and hosts), at
most :data:`PAST_DESCRIBE_LIMIT` per kind, through the :class:`~.cache.DescribeCache` that keeps
an ended job's answer. Read-only: List* and Describe* only. The caller keeps the result per
moment (a past window's jobs do not change), and calls it once per account with that account's
client (:func:`tui.aws.accounts.listing_targets`, :func:`tui.refresh_history.jobs_at`), marking
the jobs with their account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery.base import JOB_PAGE_SIZE, _error, _list, _note, _pages, _region, _str, _ts
from tui.aws.discovery.cache import DescribeCache
from tui.aws.discovery.jobs import _FILL, _JOB_APIS, _max_run
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, Job, default_hosts

#: Pages (of JOB_PAGE_SIZE) one kind's listing at a moment reads at most: 1,000 jobs created in
#: the reach of the moment; a busier account shows the newest of them (the listing is newest first).
PAST_JOB_PAGES = 10
#: Jobs described per kind and moment (the rest are shown from their listing).
PAST_DESCRIBE_LIMIT = 100
#: What each kind's summary names its end time.
_END_FIELD = {Kind.TRAINING_JOB: "TrainingEndTime", Kind.PROCESSING_JOB: "ProcessingEndTime",
              Kind.TRANSFORM_JOB: "TransformEndTime"}
PAST_KINDS = tuple(_END_FIELD)


def _listed_at(sm, kind: Kind, usage: Usage | None, after: datetime, before: datetime) -> list[dict]:
    """The summaries of ``kind`` created in ``(after, before)``, newest first, bounded."""
    api = _JOB_APIS[kind]
    params: dict[str, Any] = {"SortBy": "CreationTime", "SortOrder": "Descending", "MaxResults": JOB_PAGE_SIZE,
                              "CreationTimeAfter": after, "CreationTimeBefore": before}
    found: dict[str, dict] = {}
    for number, page in enumerate(_pages(sm, api.list_op, usage, max_items=None, **params), 1):
        for s in _list(page.get(api.summaries)):
            name = _str(s.get(api.name))
            if name and name not in found:
                found[name] = s
        if number >= PAST_JOB_PAGES:
            break
    return list(found.values())


def list_jobs_at(sm, kind: Kind, region: str | None, *, at: datetime, window: timedelta,
                 usage: Usage | None = None, errors: list[DiscoveryError] | None = None,
                 cache: DescribeCache | None = None, describe_limit: int = PAST_DESCRIBE_LIMIT) -> list[Job]:
    """The jobs of ``kind`` that may have run in ``[at - window, at]``, newest first (see the module).

    A listing that fails is one :class:`DiscoveryError` in ``errors`` and no jobs; a Describe that
    fails leaves that job as listed (``described`` False)."""
    api = _JOB_APIS[kind]
    region = _region(sm, region)
    begin = at - window
    try:
        summaries = _listed_at(sm, kind, usage, begin - _max_run(kind), at)
    except (ClientError, BotoCoreError) as exc:
        if errors is not None:
            errors.append(_error(kind.value, api.list_op, exc, region))
        return []
    cache = cache if cache is not None else DescribeCache()
    jobs: list[Job] = []
    for s in summaries:
        end = _ts(s.get(_END_FIELD[kind]))
        if end is not None and end < begin:
            continue  # ended before the window opened: not listed there, no call
        job = Job(kind=kind, name=str(s[api.name]), status=_str(s.get(api.status)) or "Unknown", region=region,
                  secondary_status=_str(s.get("SecondaryStatus")), creation_time=_ts(s.get("CreationTime")),
                  end_time=end, failure_reason=_str(s.get("FailureReason")), described=False)
        if len(jobs) < describe_limit:
            try:
                d = cache.job(sm, api.describe_op, api.describe_param, job.name, api.status, usage, summary=s)
            except (ClientError, BotoCoreError) as exc:
                _note(errors, kind.value, api.describe_op, exc, region)
            else:
                job.described = True
                job.status = _str(d.get(api.status)) or job.status
                job.creation_time = _ts(d.get("CreationTime")) or job.creation_time
                job.failure_reason = _str(d.get("FailureReason")) or job.failure_reason
                _FILL[kind](job, d)
        job.hosts = default_hosts(kind, job.name, job.instance_count)
        jobs.append(job)
    epoch = datetime.min.replace(tzinfo=begin.tzinfo)
    return sorted(jobs, key=lambda j: j.creation_time or epoch, reverse=True)


__all__ = ["PAST_DESCRIBE_LIMIT", "PAST_JOB_PAGES", "PAST_KINDS", "list_jobs_at"]
