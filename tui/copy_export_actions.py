"""The app's copy, console-URL, export and screenshot actions (mixed into the app).

The work is in :mod:`tui.screens.copy_export`, imported on the first key press: exports pull in
the CSV/JSON/Markdown writers and the console URL tables, which the first frame does not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.screens.copy_export import Copier


class CopyExportActions:
    """The app's actions for the copy/export keys (the app binds the keys)."""

    copier: Copier | None = None

    def _copier(self) -> Copier:
        from tui.screens.copy_export import Copier

        self.copier = self.copier or Copier()
        return self.copier

    def action_copy(self, arn: bool = False) -> None:
        self._copier().copy(self, arn)

    def action_console_url(self) -> None:
        self._copier().open_url(self)

    def action_export(self, fmt: str) -> None:
        from tui.screens.copy_export import export_screen

        export_screen(self, fmt)

    def action_screenshot(self) -> None:
        from tui.screens.copy_export import save_screenshot

        save_screenshot(self)
