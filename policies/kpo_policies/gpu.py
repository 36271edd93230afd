"""What makes a node pool a GPU pool."""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud.accelerators import is_gpu_machine_type

from .props import items, lookup, number


def is_gpu_pool(node_pool_props: Any) -> bool:
    """GPUs in guestAccelerators, or an accelerator-optimized machine type (gke_kpo.cloud.accelerators)."""
    accelerators = items(lookup(node_pool_props, "nodeConfig", "guestAccelerators"))
    if any((number(lookup(accelerator, "count")) or 0) > 0 for accelerator in accelerators):
        return True
    machine_type = lookup(node_pool_props, "nodeConfig", "machineType")
    return isinstance(machine_type, str) and is_gpu_machine_type(machine_type)
