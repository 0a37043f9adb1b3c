"""The endpoint, component, instance and GPU screens on the demo fleet, driven with Textual's pilot.

The demo (a local AWS with the demo fleet and an hour of history) is started once per test
process (:func:`demo_env`, shared with the pipeline and other drill-down screen tests). A
small app pushes the screens and plays the refresh layer: it fetches each screen's
``detail_request`` with the app's own metric engine and read functions and hands the result
to ``show()``. Numbers on screen are checked against plain boto3 GetMetricData on the demo's
local AWS (not through the app's engine or model).
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import time
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from textual.app import App

from tui.model.detail import DetailRequest, DetailResult
from tui.model.format import format_value
from tui.model.catalog import Unit
from tui.model.state import AppState

SIZE = (160, 48)


# -- the shared demo ------------------------------------------------------------------------------

class DemoEnv:
    """The demo's local AWS with its fleet, the app's clients, a series store and the inventory."""

    def __init__(self) -> None:
        from tui.aws.discovery import discover
        from tui.aws.metrics import MetricEngine
        from tui.aws.session import AwsClients, AwsSettings
        from tui.demo import DemoAws
        from tui.model.series import SeriesStore

        self.demo = DemoAws(history_hours=1.0, logs=False)
        conn = self.demo.start()
        atexit.register(self.demo.stop)
        self.demo.populate()
        self.fleet = self.demo.fleet
        creds = {k: v for k, v in conn.credentials.items() if k != "region_name"}
        self.conn = conn
        self.creds = creds
        self.clients = AwsClients(AwsSettings(regions=(conn.region,), endpoint_url=conn.endpoint_url,
                                              credentials=creds))
        self.inventory = discover(self.clients)
        self.store = SeriesStore(3 * 3600)
        self.engine = MetricEngine(self.clients.cloudwatch, self.store)
        self.state = AppState(window="3h", inventory=self.inventory, store=self.store, loaded=True,
                              regions=(conn.region,))
        self.lock = threading.Lock()
        self.fetched: list[DetailRequest] = []

    def cloudwatch(self):
        """A plain boto3 CloudWatch client of the demo account (no app code in between)."""
        session = boto3.Session(region_name=self.conn.region, **self.creds)
        return session.client("cloudwatch", endpoint_url=self.conn.endpoint_url)

    def fetch(self, request: DetailRequest | None) -> DetailResult | None:
        """What the refresh layer does for an open screen: its series (at its period) and reads."""
        from tui.aws.metrics import MetricRequest, choose_period
        from tui.model.plan import is_extended_stat
        from tui.refresh_detail import run_reads

        if request is None:
            return None
        with self.lock:
            self.fetched.append(request)
            now = time.time()
            period = choose_period(self.store.window, now, published=request.period or 60)
            basic = [MetricRequest(k, period) for k in request.keys if not is_extended_stat(k.stat)]
            ext = [MetricRequest(k, period) for k in request.keys if is_extended_stat(k.stat)]
            for batch in (basic, ext):
                if batch:
                    self.engine.fetch(batch, now=now)
            return run_reads(self.clients, request)

    def endpoint(self, name: str):
        return next(e for e in self.inventory.endpoints if e.name == name)

    def component(self, name: str):
        return next(c for c in self.inventory.components if c.name == name)


_ENV: DemoEnv | None = None


def demo_env() -> DemoEnv:
    """One demo per test process (populating it takes ~20 s)."""
    global _ENV
    if _ENV is None:
        _ENV = DemoEnv()
    return _ENV


@pytest.fixture(scope="module")
def env() -> DemoEnv:
    return demo_env()


# -- a small app playing the refresh layer --------------------------------------------------------

class DrillHarness(App):
    """Pushes one drill-down screen; :meth:`poll` is one refresh of the screen on top."""

    def __init__(self, env: DemoEnv, screen) -> None:
        from tui.theme_files import stylesheet

        self.CSS_PATH = str(stylesheet())
        super().__init__()
        from tui.app import load_themes

        for theme in load_themes():
            self.register_theme(theme)
        self.env = env
        self.first = screen
        self.activated: list = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        from tui.app import THEME_DEFAULTS

        return dict(THEME_DEFAULTS)

    def on_mount(self) -> None:
        if "sagemon" in self.available_themes:
            self.theme = "sagemon"
        self.push_screen(self.first)

    def drill_screen_active(self, screen) -> None:
        self.activated.append(screen)

    async def poll(self, times: int = 1) -> None:
        for _ in range(times):
            screen = self.screen
            result = await asyncio.to_thread(self.env.fetch, screen.detail_request())
            screen.show(self.env.state, result)
            await asyncio.sleep(0)


def screen_text(app: App) -> str:
    """The screen as plain text, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot, app: App, polls: int = 1) -> None:
    await pilot.pause()
    await app.poll(polls)
    await pilot.pause()
    await pilot.pause()


# -- plain boto3 reference values -----------------------------------------------------------------

def gmd(env: DemoEnv, namespace: str, metric: str, dims: dict[str, str], stat: str, minutes: int = 180,
        period: int = 60) -> list[tuple[datetime, float]]:
    """Points of one series with plain boto3 GetMetricData, oldest first."""
    end = datetime.now(timezone.utc)
    resp = env.cloudwatch().get_metric_data(
        MetricDataQueries=[{"Id": "q", "MetricStat": {"Metric": {
            "Namespace": namespace, "MetricName": metric,
            "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()]}, "Period": period, "Stat": stat}}],
        StartTime=end - timedelta(minutes=minutes), EndTime=end + timedelta(minutes=1), ScanBy="TimestampAscending")
    r = resp["MetricDataResults"][0]
    return list(zip(r["Timestamps"], r["Values"]))


def per_minute_recent(points: list[tuple[datetime, float]]) -> float:
    """The overview's rate: the sum over the 5 minutes ending at the newest point, per minute."""
    newest = points[-1][0]
    return sum(v for t, v in points if newest - timedelta(minutes=5) < t <= newest) / 5.0


def sum_recent(points: list[tuple[datetime, float]], anchor: datetime) -> float:
    return sum(v for t, v in points if anchor - timedelta(minutes=5) < t <= anchor)
