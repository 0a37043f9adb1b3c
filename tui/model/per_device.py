"""Utilization in the units people think in: per vCPU and per GPU, 0-100 %.

CloudWatch publishes a SageMaker host's ``CPUUtilization`` as the sum over its vCPUs and
``GPUUtilization`` / ``GPUMemoryUtilization`` as sums over its GPUs: a p4d.24xlarge at full
load reports 9,600 % CPU and 800 % GPU. The product divides them by the host's device count
(from :class:`~tui.model.instances.InstanceFacts`: EC2's DescribeInstanceTypes, or the table
shipped in the package) and says so wherever they are shown: a column reads ``GPU ×8`` and
its note says "mean of 8 GPUs (CloudWatch's sum ÷ 8)". Where the instance type is unknown,
the sum is shown as published and labelled a sum. The ``*Normalized`` metrics of inference
components are normalized by CloudWatch itself and are left alone.

Health rules and thresholds work on the normalized values (see :mod:`tui.model.health`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.instances import InstanceFacts

#: Metrics published as sums over devices, and the device each is a sum over.
SUMMED_OVER = {
    "CPUUtilization": "vCPU",
    "GPUUtilization": "GPU",
    "GPUMemoryUtilization": "GPU",
}


def device_count(metric: str, facts: InstanceFacts | None) -> int | None:
    """How many devices CloudWatch summed ``metric`` over on an instance, None if unknown
    (or not a summed metric)."""
    device = SUMMED_OVER.get(metric)
    if device is None or facts is None:
        return None
    n = facts.vcpus if device == "vCPU" else facts.gpus
    return n if n and n > 0 else None


@dataclass(frozen=True, slots=True)
class Scale:
    """How one metric of one instance type is shown: divided by ``divisor`` (1: as published)."""

    metric: str
    divisor: int = 1
    #: True when the value shown is a mean per device (0-100 %), not CloudWatch's sum.
    per_device: bool = False
    #: Appended to the column's short title: ``" ×8"`` (mean of 8), ``" Σ"`` (a sum), or nothing.
    suffix: str = ""
    #: One line for the legend and help: what the number is.
    note: str = ""

    def apply(self, value: float | None) -> float | None:
        if value is None or self.divisor == 1:
            return value
        return value / self.divisor


def scale_for(metric: str, facts: InstanceFacts | None) -> Scale:
    """The :class:`Scale` of ``metric`` on an instance described by ``facts`` (None: unknown)."""
    device = SUMMED_OVER.get(metric)
    if device is None:
        if metric.endswith("Normalized"):
            return Scale(metric, note=f"{metric}: normalized by CloudWatch (0-100 %)")
        return Scale(metric, note=f"{metric}: as CloudWatch publishes it")
    n = device_count(metric, facts)
    what = "vCPUs" if device == "vCPU" else "GPUs"
    if n is None:
        no_gpu = facts is not None and device == "GPU" and facts.gpus == 0
        why = "the instance type has no GPU" if no_gpu else "the instance type is unknown"
        return Scale(metric, suffix=" Σ", note=f"{metric}: CloudWatch's sum over {what} ({why})")
    model = f", {facts.gpu_label}" if device == "GPU" and facts.gpu_label else ""
    return Scale(metric, n, True, f" ×{n}",
                 f"{metric}: mean of {n} {what} (0-100 %: CloudWatch's sum ÷ {n}{model})")


def scales(metrics: list[str], facts: InstanceFacts | None) -> dict[str, Scale]:
    """:func:`scale_for` every metric."""
    return {m: scale_for(m, facts) for m in metrics}


def legend(scales: dict[str, Scale], facts: InstanceFacts | None) -> str:
    """One line saying what the CPU and GPU numbers of a screen are ("" when none is summed)."""
    summed = [sc for sc in scales.values() if sc.metric in SUMMED_OVER]
    if not summed:
        return ""
    per = [sc for sc in summed if sc.per_device]
    parts = []
    cpu = next((sc for sc in per if SUMMED_OVER[sc.metric] == "vCPU"), None)
    gpu = next((sc for sc in per if SUMMED_OVER[sc.metric] == "GPU"), None)
    if cpu is not None:
        parts.append(f"CPU ÷ {cpu.divisor} vCPUs")
    if gpu is not None:
        parts.append(f"GPU ÷ {gpu.divisor} GPU{'s' if gpu.divisor != 1 else ''}"
                     + (f" ({facts.gpu_label})" if facts is not None and facts.gpu_label else ""))
    out = ""
    if parts:
        itype = f"{facts.instance_type}: " if facts is not None else ""
        out = f"{itype}means per device, 0-100 % ({'; '.join(parts)} of CloudWatch's sums)"
    raw = [sc for sc in summed if not sc.per_device]
    if raw:
        out += ("; " if out else "") + "Σ: CloudWatch's sum over the devices (instance type unknown)"
    return out


__all__ = ["SUMMED_OVER", "Scale", "device_count", "legend", "scale_for", "scales"]
