"""The refresh layer's side of drill-down and start-up: detail requests (series, reads, a
finer period), the history hand-over of the demo, and the log feed."""

from __future__ import annotations

import threading
import time

from test_refresh import EP, FakeDiscovery, clients

from tui.model.detail import READ_STEPS, READ_TRANSFORM_HOSTS, DetailRequest
from tui.model.plan import EndpointKeys
from tui.model.schedule import RefreshRequest
from tui.model.kinds import Pane
from tui.refresh import Refresher


def test_detail_request_series_reads_and_period(moto_url):
    r = Refresher(clients(moto_url), 3600, discover=FakeDiscovery(), full_every=100)
    r.percentiles = False
    r.run(Pane.PIPELINES)  # the first refresh covers every pane
    base = r.run(Pane.PIPELINES).series
    keys = tuple(EndpointKeys(EP, "AllTraffic").all()[:2])
    ep = DetailRequest("ep", keys=keys, reads=((READ_TRANSFORM_HOSTS, "us-east-1", "nope"),
                                               (READ_STEPS, "us-east-1", "arn:bad")))
    rep = r.run(RefreshRequest(Pane.PIPELINES, detail=ep))
    assert rep.series == base + 2
    assert rep.detail.owner == "ep"
    assert rep.detail.reads[(READ_TRANSFORM_HOSTS, "us-east-1", "nope")] == []
    # a failing read is a line on its screen, not an exception, and the others still ran
    assert (READ_STEPS, "us-east-1", "arn:bad") in rep.detail.errors
    # enhanced metrics published every 10 s are fetched with a 10 s period, never finer
    r.run(RefreshRequest(Pane.PIPELINES, detail=DetailRequest("gpu", keys=keys, period=10)))
    assert {p for (k, p) in r.engine.fetched_until if k in keys} >= {10}
    # a request without a detail (the overview on top) fetches nothing more
    assert r.run(Pane.PIPELINES).detail is None and r.run(Pane.PIPELINES).series == base


def test_history_landing_later_rereads_the_whole_window(moto_url):
    r = Refresher(clients(moto_url), 3600, discover=FakeDiscovery(), full_every=100)
    r.percentiles = False
    r.run(Pane.ENDPOINTS)
    starts = []
    plan = r.engine.plan
    r.engine.plan = lambda reqs, now=None: [starts.append(c.start) or c for c in plan(reqs, now)]
    r.run(Pane.ENDPOINTS)
    now = int(time.time())
    assert min(starts) > now - 3600 + 600  # incremental: only the newest minutes
    r.history = threading.Event()
    r.history.set()
    starts.clear()
    rep = r.run(Pane.ENDPOINTS)
    assert rep.full and r.history is None
    assert min(starts) <= now - 3600 + 60  # the whole window again, once
    starts.clear()
    r.run(Pane.ENDPOINTS)
    assert min(starts) > now - 3600 + 600
