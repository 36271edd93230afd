"""Hand-written stacks in the engine's shape: a compliant baseline and single-property mutations."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Final

from gke_kpo.cloud.permissions import AccessModel, custom_role_permissions, rbac_rules
from gke_kpo.cloud.pod_network import Egress
from gke_kpo.contract import intent
from gke_kpo.contract.outputs import GPU_TAINT
from gke_kpo.spec.network_fence import fence_policy
from policies.kpo_policies import resource_types as types

PROJECT: Final = "acme-airflow"
IDENTITY: Final = "astro-deployment@acme-airflow.iam.gserviceaccount.com"
NODE_SA: Final = "kpo-nodes@acme-airflow.iam.gserviceaccount.com"
ROLE_ID: Final = "kpo_launcher"
NAMESPACE: Final = "airflow-kpo"
WI_MEMBER: Final = f"serviceAccount:{PROJECT}.svc.id.goog[airflow/airflow-worker]"
OTHER_IDENTITY: Final = "astro-team-b@acme-airflow.iam.gserviceaccount.com"
OTHER_NAMESPACE: Final = "team-b"
TASK_SA: Final = "task-team-b@acme-airflow.iam.gserviceaccount.com"
DELETE: Final = object()
"""Mutation value that removes the property."""


@dataclass
class Resource:
    type: str
    name: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def urn(self) -> str:
        return f"urn:pulumi:test::gke-kpo::{self.type}::{self.name}"


def _node_config(gpu: bool) -> dict[str, Any]:
    config: dict[str, Any] = {
        "serviceAccount": NODE_SA,
        "machineType": "n1-standard-4" if gpu else "e2-standard-4",
        "workloadMetadataConfig": {"mode": "GKE_METADATA"},
        "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True},
    }
    if gpu:
        config["guestAccelerators"] = [{"type": "nvidia-tesla-t4", "count": 1}]
        config["taints"] = [{"key": GPU_TAINT["key"], "value": GPU_TAINT["value"], "effect": "NO_SCHEDULE"}]
    return config


def _node_pool(name: str, gpu: bool) -> Resource:
    return Resource(
        types.NODE_POOL,
        name,
        {
            "cluster": "kpo",
            "location": "us-central1",
            "initialNodeCount": 0 if gpu else 1,
            "autoscaling": {"totalMinNodeCount": 0 if gpu else 3, "totalMaxNodeCount": 3 if gpu else 4},
            "management": {"autoRepair": True, "autoUpgrade": True},
            "nodeConfig": _node_config(gpu),
        },
    )


def cluster() -> Resource:
    return Resource(
        types.CLUSTER,
        "kpo",
        {
            "project": PROJECT,
            "removeDefaultNodePool": True,
            "initialNodeCount": 1,
            "deletionProtection": True,
            "workloadIdentityConfig": {"workloadPool": f"{PROJECT}.svc.id.goog"},
            "enableLegacyAbac": False,
            "masterAuth": {"clientCertificateConfig": {"issueClientCertificate": False}},
            "releaseChannel": {"channel": "REGULAR"},
            "privateClusterConfig": {"enablePrivateNodes": True, "masterIpv4CidrBlock": "172.16.0.16/28"},
            "masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "203.0.113.0/24"}]},
            "datapathProvider": "ADVANCED_DATAPATH",
            "loggingConfig": {"enableComponents": ["SYSTEM_COMPONENTS", "WORKLOADS"]},
            "monitoringConfig": {"enableComponents": ["SYSTEM_COMPONENTS"]},
        },
    )


@dataclass(frozen=True)
class Tenant:
    """One tenant of a hand-written stack: its namespace, Airflow identity and intent."""

    namespace: str
    identity: str
    xcom_push: bool = False
    access_model: AccessModel = AccessModel.NAMESPACED
    gpu: bool = True

    @property
    def member(self) -> str:
        return f"serviceAccount:{self.identity}"


def tenant_named(name: str, **intent: Any) -> Tenant:
    return Tenant(name, f"astro-{name}@{PROJECT}.iam.gserviceaccount.com", **intent)


def role_binding(name: str, namespace: str, *subjects: dict[str, Any]) -> Resource:
    return Resource(
        types.ROLE_BINDING,
        name,
        {
            "metadata": {"namespace": namespace},
            "roleRef": {"kind": "Role", "name": "kpo-launcher", "apiGroup": "rbac.authorization.k8s.io"},
            "subjects": list(subjects),
        },
    )


def user(identity: str) -> dict[str, str]:
    return {"kind": "User", "name": identity, "apiGroup": "rbac.authorization.k8s.io"}


def tenant_resources(tenant: Tenant, prefix: str = "") -> list[Resource]:
    """What one Tenant component declares; ``prefix`` keeps resource names unique across tenants."""
    flag = intent.TRUE if tenant.xcom_push else intent.FALSE
    ns = tenant.namespace
    return [
        Resource(
            types.PROJECT_IAM_MEMBER,
            f"{prefix}binding",
            {"project": PROJECT, "role": f"projects/{PROJECT}/roles/{ROLE_ID}", "member": tenant.member},
        ),
        Resource(
            types.NAMESPACE,
            f"{prefix}tasks",
            {
                "metadata": {
                    "name": ns,
                    "labels": {
                        intent.XCOM_PUSH_LABEL: flag,
                        intent.ACCESS_MODEL_LABEL: tenant.access_model.value,
                        intent.GPU_POOL_LABEL: intent.TRUE if tenant.gpu else intent.FALSE,
                        intent.EGRESS_LABEL: Egress.INTERNET.value,
                    },
                    "annotations": {intent.AIRFLOW_IDENTITY_ANNOTATION: tenant.identity},
                }
            },
        ),
        Resource(types.ROLE, f"{prefix}role", {"metadata": {"namespace": ns}, "rules": rbac_rules(tenant.xcom_push)}),
        role_binding(f"{prefix}binding", ns, user(tenant.identity)),
        Resource(
            types.RESOURCE_QUOTA,
            f"{prefix}quota",
            {
                "metadata": {"namespace": ns},
                "spec": {"hard": {"pods": "20", **({"requests.nvidia.com/gpu": "2"} if tenant.gpu else {})}},
            },
        ),
        Resource(types.LIMIT_RANGE, f"{prefix}limits", {"metadata": {"namespace": ns}, "spec": {"limits": []}}),
        Resource(types.NETWORK_POLICY, f"{prefix}fence", fence_policy(ns, Egress.INTERNET)),
    ]


def shared_resources(access_model: AccessModel, xcom_push: bool, gpu: bool) -> list[Resource]:
    """The cluster, pools, node identity and the one custom role every tenant shares."""
    resources = [
        cluster(),
        _node_pool("system", gpu=False),
        Resource("gcp:serviceaccount/account:Account", "nodes", {"accountId": "kpo-nodes", "project": PROJECT}),
        Resource(
            types.CUSTOM_ROLE,
            "role",
            {"roleId": ROLE_ID, "project": PROJECT, "permissions": custom_role_permissions(access_model, xcom_push)},
        ),
        Resource(
            types.PROJECT_IAM_MEMBER,
            "node-role",
            {
                "project": PROJECT,
                "role": "roles/container.defaultNodeServiceAccount",
                "member": f"serviceAccount:{NODE_SA}",
            },
        ),
        Resource(
            types.SA_IAM_MEMBER,
            "wi",
            {
                "serviceAccountId": "projects/p/serviceAccounts/x",
                "role": "roles/iam.workloadIdentityUser",
                "member": WI_MEMBER,
            },
        ),
    ]
    if gpu:
        resources.append(_node_pool("gpu", gpu=True))
    return resources


def good_stack(
    access_model: AccessModel = AccessModel.NAMESPACED, xcom_push: bool = False, gpu: bool = True
) -> list[Resource]:
    """A one-tenant stack every policy accepts (no-project-wide-pod-access reports the project model)."""
    tenant = Tenant(NAMESPACE, IDENTITY, xcom_push, access_model, gpu)
    return [*shared_resources(access_model, xcom_push, gpu), *tenant_resources(tenant)]


def tenants_stack(*tenants: Tenant, gpu: bool = True) -> list[Resource]:
    """A stack with several tenants (resource names prefixed ``<namespace>-``) every policy accepts."""
    resources = shared_resources(AccessModel.NAMESPACED, xcom_push=False, gpu=gpu)
    for tenant in tenants:
        resources.extend(tenant_resources(tenant, f"{tenant.namespace}-"))
    return resources


def two_tenant_stack(xcom_push: bool = True, gpu: bool = True) -> list[Resource]:
    """good_stack's tenant (XCom as given) plus team-b (no XCom, names prefixed ``b-``) with a read-only task SA."""
    return [
        *good_stack(AccessModel.NAMESPACED, xcom_push, gpu),
        *tenant_resources(Tenant(OTHER_NAMESPACE, OTHER_IDENTITY, gpu=gpu), "b-"),
        Resource(
            types.PROJECT_IAM_MEMBER,
            "b-task-role",
            {"project": PROJECT, "role": "roles/storage.objectViewer", "member": f"serviceAccount:{TASK_SA}"},
        ),
    ]


