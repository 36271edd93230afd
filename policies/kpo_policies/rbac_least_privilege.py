"""rbac-least-privilege: the Airflow identity gets one namespaced Role, with nothing beyond the table.

The Role is judged as an allowlist: every (apiGroup, resource, verb) a rule grants must be one that
``gke_kpo.cloud.permissions.rbac_rules(xcom_push)`` grants. The named dangers below only explain *why* an
excess grant matters; they never decide on their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache
from typing import Final, NamedTuple

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.cloud.permissions import PERMISSION_TABLE, rbac_rules

from . import resource_types as types
from .policy_kit import stack_validation
from .props import items, lookup, strings
from .stack_facts import StackFacts
from .stack_intent import StackIntent, TenantIntent
from .verdicts import Subject

RBAC_API_GROUP: Final = "rbac.authorization.k8s.io"
RULE_FIELDS: Final = ("apiGroups", "resources", "verbs")
FORBIDDEN_RESOURCES: Final = {
    "secrets": "reads every credential in the namespace",
    "nodes/proxy": "reaches the kubelet API, i.e. exec into any pod of the node",
}
FORBIDDEN_VERBS: Final = {
    "bind": "grants roles the holder does not have",
    "escalate": "edits roles beyond the holder's own rights",
    "impersonate": "acts as any other user, group or service account",
}
XCOM_RESOURCES: Final = frozenset(p.rbac.resource for p in PERMISSION_TABLE if p.needs_xcom and p.rbac)
PUBLIC_SUBJECTS: Final = frozenset({"system:authenticated", "system:unauthenticated", "system:anonymous"})
_DERIVE: Final = "build the rules with gke_kpo.cloud.permissions.rbac_rules(xcom_push)"


class Grant(NamedTuple):
    """One (apiGroup, resource, verb) a rule allows; rules are the cross product of their three lists."""

    api_group: str
    resource: str
    verb: str

    def __str__(self) -> str:
        # kubectl's spelling (``deployments.apps create``), so the message reads like `kubectl auth can-i`.
        qualified = f"{self.resource}.{self.api_group}" if self.api_group else self.resource
        return f"{qualified} {self.verb}"


Reason = tuple[str, str]
"""(problem, fix) of a group of excess grants in one rule."""


def grants_of(rule: object) -> list[Grant]:
    fields = (strings(lookup(rule, field)) for field in RULE_FIELDS)
    return [Grant(*triple) for triple in itertools.product(*fields)]


@cache
def allowed_grants(xcom_push: bool) -> frozenset[Grant]:
    """Everything the permission table lets the Role grant; nothing else is ever allowed."""
    return frozenset(grant for rule in rbac_rules(xcom_push) for grant in grants_of(rule))


def _wildcard_reason(grant: Grant) -> Reason | None:
    for field, value in zip(RULE_FIELDS, grant, strict=True):
        if "*" in value:
            return f"has the wildcard {value!r} in {field}", f"list {field} explicitly; {_DERIVE}"
    return None


def _danger_reason(grant: Grant, xcom_push: bool) -> Reason | None:
    if grant.resource in FORBIDDEN_RESOURCES:
        return f"grants {grant.resource}, which {FORBIDDEN_RESOURCES[grant.resource]}", f"remove {grant.resource}"
    if grant.verb in FORBIDDEN_VERBS:
        return f"grants the verb {grant.verb}, which {FORBIDDEN_VERBS[grant.verb]}", f"remove {grant.verb}"
    if grant.resource in XCOM_RESOURCES and not xcom_push:
        return (
            f"grants {grant.resource}, which only XCom needs, and XCom push is off",
            f"remove {grant.resource}, or turn xcom_push on (namespace label gke-kpo/xcom-push=true)",
        )
    return None


def _reason(grant: Grant, xcom_push: bool) -> Reason:
    """Why an excess grant matters: a named danger when there is one, else that KPO does not need it."""
    named = _wildcard_reason(grant) or _danger_reason(grant, xcom_push)
    if named is not None:
        return named
    return (
        f"grants what a KubernetesPodOperator does not need (XCom push {'on' if xcom_push else 'off'})",
        f"remove those grants; {_DERIVE}",
    )


def _excess_by_reason(rule: object, xcom_push: bool) -> dict[Reason, list[Grant]]:
    allowed = allowed_grants(xcom_push)
    by_reason: dict[Reason, list[Grant]] = {}
    for grant in grants_of(rule):
        if grant not in allowed:
            by_reason.setdefault(_reason(grant, xcom_push), []).append(grant)
    return by_reason


def _cluster_scoped(subject: Subject, _facts: StackFacts) -> Iterator[str]:
    yield subject.says(
        "is cluster-scoped, so whatever it grants reaches every tenant's namespace (one team reading another "
        "team's pods and logs); an Airflow identity must only reach its own task namespace.",
        "replace it with a namespaced Role and RoleBinding in the task namespace.",
    )


def _namespace(subject: Subject) -> str | None:
    namespace = lookup(subject.props, "metadata", "namespace")
    return str(namespace) if namespace else None


def _rules(subject: Subject, facts: StackFacts) -> Iterator[str]:
    """A Role is judged by the XCom choice of the tenant owning its namespace (none: strictest)."""
    namespace = _namespace(subject)
    owner = facts.intent().owner_of(namespace)
    xcom_push = owner is not None and owner.xcom_push
    where = f" (namespace {namespace!r})" if namespace else ""
    for index, rule in enumerate(items(lookup(subject.props, "rules"))):
        for (problem, fix), excess in _excess_by_reason(rule, xcom_push).items():
            listed = ", ".join(str(grant) for grant in excess)
            yield subject.says(
                f"rule {index}{where} {problem}: it allows {listed}, outside the permission table.", f"{fix}."
            )


def _role_ref(subject: Subject) -> Iterator[str]:
    if lookup(subject.props, "roleRef", "kind") == "ClusterRole":
        yield subject.says(
            f"binds the ClusterRole {lookup(subject.props, 'roleRef', 'name')!r}, whose rules live outside this stack.",
            "bind the namespaced Role declared by this stack.",
        )


def _subject_problem(entry: object, owner: TenantIntent | None, intent: StackIntent) -> str | None:
    name, kind, api_group = (lookup(entry, key) for key in ("name", "kind", "apiGroup"))
    if name in PUBLIC_SUBJECTS:
        return f"binds {kind} {name}, i.e. everyone who can reach the API server."
    if name in intent.by_identity and (owner is None or name != owner.airflow_identity):
        return None  # another tenant's identity: tenant-isolation reports it, with the cross-tenant cost.
    if owner is None or name != owner.airflow_identity:
        expected = owner.airflow_identity if owner else None
        owning = f"the Airflow identity of the tenant owning this namespace ({expected!r})"
        return f"binds {kind} {name!r}, which is not {owning}."
    # GKE authenticates the Google service account as a User; a Group or ServiceAccount that merely
    # carries the same name is a different principal, whoever controls it.
    if kind != "User" or api_group != RBAC_API_GROUP:
        return f"binds {kind} {name!r} in apiGroup {api_group!r}, not the User {name!r} in {RBAC_API_GROUP!r}."
    return None


def _binding(subject: Subject, facts: StackFacts) -> Iterator[str]:
    yield from _role_ref(subject)
    intent = facts.intent()
    owner = None if subject.type == types.CLUSTER_ROLE_BINDING else intent.owner_of(_namespace(subject))
    for entry in items(lookup(subject.props, "subjects")):
        problem = _subject_problem(entry, owner, intent)
        if problem is not None:
            yield subject.says(
                problem,
                f"bind only kind User, apiGroup {RBAC_API_GROUP}, with the Airflow service account e-mail of the "
                "tenant owning the namespace (its namespace annotation gke-kpo/airflow-identity).",
            )


POLICY: Final = StackValidationPolicy(
    name="rbac-least-privilege",
    description=(
        "No ClusterRole/ClusterRoleBinding; every (apiGroup, resource, verb) of every rule is one that "
        "gke_kpo.cloud.permissions.rbac_rules(xcom_push) grants (so no wildcard, secrets, nodes/proxy, bind, escalate, "
        "impersonate, pods/exec without XCom, judged per tenant namespace); RoleBinding subjects only the Airflow "
        "identity of the tenant owning the namespace, as a User."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps=(
        "Build the Role's rules with gke_kpo.cloud.permissions.rbac_rules(xcom_push) and bind only the Airflow "
        "identity."
    ),
    validate=stack_validation(
        {
            types.CLUSTER_ROLE: [_cluster_scoped, _rules],
            types.CLUSTER_ROLE_BINDING: [_cluster_scoped, _binding],
            types.ROLE: [_rules],
            types.ROLE_BINDING: [_binding],
        }
    ),
)
