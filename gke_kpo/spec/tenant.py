"""What a tenant's Kubernetes objects say, as plain data (the Tenant component declares them)."""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud import names
from gke_kpo.cloud.names import canonical_quantity
from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.config.settings import NamespaceSettings, PodSecurity, TenantSettings
from gke_kpo.contract import intent
from gke_kpo.contract.intent import GPU_QUOTA_KEY

QUOTA_NAME = "kpo-quota"
"""The tenant's ResourceQuota: its name is what a refused pod's 403 names (README, Troubleshooting)."""


def pod_security_labels(level: PodSecurity) -> dict[str, str]:
    """Pod Security Admission labels (https://kubernetes.io/docs/concepts/security/pod-security-admission/).

    baseline, the default, still admits pods that run as root, so stacks whose tasks do keep working; restricted
    is always warned and audited, so `kubectl` and the audit log show what a tenant would have to change before
    opting in (pod_security: restricted). The rendered DAG's pods pass restricted (gke_kpo/render/pod_security.py).
    """
    return {
        "pod-security.kubernetes.io/enforce": level.value,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": PodSecurity.RESTRICTED.value,
        "pod-security.kubernetes.io/audit": PodSecurity.RESTRICTED.value,
    }


def namespace_metadata(tenant: TenantSettings, access_model: AccessModel, has_gpu_pool: bool) -> dict[str, Any]:
    """Labels and annotations that tell the policy pack what this stack meant to grant in this namespace."""
    labels = {
        **pod_security_labels(tenant.pod_security),
        intent.EGRESS_LABEL: tenant.egress.value,
        intent.TENANT_LABEL: tenant.name,
        intent.XCOM_PUSH_LABEL: intent.TRUE if tenant.xcom_push else intent.FALSE,
        intent.ACCESS_MODEL_LABEL: access_model.value,
        intent.GPU_POOL_LABEL: intent.TRUE if has_gpu_pool else intent.FALSE,
    }
    annotations = {intent.AIRFLOW_IDENTITY_ANNOTATION: tenant.identity.email}
    if tenant.task_service_account:
        annotations[intent.TASK_SERVICE_ACCOUNT_ANNOTATION] = tenant.task_service_account.email
    return {"name": tenant.namespace.name, "labels": labels, "annotations": annotations}


def quota_hard(settings: NamespaceSettings, has_gpu_pool: bool) -> dict[str, str]:
    hard = {
        "pods": str(settings.quota_pods),
        # The API server's spelling, so a refresh finds what the program declares (names.canonical_quantity).
        "requests.cpu": canonical_quantity(settings.quota_cpu),
        "requests.memory": canonical_quantity(settings.quota_memory),
    }
    if has_gpu_pool:
        hard[GPU_QUOTA_KEY] = str(settings.quota_gpus)
    return hard


def snake_case_rule(rule: dict[str, list[str]]) -> dict[str, list[str]]:
    return {"api_groups": rule["apiGroups"], "resources": rule["resources"], "verbs": rule["verbs"]}


def limit_range_item(settings: NamespaceSettings) -> dict[str, Any]:
    """The one ``Container`` item of the LimitRange, in Kubernetes spelling (quantities as the API server stores
    them, so a refresh finds what the program declares: names.canonical_quantity). No ``default`` limit: why, and
    what the API server fills in instead, is in gke_kpo.cloud.limit_ranger."""
    canonical = names.canonical_quantity
    return {
        "type": "Container",
        "defaultRequest": {
            "cpu": canonical(settings.default_cpu_request),
            "memory": canonical(settings.default_memory_request),
        },
        "max": {"cpu": canonical(settings.max_container_cpu), "memory": canonical(settings.max_container_memory)},
    }
