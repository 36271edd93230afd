"""Which machine types carry which GPU, and how many: the pairings Compute Engine accepts for a GKE node pool.

Source: Compute Engine, "GPU machine types" (https://cloud.google.com/compute/docs/gpus) and "Accelerator-optimized
machine family" (https://cloud.google.com/compute/docs/accelerator-optimized-machines). Accelerator-optimized machine
types (A2, A3, A4, A4X, G2, G4) come with a fixed number of one GPU model; GKE still needs that model and count in
``guest_accelerators``, and refuses any other. N1 machine types take a GPU in a few counts, each allowing at most
so many vCPUs. Which zones offer which GPU is not here: that changes per zone and needs the API
(``gcloud compute accelerator-types list``).

To add a GPU: one row in ``ACCELERATORS``. Standard library only: the policy pack imports this module.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Accelerator:
    name: str
    """The accelerator type GKE and Compute Engine use, e.g. nvidia-l4."""
    attached: Mapping[str, int] = field(default_factory=dict)
    """Accelerator-optimized machine type -> its fixed GPU count."""
    n1_max_vcpus: Mapping[int, int] = field(default_factory=dict)
    """GPU count attachable to an N1 machine type -> most vCPUs that count allows."""


def _frozen(mapping: dict[str, int]) -> Mapping[str, int]:
    return MappingProxyType(mapping)


def _g2(vcpus_to_gpus: dict[int, int]) -> Mapping[str, int]:
    return _frozen({f"g2-standard-{vcpus}": gpus for vcpus, gpus in vcpus_to_gpus.items()})


ACCELERATORS: tuple[Accelerator, ...] = (
    Accelerator("nvidia-tesla-t4", n1_max_vcpus={1: 48, 2: 48, 4: 96}),
    Accelerator("nvidia-tesla-p4", n1_max_vcpus={1: 24, 2: 48, 4: 96}),
    Accelerator("nvidia-tesla-v100", n1_max_vcpus={1: 12, 2: 24, 4: 48, 8: 96}),
    # 4 P100s allow 64 vCPUs in some zones and 96 in the others; the zone is not known offline, so the larger.
    Accelerator("nvidia-tesla-p100", n1_max_vcpus={1: 16, 2: 32, 4: 96}),
    Accelerator("nvidia-l4", _g2({4: 1, 8: 1, 12: 1, 16: 1, 32: 1, 24: 2, 48: 4, 96: 8})),
    Accelerator(
        "nvidia-tesla-a100",
        _frozen({"a2-highgpu-1g": 1, "a2-highgpu-2g": 2, "a2-highgpu-4g": 4, "a2-highgpu-8g": 8, "a2-megagpu-16g": 16}),
    ),
    Accelerator(
        "nvidia-a100-80gb",
        _frozen({"a2-ultragpu-1g": 1, "a2-ultragpu-2g": 2, "a2-ultragpu-4g": 4, "a2-ultragpu-8g": 8}),
    ),
    Accelerator(
        "nvidia-h100-80gb",
        _frozen({"a3-highgpu-1g": 1, "a3-highgpu-2g": 2, "a3-highgpu-4g": 4, "a3-highgpu-8g": 8, "a3-edgegpu-8g": 8}),
    ),
    Accelerator("nvidia-h100-mega-80gb", _frozen({"a3-megagpu-8g": 8})),
    Accelerator("nvidia-h200-141gb", _frozen({"a3-ultragpu-8g": 8})),
    Accelerator("nvidia-b200", _frozen({"a4-highgpu-8g": 8})),
    Accelerator("nvidia-gb200", _frozen({"a4x-highgpu-4g": 4})),
    Accelerator(
        "nvidia-rtx-pro-6000",
        _frozen({"g4-standard-48": 1, "g4-standard-96": 2, "g4-standard-192": 4, "g4-standard-384": 8}),
    ),
)

BY_NAME: Mapping[str, Accelerator] = MappingProxyType({accelerator.name: accelerator for accelerator in ACCELERATORS})

_N1_VCPUS = re.compile(
    r"^n1-(?:(?P<kind>standard|highmem|highcpu)-(?P<vcpus>[0-9]+)|custom-(?P<custom>[0-9]+)-[0-9]+(?:-ext)?)$"
)
N1_SIZES: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        "standard": (1, 2, 4, 8, 16, 32, 64, 96),
        "highmem": (2, 4, 8, 16, 32, 64, 96),
        "highcpu": (2, 4, 8, 16, 32, 64, 96),
    }
)
"""N1's predefined machine types: vCPU counts per kind (Compute Engine, "General-purpose machine family", N1 machine
types, https://cloud.google.com/compute/docs/general-purpose-machines#n1_machines); custom ones are n1-custom-..."""
N1_PREDEFINED: tuple[str, ...] = tuple(f"n1-{kind}-{vcpus}" for kind, sizes in N1_SIZES.items() for vcpus in sizes)


def machine_family(machine_type: str) -> str:
    """The series a machine type belongs to: the part before its first hyphen (g2 for g2-standard-8)."""
    return machine_type.split("-", 1)[0]


ATTACHED_GPU_FAMILIES: frozenset[str] = frozenset(
    machine_family(machine_type) for accelerator in ACCELERATORS for machine_type in accelerator.attached
)
"""Machine series whose every machine type comes with GPUs attached."""


