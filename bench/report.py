"""The benchmark's table (figure, value, target, met) and ``bench/results.json``.

:func:`rows` turns the raw figures into table rows against the targets of issue 13;
:func:`machine` describes where they were measured (CPU, versions, git commit).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for mod in ("textual", "boto3", "botocore", "moto"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            pass
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "", False
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "platform": platform.platform(), "commit": commit, "worktree_modified": dirty,
            "loadavg_at_end": load, **versions}


def _fmt(v, unit: str) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.2f}{unit}" if abs(v) < 100 else f"{v:,.0f}{unit}"
    return f"{v:,}{unit}"


def row(figure: str, value, unit: str, target: str, met: bool | None) -> dict:
    return {"figure": figure, "value": value, "shown": _fmt(value, unit), "target": target,
            "met": None if met is None else bool(met)}


def print_table(table: list[dict]) -> None:
    w = (max(len(r["figure"]) for r in table), max(len(r["shown"]) for r in table),
         max(len(r["target"]) for r in table))
    line = f"{'figure':<{w[0]}}  {'value':>{w[1]}}  {'target':<{w[2]}}  met"
    print(line)
    print("-" * len(line))
    for r in table:
        met = "n/a" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"{r['figure']:<{w[0]}}  {r['shown']:>{w[1]}}  {r['target']:<{w[2]}}  {met}")


def write(path: Path, table: list[dict], figures: dict, config: dict, seconds: float) -> None:
    doc = {"machine": machine(), "config": config, "bench_seconds": round(seconds, 1), "table": table,
           "figures": figures}
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
