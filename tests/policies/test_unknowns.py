"""Unknown values (preview): a known violation still reports, and the SDK's preview note still appears."""

from __future__ import annotations

from pulumi.runtime.rpc import UNKNOWN

from policies.kpo_policies import custom_role_least_privilege, gke_hardening, no_broad_roles, rbac_least_privilege
from policies.kpo_policies import resource_types as t

from .harness import run_policy
from .stacks import good_stack, mutated


def test_unknown_field_defers_only_its_own_check() -> None:
    stack = mutated(good_stack(), t.CLUSTER, "kpo", "enableLegacyAbac", True)
    stack = mutated(stack, t.NODE_POOL, "system", "nodeConfig.serviceAccount", UNKNOWN)
    outcome = run_policy(gke_hardening.POLICY, stack)
    assert any("legacy ABAC is on" in m for m in outcome.messages)
    assert outcome.unknown is not None
    assert outcome.unknown.props == ["nodeConfig", "serviceAccount"]


def test_unknown_in_one_resource_keeps_the_rest_of_the_stack_policy() -> None:
    stack = mutated(good_stack(), t.ROLE_BINDING, "binding", "subjects", UNKNOWN)
    stack = mutated(stack, t.ROLE, "role", "rules.0.verbs", ["escalate"])
    outcome = run_policy(rbac_least_privilege.POLICY, stack)
    assert any("the verb escalate" in m for m in outcome.messages)
    assert outcome.unknown is not None


def test_unknown_member_of_a_forbidden_role_still_blocks() -> None:
    """The role is what no-broad-roles judges; an unknown member does not hide it."""
    stack = mutated(good_stack(), t.PROJECT_IAM_MEMBER, "binding", "role", "roles/owner")
    stack = mutated(stack, t.PROJECT_IAM_MEMBER, "binding", "member", UNKNOWN)
    outcome = run_policy(no_broad_roles.POLICY, stack)
    assert any("grants roles/owner to <member unknown until pulumi up>" in m for m in outcome.messages)


def test_unknown_member_defers_matching_the_airflow_identity() -> None:
    """custom-role-least-privilege must know who holds the role; it defers rather than guess."""
    stack = mutated(
        good_stack(), t.CUSTOM_ROLE, "role", "permissions", ["container.clusters.get", "container.pods.list"]
    )
    stack = mutated(stack, t.PROJECT_IAM_MEMBER, "binding", "member", UNKNOWN)
    outcome = run_policy(custom_role_least_privilege.POLICY, stack)
    assert outcome.messages == []
    assert outcome.unknown is not None


def test_unknown_permissions_defer_custom_role_check() -> None:
    stack = mutated(good_stack(), t.CUSTOM_ROLE, "role", "permissions", UNKNOWN)
    outcome = run_policy(custom_role_least_privilege.POLICY, stack)
    assert outcome.messages == []
    assert outcome.unknown is not None
