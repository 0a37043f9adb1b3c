"""sagemon-tui: a terminal UI that live-monitors Amazon SageMaker through Amazon CloudWatch."""

__version__ = "0.1.0"
