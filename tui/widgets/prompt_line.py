"""The one-line prompt of the job, host and log screens (``/`` filter or search): :class:`PromptLine`."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class PromptLine(Input):
    """A one-line prompt above the status bar (``/`` filter or search).

    Enter keeps what was typed, Esc drops it; both call the screen (``prompt_accepted(prompt,
    value)`` / ``prompt_cancelled(prompt, value)``) in the order the keys were typed. Keys
    that reach the prompt after it closed (typed quickly after Enter, before the focus
    moved) are sent on to the widget that has the focus now, so ``/algo-1`` Enter ``s``
    filters and then sorts.
    """

    DEFAULT_CSS = """
    PromptLine { height: 1; border: none; padding: 0 1; display: none; background: $boost; }
    PromptLine:focus { border: none; }
    PromptLine.-shown { display: block; }
    """

    def open(self, value: str = "", placeholder: str = "") -> None:
        self.value = value
        self.placeholder = placeholder
        self.add_class("-shown")
        self.screen.set_focus(self)  # at once: keys typed right after "/" must land here
        self.cursor_position = len(value)

    def close(self) -> None:
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def type_key(self, key: str, character: str | None) -> None:
        """A key for the prompt handled elsewhere first (``/`` is a screen key): queue it here,
        behind the keys typed before it."""
        self.post_message(events.Key(key, character))

    async def _on_key(self, event: events.Key) -> None:
        # Enter and Esc are handled here, not as bindings: a binding runs only once the key has
        # bubbled up to the app, after the keys typed behind it were already put in the prompt.
        if not self.shown:
            event.prevent_default()
            event.stop()
            self.app.post_message(events.Key(event.key, event.character))
        elif event.key in ("enter", "escape"):
            event.prevent_default()
            event.stop()
            name = "prompt_accepted" if event.key == "enter" else "prompt_cancelled"
            handler = getattr(self.screen, name, None)
            if handler is not None:
                handler(self, self.value)


__all__ = ["PromptLine"]
