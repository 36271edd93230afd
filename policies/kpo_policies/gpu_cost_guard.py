"""gpu-cost-guard: a GPU pool costs nothing while idle and only runs tasks that asked for a GPU."""

from __future__ import annotations

from typing import Any, Final

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from gke_kpo.outputs import GPU_TAINT, GPU_TAINT_GKE_EFFECT

from . import resource_types as types
from .gpu import is_gpu_pool
from .policy_kit import Predicate, Requirement, requirement_checks, resource_validation
from .props import items, lookup, number
from .settings import GPU_SCHEMA, max_gpu_nodes

_TAINT: Final = f"{GPU_TAINT['key']}={GPU_TAINT['value']}:{GPU_TAINT['effect']}"


def _first_number(props: Any, *keys: str) -> float | None:
    for key in keys:
        value = number(lookup(props, "autoscaling", key))
        if value is not None:
            return value
    return None


def _min_nodes(props: Any) -> float | None:
    return _first_number(props, "minNodeCount", "totalMinNodeCount")


def _max_nodes(props: Any) -> float | None:
    return _first_number(props, "maxNodeCount", "totalMaxNodeCount")


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
        "set autoscaling.minNodeCount (or totalMinNodeCount) to 0.",
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
        "the GPU pool's autoscaling maximum is missing or above this stack's maxGpuNodes.",
        "set autoscaling.maxNodeCount (or totalMaxNodeCount) to at most the maxGpuNodes of the stack's policy config.",
    ),
    Requirement(
        _gpu(lambda p, _: not _has_gpu_taint(p)),
        f"the GPU pool lacks the {_TAINT} taint, so any pod may land on it.",
        f"add nodeConfig.taints [{{key: '{GPU_TAINT['key']}', value: '{GPU_TAINT['value']}', "
        f"effect: '{GPU_TAINT_GKE_EFFECT}'}}].",
    ),
]


POLICY: Final = ResourceValidationPolicy(
    name="gpu-cost-guard",
    description=(
        "A GPU node pool autoscales from 0 to a bounded maximum and carries the nvidia.com/gpu NoSchedule taint."
    ),
    severity=Severity.MEDIUM,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=GPU_SCHEMA,
    remediation_steps="Set autoscaling min 0 / max <= maxGpuNodes, initialNodeCount 0 and the nvidia.com/gpu taint.",
    validate=resource_validation({types.NODE_POOL: requirement_checks(REQUIREMENTS)}),
)
