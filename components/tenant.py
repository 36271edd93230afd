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
from gke_kpo.spec import stable_names as stable
from gke_kpo.spec.lifecycle import fixed_name
from gke_kpo.spec.network_fence import tenant_fence
from gke_kpo.spec.pre_tenant import tenant_child_aliases
from gke_kpo.spec.tenant import QUOTA_NAME, limit_range_item, namespace_metadata, quota_hard, snake_case_rule

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
            stable.launcher_binding(tenant.identity.email),
            project=args.project,
            role=args.custom_role_name,
            member=f"serviceAccount:{tenant.identity.email}",
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[args.custom_role, *identity_dependencies],
                aliases=self._was(types.PROJECT_IAM_MEMBER, "binding", f"{name}-binding"),
            ),
        )
        namespace = self._namespace(name)
        self._network_fence(namespace)
        if tenant.task_service_account:
            self._task_service_account(name, tenant.task_service_account, namespace)
        self.register_outputs({"namespace": self.namespace})

    def _was(self, resource_type: str, suffix: str, *old_names: str) -> list[str]:
        """The URNs a deployed stack may hold this child under: a stack made before tenants (pre_tenant.py), and the
        ``<cluster>-<tenant>-...`` names used before the names followed identity (stable_names.py)."""
        pre_tenant = tenant_child_aliases(self._args.pre_tenant_prefix, resource_type, suffix)
        return [*pre_tenant, *stable.was((stable.TENANT,), resource_type, *old_names)]

    def _waits_for_cluster(self, aliases: list[str] | None = None) -> pulumi.ResourceOptions:
        # The <project>.svc.id.goog pool exists only once a Workload-Identity cluster does; in a project whose
        # first such cluster this is, a workloadIdentityUser binding made earlier fails.
        return pulumi.ResourceOptions(parent=self, depends_on=[self._args.cluster], aliases=aliases)

    def _account(
        self, account_id: str, display_name: str, aliases: list[str] | None = None
    ) -> gcp.serviceaccount.Account:
        return gcp.serviceaccount.Account(
            stable.account(account_id),
            project=self._args.project,
            account_id=account_id,
            display_name=display_name,
            # account_id comes from config and Google refuses a second account of that id: delete before replace.
            opts=pulumi.ResourceOptions.merge(fixed_name(self), pulumi.ResourceOptions(aliases=aliases)),
        )

    def _display_name(self, purpose: str) -> str:
        # A 63-character tenant name would pass IAM's 100-byte limit, which fails the create with a 400.
        return names.service_account_display_name(f"{purpose} of tenant {self._args.tenant.name}")

    def _airflow_identity(self, name: str) -> list[pulumi.Resource]:
        """gke and federated mode: a Google SA for Airflow, one logical resource in both modes (a switch keeps it);
        only Airflow's KSA (gke) or the tenant's listed subjects of its issuer (federated) may impersonate it.
        astro: none."""
        identity = self._args.tenant.identity
        federation = identity.federation
        if identity.mode is not IdentityMode.GKE and federation is None:
            return []
        account_id = federation.account_id if federation is not None else identity.gsa_name
        account = self._account(
            account_id,
            # Known at preview; the in-place update of a mode switch changes only this.
            "Airflow KubernetesPodOperator launcher (federated)"
            if federation is not None
            else self._display_name("Airflow KubernetesPodOperator launcher"),
            self._was(types.SERVICE_ACCOUNT, "airflow-gsa", f"{name}-airflow-gsa")
            + stable.was((stable.TENANT, stable.FEDERATED_ACCOUNT), types.SERVICE_ACCOUNT, f"{name}-federated-gsa"),
        )
        if federation is not None:
            self._federated_account(name, federation, account)
            return [account]
        gcp.serviceaccount.IAMMember(
            stable.workload_identity_grant(account_id),
            service_account_id=account.name,
            role=WORKLOAD_IDENTITY_USER,
            member=identity.workload_identity_member,
            opts=self._waits_for_cluster(
                self._was(
                    types.SERVICE_ACCOUNT_IAM_MEMBER, "airflow-workload-identity", f"{name}-airflow-workload-identity"
                )
            ),
        )
        return [account]

    def _federated_account(
        self, name: str, federation: FederatedIdentitySettings, account: gcp.serviceaccount.Account
    ) -> None:
        args = self._args
        assert args.federation_pool is not None, "the stack creates the pool when a tenant is federated"
        FederatedAccount(
            f"{name}-federated",
            FederatedAccountArgs(args.project, args.project_number, args.federation_pool, federation, account),
            pulumi.ResourceOptions(parent=self),
        )

    def _on_cluster(
        self, *depends_on: pulumi.Resource, protect: bool = False, aliases: list[str] | None = None
    ) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            parent=self, provider=self._args.provider, depends_on=list(depends_on), protect=protect, aliases=aliases
        )

    def _namespace(self, name: str) -> k8s.core.v1.Namespace:
        args, tenant = self._args, self._args.tenant
        namespace = k8s.core.v1.Namespace(
            stable.in_namespace(self.namespace, "namespace"),
            metadata=namespace_metadata(tenant, args.access_model, args.has_gpu_pool),
            # pulumi destroy fails at its preview on a protected resource (pulumi/pulumi#8158), so a protected
            # cluster keeps the namespace, and Kubernetes keeps everything inside it, instead of losing them first.
            opts=self._on_cluster(
                protect=args.protect_namespace, aliases=self._was(types.NAMESPACE, "namespace", f"{name}-namespace")
            ),
        )
        metadata = {"name": LAUNCHER_ROLE, "namespace": self.namespace}
        k8s.rbac.v1.Role(
            stable.in_namespace(self.namespace, "role"),
            metadata=metadata,
            rules=[snake_case_rule(rule) for rule in rbac_rules(tenant.xcom_push)],
            opts=self._on_cluster(namespace, aliases=self._was(types.ROLE, "role", f"{name}-role")),
        )
        k8s.rbac.v1.RoleBinding(
            stable.in_namespace(self.namespace, "role-binding"),
            metadata=metadata,
            role_ref={"api_group": RBAC_GROUP, "kind": "Role", "name": LAUNCHER_ROLE},
            subjects=[{"api_group": RBAC_GROUP, "kind": "User", "name": tenant.identity.email}],
            opts=self._on_cluster(
                namespace, aliases=self._was(types.ROLE_BINDING, "role-binding", f"{name}-role-binding")
            ),
        )
        k8s.core.v1.ResourceQuota(
            stable.in_namespace(self.namespace, "quota"),
            metadata={"name": QUOTA_NAME, "namespace": self.namespace},
            spec={"hard": quota_hard(tenant.namespace, args.has_gpu_pool)},
            opts=self._on_cluster(namespace, aliases=self._was(types.RESOURCE_QUOTA, "quota", f"{name}-quota")),
        )
        k8s.core.v1.LimitRange(
            stable.in_namespace(self.namespace, "limits"),
            metadata={"name": "kpo-defaults", "namespace": self.namespace},
            spec={"limits": [limit_range_item(tenant.namespace)]},
            opts=self._on_cluster(namespace, aliases=self._was(types.LIMIT_RANGE, "limits", f"{name}-limits")),
        )
        return namespace

    def _network_fence(self, namespace: k8s.core.v1.Namespace) -> None:
        """Pods of other namespaces cannot connect in; the pods connect out only where the tenant allows."""
        fence = tenant_fence(self._args.tenant, self._args.network)
        k8s.networking.v1.NetworkPolicy(
            stable.in_namespace(self.namespace, "fence"),
            metadata=fence["metadata"],
            spec=fence["spec"],
            opts=self._on_cluster(namespace),
        )

    def _task_service_account(
        self, name: str, task: TaskServiceAccountSettings, namespace: k8s.core.v1.Namespace
    ) -> None:
        """A Google SA every pod of this tenant may run as (through the annotated KSA), holding only its roles."""
        account = self._account(
            task.account_id,
            self._display_name("KPO tasks"),
            stable.was((stable.TENANT,), types.SERVICE_ACCOUNT, f"{name}-task-gsa"),
        )
        k8s.core.v1.ServiceAccount(
            stable.in_namespace(self.namespace, "task-ksa"),
            metadata={
                "name": task.kubernetes_service_account,
                "namespace": self.namespace,
                "annotations": {WORKLOAD_IDENTITY_ANNOTATION: task.email},
            },
            opts=self._on_cluster(namespace, aliases=self._was(types.SERVICE_ACCOUNT_K8S, "", f"{name}-task-ksa")),
        )
        gcp.serviceaccount.IAMMember(
            stable.workload_identity_grant(task.account_id),
            service_account_id=account.name,
            role=WORKLOAD_IDENTITY_USER,
            member=task.workload_identity_member,
            opts=self._waits_for_cluster(
                self._was(types.SERVICE_ACCOUNT_IAM_MEMBER, "", f"{name}-task-workload-identity")
            ),
        )
        for role in task.roles:
            gcp.projects.IAMMember(
                stable.role_grant(task.account_id, role),
                project=self._args.project,
                role=role,
                member=f"serviceAccount:{task.email}",
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[account],
                    aliases=self._was(types.PROJECT_IAM_MEMBER, "", f"{name}-task-{stable.dashed(role)}"),
                ),
            )
