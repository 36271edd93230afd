"""rbac-least-privilege: the Airflow identity gets one namespaced Role, with nothing to escalate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.permissions import PERMISSION_TABLE

from . import resource_types as types
from .policy_kit import stack_validation
from .props import items, lookup, strings
from .stack_facts import StackFacts
from .verdicts import Subject

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
_DERIVE: Final = "build the rules with gke_kpo.permissions.rbac_rules(xcom_push)"


def _cluster_scoped(subject: Subject, _facts: StackFacts) -> Iterator[str]:
    yield subject.says(
        "is cluster-scoped; the Airflow identity must only reach its task namespace.",
        "replace it with a namespaced Role and RoleBinding in the task namespace.",
    )


def _rule_violations(index: int, rule: object, xcom_push: bool) -> Iterator[tuple[str, str]]:
    for field in RULE_FIELDS:
        wildcards = [value for value in strings(lookup(rule, field)) if "*" in value]
        if wildcards:
            yield f"rule {index} has the wildcard {wildcards[0]!r} in {field}.", f"list {field} explicitly; {_DERIVE}."
    resources = strings(lookup(rule, "resources"))
    for resource, danger in FORBIDDEN_RESOURCES.items():
        if resource in resources:
            yield f"rule {index} grants {resource}, which {danger}.", f"remove {resource}; {_DERIVE}."
    for verb in strings(lookup(rule, "verbs")):
        if verb in FORBIDDEN_VERBS:
            yield f"rule {index} grants the verb {verb}, which {FORBIDDEN_VERBS[verb]}.", f"remove {verb}; {_DERIVE}."
    for resource in XCOM_RESOURCES.intersection(resources):
        if not xcom_push:
            yield (
                f"rule {index} grants {resource}, which only XCom needs, and XCom push is off.",
                f"remove {resource}, or turn xcom_push on (namespace label gke-kpo/xcom-push=true).",
            )


def _rules(subject: Subject, facts: StackFacts) -> Iterator[str]:
    xcom_push = facts.intent().xcom_push
    for index, rule in enumerate(items(lookup(subject.props, "rules"))):
        for problem, fix in _rule_violations(index, rule, xcom_push):
            yield subject.says(problem, fix)


def _binding(subject: Subject, facts: StackFacts) -> Iterator[str]:
    if lookup(subject.props, "roleRef", "kind") == "ClusterRole":
        yield subject.says(
            f"binds the ClusterRole {lookup(subject.props, 'roleRef', 'name')!r}, whose rules live outside this stack.",
            "bind the namespaced Role declared by this stack.",
        )
    identity = facts.intent().airflow_identity
    for entry in items(lookup(subject.props, "subjects")):
        name = lookup(entry, "name")
        kind = lookup(entry, "kind")
        if name in PUBLIC_SUBJECTS:
            yield subject.says(
                f"binds {kind} {name}, i.e. everyone who can reach the API server.", "remove that subject."
            )
        elif name != identity:
            yield subject.says(
                f"binds {kind} {name!r}, which is not the configured Airflow identity {identity!r}.",
                "bind only kind User with the Airflow service account e-mail "
                "(namespace annotation gke-kpo/airflow-identity).",
            )


POLICY: Final = StackValidationPolicy(
    name="rbac-least-privilege",
    description=(
        "No ClusterRole/ClusterRoleBinding; no wildcard in any rule; no secrets, nodes/proxy, bind, escalate or "
        "impersonate; pods/exec only with XCom; RoleBinding subjects only the Airflow identity, never system groups."
    ),
    severity=Severity.CRITICAL,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps=(
        "Build the Role's rules with gke_kpo.permissions.rbac_rules(xcom_push) and bind only the Airflow identity."
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
