"""Labeling-job, feature-group and recommendations-job screens: the models with exact numbers,
and the screens on the demo fleet (values against plain boto3 GetMetricData)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from test_endpoint_screens import (SIZE, DrillHarness, demo_env, gmd, per_minute_recent, screen_text,
                                   settle)
from tui.model.catalog import Unit
from tui.model.format import format_count, format_value
from tui.model.feature_group_detail import FeatureOpKeys, feature_facts, feature_request, feature_op_rows
from tui.model.labeling_detail import (LabelingDetailKeys, LabelingProgress, labeling_facts, labeling_pace,
                                       labeling_progress, labeling_request, labeling_metric_rows, progress_bar)
from tui.model.recommendation_detail import RecommendationDetailKeys, recommendation_request, recommendation_target_rows
from tui.model.resources import FeatureGroup, LabelingJob, RecommendationJob
from tui.model.series import SeriesStore

NOW = 1_800_000_000 - 1_800_000_000 % 60
M = NOW - 60
TEAM_ARN = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/team"


def put(store: SeriesStore, key, points: dict[int, float]) -> None:
    store.ensure(key, 60).merge(list(points), list(points.values()))


# -- models ----------------------------------------------------------------------------------------

def test_labeling_progress_pace_and_time_left():
    job = LabelingJob("bbox", "InProgress", region="us-east-1", workteam_arn=TEAM_ARN, total_labeled=1000,
                      human_labeled=900, machine_labeled=100, failed_non_retryable=10, unlabeled=990,
                      creation_time=datetime.fromtimestamp(NOW - 7200, timezone.utc))
    store = SeriesStore(3 * 3600)
    k = LabelingDetailKeys(job)
    assert k.workteam == "team" and len(k.all()) == 4 + 7 + 3  # job, workteam, account job counts
    assert k.workers["time_count"].stat == "SampleCount" and k.workers["active"].dimensions == (("Workteam", "team"),)
    # cumulative: +600 over the newest 30 minutes (the older point is outside the pace span)
    put(store, k.labeled, {M - 3600: 200.0, M - 1800: 420.0, M - 900: 700.0, M: 1020.0})
    assert labeling_pace(store, k.labeled, NOW) == pytest.approx(600 / 1800 * 3600)
    pr = labeling_progress(job, store, NOW)
    assert (pr.labeled, pr.unlabeled, pr.total) == (1020, 970, 2000)  # the metric leads the counters by 20
    assert pr.done_pct == pytest.approx(51.0) and pr.eta_seconds == pytest.approx(970 / 1200 * 3600)
    facts = {f.label: f.text for f in labeling_facts(job, store, NOW)}
    assert facts["Progress"] == f"{progress_bar(51.0)} 51.0%   1,020 of 2,000 labeled (900 by people, 100 automated)"
    assert facts["Remaining"] == "970 left, 10 failed"
    assert facts["Pace"] == "1,200 objects/hour over the last 30m 00s; done in about 48m 30s at this pace"
    assert progress_bar(50.0, 10) == "█████·····" and progress_bar(None, 3) == "···"
    assert LabelingProgress(None, None, None, None, None).total is None


def test_labeling_account_job_counts():
    """JobsSucceeded / JobsFailed / JobsStopped are account-level (no dimension): asked for with
    the job's screen and shown as its "Account jobs" fact, summed over the window."""
    job = LabelingJob("bbox", "InProgress", "us-east-1", workteam_arn=TEAM_ARN)
    k = LabelingDetailKeys(job)
    for name, key in k.account_jobs.items():
        assert key.dimensions == () and key.stat == "Sum" and key.namespace == "AWS/SageMaker/LabelingJobs"
        assert key.metric == {"succeeded": "JobsSucceeded", "failed": "JobsFailed", "stopped": "JobsStopped"}[name]
    assert set(k.account_jobs.values()) <= set(labeling_request(job).keys)
    store = SeriesStore(3 * 3600)
    put(store, k.account_jobs["succeeded"], {M - 3600: 1.0, M - 600: 2.0})
    put(store, k.account_jobs["failed"], {M - 1200: 1.0})
    put(store, k.account_jobs["stopped"], {M - 4 * 3600: 1.0})  # outside the 3h window
    fact = next(f for f in labeling_facts(job, store, NOW) if f.label == "Account jobs")
    assert fact.text.startswith("3 succeeded, 1 failed, 0 stopped in the window") and fact.level == "crit"
    assert "in us-east-1" in fact.text and "JobsSucceeded/Failed/Stopped, Sum" in fact.text


