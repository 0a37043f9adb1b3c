"""The demo fleet described as plain data (``--demo-describe``): who plays each part and every
resource's name by kind, written as JSON atomically. Tests and scripts read names from here."""

from __future__ import annotations

import json
import os
from typing import Any

from tui.demo.fleet import Fleet


def describe_fleet(f: Fleet) -> dict[str, Any]:
    """The fleet's story as plain data: who plays each part (names are dated: the running
    training job is named after the day the demo starts), every resource's name by kind, and
    the scenario's start ``t0`` (epoch seconds). Tests and scripts read names from here."""
    story = {k: list(v) if isinstance(v, tuple) else v for k, v in f.summary().items()}
    return {
        "t0": f.t0, "region": f.region, "seed": f.seed, "story": story,
        "endpoints": [e.name for e in f.endpoints],
        "inference_components": [c.name for c in f.components],
        "jobs": {kind: [j.name for j in f.jobs_of(kind)] for kind in sorted({j.kind for j in f.jobs})},
        "pipelines": [p.name for p in f.pipelines],
        "labeling_jobs": [j.name for j in f.labeling_jobs],
        "feature_groups": [g.name for g in f.feature_groups],
        "recommendation_jobs": [j.name for j in f.recommendation_jobs],
        "alarms": [a.name for a in f.alarms],
    }


def write_description(path: str, description: dict[str, Any]) -> None:
    """Write ``description`` as JSON to ``path`` atomically (a reader never sees half a file)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(description, fh, indent=2, sort_keys=True)
    os.replace(tmp, path)
