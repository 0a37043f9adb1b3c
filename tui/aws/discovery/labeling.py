"""Ground Truth labeling jobs (everything from ListLabelingJobs)."""

from __future__ import annotations

from tui.aws.discovery.base import LIST_PAGE_SIZE, DESCRIBE_WORKERS, _dict, _int, _items, _region, _str, _ts
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, LabelingJob


def list_labeling_jobs(sm, region: str | None = None, *, usage: Usage | None = None,
                       errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS
                       ) -> list[LabelingJob]:
    """Labeling jobs with their label counters (all from ListLabelingJobs), newest first."""
    region = _region(sm, region)
    out = []
    for s in _items(sm, "ListLabelingJobs", "LabelingJobSummaryList", usage, SortBy="CreationTime",
                    SortOrder="Descending", MaxResults=LIST_PAGE_SIZE):
        name = _str(s.get("LabelingJobName"))
        if not name:
            continue
        c = _dict(s.get("LabelCounters"))
        out.append(LabelingJob(name=name, status=_str(s.get("LabelingJobStatus")) or "Unknown", region=region,
                               creation_time=_ts(s.get("CreationTime")), workteam_arn=_str(s.get("WorkteamArn")),
                               total_labeled=_int(c.get("TotalLabeled")), human_labeled=_int(c.get("HumanLabeled")),
                               machine_labeled=_int(c.get("MachineLabeled")),
                               failed_non_retryable=_int(c.get("FailedNonRetryableError")),
                               unlabeled=_int(c.get("Unlabeled")), failure_reason=_str(s.get("FailureReason"))))
    return out
