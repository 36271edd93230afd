"""Logical names that follow physical identity, and aliases from the names deployed stacks had before.

A logical name built from the physical identity's own parts (the account id, the namespace, the role id) stays put
exactly as long as the identity does, so no transition moves an identity to another URN (gke_kpo/plan/transitions.py
explains why that fails or revokes a grant). Names used to start with ``<cluster>-<tenant>``, which neither an
account id nor a namespace depends on: a cluster rename re-created every tenant account under a new URN (409) and
revoked the grants whose (role, member) stayed; a gke <-> federated switch declared one account under two URNs.

Each renamed resource answers to the URNs it had under the old names, computed from the current config (the
cluster and tenant name it was deployed with), so `pulumi up` moves it in state and re-creates nothing.
"""

from __future__ import annotations

import pulumi

TENANT = "gke-kpo:index:Tenant"
FEDERATED_ACCOUNT = "gke-kpo:index:FederatedAccount"
IAM_ACCESS = "gke-kpo:index:IamAccess"
FEDERATION_POOL = "gke-kpo:index:FederationPool"


def account(account_id: str) -> str:
    """A Google service account: unique in the project by its id."""
    return f"{account_id}-gsa"


def workload_identity_grant(account_id: str) -> str:
    return f"{account(account_id)}-workload-identity"


def subject_grant(account_id: str, subject_key: str) -> str:
    return f"{account(account_id)}-subject-{subject_key}"


def dashed(role: str) -> str:
    return role.replace("/", "-").replace(".", "-")


def role_grant(account_id: str, role: str) -> str:
    """A project role granted to a task account: one per (role, account)."""
    return f"{account(account_id)}-{dashed(role)}"


SERVICE_ACCOUNT_DOMAIN = ".iam.gserviceaccount.com"


def launcher_binding(email: str) -> str:
    """The custom role granted to a tenant's Airflow identity: one per identity (the role is the stack's), named by
    the e-mail without the domain every service account e-mail ends in."""
    return f"{email.removesuffix(SERVICE_ACCOUNT_DOMAIN)}-binding"


def in_namespace(namespace: str, suffix: str) -> str:
    """A Kubernetes object of the tenant: the namespace, not the tenant's name, is what the cluster knows."""
    return f"{namespace}-{suffix}"


def custom_role(role_id: str) -> str:
    return f"{role_id}-role"


def pool(pool_id: str) -> str:
    return f"{pool_id}-pool"


def pool_provider(pool_id: str, provider_id: str) -> str:
    return f"{pool_id}-{provider_id}"


def urn(chain: tuple[str, ...], resource_type: str, name: str) -> str:
    """The engine's URN for a resource under components of the types in ``chain`` (outermost first)."""
    types = "$".join((*chain, resource_type))
    return f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::{types}::{name}"


def was(chain: tuple[str, ...], resource_type: str, *old_names: str) -> list[str]:
    """Alias URNs from names a deployed stack may hold this resource under."""
    return [urn(chain, resource_type, name) for name in old_names]
