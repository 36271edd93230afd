"""Custom compute classes: a task for a Spot pool with a fallback lands on Spot when GKE can get it, else on-demand."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from gke_kpo.config.settings import GpuPoolSettings
from gke_kpo.spec.gpu_pools import compute_class_manifest


@dataclass(frozen=True)
class ComputeClassesArgs:
    pools: tuple[GpuPoolSettings, ...]
    provider: k8s.Provider


class ComputeClasses(pulumi.ComponentResource):
    def __init__(self, name: str, args: ComputeClassesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:ComputeClasses", name, None, opts)
        names = []
        for pool in args.pools:
            if not pool.fallback:
                continue
            manifest = compute_class_manifest(pool)
            resource = k8s.apiextensions.CustomResource(
                f"{name}-{pool.name}",
                api_version=manifest["apiVersion"],
                kind=manifest["kind"],
                metadata=manifest["metadata"],
                spec=manifest["spec"],
                opts=pulumi.ResourceOptions(parent=self, provider=args.provider),
            )
            names.append(resource.metadata["name"])
        self.register_outputs({"names": names})
