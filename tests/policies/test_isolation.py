"""Several tenants on one cluster: each is fenced into its own namespace, and every fence is checked."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_policy import Policy, PolicyResource, StackValidationArgs, StackValidationPolicy

from gke_kpo.cloud.permissions import AccessModel, rbac_rules
from policies.kpo_policies import (
    namespace_guardrails,
    no_broad_roles,
    rbac_least_privilege,
    stack_complete,
    tenant_isolation,
)
from policies.kpo_policies import resource_types as t
from policies.kpo_policies.pack import POLICIES

from .harness import run_policy
from .stacks import (
    DELETE,
    PROJECT,
    Resource,
    mutated,
    role_binding,
    tenant_named,
    tenants_stack,
    user,
    with_extra,
)

ML = tenant_named("ml-dev", xcom_push=True)
ETL = tenant_named("etl-dev")
Stack = list[Resource]


def two_tenants(**changes: Any) -> Stack:
    return tenants_stack(ML, ETL, **changes)


def _m(type_: str, name: str, path: str, value: object) -> Callable[[], Stack]:
    return lambda: mutated(two_tenants(), type_, name, path, value)


def _without(type_: str, name: str) -> Callable[[], Stack]:
    return lambda: [r for r in two_tenants() if not (r.type == type_ and r.name == name)]


def _extra(*resources: Resource) -> Callable[[], Stack]:
    return lambda: with_extra(two_tenants(), *resources)


def _task_account(namespace: str, gsa: str) -> Resource:
    return Resource(
        t.SERVICE_ACCOUNT,
        f"task-{namespace}",
        {
            "metadata": {
                "name": "kpo-task",
                "namespace": namespace,
                "annotations": {"iam.gke.io/gcp-service-account": gsa},
            }
        },
    )


def _task_role(role: str) -> Resource:
    task_sa = f"serviceAccount:etl-dev-tasks@{PROJECT}.iam.gserviceaccount.com"
    return Resource(t.PROJECT_IAM_MEMBER, "task-role", {"project": PROJECT, "role": role, "member": task_sa})


@dataclass(frozen=True)
class Case:
    id: str
    policy: Policy
    build: Callable[[], Stack]
    expected: tuple[str, ...]
    """Texts the violation must contain: the problem, and the namespace, subject and fix it names."""


SHARED_TASK_GSA = f"shared-tasks@{PROJECT}.iam.gserviceaccount.com"
CASES = [
    Case(
        "binding-to-other-tenant",
        tenant_isolation.POLICY,
        _m(t.ROLE_BINDING, "etl-dev-binding", "subjects.0", user(ML.identity)),
        (
            f"binds User '{ML.identity}' of tenant namespace 'ml-dev' in namespace 'etl-dev'",
            "one team could read another team's pods and logs",
            f"Fix: remove that subject; bind '{ML.identity}' only in 'ml-dev' and only '{ETL.identity}' in 'etl-dev'",
        ),
    ),
    Case(
        "second-subject-of-other-tenant",
        tenant_isolation.POLICY,
        _m(t.ROLE_BINDING, "ml-dev-binding", "subjects", [user(ML.identity), user(ETL.identity)]),
        (f"'ml-dev-binding': binds User '{ETL.identity}' of tenant namespace 'etl-dev' in namespace 'ml-dev'",),
    ),
    Case(
        "identity-bound-in-unowned-namespace",
        tenant_isolation.POLICY,
        _extra(role_binding("stray", "default", user(ETL.identity))),
        (
            f"binds User '{ETL.identity}' of tenant namespace 'etl-dev' in namespace 'default', which no tenant owns",
            f"Fix: remove that subject; bind '{ETL.identity}' only in 'etl-dev'.",
        ),
    ),
    Case(
        "other-tenant-service-account",
        tenant_isolation.POLICY,
        _extra(role_binding("tasks", "ml-dev", {"kind": "ServiceAccount", "name": "kpo-task", "namespace": "etl-dev"})),
        ("binds ServiceAccount etl-dev/kpo-task of tenant namespace 'etl-dev' in namespace 'ml-dev'",),
    ),
    Case(
        "cluster-role-binding-of-a-tenant",
        tenant_isolation.POLICY,
        _extra(Resource(t.CLUSTER_ROLE_BINDING, "crb", {"subjects": [user(ML.identity)]})),
        (f"binds User '{ML.identity}' of tenant namespace 'ml-dev' in every namespace",),
    ),
    Case(
        "project-model-with-two-tenants",
        tenant_isolation.POLICY,
        lambda: tenants_stack(
            tenant_named("ml-dev", access_model=AccessModel.PROJECT),
            tenant_named("etl-dev", access_model=AccessModel.PROJECT),
        ),
        ("the tenants 'ml-dev', 'etl-dev' are not fenced", "Fix: set access_model to namespaced"),
    ),
    Case(
        "task-gsa-shared",
        tenant_isolation.POLICY,
        _extra(_task_account("ml-dev", SHARED_TASK_GSA), _task_account("etl-dev", SHARED_TASK_GSA)),
        (f"'{SHARED_TASK_GSA}' is the task (or Airflow) identity of tenant namespaces 'etl-dev', 'ml-dev'",),
    ),
    Case(
        "task-gsa-is-other-airflow",
        tenant_isolation.POLICY,
        _extra(_task_account("etl-dev", ML.identity)),
        (f"'{ML.identity}' is the task (or Airflow) identity of tenant namespaces 'etl-dev', 'ml-dev'",),
    ),
    Case(
        "exec-in-the-tenant-without-xcom",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "etl-dev-role", "rules", rbac_rules(True)),
        (
            "'etl-dev-role': rule 3 (namespace 'etl-dev') grants pods/exec, which only XCom needs",
            "Fix: remove pods/exec",
        ),
    ),
    Case(
        "second-tenant-without-quota",
        namespace_guardrails.POLICY,
        _without(t.RESOURCE_QUOTA, "etl-dev-quota"),
        ("'etl-dev-tasks': the tenant namespace 'etl-dev' has no ResourceQuota", "Fix: declare a ResourceQuota"),
    ),
    Case(
        "second-tenant-without-gpu-cap",
        namespace_guardrails.POLICY,
        _m(t.RESOURCE_QUOTA, "etl-dev-quota", "spec.hard", {"pods": "20"}),
        ("no ResourceQuota in 'etl-dev' caps requests.nvidia.com/gpu", "every GPU of the shared pool"),
    ),
    Case(
        "second-tenant-without-limits",
        namespace_guardrails.POLICY,
        _without(t.LIMIT_RANGE, "etl-dev-limits"),
        ("the tenant namespace 'etl-dev' has no LimitRange", "Fix: declare a LimitRange in 'etl-dev'"),
    ),
    Case(
        "second-tenant-without-role",
        stack_complete.POLICY,
        _without(t.ROLE, "etl-dev-role"),
        ("the tenant namespace 'etl-dev' has no Role", "Fix: declare the Role kpo-launcher in 'etl-dev'"),
    ),
    Case(
        "second-tenant-without-binding",
        stack_complete.POLICY,
        _without(t.ROLE_BINDING, "etl-dev-binding"),
        ("the tenant namespace 'etl-dev' has no RoleBinding",),
    ),
    Case(
        "second-tenant-without-custom-role",
        stack_complete.POLICY,
        _without(t.PROJECT_IAM_MEMBER, "etl-dev-binding"),
        (f"binds the custom role to serviceAccount:{ETL.identity}", f"and member serviceAccount:{ETL.identity}"),
    ),
    Case(
        "identity-in-two-tenants",
        stack_complete.POLICY,
        _m(t.NAMESPACE, "etl-dev-tasks", "metadata.annotations.gke-kpo/airflow-identity", ML.identity),
        (f"identity '{ML.identity}' is the Airflow identity of namespaces 'ml-dev' and 'etl-dev'",),
    ),
    Case(
        "second-tenant-intent-unreadable",
        stack_complete.POLICY,
        _m(t.NAMESPACE, "etl-dev-tasks", "metadata.labels.gke-kpo/gpu-pool", DELETE),
        ("namespace 'etl-dev': label gke-kpo/gpu-pool is None",),
    ),
    *[
        Case(f"task-role-{role}", no_broad_roles.POLICY, _extra(_task_role(role)), (f"grants {role} to ", reason))
        for role, reason in [
            ("roles/editor", "a basic role"),
            ("roles/storage.admin", "an admin role administers"),
            ("roles/iam.securityAdmin", "IAM roles at project level"),
            ("roles/iam.serviceAccountKeyAdmin", "IAM roles at project level"),
            ("roles/iam.serviceAccountTokenCreator", "act as every service account"),
            ("roles/resourcemanager.projectIamAdmin", "IAM roles at project level"),
            ("roles/bigquery.admin", "an admin role administers"),
        ]
    ],
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_isolation_violation_is_reported(case: Case) -> None:
    outcome = run_policy(case.policy, case.build())
    matching = [m for m in outcome.messages if all(text in m for text in case.expected)]
    assert matching, outcome.messages
    assert all("Fix: " in message for message in matching)
    assert outcome.unknown is None


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_two_tenants_pass_every_policy(policy: Policy) -> None:
    outcome = run_policy(policy, two_tenants())
    assert outcome.messages == [] and outcome.unknown is None


@pytest.mark.parametrize("role", ["roles/storage.objectViewer", "roles/bigquery.dataEditor", "roles/logging.logWriter"])
def test_narrow_task_roles_pass(role: str) -> None:
    assert run_policy(no_broad_roles.POLICY, with_extra(two_tenants(), _task_role(role))).messages == []


def test_task_accounts_of_their_own_pass() -> None:
    stack = with_extra(
        two_tenants(),
        _task_account("ml-dev", f"ml-dev-tasks@{PROJECT}.iam.gserviceaccount.com"),
        _task_account("etl-dev", f"etl-dev-tasks@{PROJECT}.iam.gserviceaccount.com"),
    )
    assert run_policy(tenant_isolation.POLICY, stack).messages == []


def test_cross_tenant_binding_is_reported_once() -> None:
    """rbac-least-privilege leaves another tenant's identity to tenant-isolation, so one mistake is one message."""
    stack = mutated(two_tenants(), t.ROLE_BINDING, "etl-dev-binding", "subjects.0", user(ML.identity))
    assert run_policy(rbac_least_privilege.POLICY, stack).messages == []
    assert len(run_policy(tenant_isolation.POLICY, stack).messages) == 1


