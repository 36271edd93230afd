"""Where a stack created before tenants (one namespace; NamespaceAccess, AirflowIdentity and IamAccess components)
kept the objects a one-tenant stack now declares under its Tenant, as alias URNs.

With them `pulumi up` moves those objects in state instead of deleting the old ones and creating new ones (a
namespace deleted with its running KPO pods, or a protected one blocking the update). Aliases: pulumi/pulumi#2774;
an aliased explicit provider keeps its dependents (pulumi/pulumi#6453, #7166). What aliases cannot keep, the Kubernetes
provider's new ``cluster_identifier``, and the one-time state step for it: docs/upgrade-to-tenants.md.
"""

from __future__ import annotations

import pulumi

from gke_kpo.cloud.replacement import KUBERNETES_PROVIDER

NAMESPACE_ACCESS = "gke-kpo:index:NamespaceAccess"
AIRFLOW_IDENTITY = "gke-kpo:index:AirflowIdentity"
IAM_ACCESS = "gke-kpo:index:IamAccess"

TENANT_CHILDREN: dict[str, tuple[str, str]] = {
    "namespace": (NAMESPACE_ACCESS, "{prefix}-tasks-namespace"),
    "role": (NAMESPACE_ACCESS, "{prefix}-tasks-role"),
    "role-binding": (NAMESPACE_ACCESS, "{prefix}-tasks-role-binding"),
    "quota": (NAMESPACE_ACCESS, "{prefix}-tasks-quota"),
    "limits": (NAMESPACE_ACCESS, "{prefix}-tasks-limits"),
    "binding": (IAM_ACCESS, "{prefix}-kpo-binding"),
    "airflow-gsa": (AIRFLOW_IDENTITY, "{prefix}-airflow-gsa"),
    "airflow-workload-identity": (AIRFLOW_IDENTITY, "{prefix}-airflow-workload-identity"),
}
"""A Tenant child's name suffix -> (its old parent component's type, its old logical name)."""


def _urn(parent_type: str, resource_type: str, name: str) -> str:
    """The old parents were top-level components, so the type chain is just parent$child."""
    return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{parent_type}${resource_type}::{name}"


def tenant_child_aliases(prefix: str | None, resource_type: str, suffix: str) -> list[str]:
    """The child's pre-tenant URN when the stack has one tenant (``prefix`` = cluster name), else none."""
    if prefix is None or suffix not in TENANT_CHILDREN:
        return []
    parent_type, name = TENANT_CHILDREN[suffix]
    return [_urn(parent_type, resource_type, name.format(prefix=prefix))]


def provider_aliases(prefix: str | None) -> list[str]:
    if prefix is None:
        return []
    return [_urn(NAMESPACE_ACCESS, KUBERNETES_PROVIDER, f"{prefix}-tasks-provider")]
