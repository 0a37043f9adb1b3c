"""The breadcrumb on a narrow terminal: every level stays named, long names are cut in the middle."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult

from tui.demo.fleet import build_fleet
from tui.widgets.breadcrumb import Breadcrumb, breadcrumb_text

#: Real-looking names, from the demo fleet's description: an execution named after its start
#: time (``<pipeline>-<date>-<time>``) and a job named after its day.
FLEET = build_fleet(time.time())
PIPELINE = FLEET.failed_pipeline
EXECUTION = ["Pipelines", PIPELINE, FLEET.pipeline(PIPELINE).executions[-1].display_name]
JOB = FLEET.distributed_job


class CrumbApp(App):
    def compose(self) -> ComposeResult:
        yield Breadcrumb(*EXECUTION, right="window 3h")


async def test_a_deep_path_keeps_every_level_and_the_end_of_each_name():
    app = CrumbApp()
    async with app.run_test(size=(80, 3)) as pilot:
        await pilot.pause()
        line = app.query_one(Breadcrumb).render().plain
        assert len(line) <= 78
        assert EXECUTION[2].startswith(PIPELINE) and len(EXECUTION[2]) > len(PIPELINE) + 10
        assert line.startswith(f"sagemon › Pipelines › {PIPELINE} › {PIPELINE[:10]}")
        assert line.endswith(EXECUTION[2][-10:]) and "…" in line  # the execution's date is still there
        await pilot.resize_terminal(160, 3)
        await pilot.pause()
        wide = app.query_one(Breadcrumb).render().plain
        assert " › ".join(["sagemon", *EXECUTION]) in wide and wide.rstrip().endswith("window 3h")


def test_short_paths_are_left_alone():
    text = breadcrumb_text(["Jobs", JOB, "algo-7", "logs"], "window 3h", 78).plain
    assert text.startswith(f"sagemon › Jobs › {JOB} › algo-7 › logs")
    assert text.rstrip().endswith("window 3h")
