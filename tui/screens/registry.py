"""Which drill-down screen opens for a resource (Enter on an overview row), and the deeper
levels a screen opens by name (an endpoint's instances, an instance's GPUs, a job's host, a log).

A screen opens another through this registry, never by importing it, so screens do not import
each other. Screens are imported when first opened, so start-up stays fast. Every resource
kind has a screen of its own (its spec in :mod:`tui.model.kinds` names it).
"""

from __future__ import annotations

from importlib import import_module

from tui.model.kinds import spec_of

#: The levels below a resource's own screen, by name: (module, class).
_NAMED: dict[str, tuple[str, str]] = {
    "endpoint-instances": ("tui.screens.endpoint_hosts", "EndpointInstancesScreen"),
    "endpoint-gpus": ("tui.screens.endpoint_hosts", "AcceleratorScreen"),
    "job-host": ("tui.screens.host", "HostScreen"),
    "logs": ("tui.screens.logs", "LogScreen"),
}


def _load(module: str, name: str) -> type | None:
    try:
        return getattr(import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # a broken import inside the screen is a bug: let it show
            raise
        return None


def screen_class(resource) -> type | None:
    """The drill-down screen class for ``resource``, or None when it has none."""
    spec = spec_of(resource)
    return None if spec is None else _load(*spec.screen)


def screen_named(name: str) -> type:
    """The screen class registered as ``name`` (``"endpoint-instances"``, ``"endpoint-gpus"``,
    ``"job-host"``, ``"logs"``); an unknown name is a bug (KeyError)."""
    screen = _load(*_NAMED[name])
    if screen is None:
        raise KeyError(name)
    return screen
