"""The command palette (Ctrl+P): panes, resources by name, themes, windows, profiles, regions, actions.

:class:`SagemonCommands` searches, with Textual's fuzzy matcher, every pane shown (the config's
hidden panes left out), every resource of the current inventory (choosing one opens its
drill-down screen, as Enter on its overview row does), every theme (the shipped ones, the
user's and Textual's built-ins), the time windows, the profiles and regions of the AWS config
files (choosing one connects again: :mod:`tui.switch`), and refresh, pause / resume, time
travel, help and export. It never calls AWS; names are matched and shown as plain text, never as markup.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from tui.config.rules import WINDOWS
from tui.model.cells import Row
from tui.model.accounts import several_accounts
from tui.model.kinds import Pane, pane_resources

#: What one resource of each pane is called in the palette (jobs say their kind).
NOUNS = {
    Pane.ENDPOINTS: "Endpoint", Pane.COMPONENTS: "Component", Pane.JOBS: "Job", Pane.PIPELINES: "Pipeline",
    Pane.LABELING: "Labeling job", Pane.FEATURES: "Feature group", Pane.RECOMMENDATIONS: "Recommendation job",
    Pane.ALARMS: "Alarm",
}

#: One command: what the palette shows, what choosing it does, its help line.
Command = tuple[str, Callable[[], object], str]


def highlight(matcher: Matcher, candidate: str) -> Content:
    """``candidate`` with the matched letters marked, as plain text: Textual's own
    ``Matcher.highlight`` reads it as markup, and names come from AWS."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def resource_noun(pane: Pane, resource) -> str:
    kind = getattr(resource, "kind", None)
    if pane is Pane.JOBS and kind is not None:
        return str(getattr(kind, "value", kind)).replace("-", " ").capitalize()
    return NOUNS[pane]


def open_resource(app, pane: Pane, resource) -> None:
    """Show ``resource``'s row on the overview and open its screen, as Enter on that row does."""
    app.jump_to(pane)
    overview = app.overview
    if app.screen is not overview:
        return
    table = overview.table()
    if not table.select_key(resource.key) and table.filter_text:
        table.set_filter("")  # the filter hid it
        table.select_key(resource.key)
    row = table.selected_row
    if row is None or row.key != resource.key:
        row = Row(resource.key, resource.name, resource, {})
    app.open_detail(row)


def resource_commands(app) -> list[Command]:
    """One command per resource of the app's current inventory, in the panes shown."""
    inv = app.state.inventory
    several = len(app.state.regions) > 1
    accounts = several_accounts(inv)  # two accounts' same-named resources: told apart by it
    cmds: list[Command] = []
    for pane in app.overview.panes:
        for res in pane_resources(pane, inv):
            noun = resource_noun(pane, res)
            scope = [getattr(res, "account", "") if accounts else "", getattr(res, "region", "") if several else ""]
            where = f" ({', '.join(p for p in scope if p)})" if any(scope) else ""
            cmds.append((f"{noun}: {res.name}{where}", partial(open_resource, app, pane, res),
                         f"open this {noun.lower()}'s screen"))
    return cmds


def connection_commands(app, profiles: list[str], regions: list[str], sso: frozenset[str] = frozenset()
                        ) -> list[Command]:
    """The profiles and regions to switch to (the current ones marked, and the profiles in
    ``sso``, which sign in through AWS SSO)."""
    current_profile = app.state.profile or app.opts.profile
    cmds: list[Command] = []
    for name in profiles:
        mark = (" (SSO)" if name in sso else "") + (" (current)" if name == current_profile else "")
        cmds.append((f"Profile: {name}{mark}", partial(app.switch_profile, name),
                     "connect again with this AWS profile" + (" (needs `aws sso login`)" if name in sso else "")))
    for name in regions:
        mark = " (current)" if tuple(app.state.regions) == (name,) else ""
        cmds.append((f"Region: {name}{mark}", partial(app.switch_region, name), "connect again to this region"))
    return cmds


def action_commands(app) -> list[Command]:
    cmds: list[Command] = [(f"Pane: {p.title} (:{p.value})", partial(app.jump_to, p), f"show the {p.value} pane")
                           for p in app.overview.panes]
    cmds += [
        ("Refresh now (r)", app.action_refresh, "fetch discovery and metrics now"),
        ("Resume refresh (p)" if app.state.paused else "Pause refresh (p)", app.action_pause,
         "stop or restart the automatic refresh"),
        ("Help: keys (?)", app.action_help, "every key"),
    ]
    if hasattr(app, "action_time_travel"):
        cmds.append(("Time travel: back to live (T)" if app.state.at is not None else "Time travel: a past moment (T)",
                     app.action_time_travel, "every screen at a past moment CloudWatch keeps (15 months)"))
    cmds += [
        ("Problems of this run (e)", app.action_problems, "every failed listing or call"),
    ]
    if hasattr(app, "action_export"):
        cmds += [("Export CSV (x)", partial(app.run_action, "export('csv')"), "the current screen's tables as CSV"),
                 ("Export JSON (X)", partial(app.run_action, "export('json')"), "the current screen as JSON")]
    cmds += [(f"Window: {w}", partial(app.set_window, w), f"show the last {w}") for w in WINDOWS]
    current = app.theme
    cmds += [(f"Theme: {name}" + (" (current)" if name == current else ""), partial(setattr, app, "theme", name),
              "colours of every screen") for name in sorted(app.available_themes)]
    return cmds


class SagemonCommands(Provider):
    """Ctrl+P: jump to a pane or a resource, switch profile, region, theme or window, act."""

    profiles: list[str] = []
    regions: list[str] = []
    sso: frozenset[str] = frozenset()

    async def startup(self) -> None:
        """Read the AWS config files once per opening of the palette (not per key typed)."""
        from tui.aws.profiles import config_profiles, config_regions, sso_profiles

        self.profiles = config_profiles()
        self.sso = sso_profiles(self.profiles)
        self.regions = sorted(set(config_regions()) | set(self.app.state.regions))

    def commands(self) -> list[Command]:
        app = self.app
        cmds = action_commands(app)
        if hasattr(app, "switch_profile"):
            cmds += connection_commands(app, self.profiles, self.regions, self.sso)
        return cmds + resource_commands(app)

    async def discover(self) -> Hits:
        for name, callback, help_text in action_commands(self.app):
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlight(matcher, name), callback, text=name, help=help_text)