def test_labeling_worker_rows():
    job = LabelingJob("bbox", "InProgress", workteam_arn=TEAM_ARN)
    store = SeriesStore(3 * 3600)
    w = LabelingDetailKeys(job).workers
    put(store, w["submitted"], {M - 60 * i: 12.0 for i in range(5)})
    put(store, w["returned"], {M: 1.0})
    put(store, w["time"], {M - 60 * i: 600.0 for i in range(5)})
    put(store, w["time_count"], {M - 60 * i: 12.0 for i in range(5)})
    rows = {r.name: r.cells for r in labeling_metric_rows(job, store, NOW)}
    assert rows["Tasks submitted"]["now"].text == "12/min" and rows["Tasks submitted"]["window"].text == "60 in all"
    assert rows["Tasks returned"]["now"].text == "0.2/min" and rows["Tasks returned"]["now"].level == "warn"
    assert rows["Time per task"]["now"].text == "50 s" and rows["Time per task"]["window"].text == "mean 50 s"
    assert rows["Objects labeled"]["now"].text == "–"


def test_feature_rows_per_operation_and_capacity_mode():
    fg = FeatureGroup("customers", "Created", region="us-east-1", online_store=True)
    ops = {ok.op: ok for ok in (FeatureOpKeys(fg, op, mode) for op, mode in
                                (("GetRecord", "read"), ("PutRecord", "write")))}
    req = feature_request(fg)
    assert len(req.keys) == len(set(req.keys)) == 4 * 8
    assert ops["PutRecord"].request_units.metric == "ConsumedWriteRequestsUnits"
    store = SeriesStore(3 * 3600)
    get = ops["GetRecord"]
    put(store, get.invocations, {M - 60 * i: 600.0 for i in range(5)})
    put(store, get.errors_5xx, {M: 6.0})
    put(store, get.throttled, {M: 15.0})
    put(store, get.latency, {M: 9_500.0})
    put(store, get.capacity_units, {M - 60 * i: 600.0 for i in range(5)})
    rows = {r.name: r.cells for r in feature_op_rows(fg, store, NOW)}
    g = rows["GetRecord"]
    assert (g["inv"].text, g["e5xx_rate"].text, g["throttled"].text, g["latency"].text, g["units"].text) == \
        ("600", "0.2%", "3", "9.50 ms", "600")
    assert g["throttled"].level == "warn" and rows["DeleteRecord"]["name"].level == "dim"
    facts = {f.label: f.text for f in feature_facts(fg, store, NOW)}
    assert facts["Capacity"] == "provisioned" and facts["Stores"] == "online"
    assert facts["Traffic"] == "reads 600/min, writes –   15 throttled in the last 5 minutes"


def test_recommendation_rows_per_endpoint_under_test():
    job = RecommendationJob("sweep", "IN_PROGRESS", region="us-east-1", endpoint_names=["ep-a", "ep-b"])
    k = RecommendationDetailKeys(job)
    assert len(recommendation_request(job).keys) == 2 * 5
    assert [dict(s["latency_p99"].dimensions)["EndpointName"] for s in k.sets] == ["ep-a", "ep-b"]
    store = SeriesStore(3 * 3600)
    a, b = k.sets
    put(store, a["invocations"], {M - 3600 + 60 * i: 300.0 + i for i in range(5)})  # done an hour ago
    put(store, b["invocations"], {M - 60 * i: 900.0 for i in range(5)})
    put(store, b["errors"], {M: 45.0})
    put(store, b["users"], {M - 60: 20.0, M: 24.0})
    rows = {r.name: r.cells for r in recommendation_target_rows(job, store, NOW)}
    assert rows["ep-a"]["state"].text == "done" and rows["ep-a"]["inv"].text == "–"
    assert rows["ep-a"]["peak_inv"].text == "304"
    assert (rows["ep-b"]["state"].text, rows["ep-b"]["inv"].text, rows["ep-b"]["errors"].text,
            rows["ep-b"]["users"].text, rows["ep-b"]["peak_users"].text) == ("testing", "900", "1.0%", "24", "24")
    solo = RecommendationJob("sweep", "IN_PROGRESS")
    assert [dict(s["invocations"].dimensions) for s in RecommendationDetailKeys(solo).sets] == [{"JobName": "sweep"}]


# -- screens on the demo ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def env(shared_demo, shared_demo_clients):
    return demo_env(shared_demo, shared_demo_clients)


