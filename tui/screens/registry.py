"""Which drill-down screen opens for a resource (Enter on an overview row).

Screens are imported when first opened, so start-up stays fast; a kind without a screen of
its own falls back to the generic detail screen.
"""

from __future__ import annotations

from importlib import import_module

from tui.model.resources import (
    Endpoint, FeatureGroup, InferenceComponent, Job, LabelingJob, Pipeline, RecommendationJob,
)

_SCREENS: dict[type, tuple[str, str]] = {
    Job: ("tui.screens.job", "JobScreen"),
    Endpoint: ("tui.screens.endpoint", "EndpointScreen"),
    InferenceComponent: ("tui.screens.component", "ComponentScreen"),
    Pipeline: ("tui.screens.pipeline", "PipelineScreen"),
    LabelingJob: ("tui.screens.more", "LabelingJobScreen"),
    FeatureGroup: ("tui.screens.more", "FeatureGroupScreen"),
    RecommendationJob: ("tui.screens.more", "RecommendationJobScreen"),
}


def screen_class(resource) -> type | None:
    """The drill-down screen class for ``resource``, or None when it has none."""
    spec = _SCREENS.get(type(resource))
    if spec is None:
        return None
    module, name = spec
    try:
        return getattr(import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # a broken import inside the screen is a bug: let it show
            raise
        return None
