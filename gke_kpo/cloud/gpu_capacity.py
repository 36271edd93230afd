"""How GKE obtains GPU nodes and shares them: capacity modes, compute classes, GPU sharing, node pool names.

Sources (read 2026-12-04):
- Flex-start node pools: https://cloud.google.com/kubernetes-engine/docs/how-to/dws-flex-start-training
- Consuming reservations: https://cloud.google.com/kubernetes-engine/docs/how-to/consuming-reservations
- Custom compute classes: https://cloud.google.com/kubernetes-engine/docs/concepts/about-custom-compute-classes
- GPU sharing: https://cloud.google.com/kubernetes-engine/docs/how-to/timesharing-gpus and .../nvidia-mps-gpus
- Node pool names: the GKE API's NodePool.name pattern ``[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?``
Standard library only: the policy pack imports it.
"""

from __future__ import annotations

import re
from typing import Final

FLEX_START_NO_AUTO_REPAIR: Final = True
"""Flex-start node pools are created with auto-repair off (the docs' gcloud example passes --no-enable-autorepair)."""

FLEX_START_MAX_RUN_HOURS: Final = 168
"""A flex-start node lives at most seven days; maxRunDuration may shorten that, never extend it."""

MAX_SHARED_CLIENTS_PER_GPU: Final = 48
"""GPU time-sharing and MPS: at most 48 containers per physical GPU (gpuSharingConfig.maxSharedClientsPerGpu)."""

SHARING_STRATEGY_LABEL: Final = "cloud.google.com/gke-gpu-sharing-strategy"
MAX_SHARED_CLIENTS_LABEL: Final = "cloud.google.com/gke-max-shared-clients-per-gpu"
"""Labels GKE puts on nodes of a GPU-sharing pool; a shared-GPU pod selects both."""

GKE_SHARING_STRATEGY: Final = {"time-sharing": "TIME_SHARING", "mps": "MPS"}
"""The config's strategy names as the GKE API spells them."""

NODE_POOL_LABEL: Final = "cloud.google.com/gke-nodepool"
"""Set by GKE on every node with its pool's name; the cluster autoscaler knows it when scaling a pool from zero."""

COMPUTE_CLASS_LABEL: Final = "cloud.google.com/compute-class"
"""A node pool joins a custom compute class through this node label and a NoSchedule taint of the same key and
value; a pod selects the class with a nodeSelector on the label."""

COMPUTE_CLASS_API_VERSION: Final = "cloud.google.com/v1"
COMPUTE_CLASS_KIND: Final = "ComputeClass"

RESERVATION_KEY: Final = "compute.googleapis.com/reservation-name"
"""reservationAffinity.key for a specific reservation; a shared one is named projects/<project>/reservations/<name>."""

_NODE_POOL_NAME = re.compile(r"^[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?$")


def node_pool_name_problem(name: str) -> str | None:
    if _NODE_POOL_NAME.match(name):
        return None
    return f"{name!r} is not a GKE node pool name (1-40 lowercase letters, digits, hyphens; starts with a letter)"


def reservation_value(name: str, project: str, stack_project: str) -> str:
    """The reservation affinity value: a reservation in another project is named with its project."""
    return name if project == stack_project else f"projects/{project}/reservations/{name}"


def compute_class_name(pool: str) -> str:
    """The compute class that ranks a Spot pool before its on-demand fallback."""
    return f"{pool}-or-fallback"


def capacity_of(node_config: dict[str, object]) -> str:
    """A node pool's capacity mode from its nodeConfig inputs (as the plan and the policy pack see them)."""
    if node_config.get("spot"):
        return "spot"
    if node_config.get("flexStart"):
        return "flex-start"
    affinity = node_config.get("reservationAffinity")
    if isinstance(affinity, dict) and affinity.get("consumeReservationType") == "SPECIFIC_RESERVATION":
        return "reservation"
    return "on-demand"
