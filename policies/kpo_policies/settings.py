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
        }
    }
)


def deletion_protection_required(config: Mapping[str, Any]) -> bool:
    return bool(config.get(REQUIRE_DELETION_PROTECTION, REQUIRE_DELETION_PROTECTION_DEFAULT))


def max_gpu_nodes(config: Mapping[str, Any]) -> int:
    return int(config.get(MAX_GPU_NODES, MAX_GPU_NODES_DEFAULT))
