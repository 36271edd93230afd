"""gpu-cost-guard: a GPU pool costs nothing while idle and only runs tasks that asked for a GPU, and the stack's
GPU pools together stay under the stack's hourly ceiling (maxHourlyUsd, when set).

A stack policy, so that the ceiling sums every GPU pool; each pool's own rules still name that pool."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.cloud import gpu_catalog, gpu_cost
from gke_kpo.cloud.gke import pool_zone_count
from gke_kpo.contract.outputs import GPU_TAINT, GPU_TAINT_GKE_EFFECT

from . import resource_types as types
from .config_hints import limit, relax, set_key
from .gpu import is_gpu_pool
from .policy_kit import Predicate, Requirement, ResourceCheck, StackCheck, requirement_checks, stack_validation
from .props import items, lookup, number
from .settings import GPU_SCHEMA, MAX_GPU_NODES, MAX_GPU_NODES_DEFAULT, MAX_HOURLY_USD, max_gpu_nodes, max_hourly_usd
from .stack_facts import StackFacts
from .verdicts import stack_says

POLICY_NAME: Final = "gpu-cost-guard"
_TAINT: Final = f"{GPU_TAINT['key']}={GPU_TAINT['value']}:{GPU_TAINT['effect']}"


def _zones(props: Any) -> int:
    return pool_zone_count(str(lookup(props, "location") or ""), len(items(lookup(props, "nodeLocations"))))


def _pool_total(props: Any, per_zone: str, total: str) -> float | None:
    """A bound as the pool's total: total* as declared, a per-zone one times the pool's zones (GKE applies
    min/max_node_count in every zone: a regional 0..4 holds up to 12 nodes)."""
    declared = number(lookup(props, "autoscaling", total))
    if declared is not None:
        return declared
    each = number(lookup(props, "autoscaling", per_zone))
    return None if each is None else each * _zones(props)


def _min_nodes(props: Any) -> float | None:
    return _pool_total(props, "minNodeCount", "totalMinNodeCount")


def _max_nodes(props: Any) -> float | None:
    return _pool_total(props, "maxNodeCount", "totalMaxNodeCount")


def _shown(count: float | None) -> int | str:
    return "none" if count is None else int(count)


def _has_gpu_taint(props: Any) -> bool:
    return any(
        lookup(taint, "key") == GPU_TAINT["key"] and lookup(taint, "effect") == GPU_TAINT_GKE_EFFECT
        for taint in items(lookup(props, "nodeConfig", "taints"))
    )


def _gpu(rule: Predicate) -> Predicate:
    """Only GPU pools are judged; other pools pass every rule of this policy."""
    return lambda props, config: is_gpu_pool(props) and rule(props, config)


REQUIREMENTS: Final = [
    Requirement(
        _gpu(lambda p, _: lookup(p, "autoscaling") is None or _min_nodes(p) != 0),
        "the GPU pool does not autoscale from 0, so idle GPUs are billed.",
        lambda _p, _c: f"{set_key('gpu_min_nodes', '0')} (the pool's autoscaling.totalMinNodeCount).",
    ),
    Requirement(
        _gpu(
            lambda p, _: (number(lookup(p, "initialNodeCount")) or 0) > 0 or (number(lookup(p, "nodeCount")) or 0) > 0
        ),
        "the GPU pool starts with nodes.",
        "set initialNodeCount to 0 and leave nodeCount unset.",
    ),
    Requirement(
        _gpu(lambda p, config: (_max_nodes(p) or float("inf")) > max_gpu_nodes(config)),
        lambda p, config: (
            "the GPU pool's autoscaling maximum is missing or above this stack's maxGpuNodes "
            f"(maximum {_shown(_max_nodes(p))} nodes in total over its zones; "
            f"limit {limit(POLICY_NAME, MAX_GPU_NODES, max_gpu_nodes(config))})."
        ),
        lambda p, config: (
            f"{set_key('gpu_max_nodes', f'at most {max_gpu_nodes(config)}')} (the pool's autoscaling.totalMaxNodeCount)"
            + (
                f"; or raise the limit with {relax(POLICY_NAME, MAX_GPU_NODES, _shown(_max_nodes(p)))}."
                if _max_nodes(p)
                else "."
            )
        ),
    ),
    Requirement(
        _gpu(lambda p, _: not _has_gpu_taint(p)),
        f"the GPU pool lacks the {_TAINT} taint, so any pod may land on it.",
        f"add nodeConfig.taints [{{key: '{GPU_TAINT['key']}', value: '{GPU_TAINT['value']}', "
        f"effect: '{GPU_TAINT_GKE_EFFECT}'}}].",
    ),
]


def _per_pool(check: ResourceCheck) -> StackCheck:
    return lambda subject, facts: check(subject, facts.config)


def _pool_cost(props: Any, name: str) -> gpu_cost.PoolCost | None:
    low, high = _min_nodes(props), _max_nodes(props)
    if high is None:
        return None
    shape = gpu_cost.shape_of_node_pool(name, props, (int(low or 0), int(high)))
    return gpu_cost.pool_cost(shape) if shape else None


def _ceiling(facts: StackFacts) -> Iterator[str]:
    """The stack's GPU pools at their maximum size, priced together against maxHourlyUsd."""
    allowed = max_hourly_usd(facts.config)
    if allowed <= 0:
        return
    costs = [
        cost
        for pool in facts.of_type(types.NODE_POOL)
        if is_gpu_pool(pool.props) and (cost := _pool_cost(pool.props, str(lookup(pool.props, "name") or pool.name)))
    ]
    ceiling = gpu_cost.stack_ceiling(costs)
    where = limit(POLICY_NAME, MAX_HOURLY_USD, allowed)
    if ceiling is None:
        unpriced = gpu_cost.described(costs, unpriced_only=True)
        yield stack_says(
            f"the GPU pools' hourly ceiling cannot be judged: {unpriced} (limit {where}).",
            "price the pools in a region and machine type the catalog lists, or "
            f"{relax(POLICY_NAME, MAX_HOURLY_USD, 0)}.",
        )
    elif ceiling > allowed:
        parts = gpu_cost.described(costs)
        yield stack_says(
            f"the GPU pools cost up to {ceiling:.2f} USD/h at their maximum size (estimate, list prices of "
            f"{gpu_catalog.read_on()}: {parts}), above the limit {where}.",
            f"lower the pools' max_nodes (gke-kpo:gpu_pools.<name>.max_nodes), or "
            f"{relax(POLICY_NAME, MAX_HOURLY_USD, math.ceil(ceiling))}.",
        )


POLICY: Final = StackValidationPolicy(
    name=POLICY_NAME,
    description=(
        "A GPU node pool autoscales from 0 to a bounded maximum and carries the nvidia.com/gpu NoSchedule taint; "
        "the stack's GPU pools stay under maxHourlyUsd at their maximum size."
    ),
    severity=Severity.MEDIUM,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=GPU_SCHEMA,
    remediation_steps=(
        "Set gke-kpo:gpu_min_nodes to 0 and gke-kpo:gpu_max_nodes to at most gpu-cost-guard.maxGpuNodes "
        f"(policies/config/<stack>.json, default {MAX_GPU_NODES_DEFAULT}); initialNodeCount 0 and the "
        "nvidia.com/gpu taint come with the program. Keep the pools' ceiling under gpu-cost-guard.maxHourlyUsd."
    ),
    validate=stack_validation(
        {types.NODE_POOL: [_per_pool(check) for check in requirement_checks(REQUIREMENTS)]}, [_ceiling]
    ),
)
