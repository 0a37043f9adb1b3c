"""The registry of resource kinds and the overview panes that list them: one spec each.

Everything that differs per kind is said here once (k9s keeps one registry entry per resource
kind the same way): the pane that lists it, the pane's titles and ``:`` aliases, the
:class:`~tui.model.resources.Inventory` field it lands in, the noun people read, the AWS
listing operation, the resource class and the drill-down screen. Discovery (its listers are
keyed by these kinds), planning, the overview, the ``:`` prompt, the palette and the screen
registry read it; ``tests/test_registry.py`` checks that each of them covers exactly these
kinds and panes.

Adding a kind is one :class:`KindSpec` here, one lister in :mod:`tui.aws.discovery`, one
resource model in :mod:`tui.model.resources` (with its series keys in :mod:`tui.model.plan`)
and one screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tui.model.catalog import Kind
from tui.model.resources import (Alarm, Endpoint, FeatureGroup, InferenceComponent, Job, LabelingJob, Pipeline,
                                 RecommendationJob)


class Pane(str, Enum):
    """The overview panes, in tab order; the value is the name typed after ``:``."""

    ENDPOINTS = "endpoints"
    COMPONENTS = "components"
    JOBS = "jobs"
    PIPELINES = "pipelines"
    LABELING = "labeling"
    FEATURES = "features"
    RECOMMENDATIONS = "recommendations"
    ALARMS = "alarms"

    @property
    def title(self) -> str:
        return PANES[self].title


@dataclass(frozen=True)
class PaneSpec:
    """One overview pane: its titles, what it is called, where its rows come from."""

    pane: Pane
    title: str
    #: The tab label when the tab bar is narrow.
    tab: str
    #: The :class:`~tui.model.resources.Inventory` list the pane shows.
    field: str
    #: What the pane lists, in the plural ("training, processing or transform jobs").
    nouns: str
    #: Extra names accepted by ``:`` (k9s-style short forms).
    aliases: tuple[str, ...] = ()

    @property
    def empty(self) -> str:
        """What the pane says when the account has none."""
        return f"No {self.nouns}"


@dataclass(frozen=True)
class KindSpec:
    """One kind of resource: where it is listed and shown, and how AWS lists it."""

    kind: Kind
    pane: Pane
    #: The resource class discovery builds (a class may serve several kinds: :class:`Job`).
    resource: type
    #: One resource, as people say it ("training job").
    noun: str
    #: The SageMaker listing operation (named in errors and in the IAM policy).
    operation: str
    #: The drill-down screen: module and class name, imported when first opened.
    screen: tuple[str, str]
    #: Names discovery accepts for this kind besides its value ("training-jobs").
    aliases: tuple[str, ...] = ()
    #: The AWS service of ``operation`` (the IAM action is ``service:operation``).
    service: str = "sagemaker"


PANES: dict[Pane, PaneSpec] = {spec.pane: spec for spec in (
    PaneSpec(Pane.ENDPOINTS, "Endpoints", "Endpts", "endpoints", "endpoints", ("ep", "endpoint")),
    PaneSpec(Pane.COMPONENTS, "Components", "Comps", "components", "inference components",
             ("ic", "component", "inference-components")),
    PaneSpec(Pane.JOBS, "Jobs", "Jobs", "jobs", "training, processing or transform jobs",
             ("job", "training", "processing", "transform")),
    PaneSpec(Pane.PIPELINES, "Pipelines", "Pipes", "pipelines", "pipelines", ("pipeline", "pl")),
    PaneSpec(Pane.LABELING, "Labeling", "Label", "labeling_jobs", "labeling jobs", ("labeling-jobs", "gt", "label")),
    PaneSpec(Pane.FEATURES, "Features", "Feats", "feature_groups", "feature groups",
             ("feature-groups", "fg", "feature", "featurestore")),
    PaneSpec(Pane.RECOMMENDATIONS, "Recommender", "Recs", "recommendation_jobs", "inference recommendation jobs",
             ("recommender", "rec", "recs")),
    PaneSpec(Pane.ALARMS, "Alarms", "Alarms", "alarms", "CloudWatch alarms on SageMaker metrics",
             ("alarm", "al", "cloudwatch-alarms")),
)}

KINDS: tuple[KindSpec, ...] = (
    KindSpec(Kind.ENDPOINT, Pane.ENDPOINTS, Endpoint, "endpoint", "ListEndpoints",
             ("tui.screens.endpoint", "EndpointScreen")),
    KindSpec(Kind.INFERENCE_COMPONENT, Pane.COMPONENTS, InferenceComponent, "inference component",
             "ListInferenceComponents", ("tui.screens.component", "ComponentScreen"), ("inference-components",)),
    KindSpec(Kind.TRAINING_JOB, Pane.JOBS, Job, "training job", "ListTrainingJobs",
             ("tui.screens.job", "JobScreen"), ("training-jobs",)),
    KindSpec(Kind.PROCESSING_JOB, Pane.JOBS, Job, "processing job", "ListProcessingJobs",
             ("tui.screens.job", "JobScreen"), ("processing-jobs",)),
    KindSpec(Kind.TRANSFORM_JOB, Pane.JOBS, Job, "transform job", "ListTransformJobs",
             ("tui.screens.job", "JobScreen"), ("transform-jobs",)),
    KindSpec(Kind.PIPELINE, Pane.PIPELINES, Pipeline, "pipeline", "ListPipelines",
             ("tui.screens.pipeline", "PipelineScreen")),
    KindSpec(Kind.LABELING_JOB, Pane.LABELING, LabelingJob, "labeling job", "ListLabelingJobs",
             ("tui.screens.more", "LabelingJobScreen"), ("labeling-jobs",)),
    KindSpec(Kind.FEATURE_GROUP, Pane.FEATURES, FeatureGroup, "feature group", "ListFeatureGroups",
             ("tui.screens.more", "FeatureGroupScreen"), ("feature-groups",)),
    KindSpec(Kind.RECOMMENDATION_JOB, Pane.RECOMMENDATIONS, RecommendationJob, "inference recommendation job",
             "ListInferenceRecommendationsJobs", ("tui.screens.more", "RecommendationJobScreen"),
             ("recommendation-jobs",)),
    KindSpec(Kind.ALARM, Pane.ALARMS, Alarm, "CloudWatch alarm", "DescribeAlarms", ("tui.screens.alarm", "AlarmScreen"),
             service="cloudwatch"),
)

_BY_KIND: dict[Kind, KindSpec] = {spec.kind: spec for spec in KINDS}

# -- views of the registry, for the modules that want one column of it ---------------------------

#: Resource kinds each pane lists (discovery is asked for exactly these).
PANE_KINDS: dict[Pane, tuple[Kind, ...]] = {p: tuple(s.kind for s in KINDS if s.pane is p) for p in Pane}
#: The :class:`~tui.model.resources.Inventory` list each kind lands in.
KIND_FIELDS: dict[Kind, str] = {s.kind: PANES[s.pane].field for s in KINDS}
#: Every ``:`` alias and the pane it means.
PANE_ALIASES: dict[str, Pane] = {alias: spec.pane for spec in PANES.values() for alias in spec.aliases}


def kind_spec(kind: Kind | str) -> KindSpec | None:
    """The spec of ``kind`` (a :class:`Kind` or its value), or None for a kind without one."""
    try:
        return _BY_KIND.get(Kind(kind))
    except ValueError:
        return None


def spec_of(resource) -> KindSpec | None:
    """The spec of one discovered resource (a :class:`Job` by its own ``kind``)."""
    kind = getattr(resource, "kind", None)
    if isinstance(kind, Kind) and kind in _BY_KIND and isinstance(resource, _BY_KIND[kind].resource):
        return _BY_KIND[kind]
    return next((s for s in KINDS if type(resource) is s.resource), None)


def pane_named(name: str) -> Pane | None:
    """The pane a typed name means: exact, alias, or a unique prefix (``:pip`` is pipelines)."""
    name = name.strip().lstrip(":").lower()
    if not name:
        return None
    for pane in Pane:
        if pane.value == name:
            return pane
    if name in PANE_ALIASES:
        return PANE_ALIASES[name]
    hits = {p for p in Pane if p.value.startswith(name)}
    hits |= {p for a, p in PANE_ALIASES.items() if a.startswith(name)}
    return hits.pop() if len(hits) == 1 else None


def pane_resources(pane: Pane, inv) -> list:
    """The resources ``pane`` lists, in discovery order."""
    return getattr(inv, PANES[pane].field)


def pane_of_kind(kind: Kind) -> Pane | None:
    spec = kind_spec(kind)
    return spec.pane if spec else None
