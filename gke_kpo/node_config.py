"""Node settings every pool shares, as plain dicts that both the cluster and node pool inputs accept."""

from __future__ import annotations

from typing import Any

from gke_kpo.outputs import GPU_NODE_LABEL, GPU_TAINT, GPU_TAINT_GKE_EFFECT
from gke_kpo.settings import GpuPoolSettings

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
"""Access is bounded by the node service account's IAM roles, as Google recommends, not by scopes."""

NODE_ACCOUNT_SUFFIX = "-nodes"


def node_account_id(cluster_name: str) -> str:
    """A 6-30 character account id that says which cluster's nodes run as it."""
    return f"{cluster_name[: 30 - len(NODE_ACCOUNT_SUFFIX)]}{NODE_ACCOUNT_SUFFIX}"


def self_healing_autoscaling(min_nodes: int, max_nodes: int) -> dict[str, Any]:
    """Node pool inputs every pool shares: per-zone autoscaling bounds, auto-repair and auto-upgrade."""
    return {
        "initial_node_count": min_nodes,
        "autoscaling": {"min_node_count": min_nodes, "max_node_count": max_nodes},
        "management": {"auto_repair": True, "auto_upgrade": True},
    }


def hardened_node_config(service_account: str, machine_type: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "machine_type": machine_type,
        "image_type": "COS_CONTAINERD",
        "disk_type": "pd-balanced",
        "service_account": service_account,
        "oauth_scopes": [CLOUD_PLATFORM_SCOPE],
        # GKE_METADATA hides the node's own credentials from pods and serves Workload Identity instead.
        "workload_metadata_config": {"mode": "GKE_METADATA"},
        "shielded_instance_config": {"enable_secure_boot": True, "enable_integrity_monitoring": True},
        "labels": labels,
    }


def gpu_node_config(service_account: str, gpu: GpuPoolSettings) -> dict[str, Any]:
    config = hardened_node_config(service_account, gpu.machine_type, {GPU_NODE_LABEL: gpu.accelerator})
    config["guest_accelerators"] = [
        {
            "type": gpu.accelerator,
            "count": gpu.count,
            "gpu_driver_installation_config": {"gpu_driver_version": gpu.driver_version},
        }
    ]
    config["spot"] = gpu.spot
    config["taints"] = [{"key": GPU_TAINT["key"], "value": GPU_TAINT["value"], "effect": GPU_TAINT_GKE_EFFECT}]
    return config


def gpu_summary(gpu: GpuPoolSettings | None) -> dict[str, Any] | None:
    """The `gpu` stack output: what a DAG needs to land a pod on the GPU pool."""
    if gpu is None:
        return None
    return {
        "accelerator": gpu.accelerator,
        "count": gpu.count,
        "taint": dict(GPU_TAINT),
        "node_selector": {GPU_NODE_LABEL: gpu.accelerator},
    }
