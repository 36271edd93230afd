"""The stack's GPU pools priced from settings, and ``gpu_max_hourly_usd`` held against their ceiling."""

from __future__ import annotations

import math

from gke_kpo.cloud import gpu_catalog
from gke_kpo.cloud.gpu_cost import PoolCost, PoolShape, described, pool_cost, stack_ceiling, stack_idle
from gke_kpo.config.problems import Problem
from gke_kpo.config.settings import Settings

KEY = "gpu_max_hourly_usd"


def pool_costs(settings: Settings) -> list[PoolCost]:
    return [
        pool_cost(
            PoolShape(
                pool.name,
                pool.machine_type,
                pool.accelerator,
                pool.count,
                settings.region,
                pool.capacity.value,
                pool.min_nodes,
                pool.max_nodes,
            )
        )
        for pool in settings.gpu_pools
    ]


def gpu_cost_ceiling(settings: Settings, problems: list[Problem]) -> None:
    """Refuses a stack whose GPU pools may cost more per hour than it allows, or that it cannot price."""
    limit = settings.gpu_max_hourly_usd
    if limit <= 0 or not settings.gpu_pools:
        return
    costs = pool_costs(settings)
    ceiling = stack_ceiling(costs)
    estimate = f"estimate from list prices of {gpu_catalog.read_on()}"
    if ceiling is None:
        unpriced = described(costs, unpriced_only=True)
        fix = f"set {KEY} to 0 (no ceiling), or use a machine type and region the catalog prices"
        problems.append(Problem(KEY, f"cannot be checked: {unpriced}", fix))
    elif ceiling > limit:
        parts = described(costs)
        idle = stack_idle(costs) or 0.0
        if idle > limit:
            reason = f"is {limit:g}, below what the GPU pools cost even idle: {idle:.2f} USD/h at min_nodes"
            fix = f"lower the pools' min_nodes (0 costs nothing idle), or raise {KEY} to at least {math.ceil(ceiling)}"
        else:
            reason = f"is {limit:g}, but the GPU pools cost up to {ceiling:.2f} USD/h at max_nodes"
            fix = f"lower the pools' max_nodes, or raise {KEY} to at least {math.ceil(ceiling)}"
        problems.append(Problem(KEY, f"{reason} ({estimate}: {parts})", fix))
