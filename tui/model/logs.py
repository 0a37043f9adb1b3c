"""Log lines and log errors as plain data, independent of boto3.

Messages are kept exactly as CloudWatch Logs returned them (trailing newlines, control
characters and markup-like text included); rendering them literally is the UI's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LogLine:
    """One log event: when it happened, the stream it came from and its raw message."""

    timestamp: datetime
    stream: str
    message: str


@dataclass(frozen=True)
class LogError:
    """Why logs could not be read (a missing group or stream, AccessDenied, an outage)."""

    code: str
    message: str
    group: str
    stream: str | None = None
    operation: str | None = None

    @property
    def not_found(self) -> bool:
        return self.code == "ResourceNotFoundException"

    @property
    def access_denied(self) -> bool:
        return self.code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation")

    @property
    def text(self) -> str:
        """A one-line explanation for a status line."""
        where = f"{self.group}/{self.stream}" if self.stream else self.group
        if self.not_found:
            what = "log stream" if "stream" in self.message.lower() else "log group"
            return f"No {what} yet: {where}"
        from tui.model.state import describe_error  # the product's one wording of AWS failures

        if self.access_denied:  # the refused IAM action first: a status line cuts the end off
            return f"{describe_error(self.code, self.message)} (reading the logs of {where})"
        return f"Cannot read logs of {where}: {describe_error(self.code, self.message)}"


@dataclass(frozen=True)
class FollowMode:
    """How a followed log gets its new lines: CloudWatch Logs Live Tail or polling.

    ``note`` is why Live Tail is not in use although it was asked for (refused, missing on the
    endpoint, its stream ended): one line, shown beside the mode."""

    live: bool
    poll_every: float = 2.0
    sampled: bool = False
    note: str | None = None

    @property
    def text(self) -> str:
        if self.live:
            return "following: Live Tail" + (" (sampled)" if self.sampled else "")
        return f"following: polling every {self.poll_every:g}s"
