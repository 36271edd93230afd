"""tenant-isolation: every Airflow identity reaches its own tenant namespace and no other.

Tenants share one cluster; the fence between them is Kubernetes RBAC. A binding that names another
tenant's identity (or a service account of another tenant's namespace) silently lets one team read
another team's pods and logs, and nothing at runtime would show it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.cloud.gke import WORKLOAD_IDENTITY_ANNOTATION
from gke_kpo.cloud.permissions import AccessModel

from . import resource_types as types
from .policy_kit import stack_validation
from .props import items, lookup, mapping
from .stack_facts import StackFacts
from .stack_intent import StackIntent, TenantIntent
from .verdicts import Subject, stack_says

HIDDEN_COST: Final = "one team could read another team's pods and logs"


def _foreign_tenant(entry: object, namespace: str | None, intent: StackIntent) -> TenantIntent | None:
    """The tenant a binding subject belongs to, when that is not the tenant owning ``namespace``."""
    kind, name = lookup(entry, "kind"), lookup(entry, "name")
    if kind == "ServiceAccount":
        tenant = intent.owner_of(lookup(entry, "namespace") or namespace)
    else:
        tenant = intent.by_identity.get(str(name))
    if tenant is None or tenant.namespace_name == namespace:
        return None
    return tenant


def _subject_label(entry: object) -> str:
    kind, name, namespace = (lookup(entry, key) for key in ("kind", "name", "namespace"))
    return f"{kind} {namespace}/{name}" if kind == "ServiceAccount" else f"{kind} {name!r}"


def _binding(subject: Subject, facts: StackFacts) -> Iterator[str]:
    intent = facts.intent()
    cluster_wide = subject.type == types.CLUSTER_ROLE_BINDING
    namespace = None if cluster_wide else lookup(subject.props, "metadata", "namespace")
    namespace = str(namespace) if namespace else None
    owner = intent.owner_of(namespace)
    for entry in items(lookup(subject.props, "subjects")):
        tenant = _foreign_tenant(entry, namespace, intent)
        if tenant is None:
            continue
        where = "every namespace" if cluster_wide else f"namespace {namespace!r}"
        owned = f"owned by the tenant of {owner.airflow_identity!r}" if owner else "which no tenant owns"
        yield subject.says(
            f"binds {_subject_label(entry)} of tenant namespace {tenant.namespace_name!r} in {where}, {owned}: "
            f"{HIDDEN_COST}.",
            f"remove that subject; bind {tenant.airflow_identity!r} only in {tenant.namespace_name!r}"
            + (f" and only {owner.airflow_identity!r} in {namespace!r}." if owner else "."),
        )


def _shared_task_identities(facts: StackFacts) -> Iterator[str]:
    """A Google service account used by two tenants' KSAs (or by a tenant's Airflow) is shared by both."""
    intent = facts.intent()
    users: dict[str, list[str]] = {}
    for account in facts.of_type(types.SERVICE_ACCOUNT):
        gsa = mapping(lookup(account.props, "metadata", "annotations")).get(WORKLOAD_IDENTITY_ANNOTATION)
        namespace = lookup(account.props, "metadata", "namespace")
        if gsa and intent.owner_of(namespace) is not None:
            users.setdefault(str(gsa), []).append(str(namespace))
    for gsa, namespaces in users.items():
        airflow = intent.by_identity.get(gsa)
        if len(set(namespaces)) > 1 or (airflow is not None and namespaces != [airflow.namespace_name]):
            holders = sorted({*namespaces, *([airflow.namespace_name] if airflow else [])})
            yield stack_says(
                f"the Google service account {gsa!r} is the task (or Airflow) identity of tenant namespaces "
                f"{', '.join(map(repr, holders))}, so pods of each act with the others' Google access: {HIDDEN_COST}.",
                "give each tenant its own task_service_account (account_id derived from the tenant name).",
            )


def _project_model_with_tenants(facts: StackFacts) -> Iterator[str]:
    intent = facts.intent()
    if intent.access_model is AccessModel.PROJECT and len(intent.tenants) > 1:
        names = ", ".join(repr(tenant.namespace_name) for tenant in intent.tenants)
        yield stack_says(
            f"the project access model grants container.pods.* in IAM, which GKE applies to every namespace, so "
            f"the tenants {names} are not fenced from each other: {HIDDEN_COST}.",
            "set access_model to namespaced (pod access in each tenant's Role), or keep one tenant per stack.",
        )


POLICY: Final = StackValidationPolicy(
    name="tenant-isolation",
    description=(
        "Each RoleBinding binds only the identity of the tenant owning its namespace; no tenant identity or "
        "tenant service account is bound in a namespace it does not own or cluster-wide; no Google service "
        "account is shared between tenants; the project access model only with a single tenant."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps=(
        "Bind each tenant's Airflow identity only in its own namespace (gke-kpo/airflow-identity annotation); "
        "see 'Tenants' in README.md."
    ),
    validate=stack_validation(
        {types.ROLE_BINDING: [_binding], types.CLUSTER_ROLE_BINDING: [_binding]},
        whole_stack=[_shared_task_identities, _project_model_with_tenants],
    ),
)
