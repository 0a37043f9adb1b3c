"""The ``--demo`` mode: a local AWS with a living SageMaker fleet, read by the real app.

:class:`DemoAws` starts moto's server in-process, creates the fleet with plain boto3 calls,
backfills its metric history and keeps it alive; the app then reaches it through its usual
code path with the :class:`DemoConnection` it is given.
"""

from tui.demo.clock import SimClock
from tui.demo.runtime import DemoAws, DemoConnection

__all__ = ["DemoAws", "DemoConnection", "SimClock"]
