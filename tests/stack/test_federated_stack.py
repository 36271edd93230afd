"""The dev stack's federated tenant ext-dev under mocks: the pool, its provider, the tenant's account, its
subject-level grants, what RBAC and the custom role bind, the outputs and the resource options."""

from __future__ import annotations

import pytest

from gke_kpo.cloud import federation as build
from gke_kpo.cloud import replacement as review
from gke_kpo.contract import outputs
from gke_kpo.preview.capture import Plan, PlannedResource
from tests.stack.conftest import OptionsFor, PlanFor

TENANT, ACCOUNT = "ext-dev", "airflow-ext-dev-gsa"
NUMBER = "123456789012"
POOL = build.pool_id("kpo-dev")
POOL_NAME = f"{POOL}-pool"
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0000000000000000000000000"
PROVIDER = f"{POOL}-{build.provider_id(ISSUER)}"
EMAIL = "airflow-ext-dev@acme-airflow-dev.iam.gserviceaccount.com"
SUBJECTS = [
    "system:serviceaccount:astro-ext-dev:astro-ext-dev-worker",
    "system:serviceaccount:astro-ext-dev:astro-ext-dev-triggerer",
]


@pytest.fixture(scope="module")
def dev(plan_for: PlanFor) -> Plan:
    return plan_for("dev")


def the(plan: Plan, type_: str) -> PlannedResource:
    (resource,) = plan.of_type(type_)
    return resource


def grants(plan: Plan) -> list[PlannedResource]:
    return [r for r in plan.of_type(review.SERVICE_ACCOUNT_IAM_MEMBER) if r.name.startswith(f"{ACCOUNT}-subject-")]


def test_one_pool_and_one_pinned_provider(dev: Plan) -> None:
    assert the(dev, review.WORKLOAD_IDENTITY_POOL).inputs["workloadIdentityPoolId"] == POOL
    provider = the(dev, review.WORKLOAD_IDENTITY_POOL_PROVIDER).inputs
    assert provider["attributeCondition"] == build.attribute_condition(SUBJECTS)
    assert provider["attributeMapping"] == {"google.subject": "assertion.sub"}
    assert provider["oidc"]["allowedAudiences"] == ["sts.amazonaws.com"]
    assert provider["oidc"]["issuerUri"] == ISSUER


def test_each_subject_may_impersonate_only_the_tenant_account(dev: Plan) -> None:
    members = sorted(g.inputs["member"] for g in grants(dev))
    assert members == sorted(build.principal_member(NUMBER, POOL, subject) for subject in SUBJECTS)
    assert {g.inputs["role"] for g in grants(dev)} == {"roles/iam.workloadIdentityUser"}
    assert not [r for r in dev.resources if "principalSet://" in str(r.inputs)]


def test_rbac_and_the_custom_role_see_the_federated_account(dev: Plan) -> None:
    (binding,) = [r for r in dev.of_type(review.ROLE_BINDING) if r.name == f"{TENANT}-role-binding"]
    assert binding.inputs["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": EMAIL}]
    (member,) = [
        r for r in dev.of_type(review.PROJECT_IAM_MEMBER) if r.name == "airflow-ext-dev@acme-airflow-dev-binding"
    ]
    assert member.inputs["member"] == f"serviceAccount:{EMAIL}"
    account = next(r for r in dev.of_type(review.SERVICE_ACCOUNT) if r.name == ACCOUNT)
    assert account.urn in member.dependencies, "the custom role is bound once the account exists"


def test_outputs_say_federated_and_carry_the_credential_configuration(dev: Plan) -> None:
    tenant = dev.outputs[outputs.TENANTS][TENANT]
    assert (tenant[outputs.IDENTITY_MODE], tenant[outputs.AIRFLOW_IDENTITY]) == ("federated", EMAIL)
    config = tenant[outputs.CREDENTIAL_CONFIG]
    assert config["type"] == "external_account"
    assert config["audience"] == build.provider_audience(NUMBER, POOL, build.provider_id(ISSUER))
    assert config["credential_source"]["file"] == "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"
    assert config["service_account_impersonation_url"].endswith(f"/serviceAccounts/{EMAIL}:generateAccessToken")
    assert "private_key" not in str(config)
    others = [t for name, t in dev.outputs[outputs.TENANTS].items() if name != TENANT]
    assert others and all(t[outputs.CREDENTIAL_CONFIG] is None for t in others)


def test_grants_wait_for_the_pool_and_provider_not_the_cluster(options_for: OptionsFor) -> None:
    options = options_for("dev")
    federated = [
        declared
        for (type_, name), declared in options.items()
        if type_ == review.SERVICE_ACCOUNT_IAM_MEMBER and name.startswith(f"{ACCOUNT}-subject-")
    ]
    assert len(federated) == len(SUBJECTS)
    assert all(set(declared.depends_on) == {ACCOUNT, POOL_NAME, PROVIDER} for declared in federated)
    assert options[(review.WORKLOAD_IDENTITY_POOL_PROVIDER, PROVIDER)].depends_on == (POOL_NAME,)


def test_the_account_is_deleted_before_it_is_replaced_and_the_pool_is_not(options_for: OptionsFor) -> None:
    """Same account_id after a replacement would collide; pool and provider ids change whenever they are
    replaced (docs/federation.md), and a deleted pool's id stays taken for 30 days anyway."""
    options = options_for("dev")
    assert options[(review.SERVICE_ACCOUNT, ACCOUNT)].delete_before_replace is True
    assert options[(review.WORKLOAD_IDENTITY_POOL, POOL_NAME)].delete_before_replace is False


@pytest.mark.parametrize("protected", [False, True])
def test_the_pool_and_provider_are_protected_with_the_cluster(plan_for: PlanFor, protected: bool) -> None:
    plan = plan_for("dev", deletion_protection=protected)
    for type_ in (review.WORKLOAD_IDENTITY_POOL, review.WORKLOAD_IDENTITY_POOL_PROVIDER):
        assert the(plan, type_).protect is protected


def test_no_pool_without_a_federated_tenant(plan_for: PlanFor) -> None:
    prod = plan_for("prod")
    assert prod.of_type(review.WORKLOAD_IDENTITY_POOL) == []
    assert all(t[outputs.CREDENTIAL_CONFIG] is None for t in prod.outputs[outputs.TENANTS].values())
