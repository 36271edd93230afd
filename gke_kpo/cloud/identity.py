"""Physical identity: the unique name Google Cloud or Kubernetes knows a declared resource by, per resource type,
and what the API does when a second create names an identity that already exists. Plain data (read 2026-04-14);
the day-2 transition check (gke_kpo/plan/transitions.py) applies it to the plan inventories.

Two kinds, by what a create of an existing identity does:
- NAMED: the create fails. Google Cloud answers 409 ALREADY_EXISTS for a service account
  (terraform-provider-google google/services/resourcemanager/resource_google_service_account.go, read at e03b7622:
  the 409 is ignored only with ``create_ignore_already_exists``, default false), a custom role, a pool or provider,
  a cluster, a node pool, a network, subnet, router or NAT (each REST ``create`` names the resource by the ids
  below, unique in its parent). Kubernetes answers AlreadyExists: pulumi-kubernetes creates with a client-side
  create since v4.29.0 (pulumi/pulumi-kubernetes#2926, release notes: "When a resource already exists in the
  cluster, the API server now returns an AlreadyExists error instead of silently updating the existing object");
  this project pins 4.34.2.
- GRANT: an IAM member is one (role, member[, condition]) in a resource's IAM policy. Its create merges the member
  into the policy (a no-op when it is there already) and its delete subtracts it, whoever created it
  (terraform-provider-google google/tpgiamresource/resource_iam_member.go, read at e03b7622: resourceIamMemberCreate
  ``MergeBindings``, resourceIamMemberDelete ``subtractFromBindings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from gke_kpo.cloud import replacement as types


class Kind(Enum):
    NAMED = "named"
    GRANT = "grant"


@dataclass(frozen=True)
class IdentityRule:
    resource_type: str
    inputs: tuple[str, ...]
    """Input paths (inventory spelling) whose values together are the identity."""
    kind: Kind
    source: str


_REST = "https://cloud.google.com/"
RULES: tuple[IdentityRule, ...] = (
    IdentityRule(
        types.SERVICE_ACCOUNT,
        ("project", "accountId"),
        Kind.NAMED,
        _REST + "iam/docs/reference/rest/v1/projects.serviceAccounts/create (accountId, unique in the project)",
    ),
    IdentityRule(
        types.CUSTOM_ROLE,
        ("project", "roleId"),
        Kind.NAMED,
        _REST + "iam/docs/reference/rest/v1/projects.roles/create (roleId; a deleted role keeps its id 37 days)",
    ),
    IdentityRule(
        types.WORKLOAD_IDENTITY_POOL,
        ("project", "workloadIdentityPoolId"),
        Kind.NAMED,
        _REST + "iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create",
    ),
    IdentityRule(
        types.WORKLOAD_IDENTITY_POOL_PROVIDER,
        ("project", "workloadIdentityPoolId", "workloadIdentityPoolProviderId"),
        Kind.NAMED,
        _REST + "iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers/create",
    ),
    IdentityRule(
        types.CLUSTER,
        ("project", "location", "name"),
        Kind.NAMED,
        _REST + "kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters/create",
    ),
    IdentityRule(
        types.NODE_POOL,
        ("project", "location", "cluster", "name"),
        Kind.NAMED,
        _REST + "kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools/create",
    ),
    IdentityRule(
        types.NETWORK, ("project", "name"), Kind.NAMED, _REST + "compute/docs/reference/rest/v1/networks/insert"
    ),
    IdentityRule(
        types.SUBNETWORK,
        ("project", "region", "name"),
        Kind.NAMED,
        _REST + "compute/docs/reference/rest/v1/subnetworks/insert",
    ),
    IdentityRule(
        types.ROUTER, ("project", "region", "name"), Kind.NAMED, _REST + "compute/docs/reference/rest/v1/routers/insert"
    ),
    IdentityRule(
        types.ROUTER_NAT,
        ("project", "region", "router", "name"),
        Kind.NAMED,
        _REST + "compute/docs/reference/rest/v1/routers (a NAT is an entry of its router, by name)",
    ),
    IdentityRule(
        types.PROJECT_IAM_MEMBER,
        ("project", "role", "member", "condition"),
        Kind.GRANT,
        _REST + "resource-manager/reference/rest/v1/projects/setIamPolicy (one binding per role and condition)",
    ),
    IdentityRule(
        types.SERVICE_ACCOUNT_IAM_MEMBER,
        ("serviceAccountId", "role", "member", "condition"),
        Kind.GRANT,
        _REST + "iam/docs/reference/rest/v1/projects.serviceAccounts/setIamPolicy",
    ),
    IdentityRule(
        types.REPOSITORY_IAM_MEMBER,
        ("project", "location", "repository", "role", "member", "condition"),
        Kind.GRANT,
        _REST + "artifact-registry/docs/reference/rest/v1/projects.locations.repositories/setIamPolicy",
    ),
)

BY_TYPE = {rule.resource_type: rule for rule in RULES}

KUBERNETES_OBJECT = IdentityRule(
    "kubernetes:<group>/<version>:<Kind>",
    ("metadata.namespace", "metadata.name"),
    Kind.NAMED,
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ (unique per kind and namespace); "
    "on the cluster its provider's clusterIdentifier names",
)
"""Every Kubernetes object: (cluster, API group, kind, namespace, name); the version does not make another object."""

NO_IDENTITY_PREFIX = "pulumi:providers:"
"""Providers are Pulumi's own: nothing exists for them in the cloud."""


def rule_for(resource_type: str) -> IdentityRule | None:
    """The rule of a declared type; None for a provider. A type with neither has no rule yet: KeyError."""
    if resource_type.startswith(NO_IDENTITY_PREFIX):
        return None
    if resource_type.startswith("kubernetes:"):
        return KUBERNETES_OBJECT
    return BY_TYPE[resource_type]
