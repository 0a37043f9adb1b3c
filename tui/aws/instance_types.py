"""Instance type facts from EC2's DescribeInstanceTypes, with the shipped table as fallback.

SageMaker's ``ml.p4d.24xlarge`` is EC2's ``p4d.24xlarge``: the same vCPUs, memory and GPUs.
:func:`describe_instance_types` asks EC2 (read-only: it is a Describe call, so the guard lets it
pass); :class:`InstanceTypeCatalog` asks once per type per run, remembers answers and misses,
and falls back to :data:`tui.model.instances.FALLBACK` where EC2 does not answer: the call is
denied (ec2:DescribeInstanceTypes is not in the policy), the endpoint is unreachable, or the
type is unknown to EC2 (e.g. an endpoint that does not implement EC2).

Call :meth:`InstanceTypeCatalog.facts` from a worker thread: a first, uncached lookup is a
network call.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tui.aws.discovery import count_call
from tui.model.cost import Usage
from tui.model.instances import InstanceFacts, ec2_type, fallback_facts
from tui.model.state import describe_error

OPERATION = "DescribeInstanceTypes"
IAM_ACTION = "ec2:DescribeInstanceTypes"
#: EC2 accepts at most 100 names per DescribeInstanceTypes call.
MAX_NAMES = 100
#: After a failed lookup, AWS is asked again at most this often (seconds).
RETRY_AFTER = 600.0

_BRACKETS = re.compile(r"\[([^\]]*)\]")


def _invalid_names(exc: ClientError) -> set[str] | None:
    """The names an InvalidInstanceType error lists ("... do not exist: [a, b]"), None when the
    error is another one, an empty set when it lists none."""
    err = exc.response.get("Error") or {}
    if err.get("Code") != "InvalidInstanceType":
        return None
    names: set[str] = set()
    for group in _BRACKETS.findall(str(err.get("Message") or "")):
        names.update(n.strip().strip("'\"") for n in group.split(",") if n.strip())
    return names


def _device_model(manufacturer: Any, name: Any) -> str | None:
    name = str(name or "").strip()
    manufacturer = str(manufacturer or "").strip()
    if not name:
        return manufacturer or None
    return f"{manufacturer} {name}" if manufacturer and not name.startswith(manufacturer) else name


def _devices(entries: Any, default_manufacturer: str = "") -> tuple[int, str | None, int]:
    """(count, model, memory per device in MiB) of GpuInfo.Gpus / NeuronInfo.NeuronDevices."""
    count, models, memory = 0, [], 0
    for d in entries or ():
        if not isinstance(d, dict):
            continue
        n = int(d.get("Count") or 0)
        if n <= 0:
            continue
        count += n
        model = _device_model(d.get("Manufacturer") or default_manufacturer, d.get("Name"))
        if model and model not in models:
            models.append(model)
        memory = max(memory, int((d.get("MemoryInfo") or {}).get("SizeInMiB") or 0))
    return count, (" + ".join(models) or None), memory


def facts_from_ec2(instance_type: str, info: dict) -> InstanceFacts:
    """One DescribeInstanceTypes ``InstanceTypes`` entry as :class:`InstanceFacts` named
    ``instance_type``."""
    gpus, gpu_model, gpu_mib = _devices((info.get("GpuInfo") or {}).get("Gpus"))
    neuron = (info.get("NeuronInfo") or {}).get("NeuronDevices")
    if neuron:
        acc, acc_model, acc_mib = _devices(neuron, "AWS")
    else:
        acc, acc_model, acc_mib = _devices((info.get("InferenceAcceleratorInfo") or {}).get("Accelerators"))
    return InstanceFacts(
        instance_type=instance_type,
        vcpus=int((info.get("VCpuInfo") or {}).get("DefaultVCpus") or 0),
        memory_mib=int((info.get("MemoryInfo") or {}).get("SizeInMiB") or 0),
        gpus=gpus, gpu_model=gpu_model, gpu_memory_mib=gpu_mib, source="aws",
        accelerators=acc, accelerator_model=acc_model, accelerator_memory_mib=acc_mib,
    )


def _describe(ec2, names: list[str], usage: Usage | None) -> dict[str, dict]:
    """DescribeInstanceTypes for ``names`` (<= 100) through every page: EC2 name -> entry.
    Raises ClientError (InvalidInstanceType included) and BotoCoreError."""
    out: dict[str, dict] = {}
    params: dict[str, Any] = {"InstanceTypes": names}
    while True:
        count_call(usage, OPERATION)
        page = ec2.describe_instance_types(**params)
        for info in page.get("InstanceTypes") or ():
            if isinstance(info, dict) and info.get("InstanceType"):
                out[str(info["InstanceType"])] = info
        token = page.get("NextToken")
        if not token:
            return out
        params["NextToken"] = token


def _describe_valid(ec2, names: list[str], usage: Usage | None) -> dict[str, dict]:
    """Like :func:`_describe`, leaving out the names EC2 does not know: EC2 refuses the whole
    call when one name is invalid, so retry without the names its error lists, and one by one
    when it lists none of ours."""
    names = list(names)
    while names:
        try:
            return _describe(ec2, names, usage)
        except ClientError as exc:
            bad = _invalid_names(exc)
            if bad is None:
                raise
            if len(names) == 1:
                return {}
            if not bad & set(names):
                break
            names = [n for n in names if n not in bad]
    out: dict[str, dict] = {}
    for name in names:  # last resort: one by one
        try:
            out.update(_describe(ec2, [name], usage))
        except ClientError as exc:
            if _invalid_names(exc) is None:
                raise
    return out


def describe_instance_types(ec2, instance_types: Iterable[str], *, usage: Usage | None = None
                            ) -> dict[str, InstanceFacts]:
    """Facts of ``instance_types`` (SageMaker's "ml." names or EC2's) from EC2's
    DescribeInstanceTypes, keyed by the names given. Types EC2 does not know are absent.
    Other failures raise (ClientError, BotoCoreError)."""
    wanted: dict[str, list[str]] = {}  # EC2 name -> the caller's names for it
    for name in instance_types:
        if name and isinstance(name, str) and ec2_type(name):
            given = wanted.setdefault(ec2_type(name), [])
            if name not in given:
                given.append(name)
    ec2_names = list(wanted)
    found: dict[str, dict] = {}
    for i in range(0, len(ec2_names), MAX_NAMES):
        found.update(_describe_valid(ec2, ec2_names[i:i + MAX_NAMES], usage))
    out: dict[str, InstanceFacts] = {}
    for name, given in wanted.items():
        info = found.get(name)
        if info is not None:
            for g in given:
                out[g] = facts_from_ec2(g, info)
    return out


def _error_line(exc: BaseException, region: str) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error") or {}
        code, message = str(err.get("Code") or "ClientError"), str(err.get("Message") or exc)
    else:
        code, message = type(exc).__name__, str(exc)
    return describe_error(code, message, f"{IAM_ACTION} in {region}").rstrip(". ")


class InstanceTypeCatalog:
    """Facts of every instance type asked for, looked up once per run (thread-safe)."""

    def __init__(self, clients, *, usage: Usage | None = None, retry_after: float = RETRY_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._clients = clients
        self._usage = usage
        self._retry_after = retry_after
        self._clock = clock
        self._lock = threading.Lock()  # guards the dicts below
        self._fetch_locks: dict[str, threading.Lock] = {}  # one AWS lookup at a time per region
        self._aws: dict[str, InstanceFacts] = {}  # EC2 name -> facts (the same in every region)
        self._unknown: dict[str, set[str]] = {}  # region -> EC2 names EC2 said do not exist
        self._failed: dict[str, tuple[float, str]] = {}  # region -> (when, why)
        #: Why AWS could not be asked, None when fine (the table answers meanwhile). One line
        #: that names the IAM action: "ec2:DescribeInstanceTypes in us-east-1: access denied: ...".
        self.error: str | None = None

    def _region(self, region: str | None) -> str:
        return region or self._clients.regions[0]

    def _missing(self, names: set[str], region: str) -> list[str]:
        with self._lock:
            unknown = self._unknown.get(region, set())
            return sorted(n for n in names if n not in self._aws and n not in unknown)

    def _may_ask(self, region: str) -> bool:
        with self._lock:
            failed = self._failed.get(region)
            return failed is None or self._clock() - failed[0] >= self._retry_after

    def _lookup(self, names: list[str], region: str) -> None:
        try:
            found = describe_instance_types(self._clients.client("ec2", region), names, usage=self._usage)
        except Exception as exc:  # noqa: BLE001 - never raise: the table answers instead
            with self._lock:
                self._failed[region] = (self._clock(), _error_line(exc, region))
                self.error = self._failed[region][1]
            return
        with self._lock:
            self._aws.update((ec2_type(n), f) for n, f in found.items())
            self._unknown.setdefault(region, set()).update(n for n in names if n not in found)
            self._failed.pop(region, None)
            self.error = next((why for _, why in self._failed.values()), None)

    def facts(self, instance_types: Iterable[str], region: str | None = None) -> dict[str, InstanceFacts]:
        """Facts of each type given (keyed by the names given): EC2's answer where it has one,
        else the shipped table's; types neither knows are absent. Never raises."""
        region = self._region(region)
        given = [t for t in dict.fromkeys(instance_types) if t and isinstance(t, str) and ec2_type(t)]
        names = {ec2_type(t) for t in given}
        if self._missing(names, region) and self._may_ask(region):
            with self._lock:
                fetch_lock = self._fetch_locks.setdefault(region, threading.Lock())
            with fetch_lock:  # a second thread waits, then finds the answer cached
                missing = self._missing(names, region)
                if missing and self._may_ask(region):
                    self._lookup(missing, region)
        out: dict[str, InstanceFacts] = {}
        with self._lock:
            for t in given:
                known = self._aws.get(ec2_type(t))
                if known is not None:
                    out[t] = known if known.instance_type == t else replace(known, instance_type=t)
                elif (table := fallback_facts(t)) is not None:
                    out[t] = table
        return out


__all__ = ["IAM_ACTION", "InstanceTypeCatalog", "describe_instance_types", "facts_from_ec2"]