def set_path(props: dict[str, Any], path: str, value: object) -> None:
    """``path`` is dotted; list elements by index (``rules.0.verbs``)."""
    *parents, last = path.split(".")
    node: Any = props
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(last)] = value
    elif value is DELETE:
        node.pop(last, None)
    else:
        node[last] = value


def mutated(resources: list[Resource], type_: str, name: str, path: str, value: object) -> list[Resource]:
    copies = copy.deepcopy(resources)
    target = next(r for r in copies if r.type == type_ and r.name == name)
    set_path(target.props, path, value)
    return copies


def with_extra(resources: list[Resource], *extra: Resource) -> list[Resource]:
    return [*copy.deepcopy(resources), *extra]


def without(resources: list[Resource], type_: str) -> list[Resource]:
    return [r for r in copy.deepcopy(resources) if r.type != type_]


PROJECT_NUMBER: Final = "123456789012"
POOL: Final = "kpo-airflow"
ISSUER: Final = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
FEDERATED_SUBJECTS: Final = (
    "system:serviceaccount:astro-x:astro-x-worker",
    "system:serviceaccount:astro-x:astro-x-triggerer",
)


def federated_resources() -> list[Resource]:
    """A pool, its pinned OIDC provider and one subject-level grant per subject, as gke-kpo declares them."""
    member = f"principal://iam.googleapis.com/projects/{PROJECT_NUMBER}/locations/global/workloadIdentityPools/{POOL}/subject/"
    listed = ", ".join(f'"{subject}"' for subject in FEDERATED_SUBJECTS)
    return [
        Resource(types.WORKLOAD_IDENTITY_POOL, "pool", {"workloadIdentityPoolId": POOL, "project": PROJECT}),
        Resource(
            types.WORKLOAD_IDENTITY_POOL_PROVIDER,
            "provider",
            {
                "workloadIdentityPoolId": POOL,
                "workloadIdentityPoolProviderId": "oidc-0123456789abcdef",
                "attributeMapping": {"google.subject": "assertion.sub"},
                "attributeCondition": f"assertion.sub in [{listed}]",
                "oidc": {"issuerUri": ISSUER, "allowedAudiences": ["sts.amazonaws.com"]},
            },
        ),
        *[
            Resource(
                types.SA_IAM_MEMBER,
                f"federated-{index}",
                {
                    "serviceAccountId": "projects/p/serviceAccounts/airflow-fed",
                    "role": "roles/iam.workloadIdentityUser",
                    "member": member + subject,
                },
            )
            for index, subject in enumerate(FEDERATED_SUBJECTS)
        ],
    ]
