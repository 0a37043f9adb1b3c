"""The reference fleet's server in a process of its own, driven over a pipe.

moto serves from Python threads: in the benchmark's own process it would compete for the GIL
with what is measured (the pty reader's timestamps, the in-process app's event loop). The child
(``python -m bench.server_proc``) starts :class:`~bench.reference_fleet.ReferenceAws`, seeds the
fleet, then answers one JSON line per command read from stdin. :class:`RemoteReference` is the
parent's handle with the same interface the figures use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from types import SimpleNamespace

from bench.reference_fleet import ApiCounts, ReferenceAws, Sizes


def _serve(sizes: dict, region: str) -> None:
    ref = ReferenceAws(Sizes(**sizes), region=region).start()
    out = sys.stdout
    try:
        ref.seed_fleet()
        out.write(json.dumps({"url": ref.url, "credentials": ref.credentials, "region": region,
                              "account_id": ref.aws.account_id, "summary": ref.summary()}) + "\n")
        out.flush()
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "snapshot":
                c = ref.snapshot()
                res = {"calls": dict(c.calls), "q": c.gmd_queries, "dp": c.gmd_datapoints, "pq": c.gmd_percentile_queries,
                       "log": c.gmd_log}
            elif cmd == "live":
                ref.start_live()
                res = {}
            elif cmd == "stop_live":
                ref.stop_live()
                res = {}
            elif cmd == "series":
                res = {"series": ref.series_count()}
            elif cmd == "rss":
                with open("/proc/self/statm") as fh:
                    import os

                    res = {"rss_mb": int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6}
            elif cmd == "quit":
                break
            else:
                res = {"error": f"unknown command {cmd!r}"}
            out.write(json.dumps(res) + "\n")
            out.flush()
    finally:
        ref.stop()


class RemoteReference:
    """Start the server process and wait until the fleet is seeded."""

    def __init__(self, sizes: Sizes, region: str = "us-east-1") -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.server_proc", json.dumps(sizes.__dict__), region],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the reference server process failed to start (see its stderr)")
        info = json.loads(line)
        self.url, self.credentials = info["url"], info["credentials"]
        self.aws = SimpleNamespace(region=info["region"], account_id=info["account_id"])
        self._summary = info["summary"]

    def _ask(self, cmd: str) -> dict:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def summary(self) -> dict:
        return self._summary

    def snapshot(self) -> ApiCounts:
        r = self._ask("snapshot")
        return ApiCounts(Counter(r["calls"]), r["q"], r["dp"], r["pq"], [tuple(x) for x in r["log"]])

    def start_live(self) -> None:
        self._ask("live")

    def stop_live(self) -> None:
        self._ask("stop_live")

    def series_count(self) -> int:
        return self._ask("series")["series"]

    def rss_mb(self) -> float:
        return self._ask("rss")["rss_mb"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)


if __name__ == "__main__":
    _serve(json.loads(sys.argv[1]), sys.argv[2])
