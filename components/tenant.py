"""One Airflow deployment fenced into its own namespace of the shared cluster, with its identities."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from components.federated_identity import (
    WORKLOAD_IDENTITY_USER,
    FederatedAccount,
    FederatedAccountArgs,
    FederationPool,
)
from gke_kpo.cloud import names
from gke_kpo.cloud import replacement as types
from gke_kpo.cloud.gke import WORKLOAD_IDENTITY_ANNOTATION
from gke_kpo.cloud.permissions import AccessModel, rbac_rules
from gke_kpo.config.settings import (
    FederatedIdentitySettings,
    IdentityMode,
    NetworkSettings,
    TaskServiceAccountSettings,
    TenantSettings,
)
from gke_kpo.contract.intent import LAUNCHER_ROLE
from gke_kpo.spec.lifecycle import fixed_name
from gke_kpo.spec.network_fence import tenant_fence
from gke_kpo.spec.pre_tenant import tenant_child_aliases
from gke_kpo.spec.tenant import limit_range_item, namespace_metadata, quota_hard, snake_case_rule

RBAC_GROUP = "rbac.authorization.k8s.io"


@dataclass(frozen=True)
class TenantArgs:
    project: str
    tenant: TenantSettings
    access_model: AccessModel
    has_gpu_pool: bool
    custom_role: pulumi.Resource
    custom_role_name: str
    """``projects/<p>/roles/<id>``, written from config so it is known at preview."""
    cluster: pulumi.Resource
    provider: k8s.Provider
    protect_namespace: bool
    network: NetworkSettings
    """The stack's ranges, which the egress fence keeps out of ``internet``."""
    federation_pool: FederationPool | None = None
    """The stack's pool, when a tenant is federated; this tenant's grants name its principals."""
    project_number: str = ""
    pre_tenant_prefix: str | None = None
    """The cluster name when this is the stack's only tenant: its objects may still sit under pre-tenant URNs."""