def is_gpu_machine_type(machine_type: str) -> bool:
    return machine_family(machine_type) in ATTACHED_GPU_FAMILIES


def n1_vcpus(machine_type: str) -> int | None:
    """vCPUs of an N1 machine type (predefined or custom), or None for any other machine type."""
    match = _N1_VCPUS.match(machine_type)
    if not match or (match.group("kind") and machine_type not in N1_PREDEFINED):
        return None
    return int(match.group("vcpus") or match.group("custom"))


@dataclass(frozen=True)
class GpuProblem:
    field: str
    """Which part of the pairing is wrong: accelerator, machine_type or count."""
    message: str
    fix: str


def pairing_problem(accelerator: str, machine_type: str, count: int) -> GpuProblem | None:
    """Why GKE would refuse a node pool of ``machine_type`` with ``count`` x ``accelerator``, or None."""
    known = BY_NAME.get(accelerator)
    if known is None:
        return GpuProblem("accelerator", f"{accelerator!r} is not a GKE accelerator type", _nearest_name(accelerator))
    if known.attached:
        return _attached_problem(known, machine_type, count)
    return _n1_problem(known, machine_type, count)


_BRAND_WORDS = frozenset({"nvidia", "tesla"})
"""Words several models share: ``nvidia-tesla-l4`` means the L4 (nvidia-l4), not another Tesla (the T4)."""


def _nearest_name(accelerator: str) -> str:
    """The known name sharing most of the typo's model words (t4, l4, h100...), closest in spelling among those."""
    words = set(accelerator.split("-")) - _BRAND_WORDS

    def likeness(name: str) -> tuple[int, float]:
        shared = len(words & set(name.split("-")))
        return shared, difflib.SequenceMatcher(None, accelerator, name).ratio()

    best = max(BY_NAME, key=likeness)
    shared, ratio = likeness(best)
    return f"use {best}" if shared or ratio >= 0.6 else f"use one of {', '.join(BY_NAME)}"


def carried_by(machine_type: str) -> tuple[str, int] | None:
    """The accelerator and count an accelerator-optimized machine type comes with, or None."""
    for accelerator in ACCELERATORS:
        if machine_type in accelerator.attached:
            return accelerator.name, accelerator.attached[machine_type]
    return None


def _carrier_note(machine_type: str) -> str:
    carried = [accelerator.name for accelerator in ACCELERATORS if machine_type in accelerator.attached]
    return f" ({machine_type} carries {carried[0]})" if carried else ""


def _attached_problem(accelerator: Accelerator, machine_type: str, count: int) -> GpuProblem | None:
    fixed = accelerator.attached.get(machine_type)
    choices = ", ".join(f"{name} ({gpus})" for name, gpus in accelerator.attached.items())
    if fixed is None:
        close = difflib.get_close_matches(machine_type, list(accelerator.attached), n=1)
        guess = f"did you mean {close[0]}? " if close else ""
        return GpuProblem(
            "machine_type",
            f"{machine_type!r} cannot carry {accelerator.name}{_carrier_note(machine_type)}",
            f"{guess}use a machine type that comes with {accelerator.name} (its GPU count in brackets): {choices}",
        )
    if count != fixed:
        for_count = [name for name, gpus in accelerator.attached.items() if gpus == count]
        other = f", or the machine type {' or '.join(for_count)} for {count}" if for_count else ""
        return GpuProblem(
            "count",
            f"{machine_type} comes with exactly {fixed} {accelerator.name}, not {count}",
            f"set the GPU count to {fixed}{other}",
        )
    return None


def _n1_sizes_text() -> str:
    return "; ".join(f"n1-{kind}-{' | '.join(map(str, sizes))}" for kind, sizes in N1_SIZES.items())


def _n1_problem(accelerator: Accelerator, machine_type: str, count: int) -> GpuProblem | None:
    vcpus = n1_vcpus(machine_type)
    counts = ", ".join(str(allowed) for allowed in accelerator.n1_max_vcpus)
    if vcpus is None and machine_family(machine_type) == "n1":
        close = difflib.get_close_matches(machine_type, N1_PREDEFINED, n=1)
        guess = f"did you mean {close[0]}? " if close else ""
        return GpuProblem(
            "machine_type",
            f"{machine_type!r} is no N1 machine type",
            f"{guess}use a predefined one ({_n1_sizes_text()}) or n1-custom-<vCPUs>-<MB>",
        )
    if vcpus is None:
        return GpuProblem(
            "machine_type",
            f"{accelerator.name} attaches only to N1 machine types, not {machine_type!r}{_carrier_note(machine_type)}",
            "use an N1 machine type such as n1-standard-4",
        )
    most = accelerator.n1_max_vcpus.get(count)
    if most is None:
        return GpuProblem(
            "count", f"{accelerator.name} attaches to N1 in counts of {counts}, not {count}", f"use one of {counts}"
        )
    if vcpus > most:
        return GpuProblem(
            "machine_type",
            f"{machine_type} has {vcpus} vCPUs, more than the {most} that {count} x {accelerator.name} allow",
            f"use an N1 machine type with at most {most} vCPUs, or more GPUs (counts: {counts})",
        )
    return None
