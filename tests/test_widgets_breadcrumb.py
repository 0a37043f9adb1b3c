"""The breadcrumb on a narrow terminal: every level stays named, long names are cut in the middle."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.breadcrumb import Breadcrumb, breadcrumb_text

EXECUTION = ["Pipelines", "churn-retrain-pipeline", "churn-retrain-pipeline-20261125-1016"]


class CrumbApp(App):
    def compose(self) -> ComposeResult:
        yield Breadcrumb(*EXECUTION, right="window 3h")


async def test_a_deep_path_keeps_every_level_and_the_end_of_each_name():
    app = CrumbApp()
    async with app.run_test(size=(80, 3)) as pilot:
        await pilot.pause()
        line = app.query_one(Breadcrumb).render().plain
        assert len(line) <= 78
        assert line.startswith("sagemon › Pipelines › churn-retrain-pipeline › churn-retrain-pip")
        assert line.endswith("61125-1016") and "…" in line  # the execution's date is still there
        await pilot.resize_terminal(160, 3)
        await pilot.pause()
        wide = app.query_one(Breadcrumb).render().plain
        assert " › ".join(["sagemon", *EXECUTION]) in wide and wide.rstrip().endswith("window 3h")


def test_short_paths_are_left_alone():
    text = breadcrumb_text(["Jobs", "bert-pretrain-2026-11-25", "algo-7", "logs"], "window 3h", 78).plain
    assert text.startswith("sagemon › Jobs › bert-pretrain-2026-11-25 › algo-7 › logs")
    assert text.rstrip().endswith("window 3h")
