"""The fields of a GPU pool (``gke-kpo:gpu_pools.<name>``): the one place they are declared.

Like tenants, ``gpu_pools`` is an object Pulumi.yaml cannot declare; the GPU pool table of the README is generated
from this table. A stack with the legacy ``gpu_*`` keys has one pool named ``gpu`` (LEGACY_KEYS maps them).
"""

from __future__ import annotations

from typing import Final

from gke_kpo.config.tenant_fields import TenantField

GPU_POOLS_KEY: Final = "gpu_pools"
LEGACY_POOL_NAME: Final = "gpu"

GPU_POOL_FIELDS: Final = (
    TenantField("accelerator", "string", "(required)", "GPU type, e.g. nvidia-l4, nvidia-tesla-t4."),
    TenantField("machine_type", "string", "(required)", "Machine type that carries `count` x `accelerator`."),
    TenantField("count", "integer", "what the machine type carries, else 1", "GPUs per node."),
    TenantField("node_locations", "array", "the cluster's zones", "Zones of the region for the pool."),
    TenantField("min_nodes", "integer", "`0`", "Fewest nodes, in total over the zones; keep 0 so idle costs nothing."),
    TenantField("max_nodes", "integer", "`1`", "Most nodes, in total over the zones (the cost ceiling)."),
    TenantField(
        "capacity",
        "string",
        "`on-demand`",
        "on-demand, spot, flex-start (Dynamic Workload Scheduler) or reservation (README, GPU pools and capacity).",
    ),
    TenantField("reservation", "object", "none", "capacity reservation: `{name, project}` of a specific reservation."),
    TenantField(
        "max_run_duration_hours", "integer", "GKE's 7 days", "flex-start: hours after which GKE removes a node."
    ),
    TenantField(
        "fallback",
        "string",
        "none",
        "spot: an on-demand pool of the same GPU that tasks land on when Spot capacity is out.",
    ),
    TenantField("image_streaming", "boolean", "`false`", "Stream Artifact Registry images (faster large CUDA starts)."),
    TenantField(
        "sharing",
        "object",
        "none",
        "`{strategy: time-sharing|mps, clients_per_gpu: N}`: N tasks share one GPU, each requesting nvidia.com/gpu: 1.",
    ),
    TenantField("driver_version", "string", "`DEFAULT`", "DEFAULT, LATEST or INSTALLATION_DISABLED."),
    TenantField("driver_user_managed", "boolean", "`false`", "true: you install the driver (INSTALLATION_DISABLED)."),
)

RESERVATION_FIELDS: Final = (
    TenantField("name", "string", "(required)", "The specific reservation's name."),
    TenantField("project", "string", "stack key `project`", "The project that owns (and shares) the reservation."),
)

SHARING_FIELDS: Final = (
    TenantField("strategy", "string", "(required)", "time-sharing or mps."),
    TenantField("clients_per_gpu", "integer", "(required)", "Containers sharing one GPU."),
)

LEGACY_KEYS: Final = {
    "accelerator": "gpu_accelerator",
    "machine_type": "gpu_machine_type",
    "count": "gpu_count",
    "node_locations": "gpu_node_locations",
    "min_nodes": "gpu_min_nodes",
    "max_nodes": "gpu_max_nodes",
    "driver_version": "gpu_driver_version",
    "driver_user_managed": "gpu_driver_user_managed",
}
"""A legacy stack's gpu_* keys as the fields of its one pool; gpu_spot: true is capacity spot."""
LEGACY_SPOT_KEY: Final = "gpu_spot"


def markdown_table() -> str:
    """The GPU pool table of the README."""
    rows = ["| pool field | type | default | description |", "| --- | --- | --- | --- |"]
    for prefix, fields in (("", GPU_POOL_FIELDS), ("reservation.", RESERVATION_FIELDS), ("sharing.", SHARING_FIELDS)):
        rows += [f"| `{prefix}{f.name}` | {f.type} | {f.default} | {f.description} |" for f in fields]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
