"""In-process changes to the local AWS that its API cannot express: the demo fleet's statuses
and past creation times (:class:`SageMakerControl`), and one demo per region of the process
(:func:`claim_region`, :func:`release_region`, which forgets what a stopped demo left).
"""

from __future__ import annotations

import threading
from typing import Any

#: The local AWS keeps its state per process (per account and region): one demo per region.
_REGIONS_IN_USE: dict[str, object] = {}
_REGIONS_LOCK = threading.Lock()


def reset_region(region: str, account_id: str) -> None:
    """Forget everything the local AWS holds for a region (a stopped demo's fleet)."""
    from moto.cloudwatch.models import cloudwatch_backends
    from moto.logs.models import logs_backends
    from moto.sagemaker.models import sagemaker_backends

    for backends in (cloudwatch_backends, logs_backends, sagemaker_backends):
        try:
            backends[account_id][region].reset()
        except Exception:  # noqa: BLE001 - nothing to forget
            pass


def claim_region(region: str, demo: object) -> None:
    """Mark ``region`` as populated by ``demo`` (RuntimeError while another demo holds it)."""
    with _REGIONS_LOCK:
        other = _REGIONS_IN_USE.get(region)
        if other is not None and other is not demo:
            raise RuntimeError(f"another demo already populates {region} in this process: stop it first "
                               f"or give this one another region")
        _REGIONS_IN_USE[region] = demo


def release_region(region: str, demo: object) -> None:
    """Free ``region`` if ``demo`` holds it, forgetting everything the local AWS kept for it."""
    with _REGIONS_LOCK:
        if _REGIONS_IN_USE.get(region) is demo:
            del _REGIONS_IN_USE[region]
            from tui.demo import moto_ext

            reset_region(region, moto_ext.DEFAULT_ACCOUNT_ID)


class SageMakerControl:
    """In-process changes to the local AWS that its API cannot express.

    Statuses, steps and counters go through the local AWS's own control functions; past
    creation and start times are set on its objects directly.
    """

    def __init__(self, region: str) -> None:
        from tui.demo import moto_ext

        self.region = region
        self.ext = moto_ext
        self.account_id = moto_ext.DEFAULT_ACCOUNT_ID

    def set_job_status(self, *a, **kw) -> None:
        self.ext.set_job_status(*a, region=self.region, **kw)

    def set_pipeline_execution_status(self, *a, **kw) -> None:
        self.ext.set_pipeline_execution_status(*a, region=self.region, **kw)

    def set_execution_steps(self, *a, **kw) -> None:
        self.ext.set_execution_steps(*a, region=self.region, **kw)

    def set_labeling_job(self, *a, **kw) -> None:
        self.ext.set_labeling_job(*a, region=self.region, **kw)

    def set_recommendation_job_status(self, *a, **kw) -> None:
        self.ext.set_recommendation_job_status(*a, region=self.region, **kw)

    def set_component_copies(self, *a, **kw) -> None:
        self.ext.set_component_copies(*a, region=self.region, **kw)

    def backdate(self, kind: str, name: str, when: float, pipeline: str | None = None) -> None:
        """Give a resource a creation (and start) time in the past."""
        from datetime import datetime, timezone

        from moto.sagemaker.models import sagemaker_backends

        t = datetime.fromtimestamp(when, timezone.utc).replace(tzinfo=None)
        b = sagemaker_backends[self.account_id][self.region]
        ext = b.__dict__.get("_ext_state")
        obj: Any = None
        extra: tuple[str, ...] = ()
        if kind == "model":
            obj = b._models.get(name)
        elif kind == "endpoint-config":
            obj = b.endpoint_configs.get(name)
        elif kind == "endpoint":
            obj = b.endpoints.get(name)
        elif kind in ("training-job", "processing-job", "transform-job"):
            jobs = {"training-job": b.training_jobs, "processing-job": b.processing_jobs,
                    "transform-job": b.transform_jobs}[kind]
            obj = jobs.get(name)
        elif kind == "pipeline":
            obj = b.pipelines.get(name)
        elif kind == "pipeline-execution":
            p = b.pipelines.get(pipeline or "")
            obj = p.pipeline_executions.get(name) if p is not None else None
            extra = ("start_time",)
            if p is not None:
                last = getattr(p, "last_execution_time", None)
                if last is None or isinstance(last, str) or last > t or len(p.pipeline_executions) <= 1:
                    p.last_execution_time = t
                else:
                    p.last_execution_time = max(
                        getattr(e, "start_time", t) for e in p.pipeline_executions.values()
                        if not isinstance(getattr(e, "start_time", t), str))
        elif kind == "feature-group":
            obj = next((fg for fg in b.feature_groups.values() if fg.feature_group_name == name), None)
        elif ext is not None and kind == "labeling-job":
            obj = ext.labeling_jobs.get(name)
        elif ext is not None and kind == "recommendation-job":
            obj = ext.recommendation_jobs.get(name)
        elif ext is not None and kind == "inference-component":
            obj = ext.inference_components.get(name)
        if obj is None:
            return
        for attr in ("creation_time", "last_modified_time") + extra:
            if hasattr(obj, attr):
                setattr(obj, attr, t)
