"""What a GPU pool costs per hour: one node, the pool idle at its minimum size, and at its maximum (the ceiling).

Prices come from ``gpu_catalog`` (list prices, USD, dated): estimates, never a bill. Spot pools are priced at the
Spot rate; flex-start and reservation pools at the on-demand rate, which bounds flex-start's discounted price from
above and is what a reservation costs whether or not nodes use it. Standard library only: the policy pack imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gke_kpo.cloud import gpu_capacity, gpu_catalog, gpu_quota

BASIS = {
    "on-demand": "on-demand",
    "spot": "Spot",
    "flex-start": "on-demand rate, an upper bound for flex-start",
    "reservation": "on-demand rate, billed by the reservation even when idle",
}


@dataclass(frozen=True)
class PoolShape:
    """What the price depends on, read from settings or from a planned node pool."""

    name: str
    machine_type: str
    accelerator: str
    gpus: int
    region: str
    capacity: str
    min_nodes: int
    max_nodes: int


@dataclass(frozen=True)
class PoolCost:
    shape: PoolShape
    node_usd: float | None
    """One node for one hour; None when the catalog cannot price it (``unknown`` says why)."""
    unknown: str = ""

    @property
    def idle_usd(self) -> float | None:
        return None if self.node_usd is None else self.node_usd * self.shape.min_nodes

    @property
    def ceiling_usd(self) -> float | None:
        return None if self.node_usd is None else self.node_usd * self.shape.max_nodes

    def line(self) -> str:
        shape = self.shape
        if self.node_usd is None:
            return f"{shape.name}: no estimate ({self.unknown})"
        return (
            f"{shape.name}: {self.node_usd:.2f} USD/h a node ({BASIS.get(shape.capacity, shape.capacity)}), "
            f"idle {self.idle_usd:.2f} ({_nodes(shape.min_nodes)}), "
            f"at most {self.ceiling_usd:.2f} ({_nodes(shape.max_nodes)})"
        )


def _nodes(count: int) -> str:
    return f"{count} node{'s' * (count != 1)}"


def pool_cost(shape: PoolShape) -> PoolCost:
    price = gpu_catalog.node_price(shape.machine_type, shape.accelerator, shape.gpus, shape.region)
    if price is None:
        missing = f"{shape.machine_type} with {shape.gpus} x {shape.accelerator} in {shape.region}"
        return PoolCost(shape, None, f"the price catalog has no {missing}")
    if shape.capacity != "spot":
        return PoolCost(shape, price.on_demand)
    if price.spot is None:
        return PoolCost(shape, None, f"the price catalog has no Spot price for {shape.accelerator} in {shape.region}")
    return PoolCost(shape, price.spot)


def described(costs: Iterable[PoolCost], unpriced_only: bool = False) -> str:
    """The pools' cost lines in one sentence, for a refusal; ``unpriced_only``: those the catalog cannot price."""
    return "; ".join(cost.line() for cost in costs if not unpriced_only or cost.node_usd is None)


def stack_ceiling(costs: Iterable[PoolCost]) -> float | None:
    """The GPU pools' most per hour together; None when one of them cannot be priced."""
    ceilings = [cost.ceiling_usd for cost in costs]
    return None if None in ceilings else sum(c for c in ceilings if c is not None)


def stack_idle(costs: Iterable[PoolCost]) -> float | None:
    idles = [cost.idle_usd for cost in costs]
    return None if None in idles else sum(i for i in idles if i is not None)


def shape_of_node_pool(name: str, inputs: Mapping[str, Any], bounds: tuple[int, int]) -> PoolShape | None:
    """A planned (or analysed) GKE node pool's shape; None for a pool without GPUs. ``bounds``: its total
    (min, max) nodes, however they were declared."""
    node = inputs.get("nodeConfig") or {}
    gpus = [gpu for gpu in node.get("guestAccelerators") or [] if int(gpu.get("count") or 0) > 0]
    if not gpus:
        return None
    return PoolShape(
        name=name,
        machine_type=str(node.get("machineType", "")),
        accelerator=str(gpus[0].get("type", "")),
        gpus=int(gpus[0].get("count") or 0),
        region=gpu_quota.region_of(str(inputs.get("location", ""))),
        capacity=gpu_capacity.capacity_of(node),
        min_nodes=bounds[0],
        max_nodes=bounds[1],
    )
