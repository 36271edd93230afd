"""What a node's machine family allows: the boot disk types, the CPU architecture, how GPUs come with it.

Read on 2026-04-13 (the page's "Last updated") from Compute Engine, "Accelerator-optimized machine family"
(https://cloud.google.com/compute/docs/accelerator-optimized-machines): each series' "Supported disk types" and
"limitations" sections. A3 Ultra, A4, A4X and G4: "You can't use Persistent Disk (regional or zonal). You can only
use Google Cloud Hyperdisk" and "Hyperdisk Balanced (hyperdisk-balanced): this is the only disk type that is
supported for the boot disk". A4X: "two sockets with NVIDIA Grace CPUs with Arm Neoverse V2 cores"; it also has no
Spot VMs. A3 Mega/High/Edge list pd-balanced and pd-ssd; A2 pd-balanced, pd-ssd and pd-standard; G2 pd-balanced
and pd-ssd ("Standard Persistent Disk (pd-standard) isn't supported"). Hyperdisk ML and Throughput, which some of
them list, cannot boot a VM and are left out.

N1 and E2 (general-purpose: pd-standard, pd-balanced, pd-ssd; x86) are from Compute Engine, "General-purpose
machine family" (https://cloud.google.com/compute/docs/general-purpose-machines), not re-read for this table.

A family missing here is unknown: the program then keeps GKE's own default boot disk, pd-balanced (GKE "Custom
boot disks", https://cloud.google.com/kubernetes-engine/docs/how-to/custom-boot-disks: the default in 1.24+).

To add a family: one row in ``FAMILIES``. Standard library only: the policy pack imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from gke_kpo.cloud.accelerators import machine_family

READ_ON = "2026-04-13"
GKE_DEFAULT_BOOT_DISK = "pd-balanced"


class Architecture(StrEnum):
    X86_64 = "amd64"
    ARM64 = "arm64"
    """The value of the node label kubernetes.io/arch, which GKE also taints Arm nodes with."""


class GpuAttachment(StrEnum):
    NONE = "none"
    ATTACHED = "attached"
    """Every machine type comes with a fixed number of one GPU model (accelerators.py, ``attached``)."""
    ATTACHABLE = "attachable"
    """GPUs are added in a few counts (N1; accelerators.py, ``n1_max_vcpus``)."""


@dataclass(frozen=True)
class MachineFamily:
    name: str
    boot_disks: tuple[str, ...]
    """Disk types that can boot it, the one the program uses first."""
    architecture: Architecture
    gpus: GpuAttachment


_PD = ("pd-balanced", "pd-ssd", "pd-standard")
_HYPERDISK_ONLY = ("hyperdisk-balanced",)
_X86, _ARM = Architecture.X86_64, Architecture.ARM64
_ATTACHED = GpuAttachment.ATTACHED

FAMILIES: Mapping[str, MachineFamily] = MappingProxyType(
    {
        family.name: family
        for family in (
            MachineFamily("e2", _PD, _X86, GpuAttachment.NONE),
            MachineFamily("n1", _PD, _X86, GpuAttachment.ATTACHABLE),
            MachineFamily("a2", _PD, _X86, _ATTACHED),
            # The A3 series shares the prefix a3; only A3 Ultra (a3-ultragpu) boots from Hyperdisk alone.
            MachineFamily("a3", ("pd-balanced", "pd-ssd", "hyperdisk-balanced"), _X86, _ATTACHED),
            MachineFamily("a3-ultragpu", _HYPERDISK_ONLY, _X86, _ATTACHED),
            MachineFamily("a4", _HYPERDISK_ONLY, _X86, _ATTACHED),
            MachineFamily("a4x", _HYPERDISK_ONLY, _ARM, _ATTACHED),
            MachineFamily("g2", ("pd-balanced", "pd-ssd"), _X86, _ATTACHED),
            MachineFamily("g4", _HYPERDISK_ONLY, _X86, _ATTACHED),
        )
    }
)


def family_of(machine_type: str) -> MachineFamily | None:
    """The most specific row: a3-ultragpu-8g is A3 Ultra, a3-highgpu-8g is A3."""
    series = machine_type.rsplit("-", 1)[0]
    return FAMILIES.get(series) or FAMILIES.get(machine_family(machine_type))


def boot_disk_type(machine_type: str) -> str:
    """The boot disk the program gives nodes of this machine type: one the family supports."""
    family = family_of(machine_type)
    return family.boot_disks[0] if family else GKE_DEFAULT_BOOT_DISK