async def test_labeling_job_screen(env):
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView
    from tui.screens.more import LabelingJobScreen

    name, team = env.fleet.labeling_job, env.fleet.workteam
    job = next(j for j in env.inventory.labeling_jobs if j.name == name)
    app = DrillHarness(env, LabelingJobScreen(job))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert f"sagemon › Labeling › {name}" in screen_text(app)
        assert env.fetched[-1] == labeling_request(job)
        table = app.screen.query_one("#table", DetailTable)
        labeled = gmd(env, "AWS/SageMaker/LabelingJobs", "TotalDatasetObjectsLabeled", {"LabelingJobName": name},
                      "Maximum")
        assert table.cell_text("gt:TotalDatasetObjectsLabeled", "now") == format_count(labeled[-1][1])
        submitted = gmd(env, "AWS/SageMaker/Workteam", "TasksSubmitted", {"Workteam": team}, "Sum")
        assert table.cell_text("wt:submitted", "now") == f"{format_count(round(per_minute_recent(submitted), 1))}/min"
        facts = app.screen.query_one("#facts", FactsView).text()
        total = next(lj.total_objects for lj in env.fleet.labeling_jobs if lj.name == name)
        assert f"of {format_count(total)} labeled" in facts and "objects/hour" in facts
        # the account's ended labeling jobs (no dimension), summed over the window as boto3 reads them
        counts = {m: sum(v for _, v in gmd(env, "AWS/SageMaker/LabelingJobs", m, {}, "Sum"))
                  for m in ("JobsSucceeded", "JobsFailed", "JobsStopped")}
        assert (f"{format_count(counts['JobsSucceeded'])} succeeded, {format_count(counts['JobsFailed'])} failed, "
                f"{format_count(counts['JobsStopped'])} stopped in the window") in facts


async def test_feature_group_screen(env):
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView
    from tui.screens.more import FeatureGroupScreen

    for spec in env.fleet.feature_groups:
        group = next(g for g in env.inventory.feature_groups if g.name == spec.name)
        app = DrillHarness(env, FeatureGroupScreen(group))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            table = app.screen.query_one("#table", DetailTable)
            for op in ("GetRecord", "PutRecord"):
                points = gmd(env, "AWS/SageMaker/FeatureStore", "Invocations",
                             {"FeatureGroupName": spec.name, "OperationName": op}, "Sum")
                assert table.cell_text(f"op:{op}", "inv") == format_value(round(per_minute_recent(points), 1),
                                                                           Unit.NONE)
            facts = app.screen.query_one("#facts", FactsView).text()
            assert ("Capacity: provisioned" if spec.provisioned else "Capacity: on-demand") in facts


async def test_recommendation_job_screen(env):
    from tui.widgets.detail_table import DetailTable
    from tui.widgets.facts_view import FactsView
    from tui.screens.more import RecommendationJobScreen

    name = env.fleet.recommendation_job
    job = next(j for j in env.inventory.recommendation_jobs if j.name == name)
    app = DrillHarness(env, RecommendationJobScreen(job))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#table", DetailTable)
        facts = app.screen.query_one("#facts", FactsView)
        assert facts.facts[0].level == "info"  # IN_PROGRESS reads as running
        for row, target in zip(table.rows_shown, job.endpoint_names or [None]):
            dims = {"JobName": name} | ({"EndpointName": target} if target else {})
            points = gmd(env, "/aws/sagemaker/InferenceRecommendationsJobs", "ClientInvocations", dims, "Sum")
            assert table.cell_text(row.key, "inv") == format_value(round(per_minute_recent(points), 1), Unit.NONE)
            users = gmd(env, "/aws/sagemaker/InferenceRecommendationsJobs", "NumberOfUsers", dims, "Maximum")
            assert table.cell_text(row.key, "peak_users") == format_count(max(v for _, v in users))


async def test_real_app_opens_labeling_feature_and_recommendation_screens(env):
    from test_endpoint_screens import open_from_overview, real_app, wait_for
    from tui.widgets.detail_table import DetailTable
    from tui.screens.more import FeatureGroupScreen, LabelingJobScreen, RecommendationJobScreen

    lj = next(j for j in env.inventory.labeling_jobs if j.name == env.fleet.labeling_job)
    fg = env.inventory.feature_groups[0]
    rj = env.inventory.recommendation_jobs[0]
    app = real_app(env)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.state.refreshes >= 1)
        for pane, resource, cls, title, column in (("labeling", lj, LabelingJobScreen, "Labeling", "now"),
                                                   ("features", fg, FeatureGroupScreen, "Features", "inv"),
                                                   ("recommendations", rj, RecommendationJobScreen, "Recommender",
                                                    "inv")):
            await open_from_overview(pilot, app, pane, resource.key)
            await wait_for(pilot, lambda: isinstance(app.screen, cls))
            table = app.screen.query_one("#table", DetailTable)

            def has_value() -> bool:
                return bool(table.rows_shown) and table.cell_text(table.rows_shown[0].key, column) not in ("", "–")

            await wait_for(pilot, has_value)  # the screen's own series arrived through the refresh layer
            assert f"sagemon › {title} › {resource.name}" in screen_text(app)
            assert app.detail_request.owner.endswith(resource.key)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.overview and app.detail_request is None)