class Tenant(pulumi.ComponentResource):
    namespace: str

    def __init__(self, name: str, args: TenantArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:Tenant", name, None, opts)
        self._args = args
        tenant = args.tenant
        self.namespace = tenant.namespace.name
        identity_dependencies = self._airflow_identity(name)
        gcp.projects.IAMMember(
            f"{name}-binding",
            project=args.project,
            role=args.custom_role_name,
            member=f"serviceAccount:{tenant.identity.email}",
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[args.custom_role, *identity_dependencies],
                aliases=self._was(types.PROJECT_IAM_MEMBER, "binding"),
            ),
        )
        namespace = self._namespace(name)
        self._network_fence(name, namespace)
        if tenant.task_service_account:
            self._task_service_account(name, tenant.task_service_account, namespace)
        self.register_outputs({"namespace": self.namespace})

    def _was(self, resource_type: str, suffix: str) -> list[str] | None:
        # A stack made before tenants keeps its namespace objects and identity instead of re-creating them.
        return tenant_child_aliases(self._args.pre_tenant_prefix, resource_type, suffix) or None

    def _waits_for_cluster(self, aliases: list[str] | None = None) -> pulumi.ResourceOptions:
        # The <project>.svc.id.goog pool exists only once a Workload-Identity cluster does; in a project whose
        # first such cluster this is, a workloadIdentityUser binding made earlier fails.
        return pulumi.ResourceOptions(parent=self, depends_on=[self._args.cluster], aliases=aliases)

    def _account(
        self, logical_name: str, account_id: str, purpose: str, aliases: list[str] | None = None
    ) -> gcp.serviceaccount.Account:
        return gcp.serviceaccount.Account(
            logical_name,
            project=self._args.project,
            account_id=account_id,
            # A 63-character tenant name would pass IAM's 100-byte limit, which fails the create with a 400.
            display_name=names.service_account_display_name(f"{purpose} of tenant {self._args.tenant.name}"),
            # account_id comes from config and Google refuses a second account of that id: delete before replace.
            opts=pulumi.ResourceOptions.merge(fixed_name(self), pulumi.ResourceOptions(aliases=aliases)),
        )

    def _airflow_identity(self, name: str) -> list[pulumi.Resource]:
        """gke mode: a Google SA for self-hosted Airflow that only Airflow's KSA may impersonate; astro: none."""
        identity = self._args.tenant.identity
        if identity.federation is not None:
            return self._federated_account(name, identity.federation)
        if identity.mode is not IdentityMode.GKE:
            return []
        account = self._account(
            f"{name}-airflow-gsa",
            identity.gsa_name,
            "Airflow KubernetesPodOperator launcher",
            self._was(types.SERVICE_ACCOUNT, "airflow-gsa"),
        )
        gcp.serviceaccount.IAMMember(
            f"{name}-airflow-workload-identity",
            service_account_id=account.name,
            role=WORKLOAD_IDENTITY_USER,
            member=identity.workload_identity_member,
            opts=self._waits_for_cluster(self._was(types.SERVICE_ACCOUNT_IAM_MEMBER, "airflow-workload-identity")),
        )
        return [account]

    def _federated_account(self, name: str, federation: FederatedIdentitySettings) -> list[pulumi.Resource]:
        """federated mode: a Google SA only the tenant's listed subjects of its issuer may impersonate."""
        args = self._args
        assert args.federation_pool is not None, "the stack creates the pool when a tenant is federated"
        account = FederatedAccount(
            f"{name}-federated",
            FederatedAccountArgs(args.project, args.project_number, args.federation_pool, federation),
            pulumi.ResourceOptions(parent=self),
        )
        return account.dependencies

    def _on_cluster(
        self, *depends_on: pulumi.Resource, protect: bool = False, aliases: list[str] | None = None
    ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            parent=self, provider=self._args.provider, depends_on=list(depends_on), protect=protect, aliases=aliases
        )

    def _namespace(self, name: str) -> k8s.core.v1.Namespace:
        args, tenant = self._args, self._args.tenant
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=namespace_metadata(tenant, args.access_model, args.has_gpu_pool),
            # pulumi destroy fails at its preview on a protected resource (pulumi/pulumi#8158), so a protected
            # cluster keeps the namespace, and Kubernetes keeps everything inside it, instead of losing them first.
            opts=self._on_cluster(protect=args.protect_namespace, aliases=self._was(types.NAMESPACE, "namespace")),
        )
        metadata = {"name": LAUNCHER_ROLE, "namespace": self.namespace}
        k8s.rbac.v1.Role(
            f"{name}-role",
            metadata=metadata,
            rules=[snake_case_rule(rule) for rule in rbac_rules(tenant.xcom_push)],
            opts=self._on_cluster(namespace, aliases=self._was(types.ROLE, "role")),
        )
        k8s.rbac.v1.RoleBinding(
            f"{name}-role-binding",
            metadata=metadata,
            role_ref={"api_group": RBAC_GROUP, "kind": "Role", "name": LAUNCHER_ROLE},
            subjects=[{"api_group": RBAC_GROUP, "kind": "User", "name": tenant.identity.email}],
            opts=self._on_cluster(namespace, aliases=self._was(types.ROLE_BINDING, "role-binding")),
        )
        k8s.core.v1.ResourceQuota(
            f"{name}-quota",
            metadata={"name": "kpo-quota", "namespace": self.namespace},
            spec={"hard": quota_hard(tenant.namespace, args.has_gpu_pool)},
            opts=self._on_cluster(namespace, aliases=self._was(types.RESOURCE_QUOTA, "quota")),
        )
        k8s.core.v1.LimitRange(
            f"{name}-limits",
            metadata={"name": "kpo-defaults", "namespace": self.namespace},
            spec={"limits": [limit_range_item(tenant.namespace)]},
            opts=self._on_cluster(namespace, aliases=self._was(types.LIMIT_RANGE, "limits")),
        )
        return namespace

    def _network_fence(self, name: str, namespace: k8s.core.v1.Namespace) -> None:
        """Pods of other namespaces cannot connect in; the pods connect out only where the tenant allows."""
        fence = tenant_fence(self._args.tenant, self._args.network)
        k8s.networking.v1.NetworkPolicy(
            f"{name}-fence", metadata=fence["metadata"], spec=fence["spec"], opts=self._on_cluster(namespace)
        )

    def _task_service_account(
        self, name: str, task: TaskServiceAccountSettings, namespace: k8s.core.v1.Namespace
    ) -> None:
        """A Google SA every pod of this tenant may run as (through the annotated KSA), holding only its roles."""
        account = self._account(f"{name}-task-gsa", task.account_id, "KPO tasks")
        k8s.core.v1.ServiceAccount(
            f"{name}-task-ksa",
            metadata={
                "name": task.kubernetes_service_account,
                "namespace": self.namespace,
                "annotations": {WORKLOAD_IDENTITY_ANNOTATION: task.email},
            },
            opts=self._on_cluster(namespace),
        )
        gcp.serviceaccount.IAMMember(
            f"{name}-task-workload-identity",
            service_account_id=account.name,
            role=WORKLOAD_IDENTITY_USER,
            member=task.workload_identity_member,
            opts=self._waits_for_cluster(),
        )
        for role in task.roles:
            gcp.projects.IAMMember(
                f"{name}-task-{role.replace('/', '-').replace('.', '-')}",
                project=self._args.project,
                role=role,
                member=f"serviceAccount:{task.email}",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[account]),
            )
