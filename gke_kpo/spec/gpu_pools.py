"""What each GPU pool declares and what a task needs to land on it: node config, compute classes, summaries."""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud import gpu_capacity
from gke_kpo.config.gpu_pool_fields import LEGACY_POOL_NAME
from gke_kpo.config.settings import Capacity, GpuPoolSettings
from gke_kpo.contract import outputs
from gke_kpo.contract.outputs import GPU_NODE_LABEL, GPU_TAINT, GPU_TAINT_GKE_EFFECT
from gke_kpo.spec.nodes import hardened_node_config


def gpu_pool_logical_name(prefix: str, pool: str) -> str:
    """``<cluster>-gpu`` for the pool named gpu, so a one-pool stack moved to gpu_pools keeps its node pool."""
    return f"{prefix}-gpu" if pool == LEGACY_POOL_NAME else f"{prefix}-gpu-{pool}"


def pool_management(gpu: GpuPoolSettings) -> dict[str, bool]:
    """Flex-start nodes are not repaired: GKE requires auto-repair off on flex-start pools (a repaired node would
    need new capacity)."""
    return {"auto_repair": gpu.capacity is not Capacity.FLEX_START, "auto_upgrade": True}


def compute_classes(pools: tuple[GpuPoolSettings, ...]) -> dict[str, str]:
    """Pool name -> the compute class it belongs to: a Spot pool with a fallback, and that fallback."""
    classes: dict[str, str] = {}
    for pool in pools:
        if pool.fallback:
            name = gpu_capacity.compute_class_name(pool.name)
            classes[pool.name] = classes[pool.fallback] = name
    return classes


def compute_class_manifest(pool: GpuPoolSettings) -> dict[str, Any]:
    """Spot first, on-demand when Spot is out: GKE's custom compute class priorities over existing node pools.
    nodePoolAutoCreation stays off (the pools are declared here); whenUnsatisfiable DoNotScaleUp keeps a task
    Pending rather than on a node of neither pool."""
    return {
        "apiVersion": gpu_capacity.COMPUTE_CLASS_API_VERSION,
        "kind": gpu_capacity.COMPUTE_CLASS_KIND,
        "metadata": {"name": gpu_capacity.compute_class_name(pool.name)},
        "spec": {
            "priorities": [{"nodepools": [pool.name]}, {"nodepools": [pool.fallback]}],
            "nodePoolAutoCreation": {"enabled": False},
            "whenUnsatisfiable": "DoNotScaleUp",
        },
    }


def gpu_node_config(
    service_account: str, gpu: GpuPoolSettings, compute_class: str | None, stack_project: str
) -> dict[str, Any]:
    labels = {GPU_NODE_LABEL: gpu.accelerator}
    taints = [{"key": GPU_TAINT["key"], "value": GPU_TAINT["value"], "effect": GPU_TAINT_GKE_EFFECT}]
    if compute_class:
        labels[gpu_capacity.COMPUTE_CLASS_LABEL] = compute_class
        taints.append({"key": gpu_capacity.COMPUTE_CLASS_LABEL, "value": compute_class, "effect": GPU_TAINT_GKE_EFFECT})
    config = hardened_node_config(service_account, gpu.machine_type, labels)
    config["guest_accelerators"] = [_accelerator(gpu)]
    config["spot"] = gpu.spot
    config["taints"] = taints
    config.update(_capacity_inputs(gpu, stack_project))
    if gpu.image_streaming:
        config["gcfs_config"] = {"enabled": True}
    return config


def _accelerator(gpu: GpuPoolSettings) -> dict[str, Any]:
    accelerator: dict[str, Any] = {
        "type": gpu.accelerator,
        "count": gpu.count,
        "gpu_driver_installation_config": {"gpu_driver_version": gpu.driver_version},
    }
    if gpu.sharing:
        accelerator["gpu_sharing_config"] = {
            "gpu_sharing_strategy": gpu_capacity.GKE_SHARING_STRATEGY[gpu.sharing.strategy.value],
            "max_shared_clients_per_gpu": gpu.sharing.clients_per_gpu,
        }
    return accelerator


def _capacity_inputs(gpu: GpuPoolSettings, stack_project: str) -> dict[str, Any]:
    if gpu.capacity is Capacity.FLEX_START:
        inputs: dict[str, Any] = {
            "flex_start": True,
            "reservation_affinity": {"consume_reservation_type": "NO_RESERVATION"},
        }
        if gpu.max_run_duration_hours:
            inputs["max_run_duration"] = f"{gpu.max_run_duration_hours * 3600}s"
        return inputs
    if gpu.capacity is Capacity.RESERVATION and gpu.reservation:
        value = gpu_capacity.reservation_value(gpu.reservation.name, gpu.reservation.project, stack_project)
        return {
            "reservation_affinity": {
                "consume_reservation_type": "SPECIFIC_RESERVATION",
                "key": gpu_capacity.RESERVATION_KEY,
                "values": [value],
            }
        }
    return {}


def pool_tolerations(compute_class: str | None) -> list[dict[str, str]]:
    tolerations = [dict(GPU_TAINT)]
    if compute_class:
        key = gpu_capacity.COMPUTE_CLASS_LABEL
        tolerations.append({"key": key, "value": compute_class, "effect": GPU_TAINT["effect"]})
    return tolerations


def pool_node_selector(gpu: GpuPoolSettings, compute_class: str | None) -> dict[str, str]:
    """A Spot pool with a fallback is reached through its compute class (GKE picks the pool); any other by name."""
    selector = (
        {gpu_capacity.COMPUTE_CLASS_LABEL: compute_class}
        if compute_class and gpu.fallback
        else {gpu_capacity.NODE_POOL_LABEL: gpu.name}
    )
    if gpu.sharing:
        selector[gpu_capacity.SHARING_STRATEGY_LABEL] = gpu.sharing.strategy.value
        selector[gpu_capacity.MAX_SHARED_CLIENTS_LABEL] = str(gpu.sharing.clients_per_gpu)
    return selector


def pool_summary(gpu: GpuPoolSettings, pools: tuple[GpuPoolSettings, ...]) -> dict[str, Any]:
    """One entry of the ``gpu_pools`` output: what a DAG needs to land a pod on the pool."""
    compute_class = compute_classes(pools).get(gpu.name)
    return {
        outputs.ACCELERATOR: gpu.accelerator,
        outputs.TASK_GPUS: 1 if gpu.sharing else gpu.count,
        outputs.CAPACITY: gpu.capacity.value,
        outputs.NODE_SELECTOR: pool_node_selector(gpu, compute_class),
        outputs.TOLERATIONS: pool_tolerations(compute_class),
    }


def gpu_summary(pools: tuple[GpuPoolSettings, ...]) -> dict[str, Any] | None:
    """The ``gpu`` output of one-pool stacks, unchanged: the first pool, selected by accelerator (every GPU node
    keeps that label), for consumers written before pools had names."""
    if not pools:
        return None
    first = pools[0]
    return {
        "accelerator": first.accelerator,
        "count": first.count,
        "taint": dict(GPU_TAINT),
        "node_selector": {GPU_NODE_LABEL: first.accelerator},
    }
