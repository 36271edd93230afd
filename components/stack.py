"""Wires the components together and returns the stack outputs of the contract."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.cluster import Cluster, ClusterArgs
from components.compute_class import ComputeClasses, ComputeClassesArgs
from components.federated_identity import FederationPool, FederationPoolArgs
from components.iam_access import IamAccess, IamAccessArgs
from components.network import Network, NetworkArgs
from components.tenant import Tenant, TenantArgs
from gke_kpo.cloud.permissions import rbac_rules
from gke_kpo.config.settings import Settings, TenantSettings
from gke_kpo.contract import outputs
from gke_kpo.spec.cluster_identity import cluster_identifier
from gke_kpo.spec.federation import credential_config
from gke_kpo.spec.gpu_pools import gpu_summary, pool_summary
from gke_kpo.spec.kubeconfig import api_server, kubeconfig_yaml
from gke_kpo.spec.pre_tenant import provider_aliases


def deploy(settings: Settings) -> dict[str, Any]:
    prefix = settings.cluster.name
    network = Network(
        prefix,
        NetworkArgs(settings.project, settings.region, prefix, settings.network),
        # Router and NAT do not hold up the cluster's deletion: protect them with it (gke_kpo/spec/lifecycle.py).
        pulumi.ResourceOptions(protect=settings.cluster.deletion_protection),
    )
    cluster = Cluster(
        prefix,
        ClusterArgs(
            settings, network.network, network.subnetwork, network.pods_range_name, network.services_range_name
        ),
    )
    iam = IamAccess(
        f"{prefix}-kpo",
        IamAccessArgs(
            settings.project,
            settings.custom_role_id,
            settings.access_model,
            # access_model project admits one tenant only, so this is that tenant's choice.
            any(tenant.xcom_push for tenant in settings.tenants),
            dns_endpoint=settings.cluster.control_plane_access.dns,
        ),
    )
    access = settings.cluster.control_plane_access
    # The provider takes the same path as every other consumer (gke_kpo/config/reachability.py).
    kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.dns_endpoint, cluster.ca_certificate).apply(
        lambda endpoints_and_ca: kubeconfig_yaml(
            settings.project, settings.location, settings.cluster.name, *api_server(access, *endpoints_and_ca)
        )
    )
    # A one-tenant stack may predate tenants: its objects keep their state (gke_kpo/spec/pre_tenant.py).
    pre_tenant_prefix = prefix if len(settings.tenants) == 1 else None
    # One provider for every tenant: a provider per tenant would multiply plugin connections with the tenants.
    provider = k8s.Provider(
        f"{prefix}-kubernetes",
        kubeconfig=kubeconfig,
        cluster_identifier=cluster_identifier(settings),
        opts=pulumi.ResourceOptions(parent=cluster, aliases=provider_aliases(pre_tenant_prefix) or None),
    )
    if any(gpu.fallback for gpu in settings.gpu_pools):
        ComputeClasses(f"{prefix}-compute-class", ComputeClassesArgs(settings.gpu_pools, provider))
    pool = _federation_pool(settings)
    for tenant in settings.tenants:
        Tenant(
            f"{prefix}-{tenant.name}",
            TenantArgs(
                project=settings.project,
                tenant=tenant,
                access_model=settings.access_model,
                has_gpu_pool=bool(tenant.gpu_pools),
                custom_role=iam.role,
                custom_role_name=iam.role_name,
                cluster=cluster,
                provider=provider,
                protect_namespace=settings.cluster.deletion_protection,
                network=settings.network,
                federation_pool=pool,
                project_number=settings.project_number,
                pre_tenant_prefix=pre_tenant_prefix,
            ),
        )
    for warning in settings.warnings:
        pulumi.log.warn(warning)
    return {
        outputs.PROJECT: settings.project,
        outputs.LOCATION: settings.location,
        outputs.CLUSTER_NAME: cluster.name,
        outputs.ENDPOINT: cluster.endpoint,
        outputs.CLUSTER_CA_CERTIFICATE: cluster.ca_certificate,
        outputs.DNS_ENDPOINT: cluster.dns_endpoint,
        outputs.CONTROL_PLANE_ACCESS: access.value,
        outputs.ACCESS_MODEL: settings.access_model.value,
        outputs.IAM_PERMISSIONS: iam.permissions,
        outputs.GPU: gpu_summary(settings.gpu_pools),
        outputs.GPU_POOLS: {pool.name: pool_summary(pool, settings.gpu_pools) for pool in settings.gpu_pools},
        outputs.KUBECONFIG: kubeconfig,
        outputs.TENANTS: {tenant.name: tenant_output(tenant, settings) for tenant in settings.tenants},
    }


def _federation_pool(settings: Settings) -> FederationPool | None:
    """One pool per stack, only when a tenant runs Airflow outside Google Cloud."""
    federated = tuple(t.identity.federation for t in settings.federated_tenants if t.identity.federation)
    if not federated:
        return None
    return FederationPool(
        f"{settings.cluster.name}-federation",
        FederationPoolArgs(settings.project, settings.project_number, settings.federation_pool_id, federated),
        # A destroyed pool keeps its id for 30 days (docs/federation.md): protected with the cluster, like it.
        pulumi.ResourceOptions(protect=settings.cluster.deletion_protection),
    )


def tenant_output(tenant: TenantSettings, settings: Settings) -> dict[str, Any]:
    task, federation = tenant.task_service_account, tenant.identity.federation
    return {
        outputs.NAMESPACE: tenant.namespace.name,
        outputs.AIRFLOW_IDENTITY: tenant.identity.email,
        outputs.IDENTITY_MODE: tenant.identity.mode.value,
        outputs.XCOM_PUSH: tenant.xcom_push,
        outputs.RBAC_RULES: rbac_rules(tenant.xcom_push),
        outputs.GPU_QUOTA: tenant.namespace.quota_gpus if tenant.gpu_pools else 0,
        outputs.TENANT_GPU_POOLS: list(tenant.gpu_pools),
        outputs.TASK_SERVICE_ACCOUNT: None
        if task is None
        else {
            outputs.KUBERNETES_SERVICE_ACCOUNT: task.kubernetes_service_account,
            outputs.GOOGLE_SERVICE_ACCOUNT: task.email,
            outputs.ROLES: list(task.roles),
        },
        outputs.CREDENTIAL_CONFIG: None
        if federation is None
        else credential_config(federation, settings.project_number, settings.federation_pool_id, tenant.identity.email),
    }
