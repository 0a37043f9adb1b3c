"""Drill-down screens of labeling jobs, feature groups and inference recommendations jobs.

* :class:`LabelingJobScreen`: progress through the dataset (a bar, labeled by people and
  automatically, failed, left), the pace and the time left at that pace, the Ground Truth
  job metrics and the workteam's worker metrics, and charts of both.
* :class:`FeatureGroupScreen`: one row per Feature Store operation (GetRecord,
  BatchGetRecord, PutRecord, DeleteRecord) with requests, 4XX / 5XX, throttles, latency and
  the units consumed; charts of requests, latency and throttles by operation.
* :class:`RecommendationJobScreen`: one row per load-tested endpoint with concurrent users,
  invocations, errors and client latency; charts of the load ramp and its effect.

Esc goes back.
"""

from __future__ import annotations

from textual.app import ComposeResult

from tui.model.detail import DetailRequest, DetailResult
from tui.model.drill_views import METRIC_COLUMNS, Fact
from tui.model.feature_group_detail import (FEATURE_COLUMNS, feature_charts, feature_facts, feature_request,
                                            feature_op_rows)
from tui.model.labeling_detail import labeling_charts, labeling_facts, labeling_request, labeling_metric_rows
from tui.model.recommendation_detail import (RECOMMENDATION_COLUMNS, recommendation_charts, recommendation_facts,
                                             recommendation_request, recommendation_target_rows)
from tui.model.resources import FeatureGroup, LabelingJob, RecommendationJob
from tui.screens.base import ResourceScreen
from tui.widgets.chart_panel import ChartPanel
from tui.widgets.detail_table import DetailTable
from tui.widgets.facts_view import FactsView, section

_GONE = Fact("Note", "no longer listed by SageMaker (deleted?): showing the last data", "warn")


class _SimpleScreen(ResourceScreen):
    """Facts, one table and charts for one resource of an inventory list."""

    #: Inventory attribute the resource is listed in.
    list_name = ""
    table_title = ""
    columns = METRIC_COLUMNS

    def __init__(self, resource, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(state=state, detail=detail)
        self.resource = resource
        self.crumb = resource.name
        self.listed = True

    def refresh_resource(self, state) -> None:
        fresh = next((r for r in getattr(state.inventory, self.list_name) if r.key == self.resource.key), None)
        self.listed = fresh is not None or not state.loaded
        if fresh is not None:
            self.resource = fresh

    def compose_body(self) -> ComposeResult:
        yield FactsView(id="facts")
        yield section(self.table_title, "table-title")
        yield DetailTable(self.columns, id="table")
        yield ChartPanel(id="charts")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#table", DetailTable).focus()

    def redraw(self) -> None:
        store, now = self.state.store, self.now()
        facts = self.facts(store, now)
        if not self.listed:
            facts.insert(0, _GONE)
        self.query_one("#facts", FactsView).set_facts(facts)
        self.query_one("#table", DetailTable).show_rows(self.rows(store, now))
        self.query_one("#charts", ChartPanel).set_specs(self.charts(store, now))

    def facts(self, store, now: int) -> list[Fact]:  # pragma: no cover - every screen has one
        return []

    def rows(self, store, now: int):  # pragma: no cover
        return []

    def charts(self, store, now: int):  # pragma: no cover
        return []


class LabelingJobScreen(_SimpleScreen):
    """One Ground Truth labeling job and its workteam."""

    root_title = "Labeling"
    list_name = "labeling_jobs"
    table_title = "Job and worker metrics (rates: per minute over the last 5 minutes)"

    def __init__(self, job: LabelingJob, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(job, state=state, detail=detail)

    @property
    def job(self) -> LabelingJob:
        return self.resource

    def detail_request(self) -> DetailRequest:
        return labeling_request(self.job)

    def facts(self, store, now):
        return labeling_facts(self.job, store, now)

    def rows(self, store, now):
        return labeling_metric_rows(self.job, store, now)

    def charts(self, store, now):
        return labeling_charts(self.job, store, now)


class FeatureGroupScreen(_SimpleScreen):
    """One Feature Store feature group, per operation."""

    root_title = "Features"
    list_name = "feature_groups"
    table_title = "Operations (per minute over the last 5 minutes)"
    columns = FEATURE_COLUMNS

    def __init__(self, group: FeatureGroup, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(group, state=state, detail=detail)

    @property
    def group(self) -> FeatureGroup:
        return self.resource

    def detail_request(self) -> DetailRequest:
        return feature_request(self.group)

    def facts(self, store, now):
        return feature_facts(self.group, store, now)

    def rows(self, store, now):
        return feature_op_rows(self.group, store, now)

    def charts(self, store, now):
        return feature_charts(self.group, store, now)


class RecommendationJobScreen(_SimpleScreen):
    """One Inference Recommender job, per load-tested endpoint."""

    root_title = "Recommender"
    list_name = "recommendation_jobs"
    table_title = "Endpoints under load (per minute over the last 5 minutes)"
    columns = RECOMMENDATION_COLUMNS

    def __init__(self, job: RecommendationJob, *, state=None, detail: DetailResult | None = None) -> None:
        super().__init__(job, state=state, detail=detail)

    @property
    def job(self) -> RecommendationJob:
        return self.resource

    def detail_request(self) -> DetailRequest:
        return recommendation_request(self.job)

    def facts(self, store, now):
        return recommendation_facts(self.job, store, now)

    def rows(self, store, now):
        return recommendation_target_rows(self.job, store, now)

    def charts(self, store, now):
        return recommendation_charts(self.job, store, now)


__all__ = ["FeatureGroupScreen", "LabelingJobScreen", "RecommendationJobScreen"]
