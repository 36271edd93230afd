"""Node settings every pool shares, as plain dicts that both the cluster and node pool inputs accept."""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud.gke import CLOUD_PLATFORM_SCOPE
from gke_kpo.cloud.machines import boot_disk_type

SYSTEM_POOL_INITIAL_NODES = 1
GPU_POOL_INITIAL_NODES = 0
"""Constant initial sizes, per zone even when the bounds are totals (terraform-provider-google
resource_container_node_pool.go: "In regional or multi-zonal clusters, this is the number of nodes per zone"):
initialNodeCount forces a new pool (ForceNew there), so no config key may reach it; the autoscaler's bounds, which
update in place, carry the configured minimum."""

NODE_POOL_IGNORED_CHANGES = ["initialNodeCount"]
"""GKE reports a pool's current size back as initialNodeCount after a manual resize, which would replace the pool
on the next `pulumi up` (container_node_pool docs, initial_node_count)."""


def self_healing_autoscaling(
    initial_nodes: int, min_nodes: int, max_nodes: int, location_policy: str
) -> dict[str, Any]:
    """Node pool inputs every pool shares: per-zone initial size, autoscaling bounds for the whole pool (what a
    user means by "0..4 nodes"; total_* and the per-zone min/max_node_count exclude each other: GKE API
    NodePoolAutoscaling, "The total_*_node_count fields are mutually exclusive with the *_node_count fields"),
    auto-repair, auto-upgrade."""
    return {
        "initial_node_count": initial_nodes,
        "autoscaling": {
            "total_min_node_count": min_nodes,
            "total_max_node_count": max_nodes,
            "location_policy": location_policy,
        },
        "management": {"auto_repair": True, "auto_upgrade": True},
    }


def hardened_node_config(service_account: str, machine_type: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "machine_type": machine_type,
        "image_type": "COS_CONTAINERD",
        # A3 Ultra, A4, A4X and G4 boot only from Hyperdisk (gke_kpo/cloud/machines.py).
        "disk_type": boot_disk_type(machine_type),
        "service_account": service_account,
        "oauth_scopes": [CLOUD_PLATFORM_SCOPE],
        # GKE_METADATA hides the node's own credentials from pods and serves Workload Identity instead.
        "workload_metadata_config": {"mode": "GKE_METADATA"},
        "shielded_instance_config": {"enable_secure_boot": True, "enable_integrity_monitoring": True},
        "labels": labels,
    }
