"""Every policy holds per tenant namespace in a stack with two tenants."""

from __future__ import annotations

import pytest
from pulumi_policy import Policy

from gke_kpo.cloud.permissions import rbac_rules
from policies.kpo_policies import (
    custom_role_least_privilege,
    namespace_guardrails,
    no_broad_roles,
    rbac_least_privilege,
    stack_complete,
    tenant_isolation,
)
from policies.kpo_policies import resource_types as t
from policies.kpo_policies.pack import POLICIES

from .harness import run_policy
from .stacks import IDENTITY, OTHER_IDENTITY, OTHER_NAMESPACE, mutated, two_tenant_stack, without


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
@pytest.mark.parametrize("gpu", [False, True])
def test_two_tenant_stack_passes(policy: Policy, gpu: bool) -> None:
    outcome = run_policy(policy, two_tenant_stack(gpu=gpu))
    assert outcome.messages == [] and outcome.unknown is None


def test_a_binding_to_the_other_tenants_identity_fails() -> None:
    stack = mutated(two_tenant_stack(), t.ROLE_BINDING, "b-binding", "subjects.0.name", IDENTITY)
    assert run_policy(rbac_least_privilege.POLICY, stack).messages == []  # tenant-isolation owns this mistake
    outcome = run_policy(tenant_isolation.POLICY, stack)
    [message] = outcome.messages
    assert "'b-binding'" in message and IDENTITY in message and OTHER_IDENTITY in message


def test_xcom_is_judged_per_tenant() -> None:
    """team-a may exec (XCom on); the same rules in team-b (XCom off) are refused there only."""
    stack = mutated(two_tenant_stack(xcom_push=True), t.ROLE, "b-role", "rules", rbac_rules(True))
    [message] = run_policy(rbac_least_privilege.POLICY, stack).messages
    assert "'b-role'" in message and "pods/exec" in message


def test_a_role_binding_in_a_namespace_no_tenant_owns_fails() -> None:
    stack = mutated(two_tenant_stack(), t.ROLE_BINDING, "b-binding", "metadata.namespace", "kube-system")
    [message] = run_policy(tenant_isolation.POLICY, stack).messages
    assert "'b-binding'" in message and "namespace 'kube-system', which no tenant owns" in message


def test_each_tenant_namespace_needs_its_quota() -> None:
    stack = [r for r in two_tenant_stack() if r.name != "b-quota"]
    [message] = run_policy(namespace_guardrails.POLICY, stack).messages
    assert repr(OTHER_NAMESPACE) in message and "ResourceQuota" in message


def test_each_tenant_identity_needs_the_custom_role() -> None:
    stack = [r for r in two_tenant_stack() if r.name != "b-binding" or r.type != t.PROJECT_IAM_MEMBER]
    [message] = run_policy(stack_complete.POLICY, stack).messages
    assert OTHER_IDENTITY in message


def test_the_shared_custom_role_is_judged_for_every_bound_tenant() -> None:
    stack = mutated(two_tenant_stack(), t.CUSTOM_ROLE, "role", "permissions", ["container.clusters.get",
                                                                                "container.pods.create"])  # fmt: skip
    [message] = run_policy(custom_role_least_privilege.POLICY, stack).messages
    assert "container.pods.create" in message


@pytest.mark.parametrize(
    "role",
    [
        "roles/owner",
        "roles/editor",
        "roles/storage.admin",
        "roles/bigquery.admin",
        "roles/resourcemanager.projectIamAdmin",
        "roles/iam.serviceAccountTokenCreator",
        "roles/iam.serviceAccountUser",
        "roles/iam.securityAdmin",
    ],
)
def test_task_service_account_roles_pass_the_deny_rules(role: str) -> None:
    stack = mutated(two_tenant_stack(), t.PROJECT_IAM_MEMBER, "b-task-role", "role", role)
    [message] = run_policy(no_broad_roles.POLICY, stack).messages
    assert "'b-task-role'" in message and role in message


def test_the_stack_intent_needs_a_tenant_namespace() -> None:
    outcome = run_policy(stack_complete.POLICY, without(two_tenant_stack(), t.NAMESPACE))
    assert outcome.mentions("no Namespace carries the gke-kpo intent labels")