def test_a_stranger_is_still_reported_by_rbac() -> None:
    stack = mutated(two_tenants(), t.ROLE_BINDING, "etl-dev-binding", "subjects.0", user("x@elsewhere.com"))
    outcome = run_policy(rbac_least_privilege.POLICY, stack)
    assert outcome.mentions(
        f"'x@elsewhere.com', which is not the Airflow identity of the tenant owning this namespace ('{ETL.identity}')"
    )


class _Counted:
    """Counts every property read the policies make, however deep."""

    reads = 0


class _CountingDict(dict[str, Any]):
    def __getitem__(self, key: str) -> Any:
        _Counted.reads += 1
        return super().__getitem__(key)


class _CountingList(list[Any]):
    def __getitem__(self, index: Any) -> Any:
        _Counted.reads += 1
        return super().__getitem__(index)


def _counting(value: Any) -> Any:
    if isinstance(value, dict):
        return _CountingDict({key: _counting(item) for key, item in value.items()})
    if isinstance(value, list):
        return _CountingList(_counting(item) for item in value)
    return value


def _stack_reads(tenant_count: int) -> int:
    tenants = [tenant_named(f"team-{index}", xcom_push=index % 2 == 0) for index in range(tenant_count)]
    resources = [
        PolicyResource(r.type, _counting(copy.deepcopy(r.props)), r.urn, r.name, None, None, None, [], {})  # type: ignore[arg-type]
        for r in tenants_stack(*tenants)
    ]
    messages: list[str] = []

    def report(message: str, urn: str | None = None) -> None:
        messages.append(message)

    _Counted.reads = 0
    for policy in POLICIES:
        if isinstance(policy, StackValidationPolicy):
            policy.validate(StackValidationArgs(resources, {}), report)
    assert messages == [], messages[:3]
    return _Counted.reads


def test_stack_policies_read_each_resource_a_bounded_number_of_times() -> None:
    """Linear, not quadratic: ten times the tenants, at most ten times the property reads."""
    ten, hundred = _stack_reads(10), _stack_reads(100)
    assert hundred <= 10 * ten, (ten, hundred)
    assert hundred >= 5 * ten, (ten, hundred)  # the count does grow with the tenants: it measures something
