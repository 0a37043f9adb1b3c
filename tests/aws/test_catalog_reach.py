"""Every one of the catalog's metrics is reachable from the resource it belongs to.

On the demo fleet (discovered through the app's own discovery), the series the app plans are
collected the way the screens ask for them: every overview pane, then each resource's
drill-down request (endpoint, its enhanced instances and GPUs, inference component, job and
host, pipeline and execution, labeling job, feature group, recommender job), with the named
reads those requests depend on performed against the demo's local AWS. Each catalog entry
must be among them, in one of its namespaces, with a statistic the reference allows.
"""

from __future__ import annotations

from datetime import datetime, timezone

from tui.model import catalog as cat
from tui.model.plan import pane_keys
from tui.model.kinds import Pane


def planned_keys(clients) -> list:
    from tui.aws.discovery import discover
    from tui.model.endpoint.enhanced import enhanced_info, gpus_request, instances_request, publish_period
    from tui.model.endpoint.keys import component_request, endpoint_request
    from tui.model.job_requests import algorithm_names, host_request, job_hosts, job_request
    from tui.model.feature_group_detail import feature_request
    from tui.model.labeling_detail import labeling_request
    from tui.model.recommendation_detail import recommendation_request
    from tui.model.pipeline_detail import execution_request, pipeline_request
    from tui.refresh_detail import run_reads

    inv = discover(clients)
    now = datetime.now(timezone.utc)
    keys = [k for pane in Pane for k in pane_keys(pane, inv, now, 3 * 3600)]

    def add(request) -> object:
        keys.extend(request.keys)
        return run_reads(clients, request) if request.reads else None

    for ep in inv.endpoints:
        result = add(endpoint_request(ep, inv))
        info = enhanced_info(ep, result)
        if info.found:
            add(instances_request(ep, info, publish_period(ep)))
            for variant, instance in info.pairs[:1]:
                add(gpus_request(ep, variant, instance, info, publish_period(ep)))
    for ic in inv.components:
        add(component_request(ic))
    for job in inv.jobs:
        first = add(job_request(job, list(job.hosts)))
        hosts = job_hosts(job, first) or list(job.hosts)
        add(job_request(job, hosts, algorithm_names(job, first)))
        if hosts:
            add(host_request(job, hosts[0], hosts))
    for p in inv.pipelines:
        result = add(pipeline_request(p))
        executions = next((v for (name, _r, _a), v in (result.reads.items() if result else [])
                           if name == "executions"), p.executions) or []
        for ex in executions[:2]:
            steps = add(execution_request(p, ex, None))
            found = next(iter(steps.reads.values()), None) if steps is not None else None
            add(execution_request(p, ex, found or []))
    for job in inv.labeling_jobs:
        add(labeling_request(job))
    for fg in inv.feature_groups:
        add(feature_request(fg))
    for job in inv.recommendation_jobs:
        add(recommendation_request(job))
    return keys


def test_every_catalog_metric_is_planned_by_some_screen(shared_demo_clients):
    keys = planned_keys(shared_demo_clients)
    seen = {(k.namespace, k.metric) for k in keys}
    stats = {}
    for k in keys:
        stats.setdefault((k.namespace, k.metric), set()).add(k.stat)
    missing = [f"{m.name} ({', '.join(m.namespaces)})" for m in cat.CATALOG
               if not any((ns, m.name) in seen for ns in m.namespaces)]
    assert not missing, f"{len(missing)} of {len(cat.CATALOG)} catalog metrics are planned by no screen: {missing}"
    assert len(cat.CATALOG) == 68
    # each is asked for with a statistic the reference names for it
    for m in cat.CATALOG:
        used = set().union(*(stats.get((ns, m.name), set()) for ns in m.namespaces))
        valid = set(m.valid_stats) if getattr(m, "valid_stats", None) else None
        if valid:
            plain = {s for s in used if not s.startswith("p")}
            assert plain <= valid | {"SampleCount"}, (m.name, used, valid)
