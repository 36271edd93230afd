"""What makes a node pool a GPU pool."""

from __future__ import annotations

from typing import Any, Final

from .props import items, lookup, number

GPU_MACHINE_PREFIXES: Final = ("a2-", "a3-", "a4-", "g2-", "g4-")
"""Accelerator-optimized machine families: GPUs come attached, with no guestAccelerators entry."""


def is_gpu_pool(node_pool_props: Any) -> bool:
    accelerators = items(lookup(node_pool_props, "nodeConfig", "guestAccelerators"))
    if any((number(lookup(accelerator, "count")) or 0) > 0 for accelerator in accelerators):
        return True
    machine_type = lookup(node_pool_props, "nodeConfig", "machineType")
    return isinstance(machine_type, str) and machine_type.startswith(GPU_MACHINE_PREFIXES)
