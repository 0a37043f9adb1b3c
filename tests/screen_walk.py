"""Open every drill-down screen of the demo fleet, in one Pilot app, the way a person would.

:class:`WalkApp` is the drill-down harness of ``test_endpoint_screens`` on a blank first
screen: :func:`every_screen` pushes each resource's screen (endpoint, its instances and each
instance's GPUs, component, job and one host, pipeline and its latest execution, labeling
job, feature group, recommender job), lets the harness fetch what the screen asks for (the
app's own metric engine and reads, against the demo's local AWS), and yields it on top,
then goes back. Screens that depend on what an earlier one read (GPUs on the instances the
enhanced read found, an execution's steps) are opened with what that read returned.
"""

from __future__ import annotations

from test_endpoint_screens import DrillHarness, settle


class WalkApp(DrillHarness):
    """:class:`DrillHarness` that starts on a blank screen; screens are pushed by the test."""

    def __init__(self, env) -> None:
        from textual.screen import Screen

        super().__init__(env, Screen())


async def visit(pilot, app: WalkApp, screen, polls: int = 2):
    """Push ``screen``, fetch its request ``polls`` times (reads first, then the series they
    name) and return the last result (None for a screen that asks for nothing)."""
    await app.push_screen(screen)
    await settle(pilot, app, polls)
    request = screen.detail_request()
    return app.results.get(request.owner) if request is not None else None


async def leave(pilot, app: WalkApp) -> None:
    app.pop_screen()
    await pilot.pause()


def screen_kinds() -> tuple[str, ...]:
    return ("endpoint", "instances", "gpus", "component", "job", "host", "pipeline", "execution", "labeling",
            "feature", "recommendation")


async def every_screen(pilot, app: WalkApp, env, kinds: tuple[str, ...] = screen_kinds()):
    """Yield ``(kind, resource name, screen)`` for every screen of ``kinds``, each on top and fed."""
    from tui.model.endpoint.enhanced import enhanced_info
    from tui.model.job_requests import job_hosts
    from tui.model.pipeline_detail import executions_of
    from tui.screens.component import ComponentScreen
    from tui.screens.endpoint import EndpointScreen
    from tui.screens.endpoint_hosts import AcceleratorScreen, EndpointInstancesScreen
    from tui.screens.host import HostScreen
    from tui.screens.job import JobScreen
    from tui.screens.more import FeatureGroupScreen, LabelingJobScreen, RecommendationJobScreen
    from tui.screens.pipeline import ExecutionScreen, PipelineScreen

    inv = env.inventory
    want = set(kinds)
    if want & {"endpoint", "instances", "gpus"}:
        for ep in inv.endpoints:
            result = await visit(pilot, app, EndpointScreen(ep))
            if "endpoint" in want:
                yield "endpoint", ep.name, app.screen
            info = enhanced_info(ep, result)
            if info.found and want & {"instances", "gpus"}:
                await visit(pilot, app, EndpointInstancesScreen(ep, info=info, state=env.state))
                if "instances" in want:
                    yield "instances", ep.name, app.screen
                with_gpus = [(v, i) for v, i in info.pairs if info.accelerators.get(i)]
                for variant, inst in with_gpus if "gpus" in want else []:
                    await visit(pilot, app, AcceleratorScreen(ep, variant, inst, info=info, state=env.state))
                    yield "gpus", f"{ep.name}/{inst}", app.screen
                    await leave(pilot, app)
                await leave(pilot, app)
            await leave(pilot, app)
    if "component" in want:
        for ic in inv.components:
            await visit(pilot, app, ComponentScreen(ic))
            yield "component", ic.name, app.screen
            await leave(pilot, app)
    if want & {"job", "host"}:
        for job in inv.jobs:
            result = await visit(pilot, app, JobScreen(job))
            if "job" in want:
                yield "job", job.name, app.screen
            hosts = job_hosts(job, result) or list(job.hosts)
            if hosts and "host" in want:
                await visit(pilot, app, HostScreen(job, hosts[0], hosts=hosts, order=hosts))
                yield "host", f"{job.name}/{hosts[0]}", app.screen
                await leave(pilot, app)
            await leave(pilot, app)
    if want & {"pipeline", "execution"}:
        for p in inv.pipelines:
            result = await visit(pilot, app, PipelineScreen(p))
            if "pipeline" in want:
                yield "pipeline", p.name, app.screen
            executions = executions_of(p, result)[0] if result is not None else p.executions
            if executions and "execution" in want:
                await visit(pilot, app, ExecutionScreen(p, executions[0]))
                yield "execution", f"{p.name}/{executions[0].execution_id}", app.screen
                await leave(pilot, app)
            await leave(pilot, app)
    for kind, cls, items in (("labeling", LabelingJobScreen, inv.labeling_jobs),
                             ("feature", FeatureGroupScreen, inv.feature_groups),
                             ("recommendation", RecommendationJobScreen, inv.recommendation_jobs)):
        if kind not in want:
            continue
        for item in items:
            await visit(pilot, app, cls(item))
            yield kind, item.name, app.screen
            await leave(pilot, app)
