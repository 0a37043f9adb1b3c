"""SageMaker for the local AWS: the registration of the operations moto 5.2 lacks and of the
fixes to the ones it has, on moto's ``SageMakerModelBackend``, ``SageMakerResponse`` and model
classes (so they answer over HTTP like AWS does).

One module per API family holds the operations, the fixes and the in-process control
functions (``set_*``) the demo drives state with:

* :mod:`.endpoints` - inference components, endpoint configs, endpoint and variant state;
* :mod:`.jobs` - training, processing and transform jobs;
* :mod:`.pipelines` - pipeline executions and their steps;
* :mod:`.labeling` - Ground Truth labeling jobs;
* :mod:`.recommender` - Inference Recommender jobs;
* :mod:`.feature_store` - feature groups;
* :mod:`.common` - what they share (defaults, lock, List* paging).

New list operations filter first, then sort (``SortBy``/``SortOrder``) and page
(``MaxResults`` default 10, ``NextToken``).
"""

from __future__ import annotations

from typing import Any, Callable

from .. import _patches
from . import endpoints, feature_store, jobs, labeling, pipelines, recommender

#: Operations moto 5.2.5 does not implement at all (response method names).
ADDED_OPERATIONS = (
    "create_inference_component", "describe_inference_component", "list_inference_components",
    "delete_inference_component", "create_labeling_job", "describe_labeling_job", "list_labeling_jobs",
    "create_inference_recommendations_job", "describe_inference_recommendations_job",
    "list_inference_recommendations_jobs", "list_pipeline_execution_steps", "list_feature_groups",
)

#: The modules holding the ``backend_<operation>`` and ``response_<operation>`` of the added operations.
_FAMILIES = (endpoints, labeling, recommender, pipelines, feature_store)


def _handler(prefix: str, operation: str) -> Callable[..., Any]:
    name = f"{prefix}_{operation}"
    for module in _FAMILIES:
        handler = getattr(module, name, None)
        if handler is not None:
            return handler
    raise LookupError(f"no module of the SageMaker additions defines {name}")


def install() -> None:
    from moto.sagemaker.models import FakeEndpointConfig, FakeTrainingJob, FeatureGroup, SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    for op in ADDED_OPERATIONS:
        _patches.patch(SageMakerModelBackend, op, _handler("backend", op))
        _patches.patch(SageMakerResponse, op, _handler("response", op))

    _patches.patch(FakeEndpointConfig, "validate_instance_type", endpoints.endpoint_config_validate_instance_type)
    _patches.patch(SageMakerModelBackend, "validate_production_variants",
                   endpoints.backend_validate_production_variants)
    _patches.patch(SageMakerResponse, "create_endpoint_config", endpoints.response_create_endpoint_config)

    _patches.patch(FeatureGroup, "__init__", feature_store.feature_group_init)
    _patches.patch(FeatureGroup, "describe", feature_store.feature_group_describe)
    _patches.patch(SageMakerModelBackend, "describe_feature_group", feature_store.backend_describe_feature_group)
    _patches.patch(SageMakerResponse, "create_feature_group", feature_store.response_create_feature_group)

    _patches.patch(FakeTrainingJob, "__init__", jobs.training_job_init)
    _patches.patch(SageMakerModelBackend, "list_training_jobs", jobs.backend_list_training_jobs)
    _patches.patch(SageMakerResponse, "create_processing_job", jobs.response_create_processing_job)
    _patches.patch(SageMakerModelBackend, "list_processing_jobs", jobs.with_failure_reason(
        "list_processing_jobs", "ProcessingJobSummaries", "ProcessingJobName", "processing_jobs"))
    _patches.patch(SageMakerModelBackend, "list_transform_jobs", jobs.with_failure_reason(
        "list_transform_jobs", "TransformJobSummaries", "TransformJobName", "transform_jobs"))

    _patches.patch(SageMakerModelBackend, "describe_pipeline_execution",
                   pipelines.backend_describe_pipeline_execution)
    _patches.patch(SageMakerModelBackend, "list_pipeline_executions", pipelines.backend_list_pipeline_executions)
