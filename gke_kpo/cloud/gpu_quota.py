"""The Compute Engine quotas a GPU node pool draws on, and the gcloud commands that show them.

Source: Compute Engine, "Allocation quotas", GPU quota (https://cloud.google.com/compute/resource-usage#gpu_quota):
GPUs are counted per region in a metric per GPU model, Spot VMs in its ``PREEMPTIBLE_`` twin, and every GPU of the
project in the global ``GPUS_ALL_REGIONS`` on top; a new project often has 0 of them. The metric names of T4, P4,
V100, P100, L4, A100 and A100 80GB are as ``gcloud compute regions describe`` prints them (seen in published
quota listings, e.g. "NVIDIA_L4_GPUS", "PREEMPTIBLE_NVIDIA_L4_GPUS", "NVIDIA_A100_80GB_GPUS"). For H100, H100 Mega,
H200, B200 and RTX PRO 6000 only the Cloud Quotas ids were seen ("NVIDIA-H100-GPUS-per-project-region",
"PREEMPTIBLE-NVIDIA-B200-GPUS-per-project-region", "PREEMPTIBLE-NVIDIA-RTX-PRO-6000-GPUS-per-project-region"): the
metric names below follow the same spelling with underscores; GB200 follows the pattern unseen. Check the name in
the command's output (it lists every quota of the region when the filter matches none).

Not verified against any project: this is what to look at, not a promise that the quota is there.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

GLOBAL_GPU_METRIC = "GPUS_ALL_REGIONS"
SPOT_PREFIX = "PREEMPTIBLE_"

REGIONAL_METRICS: Mapping[str, str] = MappingProxyType(
    {
        "nvidia-tesla-t4": "NVIDIA_T4_GPUS",
        "nvidia-tesla-p4": "NVIDIA_P4_GPUS",
        "nvidia-tesla-v100": "NVIDIA_V100_GPUS",
        "nvidia-tesla-p100": "NVIDIA_P100_GPUS",
        "nvidia-l4": "NVIDIA_L4_GPUS",
        "nvidia-tesla-a100": "NVIDIA_A100_GPUS",
        "nvidia-a100-80gb": "NVIDIA_A100_80GB_GPUS",
        "nvidia-h100-80gb": "NVIDIA_H100_GPUS",
        "nvidia-h100-mega-80gb": "NVIDIA_H100_MEGA_GPUS",
        "nvidia-h200-141gb": "NVIDIA_H200_GPUS",
        "nvidia-b200": "NVIDIA_B200_GPUS",
        "nvidia-gb200": "NVIDIA_GB200_GPUS",
        "nvidia-rtx-pro-6000": "NVIDIA_RTX_PRO_6000_GPUS",
    }
)
"""Accelerator type (gke_kpo/cloud/accelerators.py) -> its regional on-demand quota metric."""


SURGE_NOTE = (
    "a node upgrade adds one node before removing one (GKE's default surge upgrade, maxSurge 1: "
    "https://cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies)"
)


PREEMPTIBLE_CAPACITY = ("spot", "flex-start")
"""Capacity modes whose GPUs count against the PREEMPTIBLE_ quota metrics: Spot VMs, and Dynamic Workload
Scheduler flex-start ("Flex-start VMs can run uninterrupted for a maximum of seven days and consume preemptible
quota": Google Cloud blog, "GPUs when you need them: Introducing Flex-start VMs", cloud.google.com/blog/products/
compute/introducing-flex-start-vms-for-the-compute-engine-instance-api)."""


def uses_preemptible_quota(capacity: str) -> bool:
    return capacity in PREEMPTIBLE_CAPACITY


def regional_metric(accelerator: str, spot: bool) -> str:
    metric = REGIONAL_METRICS[accelerator]
    return f"{SPOT_PREFIX}{metric}" if spot else metric


def _quota_format(metric: str) -> str:
    return (
        f'--flatten=quotas --filter="quotas.metric={metric}" --format="table(quotas.metric,quotas.limit,quotas.usage)"'
    )


def regional_command(project: str, region: str, metric: str) -> str:
    return f"gcloud compute regions describe {region} --project {project} {_quota_format(metric)}"


def global_command(project: str) -> str:
    return f"gcloud compute project-info describe --project {project} {_quota_format(GLOBAL_GPU_METRIC)}"


def region_of(location: str) -> str:
    """us-central1 for the zone us-central1-a; a region stays itself."""
    return location.rsplit("-", 1)[0] if location.count("-") == 2 else location


def need_line(accelerator: str, gpus: int, spot: bool, region: str) -> str:
    """Which quotas must allow how many GPUs for the pool at its ceiling."""
    return (
        f"{gpus} x {accelerator}{' (Spot)' if spot else ''} at the pool's ceiling needs "
        f"{regional_metric(accelerator, spot)} >= {gpus} in {region} and {GLOBAL_GPU_METRIC} >= {gpus}"
    )


def check_lines(project: str, accelerator: str, gpus: int, spot: bool, region: str) -> list[str]:
    """What `python -m gke_kpo.deployer --gpu-quota-for STACK` prints: the need and the commands that show the limit
    and usage (limit - usage must cover it, less what other VMs of the project hold)."""
    return [
        f"GPU quota: {need_line(accelerator, gpus, spot, region)}",
        f"  leave room for one more node's GPUs: {SURGE_NOTE}",
        f"  regional: {regional_command(project, region, regional_metric(accelerator, spot))}",
        f"  global:   {global_command(project)}",
        "  no row printed: the metric name differs; drop --filter and read the GPU rows",
    ]
