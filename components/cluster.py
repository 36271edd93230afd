"""GKE Standard cluster with Workload Identity, private hardened nodes and a dedicated node identity."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gpu_pool import GpuPool, GpuPoolArgs
from gke_kpo import names
from gke_kpo.node_config import hardened_node_config, node_account_id, self_healing_autoscaling
from gke_kpo.settings import Settings

NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount"
"""Google's minimal role for node service accounts (logging, monitoring, metadata); nothing more."""


@dataclass(frozen=True)
class ClusterArgs:
    settings: Settings
    network: pulumi.Input[str]
    subnetwork: pulumi.Input[str]
    pods_range_name: str
    services_range_name: str


class Cluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    ca_certificate: pulumi.Output[str]
    node_service_account: str

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:Cluster", name, None, opts)
        settings = args.settings
        self.node_service_account = names.service_account_email(
            node_account_id(settings.cluster.name), settings.project
        )
        node_identity = self._node_identity(name, settings)
        cluster = self._cluster(name, args, node_identity)
        self._system_pool(name, settings, cluster)
        if settings.gpu is not None:
            GpuPool(
                f"{name}-gpu",
                GpuPoolArgs(settings.project, settings.location, cluster.name, self.node_service_account, settings.gpu),
                pulumi.ResourceOptions(parent=self),
            )
        self.name = cluster.name
        self.endpoint = cluster.endpoint
        self.ca_certificate = cluster.master_auth.cluster_ca_certificate.apply(lambda ca: ca or "")
        self.register_outputs({"name": self.name, "endpoint": self.endpoint, "ca_certificate": self.ca_certificate})

    def _node_identity(self, name: str, settings: Settings) -> list[pulumi.Resource]:
        account = gcp.serviceaccount.Account(
            f"{name}-nodes",
            project=settings.project,
            account_id=node_account_id(settings.cluster.name),
            display_name=f"GKE nodes of {settings.cluster.name}",
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The member is written from config, not account.email, so policies can read it at preview.
        grant = gcp.projects.IAMMember(
            f"{name}-nodes-role",
            project=settings.project,
            role=NODE_SERVICE_ACCOUNT_ROLE,
            member=f"serviceAccount:{self.node_service_account}",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[account]),
        )
        return [account, grant]

    def _cluster(self, name: str, args: ClusterArgs, node_identity: list[pulumi.Resource]) -> gcp.container.Cluster:
        settings, cluster = args.settings, args.settings.cluster
        return gcp.container.Cluster(
            name,
            name=cluster.name,
            project=settings.project,
            location=settings.location,
            network=args.network,
            subnetwork=args.subnetwork,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy={
                "cluster_secondary_range_name": args.pods_range_name,
                "services_secondary_range_name": args.services_range_name,
            },
            # GKE cannot create a cluster without a pool; the default one is hardened too, then removed.
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=hardened_node_config(self.node_service_account, "e2-small", {}),
            workload_identity_config={"workload_pool": names.workload_identity_pool(settings.project)},
            release_channel={"channel": cluster.release_channel},
            private_cluster_config={
                "enable_private_nodes": True,
                "enable_private_endpoint": cluster.private_endpoint,
                "master_ipv4_cidr_block": cluster.master_cidr,
                "master_global_access_config": {"enabled": True},
            },
            # Google Cloud's public ranges would admit any project's VMs: only the listed CIDRs.
            master_authorized_networks_config={
                "gcp_public_cidrs_access_enabled": False,
                "cidr_blocks": [
                    {"cidr_block": cidr, "display_name": f"authorized-{index}"}
                    for index, cidr in enumerate(cluster.master_authorized_networks)
                ],
            },
            enable_legacy_abac=False,
            master_auth={"client_certificate_config": {"issue_client_certificate": False}},
            enable_shielded_nodes=True,
            datapath_provider="ADVANCED_DATAPATH",
            logging_config={"enable_components": ["SYSTEM_COMPONENTS", "WORKLOADS"]},
            monitoring_config={"enable_components": ["SYSTEM_COMPONENTS"]},
            deletion_protection=cluster.deletion_protection,
            resource_labels={"managed-by": "pulumi", "gke-kpo-stack": settings.stack},
            opts=pulumi.ResourceOptions(parent=self, depends_on=node_identity),
        )

    def _system_pool(self, name: str, settings: Settings, cluster: gcp.container.Cluster) -> None:
        pool = settings.system_pool
        node_config = hardened_node_config(self.node_service_account, pool.machine_type, {"gke-kpo/pool": "system"})
        node_config["disk_size_gb"] = pool.disk_gb
        gcp.container.NodePool(
            f"{name}-system",
            name="system",
            project=settings.project,
            location=settings.location,
            cluster=cluster.name,
            node_config=node_config,
            **self_healing_autoscaling(pool.min_nodes, pool.max_nodes),
            opts=pulumi.ResourceOptions(parent=self),
        )
