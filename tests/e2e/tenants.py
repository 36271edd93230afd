"""Two tenants on one loopback cluster: identities, tokens, their RBAC in the stack's shape, their files."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from gke_kpo.cloud.permissions import AccessModel, rbac_rules
from gke_kpo.contract import intent
from gke_kpo.contract import outputs as names
from gke_kpo.render import render_files
from policies.kpo_policies import resource_types as types

from .stack import loopback_outputs

DAG_ID = "remote_kpo"
CROSS_DAG_ID = "remote_kpo_other_namespace"
RBAC_API_GROUP = "rbac.authorization.k8s.io"
ROLE_NAME = "kpo-launcher"

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Tenant:
    name: str
    namespace: str
    identity: str
    token: str
    """The access token this tenant's metadata server hands out (GKE maps it to ``identity``)."""
    xcom_push: bool = False


ML = Tenant("ml-e2e", "ml-tasks", "astro-ml@e2e-project.iam.gserviceaccount.com", "ya29.ml-tenant-token")
ETL = Tenant("etl-e2e", "etl-tasks", "etl-airflow@e2e-project.iam.gserviceaccount.com", "ya29.etl-tenant-token")
TENANTS = (ML, ETL)


def other(tenant: Tenant) -> Tenant:
    return ETL if tenant is ML else ML


def role_binding(namespace: str, identity: str) -> Manifest:
    return {
        "kind": "RoleBinding",
        "metadata": {"name": ROLE_NAME, "namespace": namespace},
        "roleRef": {"apiGroup": RBAC_API_GROUP, "kind": "Role", "name": ROLE_NAME},
        "subjects": [{"apiGroup": RBAC_API_GROUP, "kind": "User", "name": identity}],
    }


def tenant_manifests(tenant: Tenant) -> list[Manifest]:
    """What the Tenant component declares on the cluster for RBAC: Namespace (intent), Role, RoleBinding."""
    labels = {
        intent.XCOM_PUSH_LABEL: intent.TRUE if tenant.xcom_push else intent.FALSE,
        intent.ACCESS_MODEL_LABEL: AccessModel.NAMESPACED.value,
        intent.GPU_POOL_LABEL: intent.FALSE,
    }
    return [
        {
            "kind": "Namespace",
            "metadata": {
                "name": tenant.namespace,
                "labels": labels,
                "annotations": {intent.AIRFLOW_IDENTITY_ANNOTATION: tenant.identity},
            },
        },
        {
            "kind": "Role",
            "metadata": {"name": ROLE_NAME, "namespace": tenant.namespace},
            "rules": rbac_rules(tenant.xcom_push),
        },
        role_binding(tenant.namespace, tenant.identity),
    ]


def cluster_manifests() -> list[Manifest]:
    return [manifest for tenant in TENANTS for manifest in tenant_manifests(tenant)]


def broken_manifests() -> list[Manifest]:
    """The mistake isolation exists to stop: ETL's identity also bound in ML's namespace."""
    return [*copy.deepcopy(cluster_manifests()), role_binding(ML.namespace, ETL.identity)]


_TYPES = {"Namespace": types.NAMESPACE, "Role": types.ROLE, "RoleBinding": types.ROLE_BINDING}


def as_policy_resources(manifests: list[Manifest]) -> list[tuple[str, str, Manifest]]:
    """(type token, unique name, props) as the policy pack receives them."""
    return [
        (_TYPES[m["kind"]], f"{m['kind']}-{m['metadata'].get('namespace', '')}-{index}", m)
        for index, m in enumerate(manifests)
    ]


def tenants_outputs(endpoint: str, ca_base64: str) -> dict[str, Any]:
    """One stack's outputs with both tenants, as `pulumi stack output --json` prints them."""
    outputs = loopback_outputs(endpoint, ca_base64, ML.identity)
    outputs[names.TENANTS] = {
        tenant.name: {
            names.NAMESPACE: tenant.namespace,
            names.AIRFLOW_IDENTITY: tenant.identity,
            names.IDENTITY_MODE: "astro",
            names.XCOM_PUSH: tenant.xcom_push,
            names.RBAC_RULES: rbac_rules(tenant.xcom_push),
            names.GPU_QUOTA: 0,
            names.TASK_SERVICE_ACCOUNT: None,
        }
        for tenant in TENANTS
    }
    return outputs


def render_tenant(endpoint: str, ca_base64: str, tenant: Tenant) -> dict[str, str]:
    """The tenant's artifact set (``make render --tenant``), keyed by its path inside the tenant's folder."""
    rendered = render_files(tenants_outputs(endpoint, ca_base64), tenant=tenant.name)
    return {path.removeprefix(f"{tenant.name}/"): text for path, text in rendered.items()}


def pointed_at(dag_source: str, namespace: str, to_namespace: str) -> str:
    """The same DAG, under another id, launching its pods in ``to_namespace``."""
    assert dag_source.count(f'dag_id="{DAG_ID}"') == 1, "the rendered DAG id moved"
    retargeted = dag_source.replace(f'dag_id="{DAG_ID}"', f'dag_id="{CROSS_DAG_ID}"')
    [line] = [line for line in retargeted.splitlines() if line.startswith("NAMESPACE = ")]
    assert namespace in line, line
    return retargeted.replace(line, f"NAMESPACE = {to_namespace!r}")
