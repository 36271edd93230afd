"""The one table that says what a KubernetesPodOperator needs, in IAM and in Kubernetes RBAC.

Every other place (the custom role, the namespaced Role, the stack outputs, the policy pack,
the end-to-end fake API) derives from ``PERMISSION_TABLE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gke_kpo.cloud.control_plane import CONNECT_PERMISSION


class AccessModel(StrEnum):
    """Where the pod permissions live.

    GKE only honours IAM at project level, so IAM ``container.pods.*`` reaches every namespace of
    every cluster in the project. ``namespaced`` keeps them in the namespaced Role instead.
    """

    NAMESPACED = "namespaced"
    PROJECT = "project"


@dataclass(frozen=True)
class RbacGrant:
    api_group: str
    resource: str
    verbs: tuple[str, ...]


@dataclass(frozen=True)
class Permission:
    iam: str
    needs_xcom: bool
    rbac: RbacGrant | None
    """``None`` for permissions with no namespaced equivalent (they stay in the custom role)."""
    needs_dns_endpoint: bool = False
    """Only for a stack whose consumers use the DNS-based endpoint (gke_kpo.cloud.control_plane)."""


PERMISSION_TABLE: tuple[Permission, ...] = (
    Permission("container.clusters.get", False, None),
    # The deferrable trigger watches events; GKE's IAM has no watch permission (list covers both, as for pods).
    Permission("container.events.list", False, RbacGrant("", "events", ("list", "watch"))),
    Permission("container.pods.get", False, RbacGrant("", "pods", ("get",))),
    Permission("container.pods.getLogs", False, RbacGrant("", "pods/log", ("get",))),
    Permission("container.pods.list", False, RbacGrant("", "pods", ("list", "watch"))),
    Permission("container.pods.create", False, RbacGrant("", "pods", ("create",))),
    Permission("container.pods.delete", False, RbacGrant("", "pods", ("delete",))),
    Permission("container.pods.update", False, RbacGrant("", "pods", ("update", "patch"))),
    Permission("container.pods.exec", True, RbacGrant("", "pods/exec", ("create", "get"))),
    # The DNS-based endpoint checks it in IAM before RBAC; an IP endpoint never asks for it.
    Permission(CONNECT_PERMISSION, False, None, needs_dns_endpoint=True),
)

SEED_PERMISSIONS: frozenset[str] = frozenset(p.iam for p in PERMISSION_TABLE if not p.needs_dns_endpoint)
"""Everything the source document lists (the IP path); only the DNS path adds to it."""


def needed_permissions(xcom_push: bool, dns_endpoint: bool = False) -> tuple[Permission, ...]:
    return tuple(
        p for p in PERMISSION_TABLE if (xcom_push or not p.needs_xcom) and (dns_endpoint or not p.needs_dns_endpoint)
    )


def custom_role_permissions(access_model: AccessModel, xcom_push: bool, dns_endpoint: bool = False) -> list[str]:
    """The sorted IAM permissions of the project-level custom role; ``dns_endpoint``: Airflow reaches the API
    through the DNS-based endpoint (control_plane_access dns or dns+ip)."""
    needed = needed_permissions(xcom_push, dns_endpoint)
    if access_model is AccessModel.NAMESPACED:
        needed = tuple(p for p in needed if p.rbac is None)
    return sorted(p.iam for p in needed)


def rbac_rules(xcom_push: bool) -> list[dict[str, list[str]]]:
    """The namespaced Role's rules, one per (apiGroup, resource), in table order, verbs sorted.

    Both access models grant these: the Kubernetes RBAC is what scopes the identity to one namespace.
    """
    verbs_by_target: dict[tuple[str, str], set[str]] = {}
    for permission in needed_permissions(xcom_push):
        if permission.rbac is None:
            continue
        key = (permission.rbac.api_group, permission.rbac.resource)
        verbs_by_target.setdefault(key, set()).update(permission.rbac.verbs)
    return [
        {"apiGroups": [group], "resources": [resource], "verbs": sorted(verbs)}
        for (group, resource), verbs in verbs_by_target.items()
    ]
