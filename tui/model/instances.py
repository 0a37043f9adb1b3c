"""What an instance type is made of: vCPUs, memory, GPUs (and Neuron accelerators).

CloudWatch publishes a SageMaker host's ``CPUUtilization`` as a sum over its vCPUs and
``GPUUtilization`` / ``GPUMemoryUtilization`` as sums over its GPUs, so showing them per
device needs each instance type's device counts. They come from EC2's DescribeInstanceTypes
(:mod:`tui.aws.instance_types`, ``source="aws"``) or, where that is denied or does not know a
type, from :data:`FALLBACK`, the table below (``source="table"``).

Where the numbers come from: the figures EC2's DescribeInstanceTypes API returns
(``VCpuInfo.DefaultVCpus``, ``MemoryInfo.SizeInMiB``, ``GpuInfo.Gpus[*]``,
``NeuronInfo.NeuronDevices[*]``), which are the public figures of the EC2 instance type pages
(https://aws.amazon.com/ec2/instance-types/) and of SageMaker's pricing page, with one
deliberate difference: GPU memory is the usable size the API reports, e.g. 22,888 MiB for an
A10G or L4 (sold as 24 GB), 45,776 MiB for an L40S (48 GB), 141 GiB for an H200. So a type
reads the same whichever source answered. ``tests/aws/test_instance_facts.py`` checks every row
against moto's copy of the API's data where moto has the type (it lacks p3.2xlarge, p3.8xlarge
and p3.16xlarge: 8, 32, 64 vCPUs; 61, 244, 488 GiB; 1, 4, 8 V100 16 GiB, from the P3 page).

Pure Python: no boto3, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 1024  # MiB


@dataclass(frozen=True)
class InstanceFacts:
    """The hardware of one instance type."""

    instance_type: str  # as SageMaker names it: "ml.p4d.24xlarge"
    vcpus: int
    memory_mib: int
    gpus: int = 0
    gpu_model: str | None = None  # e.g. "NVIDIA A100"
    gpu_memory_mib: int = 0  # per GPU
    source: str = "table"  # "aws" (DescribeInstanceTypes) or "table" (FALLBACK)
    #: AWS Neuron devices (Inferentia, Trainium): not GPUs, and CloudWatch's GPU metrics do
    #: not count them; kept so a screen can say what the host is.
    accelerators: int = 0
    accelerator_model: str | None = None  # e.g. "AWS Inferentia2"
    accelerator_memory_mib: int = 0  # per accelerator

    @property
    def memory_gib(self) -> float:
        return self.memory_mib / GIB

    @property
    def gpu_label(self) -> str:
        """``"8 × NVIDIA A100 40 GiB"``; ``""`` without GPUs."""
        return _devices_label(self.gpus, self.gpu_model or "GPU", self.gpu_memory_mib)

    @property
    def accelerator_label(self) -> str:
        """``"12 × AWS Inferentia2 32 GiB"``; ``""`` without Neuron accelerators."""
        return _devices_label(self.accelerators, self.accelerator_model or "accelerator",
                              self.accelerator_memory_mib)


def _gib_text(mib: int) -> str:
    """MiB as GiB for a label: whole GiB from 10 GiB up (22,888 MiB: "22 GiB"), else one decimal."""
    gib = mib / GIB
    if gib >= 10 or gib == int(gib):
        return f"{round(gib)} GiB"
    return f"{gib:.1f} GiB"


def _devices_label(count: int, model: str, memory_mib: int) -> str:
    if count <= 0:
        return ""
    return f"{count} × {model} {_gib_text(memory_mib)}" if memory_mib > 0 else f"{count} × {model}"


def ec2_type(instance_type: str) -> str:
    """EC2's name of a SageMaker instance type: ``"ml.p4d.24xlarge"`` -> ``"p4d.24xlarge"``
    (a name without the ``ml.`` prefix is returned as is)."""
    return instance_type.strip().removeprefix("ml.")


def ml_type(instance_type: str) -> str:
    """SageMaker's name: ``"p4d.24xlarge"`` -> ``"ml.p4d.24xlarge"`` (idempotent)."""
    return "ml." + ec2_type(instance_type)


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Device:
    """A GPU or accelerator model and its memory per device (MiB, as DescribeInstanceTypes says)."""

    model: str
    memory_mib: int
    neuron: bool = False


