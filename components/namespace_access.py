"""The task namespace and the Kubernetes RBAC that scopes the Airflow identity to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from gke_kpo import intent
from gke_kpo.permissions import AccessModel, rbac_rules
from gke_kpo.settings import NamespaceSettings

POD_SECURITY = {
    # baseline still admits KPO's XCom sidecar; restricted is reported so teams can tighten their pods.
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
}
GPU_QUOTA_KEY = "requests.nvidia.com/gpu"


@dataclass(frozen=True)
class NamespaceAccessArgs:
    kubeconfig: pulumi.Input[str]
    cluster_identifier: str
    settings: NamespaceSettings
    identity_email: str
    access_model: AccessModel
    xcom_push: bool
    has_gpu_pool: bool


def intent_metadata(args: NamespaceAccessArgs) -> dict[str, Any]:
    """Labels and annotation that tell the policy pack what this stack meant to grant."""
    labels = {
        **POD_SECURITY,
        intent.XCOM_PUSH_LABEL: intent.TRUE if args.xcom_push else intent.FALSE,
        intent.ACCESS_MODEL_LABEL: args.access_model.value,
        intent.GPU_POOL_LABEL: intent.TRUE if args.has_gpu_pool else intent.FALSE,
    }
    return {
        "name": args.settings.name,
        "labels": labels,
        "annotations": {intent.AIRFLOW_IDENTITY_ANNOTATION: args.identity_email},
    }


def quota_hard(settings: NamespaceSettings, has_gpu_pool: bool) -> dict[str, str]:
    hard = {
        "pods": str(settings.quota_pods),
        "requests.cpu": settings.quota_cpu,
        "requests.memory": settings.quota_memory,
    }
    if has_gpu_pool:
        hard[GPU_QUOTA_KEY] = str(settings.quota_gpus)
    return hard


def container_defaults(settings: NamespaceSettings) -> dict[str, Any]:
    return {
        "type": "Container",
        "default": {"cpu": settings.default_cpu_limit, "memory": settings.default_memory_limit},
        "default_request": {"cpu": settings.default_cpu_request, "memory": settings.default_memory_request},
        "max": {"cpu": settings.max_container_cpu, "memory": settings.max_container_memory},
    }


class NamespaceAccess(pulumi.ComponentResource):
    namespace: str

    def __init__(self, name: str, args: NamespaceAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("gke-kpo:index:NamespaceAccess", name, None, opts)
        # cluster_identifier keeps Kubernetes resources from being replaced when only credentials change.
        provider = k8s.Provider(
            f"{name}-provider",
            kubeconfig=args.kubeconfig,
            cluster_identifier=args.cluster_identifier,
            opts=pulumi.ResourceOptions(parent=self),
        )
        on_cluster = pulumi.ResourceOptions(parent=self, provider=provider)
        namespace = k8s.core.v1.Namespace(f"{name}-namespace", metadata=intent_metadata(args), opts=on_cluster)
        in_namespace = pulumi.ResourceOptions(parent=self, provider=provider, depends_on=[namespace])
        self.namespace = args.settings.name
        metadata = {"name": "kpo-launcher", "namespace": self.namespace}
        k8s.rbac.v1.Role(
            f"{name}-role",
            metadata=metadata,
            rules=[_snake_case_rule(rule) for rule in rbac_rules(args.xcom_push)],
            opts=in_namespace,
        )
        k8s.rbac.v1.RoleBinding(
            f"{name}-role-binding",
            metadata=metadata,
            role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": metadata["name"]},
            subjects=[{"api_group": "rbac.authorization.k8s.io", "kind": "User", "name": args.identity_email}],
            opts=in_namespace,
        )
        k8s.core.v1.ResourceQuota(
            f"{name}-quota",
            metadata={"name": "kpo-quota", "namespace": self.namespace},
            spec={"hard": quota_hard(args.settings, args.has_gpu_pool)},
            opts=in_namespace,
        )
        k8s.core.v1.LimitRange(
            f"{name}-limits",
            metadata={"name": "kpo-defaults", "namespace": self.namespace},
            spec={"limits": [container_defaults(args.settings)]},
            opts=in_namespace,
        )
        self.register_outputs({"namespace": self.namespace})


def _snake_case_rule(rule: dict[str, list[str]]) -> dict[str, list[str]]:
    return {"api_groups": rule["apiGroups"], "resources": rule["resources"], "verbs": rule["verbs"]}
