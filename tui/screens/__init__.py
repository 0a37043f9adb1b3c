"""The app's screens: the live overview, a resource's detail, and the key help."""

from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen

__all__ = ["DetailScreen", "HelpScreen", "OverviewScreen"]
