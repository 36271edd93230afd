"""federation-pinned: a federated identity admits exactly the listed workloads, and nothing wider."""

from __future__ import annotations

import pytest

from gke_kpo.cloud import federation as build
from policies.kpo_policies import federation_pinned, no_broad_roles
from policies.kpo_policies import resource_types as t
from policies.kpo_policies.cel_subjects import pinned_subjects
from policies.kpo_policies.pack import POLICIES

from .harness import run_policy
from .stacks import (
    DELETE,
    FEDERATED_SUBJECTS,
    POOL,
    PROJECT_NUMBER,
    Resource,
    federated_resources,
    good_stack,
    mutated,
    with_extra,
)

PROVIDER = t.WORKLOAD_IDENTITY_POOL_PROVIDER
POOL_SET = (
    f"principalSet://iam.googleapis.com/projects/{PROJECT_NUMBER}/locations/global/workloadIdentityPools/{POOL}/*"
)


def _stack() -> list[Resource]:
    return with_extra(good_stack(), *federated_resources())


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_a_pinned_federated_identity_passes_every_policy(policy: object) -> None:
    outcome = run_policy(policy, _stack())  # type: ignore[arg-type]
    assert outcome.messages == []
    assert outcome.unknown is None


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("attributeCondition", DELETE, "has no attributeCondition"),
        ("attributeCondition", "", "has no attributeCondition"),
        ("attributeCondition", "assertion.sub.startsWith('system:serviceaccount:astro-x:')", "does not pin subjects"),
        ("attributeCondition", "assertion.sub == 'a' || true", "does not pin subjects"),
        ("attributeCondition", "'astro-x' in assertion.sub", "does not pin subjects"),
        ("oidc.allowedAudiences", DELETE, "accepts audiences none"),
        ("oidc.allowedAudiences", [], "accepts audiences none"),
        ("oidc.allowedAudiences", ["*"], "accepts audiences '*'"),
        ("oidc.issuerUri", "http://oidc.example.com", "not https://"),
    ],
)
def test_each_unpinned_provider_is_refused_with_the_fix(path: str, value: object, expected: str) -> None:
    outcome = run_policy(federation_pinned.POLICY, mutated(_stack(), PROVIDER, "provider", path, value))
    [message] = outcome.messages
    assert expected in message and "'provider'" in message and "Fix: " in message


def test_unpinned_condition_message_warns_about_shared_issuers() -> None:
    outcome = run_policy(federation_pinned.POLICY, mutated(_stack(), PROVIDER, "provider", "attributeCondition", ""))
    assert outcome.mentions("shared multi-customer cluster issuer")


@pytest.mark.parametrize("role", ["roles/iam.workloadIdentityUser", "roles/iam.serviceAccountTokenCreator"])
@pytest.mark.parametrize("grant_type", [t.SA_IAM_MEMBER, t.PROJECT_IAM_MEMBER])
def test_a_grant_to_a_pool_set_is_refused(role: str, grant_type: str) -> None:
    grant = Resource(grant_type, "pool-wide", {"role": role, "member": POOL_SET, "project": "acme-airflow"})
    outcome = run_policy(federation_pinned.POLICY, with_extra(_stack(), grant))
    [message] = outcome.messages
    assert "principalSet://" in message and "'pool-wide'" in message and "subject/<subject>" in message


def test_a_binding_listing_a_pool_set_is_refused() -> None:
    grant = Resource(t.SA_IAM_BINDING, "set", {"role": "roles/iam.workloadIdentityUser", "members": [POOL_SET]})
    assert run_policy(federation_pinned.POLICY, with_extra(_stack(), grant)).mentions("principalSet://")


def test_no_broad_roles_takes_a_subject_member_but_not_a_pool_set() -> None:
    grant = Resource(t.SA_IAM_MEMBER, "set", {"role": "roles/iam.workloadIdentityUser", "member": POOL_SET})
    assert run_policy(no_broad_roles.POLICY, _stack()).messages == []
    assert run_policy(no_broad_roles.POLICY, with_extra(_stack(), grant)).mentions("nor one federated subject")


@pytest.mark.parametrize(
    ("condition", "subjects"),
    [
        (build.attribute_condition(FEDERATED_SUBJECTS), sorted(FEDERATED_SUBJECTS)),
        ("google.subject == 'a:b'", ["a:b"]),
        ("(assertion.sub in ['x', 'y']) && assertion.aud == 'z'", ["x", "y"]),
        ("assertion.iss == 'i' && assertion.sub == 'a || b'", ["a || b"]),
        ("assertion.sub == 'a' || assertion.sub == 'b'", None),
        ("assertion.sub != 'a'", None),
        ("assertion.sub in []", None),
        ("true", None),
    ],
)
def test_pinned_subjects_reads_only_literal_pins(condition: str, subjects: list[str] | None) -> None:
    assert pinned_subjects(condition) == subjects
