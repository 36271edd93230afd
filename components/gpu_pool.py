"""GPU node pool that scales to zero and repels every pod that does not ask for a GPU."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from gke_kpo.cloud.gke import GPU_POOL_LOCATION_POLICY
from gke_kpo.config.settings import GpuPoolSettings
from gke_kpo.spec.gpu_pools import gpu_node_config, pool_management
from gke_kpo.spec.lifecycle import fixed_name
from gke_kpo.spec.nodes import GPU_POOL_INITIAL_NODES, NODE_POOL_IGNORED_CHANGES, self_healing_autoscaling


@dataclass(frozen=True)
class GpuPoolArgs:
    project: str
    location: str
    cluster: pulumi.Input[str]
    node_service_account: str
    settings: GpuPoolSettings
    compute_class: str | None
    """The custom compute class the pool belongs to (a Spot pool with a fallback, and that fallback)."""
    protect: bool
    depends_on: tuple[pulumi.Resource, ...] = ()
    """The deployer's actAs grant on the node account, when the stack makes it (components/cluster.py)."""


class GpuPool(pulumi.ComponentResource):
    def __init__(self, name: str, args: GpuPoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:GpuPool", name, None, opts)
        gpu = args.settings
        pool = gcp.container.NodePool(
            name,
            name=gpu.name,
            project=args.project,
            location=args.location,
            cluster=args.cluster,
            node_config=gpu_node_config(args.node_service_account, gpu, args.compute_class, args.project),
            node_locations=list(gpu.node_locations) or None,
            **{
                **self_healing_autoscaling(
                    GPU_POOL_INITIAL_NODES, gpu.min_nodes, gpu.max_nodes, GPU_POOL_LOCATION_POLICY
                ),
                "management": pool_management(gpu),
            },
            # Fixed name: delete before replace; GKE writes resizes back into initialNodeCount (spec/nodes.py).
            opts=fixed_name(
                self, protect=args.protect, depends_on=args.depends_on, ignore_changes=NODE_POOL_IGNORED_CHANGES
            ),
        )
        self.register_outputs({"name": pool.name})
