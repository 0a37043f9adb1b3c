"""Inference Recommender jobs and the endpoints they load-test."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery.base import (
    LIST_PAGE_SIZE, DESCRIBE_WORKERS, RECOMMENDATION_DESCRIBE_LIMIT, _call, _dict, _items, _list, _map,
    _note, _region, _str, _ts, _unique,
)
from tui.model.catalog import Kind
from tui.model.cost import Usage
from tui.model.resources import DiscoveryError, RecommendationJob


def _recommendation_endpoints(d: dict) -> list[str]:
    names = [_str(e.get("EndpointName")) or "" for e in _list(_dict(d.get("InputConfig")).get("Endpoints"))]
    names += [_str(_dict(p.get("EndpointInfo")).get("EndpointName")) or ""
              for p in _list(d.get("EndpointPerformances"))]
    names += [_str(_dict(r.get("EndpointConfiguration")).get("EndpointName")) or ""
              for r in _list(d.get("InferenceRecommendations"))]
    return _unique(names)


def list_recommendation_jobs(sm, region: str | None = None, *,
                             describe_limit: int = RECOMMENDATION_DESCRIBE_LIMIT, usage: Usage | None = None,
                             errors: list[DiscoveryError] | None = None, workers: int = DESCRIBE_WORKERS
                             ) -> list[RecommendationJob]:
    """Inference Recommender jobs, newest first; the first ``describe_limit`` with their endpoint names."""
    region = _region(sm, region)
    kind = Kind.RECOMMENDATION_JOB.value
    summaries = [s for s in _items(sm, "ListInferenceRecommendationsJobs", "InferenceRecommendationsJobs", usage,
                                   SortBy="CreationTime", SortOrder="Descending",
                                   MaxResults=LIST_PAGE_SIZE) if _str(s.get("JobName"))]

    def one(item: tuple[int, dict]) -> RecommendationJob:
        i, s = item
        job = RecommendationJob(name=str(s["JobName"]), status=_str(s.get("Status")) or "Unknown", region=region,
                                job_type=_str(s.get("JobType")), creation_time=_ts(s.get("CreationTime")),
                                completion_time=_ts(s.get("CompletionTime")),
                                failure_reason=_str(s.get("FailureReason")))
        if i < describe_limit:
            try:
                d = _call(sm, "DescribeInferenceRecommendationsJob", usage, JobName=job.name)
            except (ClientError, BotoCoreError) as exc:
                _note(errors, kind, "DescribeInferenceRecommendationsJob", exc, region)
            else:
                job.endpoint_names = _recommendation_endpoints(d)
                job.status = _str(d.get("Status")) or job.status
                job.completion_time = _ts(d.get("CompletionTime")) or job.completion_time
                job.failure_reason = _str(d.get("FailureReason")) or job.failure_reason
        return job

    return _map(one, list(enumerate(summaries)), workers)