T4 = _Device("NVIDIA T4", 16 * GIB)
A10G = _Device("NVIDIA A10G", 22_888)
L4 = _Device("NVIDIA L4", 22_888)
L40S = _Device("NVIDIA L40S", 45_776)
V100 = _Device("NVIDIA V100", 16 * GIB)
V100_32 = _Device("NVIDIA V100", 32 * GIB)
A100 = _Device("NVIDIA A100", 40 * GIB)
A100_80 = _Device("NVIDIA A100", 80 * GIB)
H100 = _Device("NVIDIA H100", 80 * GIB)
H200 = _Device("NVIDIA H200", 141 * GIB)
B200 = _Device("NVIDIA B200", 183_359)
INFERENTIA = _Device("AWS Inferentia", 8 * GIB, neuron=True)
INFERENTIA2 = _Device("AWS Inferentia2", 32 * GIB, neuron=True)
TRAINIUM = _Device("AWS Trainium", 32 * GIB, neuron=True)

#: Families whose sizes all have the same memory per vCPU: family -> (GiB per vCPU, sizes).
#: A size's vCPUs: medium 1, large 2, xlarge 4, Nxlarge 4N.
_REGULAR: dict[str, tuple[int, str]] = {
    # general purpose
    "m5": (4, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge"),
    "m5d": (4, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge"),
    "m6i": (4, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge"),
    "m7i": (4, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
    "m6g": (4, "medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
    # compute optimized
    "c5": (2, "large xlarge 2xlarge 4xlarge 9xlarge 12xlarge 18xlarge 24xlarge"),
    "c6i": (2, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge"),
    "c7i": (2, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
    "c6g": (2, "medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
    # memory optimized
    "r5": (8, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge"),
    "r6i": (8, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge"),
    "r7i": (8, "large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge"),
    "r6g": (8, "medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge"),
}

#: Every other type, one a row: (EC2 type, vCPUs, memory GiB, devices, device model).
_ROWS: tuple[tuple[str, int, int, int, _Device | None], ...] = (
    # burstable
    ("t3.medium", 2, 4, 0, None),
    ("t3.large", 2, 8, 0, None),
    ("t3.xlarge", 4, 16, 0, None),
    ("t3.2xlarge", 8, 32, 0, None),
    # G4dn: NVIDIA T4
    ("g4dn.xlarge", 4, 16, 1, T4),
    ("g4dn.2xlarge", 8, 32, 1, T4),
    ("g4dn.4xlarge", 16, 64, 1, T4),
    ("g4dn.8xlarge", 32, 128, 1, T4),
    ("g4dn.12xlarge", 48, 192, 4, T4),
    ("g4dn.16xlarge", 64, 256, 1, T4),
    # G5: NVIDIA A10G
    ("g5.xlarge", 4, 16, 1, A10G),
    ("g5.2xlarge", 8, 32, 1, A10G),
    ("g5.4xlarge", 16, 64, 1, A10G),
    ("g5.8xlarge", 32, 128, 1, A10G),
    ("g5.12xlarge", 48, 192, 4, A10G),
    ("g5.16xlarge", 64, 256, 1, A10G),
    ("g5.24xlarge", 96, 384, 4, A10G),
    ("g5.48xlarge", 192, 768, 8, A10G),
    # G6: NVIDIA L4
    ("g6.xlarge", 4, 16, 1, L4),
    ("g6.2xlarge", 8, 32, 1, L4),
    ("g6.4xlarge", 16, 64, 1, L4),
    ("g6.8xlarge", 32, 128, 1, L4),
    ("g6.12xlarge", 48, 192, 4, L4),
    ("g6.16xlarge", 64, 256, 1, L4),
    ("g6.24xlarge", 96, 384, 4, L4),
    ("g6.48xlarge", 192, 768, 8, L4),
    # G6e: NVIDIA L40S
    ("g6e.xlarge", 4, 32, 1, L40S),
    ("g6e.2xlarge", 8, 64, 1, L40S),
    ("g6e.4xlarge", 16, 128, 1, L40S),
    ("g6e.8xlarge", 32, 256, 1, L40S),
    ("g6e.12xlarge", 48, 384, 4, L40S),
    ("g6e.16xlarge", 64, 512, 1, L40S),
    ("g6e.24xlarge", 96, 768, 4, L40S),
    ("g6e.48xlarge", 192, 1536, 8, L40S),
    # P3 / P3dn: NVIDIA V100
    ("p3.2xlarge", 8, 61, 1, V100),
    ("p3.8xlarge", 32, 244, 4, V100),
    ("p3.16xlarge", 64, 488, 8, V100),
    ("p3dn.24xlarge", 96, 768, 8, V100_32),
    # P4d / P4de: NVIDIA A100 40 / 80 GiB
    ("p4d.24xlarge", 96, 1152, 8, A100),
    ("p4de.24xlarge", 96, 1152, 8, A100_80),
    # P5: NVIDIA H100; P5e / P5en: H200; P6: B200
    ("p5.4xlarge", 16, 256, 1, H100),
    ("p5.48xlarge", 192, 2048, 8, H100),
    ("p5e.48xlarge", 192, 2048, 8, H200),
    ("p5en.48xlarge", 192, 2048, 8, H200),
    ("p6-b200.48xlarge", 192, 2048, 8, B200),
    # Inf1 / Inf2: AWS Inferentia (Neuron devices, not GPUs)
    ("inf1.xlarge", 4, 8, 1, INFERENTIA),
    ("inf1.2xlarge", 8, 16, 1, INFERENTIA),
    ("inf1.6xlarge", 24, 48, 4, INFERENTIA),
    ("inf1.24xlarge", 96, 192, 16, INFERENTIA),
    ("inf2.xlarge", 4, 16, 1, INFERENTIA2),
    ("inf2.8xlarge", 32, 128, 1, INFERENTIA2),
    ("inf2.24xlarge", 96, 384, 6, INFERENTIA2),
    ("inf2.48xlarge", 192, 768, 12, INFERENTIA2),
    # Trn1 / Trn1n: AWS Trainium
    ("trn1.2xlarge", 8, 32, 1, TRAINIUM),
    ("trn1.32xlarge", 128, 512, 16, TRAINIUM),
    ("trn1n.32xlarge", 128, 512, 16, TRAINIUM),
)


def _size_vcpus(size: str) -> int:
    fixed = {"medium": 1, "large": 2, "xlarge": 4}
    return fixed[size] if size in fixed else 4 * int(size.removesuffix("xlarge"))


def _facts(ec2: str, vcpus: int, memory_gib: int, count: int = 0, device: _Device | None = None
           ) -> InstanceFacts:
    name = ml_type(ec2)
    if device is None or count == 0:
        return InstanceFacts(name, vcpus, memory_gib * GIB)
    if device.neuron:
        return InstanceFacts(name, vcpus, memory_gib * GIB, accelerators=count,
                             accelerator_model=device.model, accelerator_memory_mib=device.memory_mib)
    return InstanceFacts(name, vcpus, memory_gib * GIB, count, device.model, device.memory_mib)


def _build() -> dict[str, InstanceFacts]:
    table: dict[str, InstanceFacts] = {}
    for family, (gib_per_vcpu, sizes) in _REGULAR.items():
        for size in sizes.split():
            vcpus = _size_vcpus(size)
            table[ml_type(f"{family}.{size}")] = _facts(f"{family}.{size}", vcpus, vcpus * gib_per_vcpu)
    for row in _ROWS:
        table[ml_type(row[0])] = _facts(*row)
    return table


#: The shipped table, keyed by SageMaker's name ("ml.p4d.24xlarge").
FALLBACK: dict[str, InstanceFacts] = _build()


def fallback_facts(instance_type: str) -> InstanceFacts | None:
    """The shipped facts of a type (``"ml.g5.xlarge"`` or ``"g5.xlarge"``), None if not in the table."""
    if not instance_type:
        return None
    return FALLBACK.get(ml_type(instance_type))


__all__ = ["FALLBACK", "GIB", "InstanceFacts", "ec2_type", "fallback_facts", "ml_type"]
