"""GKE Standard cluster with Workload Identity, private hardened nodes and a dedicated node identity."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.gpu_pool import GpuPool, GpuPoolArgs
from gke_kpo.cloud import artifact_registry, names
from gke_kpo.cloud import deployer_roles as deployer
from gke_kpo.cloud import replacement as types
from gke_kpo.cloud.gke import NODE_SERVICE_ACCOUNT_ROLE, SYSTEM_POOL_LOCATION_POLICY
from gke_kpo.cloud.names import node_account_id
from gke_kpo.config.settings import Settings
from gke_kpo.spec import stable_names as stable
from gke_kpo.spec.control_plane import control_plane_inputs
from gke_kpo.spec.gpu_pools import compute_classes, gpu_pool_logical_name
from gke_kpo.spec.lifecycle import fixed_name
from gke_kpo.spec.nodes import (
    NODE_POOL_IGNORED_CHANGES,
    SYSTEM_POOL_INITIAL_NODES,
    hardened_node_config,
    self_healing_autoscaling,
)

DEFAULT_POOL_IGNORED_CHANGES = ["nodeConfig", "initialNodeCount"]
"""Both only shape the default pool GKE creates and removeDefaultNodePool deletes. Once it is gone GKE reports the
first remaining pool's config (or none) as nodeConfig, and node_config forces a new cluster, so a declared one
would replace the cluster on the second `pulumi up` (pulumi/pulumi-gcp#744, hashicorp/terraform-provider-google
#17511); the bridge drops ignored paths from the provider's diff (pulumi-terraform-bridge diff.go
computeIgnoreChanges), so the hardened config below is used at creation and never compared again."""


@dataclass(frozen=True)
class ClusterArgs:
    settings: Settings
    network: pulumi.Input[str]
    subnetwork: pulumi.Input[str]
    pods_range_name: str
    services_range_name: str


CLUSTER_COMPONENT = "gke-kpo:index:Cluster"


class Cluster(pulumi.ComponentResource):
    name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    ca_certificate: pulumi.Output[str]
    dns_endpoint: pulumi.Output[str]
    node_service_account: str
    protected: bool

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(CLUSTER_COMPONENT, name, None, opts)
        settings = args.settings
        self._cluster_name = settings.cluster.name
        self.node_service_account = names.service_account_email(
            node_account_id(settings.cluster.name), settings.project
        )
        # With deletion protection, `pulumi destroy` and replacements stop before the first delete (preview fails
        # on a protected resource: pulumi/pulumi#8158) instead of removing pools until GKE refuses the cluster.
        self.protected = settings.cluster.deletion_protection
        node_identity = self._node_identity(name, settings)
        act_as = self._deployer_act_as(name, settings, node_identity[0])
        cluster = self._cluster(name, args, [*node_identity, *act_as])
        self._system_pool(name, settings, cluster, act_as)
        classes = compute_classes(settings.gpu_pools)
        for gpu in settings.gpu_pools:
            GpuPool(
                gpu_pool_logical_name(name, gpu.name),
                GpuPoolArgs(
                    settings.project,
                    settings.location,
                    cluster.name,
                    self.node_service_account,
                    gpu,
                    classes.get(gpu.name),
                    self.protected,
                    tuple(act_as),
                ),
                pulumi.ResourceOptions(parent=self),
            )
        self.name = cluster.name
        self.endpoint = cluster.endpoint
        self.ca_certificate = cluster.master_auth.cluster_ca_certificate.apply(lambda ca: ca or "")
        # GKE reports it on every cluster, whatever allowExternalTraffic says (ControlPlaneEndpointsConfig).
        self.dns_endpoint = cluster.control_plane_endpoints_config.apply(_dns_endpoint)
        self.register_outputs(
            {
                "name": self.name,
                "endpoint": self.endpoint,
                "ca_certificate": self.ca_certificate,
                "dns_endpoint": self.dns_endpoint,
            }
        )

    def _nodes(self, name: str, suffix: str, resource_type: str) -> tuple[str, list[str] | None]:
        """A node-identity resource's logical name, from the node account id (equal to ``<cluster>-nodes`` up to 24
        characters; a longer cluster name is cut, and two such names share one account id: named after the cluster,
        a rename re-created the account under a new URN, 409), and the alias from the name it had before."""
        stable_name = f"{node_account_id(self._cluster_name)}{suffix}"
        old = f"{name}-nodes{suffix}"
        return stable_name, (stable.was((CLUSTER_COMPONENT,), resource_type, old) if old != stable_name else None)

    def _node_identity(self, name: str, settings: Settings) -> list[pulumi.Resource]:
        logical, aliases = self._nodes(name, "", types.SERVICE_ACCOUNT)
        account = gcp.serviceaccount.Account(
            logical,
            project=settings.project,
            account_id=node_account_id(settings.cluster.name),
            display_name=f"GKE nodes of {settings.cluster.name}",
            opts=pulumi.ResourceOptions.merge(
                fixed_name(self, protect=self.protected), pulumi.ResourceOptions(aliases=aliases)
            ),
        )
        # The member is written from config, not account.email, so policies can read it at preview.
        member = f"serviceAccount:{self.node_service_account}"
        granted = pulumi.ResourceOptions(parent=self, depends_on=[account], protect=self.protected)
        logical, aliases = self._nodes(name, "-role", types.PROJECT_IAM_MEMBER)
        grant = gcp.projects.IAMMember(
            logical,
            project=settings.project,
            role=NODE_SERVICE_ACCOUNT_ROLE,
            member=member,
            opts=pulumi.ResourceOptions.merge(granted, pulumi.ResourceOptions(aliases=aliases)),
        )
        # Private task images: read access on each listed repository only, never project-wide.
        image_grants = []
        for repository in settings.artifact_registry_repositories:
            suffix = f"-reads-{repository.project}-{repository.location}-{repository.name}"
            logical, aliases = self._nodes(name, suffix, types.REPOSITORY_IAM_MEMBER)
            image_grants.append(
                gcp.artifactregistry.RepositoryIamMember(
                    logical,
                    project=repository.project,
                    location=repository.location,
                    repository=repository.name,
                    role=artifact_registry.READER_ROLE,
                    member=member,
                    opts=pulumi.ResourceOptions.merge(granted, pulumi.ResourceOptions(aliases=aliases)),
                )
            )
        return [account, grant, *image_grants]

    def _deployer_act_as(self, name: str, settings: Settings, account: pulumi.Resource) -> list[pulumi.Resource]:
        """actAs on the node account for whoever runs `pulumi up`, so the cluster and pools that run as it can be
        created in the same run (GKE refuses them otherwise). Granting it needs iam.serviceAccounts.setIamPolicy,
        which roles/iam.serviceAccountAdmin already holds. IAM grants propagate in typically 2, at worst 7+ minutes
        (https://cloud.google.com/iam/docs/access-change-propagation) and the provider does not retry the 400
        that cluster creation returns meanwhile (terraform-provider-google transport/error_retry_predicates.go:
        only network, 429/5xx and a few named errors): docs/teardown.md says to run `pulumi up` again."""
        member = settings.cluster.deployer_member
        if not member:
            return []
        # Written from config, not account.name, so the policy pack can check which account it is at preview.
        node_account = names.service_account_resource_name(self.node_service_account, settings.project)
        logical, aliases = self._nodes(name, "-deployer-act-as", types.SERVICE_ACCOUNT_IAM_MEMBER)
        grant = gcp.serviceaccount.IAMMember(
            logical,
            service_account_id=node_account,
            role=deployer.ACT_AS_ROLE,
            member=member,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[account], protect=self.protected, aliases=aliases),
        )
        return [grant]

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
            # GKE cannot create a cluster without a pool. The default one runs as the dedicated node account (the
            # Compute Engine default account may be deleted or stripped of roles in hardened organisations), is
            # hardened like the others, and is removed right away.
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=hardened_node_config(self.node_service_account, "e2-small", {}),
            workload_identity_config={"workload_pool": names.workload_identity_pool(settings.project)},
            release_channel={"channel": cluster.release_channel},
            **control_plane_inputs(cluster),
            enable_legacy_abac=False,
            master_auth={"client_certificate_config": {"issue_client_certificate": False}},
            enable_shielded_nodes=True,
            datapath_provider="ADVANCED_DATAPATH",
            logging_config={"enable_components": ["SYSTEM_COMPONENTS", "WORKLOADS"]},
            monitoring_config={"enable_components": ["SYSTEM_COMPONENTS"]},
            deletion_protection=cluster.deletion_protection,
            # GKE refuses label values with capitals or dots, which stack names may have (names.label_value).
            resource_labels={"managed-by": "pulumi", "gke-kpo-stack": names.label_value(settings.stack)},
            opts=fixed_name(
                self, protect=self.protected, depends_on=node_identity, ignore_changes=DEFAULT_POOL_IGNORED_CHANGES
            ),
        )

    def _system_pool(
        self, name: str, settings: Settings, cluster: gcp.container.Cluster, act_as: list[pulumi.Resource]
    ) -> None:
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
            **self_healing_autoscaling(
                SYSTEM_POOL_INITIAL_NODES, pool.min_nodes, pool.max_nodes, SYSTEM_POOL_LOCATION_POLICY
            ),
            # Fixed name "system": delete before replace; GKE writes resizes into initialNodeCount (node_config.py).
            opts=fixed_name(self, protect=self.protected, depends_on=act_as, ignore_changes=NODE_POOL_IGNORED_CHANGES),
        )


def _dns_endpoint(config: gcp.container.outputs.ClusterControlPlaneEndpointsConfig | None) -> str:
    dns = config.dns_endpoint_config if config else None
    return (dns.endpoint if dns else None) or ""
