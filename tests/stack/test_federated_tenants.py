"""identity_mode federated inside gke-kpo:tenants: parsing, defaults and every problem named by its path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gke_kpo.cloud import federation as build
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError
from gke_kpo.config.settings import IdentityMode, Settings

PROJECT = "acme-data-dev"
NUMBER = "123456789012"
BASE = {"project": PROJECT, "master_authorized_networks": '["203.0.113.0/24"]', "cluster_name": "kpo-test"}
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
OTHER_ISSUER = "https://oidc.prod-aks.azure.com/tenant-id/issuer-id/"


def federated(namespace: str, issuer: str = ISSUER, **fields: Any) -> dict[str, Any]:
    subjects = [f"system:serviceaccount:{namespace}:{namespace}-worker"]
    return {
        "identity_mode": "federated",
        "federation": {"preset": "eks", "issuer": issuer, "subjects": subjects, **fields},
    }


def settings_for(tenants: dict[str, Any], **stack: str) -> Settings:
    return parse_settings({**BASE, "project_number": NUMBER, **stack, "tenants": json.dumps(tenants)}, "test")


def problems_for(tenants: dict[str, Any], **stack: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        settings_for(tenants, **stack)
    return {problem.key: f"{problem.message} Fix: {problem.fix}" for problem in caught.value.problems}


def test_a_federated_tenant_becomes_a_google_account_named_after_it() -> None:
    settings = settings_for({"ext": federated("astro-ext")})
    (tenant,) = settings.tenants
    assert tenant.identity.mode is IdentityMode.FEDERATED
    assert tenant.identity.email == f"airflow-ext@{PROJECT}.iam.gserviceaccount.com"
    assert tenant.identity.federation is not None
    assert tenant.identity.federation.audience == "sts.amazonaws.com"
    assert (settings.project_number, settings.federation_pool_id) == (NUMBER, build.pool_id("kpo-test"))
    assert settings.federated_tenants == (tenant,)


def test_account_id_and_pool_id_can_be_chosen() -> None:
    settings = settings_for({"ext": federated("astro-ext", account_id="astro-ext-kpo")}, federation_pool_id="kpo-2")
    assert settings.tenants[0].identity.email == f"astro-ext-kpo@{PROJECT}.iam.gserviceaccount.com"
    assert settings.federation_pool_id == "kpo-2"


def test_project_number_is_needed_only_with_a_federated_tenant() -> None:
    astro = {"airflow_service_account": f"astro-ml@{PROJECT}.iam.gserviceaccount.com"}
    assert parse_settings({**BASE, "tenants": json.dumps({"ml": astro})}, "test").project_number == ""
    problems = problems_for({"ext": federated("astro-ext")}, project_number="")
    assert "tenant ext is federated" in problems["project_number"]
    assert f"gcloud projects describe {PROJECT}" in problems["project_number"]


@pytest.mark.parametrize(
    ("stack", "key"),
    [
        ({"project_number": "acme-data-dev"}, "project_number"),
        ({"federation_pool_id": "gcp-pool"}, "federation_pool_id"),
    ],
)
def test_bad_stack_level_federation_keys(stack: dict[str, str], key: str) -> None:
    assert key in problems_for({"ext": federated("astro-ext")}, **stack)


def test_every_federation_problem_is_collected_with_its_path() -> None:
    bad = {
        "identity_mode": "federated",
        "federation": {"issuer": "http://oidc.example.com", "subjects": ["worker"], "token_path": "token"},
    }
    problems = problems_for({"ext": bad, "ml": {"airflow_service_account": "not-an-email"}})
    assert {
        "tenants.ext.federation.issuer",
        "tenants.ext.federation.subjects",
        "tenants.ext.federation.token_path",
        "tenants.ext.federation.audience",
        "tenants.ml.airflow_service_account",
    } <= set(problems)
    assert "unpinned" not in problems["tenants.ext.federation.issuer"]
    assert "https" in problems["tenants.ext.federation.issuer"]


@pytest.mark.parametrize(
    ("tenant", "key", "words"),
    [
        ({"identity_mode": "federated"}, "tenants.ext.federation", "is required with identity_mode federated"),
        (
            {"airflow_service_account": f"a@{PROJECT}.iam.gserviceaccount.com", "federation": {"issuer": ISSUER}},
            "tenants.ext.federation",
            "only used with identity_mode federated",
        ),
        (
            {**federated("astro-ext"), "airflow_service_account": f"a@{PROJECT}.iam.gserviceaccount.com"},
            "tenants.ext.airflow_service_account",
            "creates the account from federation.account_id",
        ),
        (federated("astro-ext", isuer=ISSUER), "tenants.ext.federation.isuer", "did you mean issuer?"),
        ({"identity_mode": "federated", "federation": "eks"}, "tenants.ext.federation", "not a YAML object"),
    ],
)
def test_mode_and_federation_go_together(tenant: dict[str, Any], key: str, words: str) -> None:
    problems = problems_for({"ext": tenant})
    assert key in problems, problems
    assert words in problems[key]


def test_one_workload_in_two_tenants_is_refused() -> None:
    problems = problems_for({"ext-a": federated("shared"), "ext-b": federated("shared")})
    message = problems["tenants.ext-b.federation.subjects"]
    assert "tenant ext-a's Airflow too" in message


def test_the_same_service_account_name_on_another_issuer_is_another_workload() -> None:
    settings = settings_for({"ext-a": federated("shared"), "ext-b": federated("shared", issuer=OTHER_ISSUER)})
    assert len(settings.federated_tenants) == 2


def test_two_federated_tenants_cannot_share_an_account() -> None:
    tenants = {"ext-a": federated("a", account_id="airflow-ext"), "ext-b": federated("b", account_id="airflow-ext")}
    problems = problems_for(tenants)
    assert "tenants.ext-b.federation.account_id" in problems


@pytest.mark.parametrize(
    ("field", "value", "type_"),
    [
        ("subjects", "system:serviceaccount:a:b", "array"),
        ("subjects", [1], "array"),
        ("issuer", 5, "string"),
        ("kubernetes_issuer", "false", "boolean"),
    ],
)
def test_a_field_of_another_yaml_type_is_named_once(field: str, value: Any, type_: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_for({"ext": federated("astro-ext", **{field: value})})
    (problem,) = [problem for problem in caught.value.problems if problem.key == f"tenants.ext.federation.{field}"]
    expected = f"{value!r} is a number, not a string" if type_ == "string" else f"{value!r} is not a YAML {type_}"
    assert problem.message == expected
