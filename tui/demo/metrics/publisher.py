"""Publishing the simulator's batches with PutMetricData (at most 1,000 datums a call), and
what it cost."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Iterable

from tui.demo.metrics.batch import Batch
from tui.demo.metrics.record import PutRecord
from tui.demo.metrics.samples import to_datum

MAX_DATUMS_PER_CALL = 1000


@dataclass
class PublishStats:
    calls: int = 0
    datums: int = 0
    values: int = 0
    seconds: float = 0.0
    errors: int = 0
    last_error: str = ""

    def as_dict(self) -> dict:
        return {"calls": self.calls, "datums": self.datums, "values": self.values,
                "seconds": round(self.seconds, 3), "errors": self.errors}


class Publisher:
    """Puts batches with PutMetricData (at most 1000 datums a call) and records what was put."""

    def __init__(self, cloudwatch, record: PutRecord | None = None) -> None:
        self.cloudwatch = cloudwatch
        self.record = record
        self.stats = PublishStats()
        self._lock = threading.Lock()
        self._pending: dict[str, list[dict]] = {}

    def put(self, batches: Iterable[Batch], flush: bool = True) -> None:
        """Put the batches' datums; with ``flush`` False, a namespace's last partial call is
        kept for the next put (fewer, fuller calls during a backfill)."""
        pending = self._pending
        for batch in batches:
            ts, hr = batch.ts, batch.high_resolution
            for ns, rows in batch.data.items():
                out = pending.setdefault(ns, [])
                out.extend([to_datum(name, dims, ts, sample, unit, hr) for name, dims, sample, unit in rows])
                if self.record is not None:
                    self.record.add_many(ns, rows, ts)
                if len(out) >= MAX_DATUMS_PER_CALL:
                    self._flush(ns, out, final=False)
        if flush:
            self.flush()

    def flush(self) -> None:
        for ns, out in self._pending.items():
            self._flush(ns, out, final=True)

    def _flush(self, ns: str, out: list[dict], final: bool) -> None:
        while len(out) >= MAX_DATUMS_PER_CALL or (final and out):
            chunk = out[:MAX_DATUMS_PER_CALL]
            del out[:MAX_DATUMS_PER_CALL]
            t = time.perf_counter()
            try:
                self.cloudwatch.put_metric_data(Namespace=ns, MetricData=chunk)
            except Exception as exc:  # noqa: BLE001 - a failed put must not stop the demo
                with self._lock:
                    self.stats.errors += 1
                    self.stats.last_error = f"{type(exc).__name__}: {exc}"
                continue
            finally:
                dt = time.perf_counter() - t
            with self._lock:
                self.stats.calls += 1
                self.stats.datums += len(chunk)
                self.stats.values += sum(len(d["Values"]) if "Values" in d else 1 for d in chunk)
                self.stats.seconds += dt
