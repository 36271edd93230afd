"""What the rendered pods run as: the restricted Pod Security Standard, with requests and a memory limit.

restricted (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted) asks of every
container, the XCom sidecar included: ``runAsNonRoot``, ``allowPrivilegeEscalation: false``, capabilities
``drop: [ALL]``, and a ``RuntimeDefault`` (or Localhost) seccomp profile. Beyond it, as Checkov's Kubernetes checks
ask (tests/render/test_pod_checkov.py): a UID above 10000 (no clash with a host user), a read-only root file
system, CPU and memory requests, a memory limit. The UID overrides the image's ``USER``, so any image whose
process can run as an arbitrary non-root UID works; one that needs root, or writes outside a mounted volume,
does not (README, Pod security).

Spelt as the Kubernetes API spells them (camelCase): the DAG passes them to KubernetesPodOperator, which sends a
dict as it is, and the connection carries the sidecar's as JSON, which KPO's hook loads into a dict.
"""

from __future__ import annotations

from typing import Any, Final

TASK_UID: Final = 65532
"""The ``nonroot`` user of distroless images: above 10000, and no account in common images, so no file of theirs
belongs to it by accident."""

POD_SECURITY_CONTEXT: Final[dict[str, Any]] = {
    "runAsNonRoot": True,
    "runAsUser": TASK_UID,
    "runAsGroup": TASK_UID,
    "seccompProfile": {"type": "RuntimeDefault"},
}

CONTAINER_SECURITY_CONTEXT: Final[dict[str, Any]] = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
}

TASK_REQUESTS: Final = {"cpu": "100m", "memory": "128Mi"}
"""Enough for the example commands; a real task sets its own (within the tenant's max_container_*)."""

TASK_LIMITS: Final = {"memory": "128Mi"}
"""A memory limit equal to the request: the pod is never killed for memory another pod was promised. No CPU limit:
it only throttles a batch task on an otherwise idle node (the namespace's LimitRange still caps CPU)."""

XCOM_SIDECAR_RESOURCES: Final[dict[str, Any]] = {
    # KPO's own requests for the sidecar (PodDefaults.SIDECAR_CONTAINER), plus the memory limit it lacks: the
    # sidecar is a shell sleeping in a loop, and KPO's exec runs cat and kill in it.
    "requests": {"cpu": "1m", "memory": "10Mi"},
    "limits": {"memory": "32Mi"},
}
