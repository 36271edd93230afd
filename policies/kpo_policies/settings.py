"""Per-stack policy settings (policy config properties), with the defaults the engine also applies.

The engine fills schema defaults in before ``Configure``; unit tests and direct callers get the
same values from here, so a missing config file never loosens a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema

REQUIRE_DELETION_PROTECTION: Final = "requireDeletionProtection"
REQUIRE_DELETION_PROTECTION_DEFAULT: Final = True

MAX_GPU_NODES: Final = "maxGpuNodes"
MAX_GPU_NODES_DEFAULT: Final = 4

MAX_HOURLY_USD: Final = "maxHourlyUsd"
MAX_HOURLY_USD_DEFAULT: Final = 0

HARDENING_SCHEMA: Final = PolicyConfigSchema(
    properties={
        REQUIRE_DELETION_PROTECTION: {
            "type": "boolean",
            "default": REQUIRE_DELETION_PROTECTION_DEFAULT,
            "description": "The cluster must keep deletionProtection on (prod).",
        }
    }
)

GPU_SCHEMA: Final = PolicyConfigSchema(
    properties={
        MAX_GPU_NODES: {
            "type": "integer",
            "minimum": 1,
            "default": MAX_GPU_NODES_DEFAULT,
            "description": (
                "Most nodes of a GPU pool in total over its zones (totalMaxNodeCount or maxNodeCount x zones)."
            ),
        },
        MAX_HOURLY_USD: {
            "type": "number",
            "minimum": 0,
            "default": MAX_HOURLY_USD_DEFAULT,
            "description": (
                "Most the stack's GPU pools may cost per hour together at their maximum size (USD, list prices from "
                "gke_kpo/cloud/data; an estimate). 0: not judged."
            ),
        },
    }
)


def deletion_protection_required(config: Mapping[str, Any]) -> bool:
    return bool(config.get(REQUIRE_DELETION_PROTECTION, REQUIRE_DELETION_PROTECTION_DEFAULT))


def max_gpu_nodes(config: Mapping[str, Any]) -> int:
    return int(config.get(MAX_GPU_NODES, MAX_GPU_NODES_DEFAULT))


def max_hourly_usd(config: Mapping[str, Any]) -> float:
    return float(config.get(MAX_HOURLY_USD, MAX_HOURLY_USD_DEFAULT))
