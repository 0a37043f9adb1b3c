"""What the job and host screens read of a job's CloudWatch Logs, and how its lines are shown.

Which log group and streams to follow (:func:`job_log_request` for every host of a job,
:func:`host_log_request` for one; an ended job's log is read up to its end), how a stream is
named after its host (:func:`stream_label`), one event as a log view shows it (:func:`log_text`),
the error lines a failed job's screen quotes (:func:`error_lines`) and the lines already shown
(:class:`LogDedup`). Nothing here imports Textual or boto3.
"""

from __future__ import annotations

import re

from tui.model.catalog import Kind
from tui.model.detail import LogRequest
from tui.model.logs import LogLine
from tui.model.resources import Job, epoch_seconds

#: CloudWatch Logs group of each job kind (streams are ``JOB/algo-N-<epoch>``,
#: ``JOB/<instance-id>-<epoch>`` for transform jobs).
LOG_GROUPS = {
    Kind.TRAINING_JOB: "/aws/sagemaker/TrainingJobs",
    Kind.PROCESSING_JOB: "/aws/sagemaker/ProcessingJobs",
    Kind.TRANSFORM_JOB: "/aws/sagemaker/TransformJobs",
}

#: Seconds of log lines a new tail reads back: the log screen, and the host screen's log panel.
#: They differ on purpose: opening the log screen from the host screen starts a tail of its own.
LOG_LOOKBACK = 3600
PANEL_LOOKBACK = 900

#: Seconds after a job's end its last log lines may still carry (flushed as the host stops).
LOG_END_GRACE = 120


def _log_span(job: Job) -> dict:
    """When a job's log begins and, once the job has ended, where it ends (epoch seconds)."""
    begin = epoch_seconds(job.start_time or job.creation_time)
    end = epoch_seconds(job.end_time)
    if job.running or end is None:
        return {"begin": begin}
    return {"begin": begin, "end": end + LOG_END_GRACE}


def job_log_request(job: Job) -> LogRequest:
    """Every stream of the job (one per host); an ended job's log is read up to its end."""
    return LogRequest(region=job.region, group=LOG_GROUPS[job.kind], prefix=f"{job.name}/", lookback=LOG_LOOKBACK,
                      account=job.account, **_log_span(job))


def host_stream_prefix(job: Job, host: str) -> str:
    """The stream-name prefix of one host: ``JOB/algo-7-`` (so algo-7 does not match algo-70).

    Transform streams are named after the instance id, which is of fixed length.
    """
    if job.kind is Kind.TRANSFORM_JOB:
        return host
    return f"{host}-"


def host_log_request(job: Job, host: str, lookback: int = LOG_LOOKBACK) -> LogRequest:
    return LogRequest(region=job.region, group=LOG_GROUPS[job.kind], prefix=host_stream_prefix(job, host),
                      lookback=lookback, account=job.account, **_log_span(job))


def stream_label(stream: str, job_name: str) -> str:
    """A stream's host as people call it: ``"JOB/algo-7-1764000000"`` -> ``"algo-7"``."""
    rest = stream[len(job_name) + 1:] if stream.startswith(job_name + "/") else stream
    head, sep, tail = rest.rpartition("-")
    if sep and tail.isdigit() and len(tail) >= 9:  # an epoch-seconds suffix
        rest = head
    return rest


def _redrawn(part: str) -> str:
    """What a terminal shows of a line with carriage returns: the text after the last one."""
    if "\r" not in part:
        return part
    pieces = [p for p in part.split("\r") if p]
    return pieces[-1] if pieces else ""


def log_text(line: LogLine, job_name: str | None = None, width: int = 0) -> str:
    """One event for a log view: one trailing newline dropped, progress-bar carriage returns
    applied, and with ``job_name`` every line of the event prefixed with its host."""
    message = line.message
    if message.endswith("\n"):
        message = message[:-1]
    parts = [_redrawn(p) for p in message.split("\n")]
    if job_name is None:
        return "\n".join(parts)
    label = stream_label(line.stream, job_name).ljust(width)
    return "\n".join(f"{label} │ {p}" for p in parts)


#: What an error looks like in a training or processing log (frameworks, CUDA, the OS, SageMaker).
_ERROR_WORDS = re.compile(
    r"Traceback|Error\b|Exception\b|\bERROR\b|\bFATAL\b|\bCRITICAL\b|out of memory|\bOOM\b|Killed|"
    r"Segmentation fault|core dumped|exit code[: ]+[1-9]|ExitCode [1-9]|NCCL WARN|failed|FAILED", re.IGNORECASE)
#: Error lines a failed job's screen shows next to its FailureReason.
ERROR_LINES = 4


def error_lines(lines: list[LogLine], job_name: str, limit: int = ERROR_LINES) -> list[str]:
    """The last ``limit`` error-looking lines of a job's log (oldest first), each as
    ``algo-1 │ text``; an event of several lines counts each line."""
    found: list[str] = []
    for line in reversed(lines):
        host = stream_label(line.stream, job_name)
        for part in reversed(log_text(line).split("\n")):
            if part.strip() and _ERROR_WORDS.search(part):
                found.append(f"{host} │ {part.strip()}")
                if len(found) >= limit:
                    return found[::-1]
    return found[::-1]


class LogDedup:
    """Drops log lines already shown, so a tail that starts over (a screen returned to) does
    not repeat them.

    Lines are remembered for ``overlap`` seconds behind the newest one; anything older than
    that window is taken as already shown.
    """

    def __init__(self, overlap: float = 300.0, max_keys: int = 20_000) -> None:
        self.overlap = overlap
        self.max_keys = max_keys
        self.newest: float | None = None
        self._seen: dict[tuple[float, str, str], None] = {}

    def fresh(self, lines: list[LogLine]) -> list[LogLine]:
        out = []
        for line in lines:
            ts = line.timestamp.timestamp()
            if self.newest is not None and ts < self.newest - self.overlap:
                continue
            key = (ts, line.stream, line.message)
            if key in self._seen:
                continue
            self._seen[key] = None
            out.append(line)
            if self.newest is None or ts > self.newest:
                self.newest = ts
        if self.newest is not None and len(self._seen) > 1024:
            floor = self.newest - self.overlap
            keep = [k for k in self._seen if k[0] >= floor]
            self._seen = dict.fromkeys(keep[-self.max_keys:])
        return out


__all__ = [
    "ERROR_LINES", "LOG_END_GRACE", "LOG_GROUPS", "LOG_LOOKBACK", "LogDedup", "PANEL_LOOKBACK", "error_lines",
    "host_log_request", "host_stream_prefix", "job_log_request", "log_text", "stream_label",
]
