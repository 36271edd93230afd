"""The fields of a tenant (``gke-kpo:tenants.<name>``): the one place they are declared.

Pulumi.yaml cannot declare an object-typed key (its schema knows string, integer, boolean and array only), so the
tenant fields live here; the README's tenant reference is generated from this table.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class TenantField:
    name: str
    type: str
    """A Pulumi.yaml type name (string, integer, boolean, array) or ``object``."""
    default: str
    """What applies when the field is absent, in words (README)."""
    description: str
    fallback: str | None = None
    """The stack-level key whose value applies when the field is absent."""


def _stack_default(key: str, description: str, type_: str = "string") -> TenantField:
    return TenantField(key, type_, f"stack key `{key}`", description, fallback=key)


TENANT_FIELDS: Final = (
    TenantField("namespace", "string", "the tenant name", "Kubernetes namespace the tenant's KPO pods run in."),
    TenantField(
        "identity_mode",
        "string",
        "`astro`",
        "astro: an Astro Deployment's e-mail is given; gke: create one; federated: Airflow outside Google Cloud.",
    ),
    TenantField(
        "airflow_service_account", "string", "(required in astro mode)", "astro: the Deployment's identity e-mail."
    ),
    TenantField("airflow_gsa_name", "string", "`airflow-<tenant>`", "gke: account id of the Google SA to create."),
    TenantField("airflow_wi_project", "string", "stack key `project`", "gke: project of Airflow's GKE cluster."),
    TenantField("airflow_k8s_namespace", "string", "`airflow`", "gke: namespace of Airflow's Kubernetes SA."),
    TenantField(
        "airflow_k8s_service_account", "string", "`airflow-worker`", "gke: Kubernetes SA of Airflow's workers."
    ),
    TenantField(
        "airflow_network",
        "string",
        "`internet`",
        "Where the workers run: internet (Astro Hosted, elsewhere), vpc (the cluster's VPC or VPN/Interconnect to "
        "it), peered (a VPC peered with it); `make plan` checks they reach the API.",
    ),
    TenantField(
        "egress",
        "string",
        "`internet`",
        "Where the tenant's pods may connect besides cluster DNS, the GKE metadata server and their own namespace: "
        "internet (public addresses, no internal ones), google-apis (the Private Google Access ranges only) or none "
        "(README, Network fences).",
    ),
    TenantField(
        "egress_cidrs",
        "array",
        "`[]`",
        "Further destinations (IPv4 CIDRs, any port) the pods may reach in every egress mode, e.g. a database's "
        "private address; never the cluster's pod or service ranges.",
    ),
    TenantField(
        "pod_security",
        "string",
        "`baseline`",
        "Pod Security Standard the namespace enforces: baseline (restricted only warned and audited) or restricted "
        "(pods must run as non-root; README, Pod security).",
    ),
    TenantField(
        "gpu_pools",
        "array",
        "every GPU pool",
        "The GPU pools (names in gpu_pools) the tenant's tasks may use; the rendered DAG has a GPU task for each.",
    ),
    _stack_default("xcom_push", "Grant pod exec so the tenant's tasks may push XCom.", "boolean"),
    _stack_default("quota_pods", "Most pods the namespace may hold.", "integer"),
    _stack_default("quota_cpu", "Total CPU requests in the namespace."),
    _stack_default("quota_memory", "Total memory requests in the namespace."),
    _stack_default("quota_gpus", "Total nvidia.com/gpu requests in the namespace (needs a GPU pool).", "integer"),
    _stack_default("default_cpu_request", "CPU request of a container that sets none."),
    _stack_default("default_memory_request", "Memory request of a container that sets none."),
    _stack_default("max_container_cpu", "Most CPU one container may use; also its limit when it sets none."),
    _stack_default("max_container_memory", "Most memory one container may use; also its limit when it sets none."),
    TenantField(
        "task_service_account",
        "object",
        "none",
        "A Google SA the tenant's pods run as: `{roles: [..], kubernetes_service_account, account_id}`.",
    ),
    TenantField(
        "federation",
        "object",
        "(required in federated mode)",
        "federated: the Airflow cluster's OIDC issuer and the service accounts it may act for (below).",
    ),
)

FEDERATION_FIELDS: Final = (
    TenantField("preset", "string", "none", "astro-aws, eks, aks or kubernetes: fills token_path and audience."),
    TenantField("issuer", "string", "(required)", "https:// OIDC issuer of Airflow's cluster (the token's `iss`)."),
    TenantField(
        "subjects", "array", "(required)", "Exact `system:serviceaccount:<ns>:<sa>` of the workers and triggerer."
    ),
    TenantField("audience", "string", "the preset's", "The token's `aud` (the provider accepts only it)."),
    TenantField("token_path", "string", "the preset's", "Absolute path of the token file in the Airflow containers."),
    TenantField("account_id", "string", "`airflow-<tenant>`", "Account id of the Google SA Airflow becomes."),
    TenantField("kubernetes_issuer", "boolean", "`true`", "false: subjects need not be Kubernetes service accounts."),
)

TASK_SERVICE_ACCOUNT_FIELDS: Final = (
    TenantField(
        "roles",
        "array",
        "(required, non-empty)",
        "Project roles granted to the task Google SA; `make plan` warns on those no-broad-roles flags "
        "(`gke_kpo/cloud/project_grants.py`).",
    ),
    TenantField("kubernetes_service_account", "string", "`kpo-task`", "The KSA in the namespace the pods run as."),
    TenantField("account_id", "string", "`task-<tenant>`", "Account id of the task Google SA."),
)

DEFAULT_K8S_NAMESPACE: Final = "airflow"
DEFAULT_K8S_SERVICE_ACCOUNT: Final = "airflow-worker"
DEFAULT_TASK_KSA: Final = "kpo-task"

UPGRADE_DOC: Final = "a deployed stack keeps its objects so: docs/upgrade-to-tenants.md"

REMOVED_STACK_KEYS: Final = {
    **{
        key: ("moved into each tenant", f"set tenants.<name>.{key} instead, same value ({UPGRADE_DOC})")
        for key in (
            "identity_mode",
            "airflow_service_account",
            "airflow_gsa_name",
            "airflow_wi_project",
            "airflow_k8s_namespace",
            "airflow_k8s_service_account",
        )
    },
    # Left out, the namespace would become the tenant name: a deployed stack would replace its namespace and pods.
    "namespace": ("moved into each tenant", f"set tenants.<name>.namespace to the same value ({UPGRADE_DOC})"),
    **{
        key: (
            "was removed: a default limit below a container's own request made the pod inadmissible",
            "delete it; a container without a limit now gets max_container_cpu / max_container_memory",
        )
        for key in ("default_cpu_limit", "default_memory_limit")
    },
}
"""Stack keys that no longer exist: (what happened, what to do)."""


def field_names(fields: tuple[TenantField, ...]) -> list[str]:
    return [field.name for field in fields]


def closest_field(name: str, fields: tuple[TenantField, ...]) -> str | None:
    close = difflib.get_close_matches(name, field_names(fields), n=1)
    return close[0] if close else None


def nearest(name: str, fields: tuple[TenantField, ...]) -> str:
    """The fix for an unknown field: the closest valid one, or the list."""
    close = closest_field(name, fields)
    if close:
        return f"did you mean {close}? (valid fields: {', '.join(field_names(fields))})"
    return f"use one of {', '.join(field_names(fields))}"


def markdown_table() -> str:
    """The README's tenant reference."""
    rows = ["| tenant field | type | default | description |", "| --- | --- | --- | --- |"]
    for field in TENANT_FIELDS:
        rows.append(f"| `{field.name}` | {field.type} | {field.default} | {field.description} |")
    for prefix, fields in (("task_service_account", TASK_SERVICE_ACCOUNT_FIELDS), ("federation", FEDERATION_FIELDS)):
        for field in fields:
            rows.append(f"| `{prefix}.{field.name}` | {field.type} | {field.default} | {field.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
