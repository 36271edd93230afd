"""Federated identity settings, their validation, and the strings built for Google from them."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from gke_kpo.cloud import federation as build
from gke_kpo.cloud.federation import PRESETS, project_number_problem
from gke_kpo.config.federation import from_fields, validate
from gke_kpo.config.settings import FederatedIdentitySettings
from gke_kpo.spec.federation import allowed_audiences, by_issuer, credential_config
from gke_kpo.spec.kubeconfig import CREDENTIALS_ENV, kubeconfig_dict

PATH = "tenants.ml-aws.federation"
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
WORKER = "system:serviceaccount:astro-deploy:astro-deploy-worker"
TRIGGERER = "system:serviceaccount:astro-deploy:astro-deploy-triggerer"
NUMBER = "123456789012"


def _fields(**changes: Any) -> dict[str, Any]:
    return {"preset": "astro-aws", "issuer": ISSUER, "subjects": [WORKER, TRIGGERER], **changes}


def _identity(**changes: Any) -> FederatedIdentitySettings:
    settings, problems = from_fields(_fields(**changes), PATH, "airflow-ml-aws")
    assert problems == []
    return settings


def _problem_keys(**changes: Any) -> list[str]:
    return [problem.key for problem in from_fields(_fields(**changes), PATH, "airflow-ml-aws")[1]]


def test_preset_fills_token_path_and_audience() -> None:
    identity = _identity()
    assert (identity.token_path, identity.audience) == (
        "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
        "sts.amazonaws.com",
    )
    assert identity.account_id == "airflow-ml-aws"


def test_explicit_fields_override_the_preset() -> None:
    identity = _identity(audience="my-audience", token_path="/tokens/t")
    assert (identity.audience, identity.token_path) == ("my-audience", "/tokens/t")


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"issuer": "http://oidc.example.com"}, "issuer"),
        ({"issuer": "oidc.example.com"}, "issuer"),
        ({"subjects": []}, "subjects"),
        ({"subjects": ["astro-deploy-worker"]}, "subjects"),
        ({"subjects": ["system:serviceaccount:astro-deploy:*"]}, "subjects"),
        ({"subjects": [WORKER, WORKER]}, "subjects"),
        ({"token_path": "var/run/token"}, "token_path"),
        ({"audience": "*"}, "audience"),
        ({"preset": None, "audience": ""}, "audience"),
        ({"preset": "gke"}, "preset"),
        ({"account_id": "x"}, "account_id"),
        ({"issue": ISSUER}, "issue"),
    ],
)
def test_each_bad_value_is_a_problem_keyed_by_its_field(changes: dict[str, Any], key: str) -> None:
    fields = {k: v for k, v in _fields(**changes).items() if v is not None}
    problems = from_fields(fields, PATH, "airflow-ml-aws")[1]
    assert f"{PATH}.{key}" in [problem.key for problem in problems], problems
    assert all(problem.fix for problem in problems)


def test_unknown_field_suggests_the_nearest() -> None:
    [problem] = from_fields(_fields(issue=ISSUER), PATH, "airflow-ml-aws")[1]
    assert problem.key == f"{PATH}.issue"
    assert problem.fix.startswith("did you mean issuer?")


def test_non_kubernetes_issuer_takes_any_exact_subject() -> None:
    assert _problem_keys(subjects=["repo:acme/dags:ref:refs/heads/main"], kubernetes_issuer=False) == []


def test_provider_audience_preset_accepts_an_empty_audience() -> None:
    settings = FederatedIdentitySettings(ISSUER, (WORKER,), "", "/t", "airflow-ml-aws", preset="kubernetes")
    assert validate(settings, PATH) == []


def test_every_preset_has_an_absolute_token_path_and_says_what_was_verified() -> None:
    for preset in PRESETS.values():
        assert preset.token_path.startswith("/") and preset.verified and preset.issuer_hint


@pytest.mark.parametrize("value", ["acme-airflow", "12345", "0123456789", "12 345 678"])
def test_project_number_must_be_the_number(value: str) -> None:
    assert project_number_problem(value) is not None
    assert project_number_problem(NUMBER) is None


def test_ids_are_valid_and_stable() -> None:
    assert build.pool_id("kpo-dev") == "kpo-dev-airflow"
    assert build.pool_id("gcp-cluster") == "kpo-gcp-cluster-airflow"
    long_pool = build.pool_id("a" * 40)
    assert len(long_pool) <= 32 and long_pool.endswith("-airflow")
    assert build.provider_id(ISSUER) == build.provider_id(ISSUER) != build.provider_id(ISSUER + "x")
    # Google's id grammar for pools and providers: 4-32 of [a-z0-9-], a letter first, "gcp-" reserved.
    assert re.fullmatch(r"[a-z][a-z0-9-]{3,31}", build.provider_id(ISSUER))
    assert not build.provider_id(ISSUER).startswith("gcp-")


def test_condition_admits_exactly_the_listed_subjects() -> None:
    condition = build.attribute_condition([TRIGGERER, WORKER, WORKER])
    assert condition == f'assertion.sub in ["{TRIGGERER}", "{WORKER}"]'
    assert build.attribute_condition(['a"b']) == 'assertion.sub in ["a\\"b"]'


def test_members_are_single_principals_of_the_pool() -> None:
    member = build.principal_member(NUMBER, "kpo-dev-airflow", WORKER)
    assert member == (
        f"principal://iam.googleapis.com/projects/{NUMBER}/locations/global/"
        f"workloadIdentityPools/kpo-dev-airflow/subject/{WORKER}"
    )


def test_allowed_audiences_are_explicit_even_for_the_provider_default() -> None:
    kube = FederatedIdentitySettings(ISSUER, (WORKER,), "", "/t", "airflow-ml-aws", preset="kubernetes")
    provider = build.provider_id(ISSUER)
    assert allowed_audiences([kube], NUMBER, "p") == [
        f"https://iam.googleapis.com/projects/{NUMBER}/locations/global/workloadIdentityPools/p/providers/{provider}"
    ]
    assert allowed_audiences([_identity(), _identity()], NUMBER, "p") == ["sts.amazonaws.com"]


def test_identities_are_grouped_by_issuer() -> None:
    other = _identity(issuer="https://oidc.example.com")
    assert by_issuer([_identity(), other, _identity()]) == {
        ISSUER: [_identity(), _identity()],
        "https://oidc.example.com": [other],
    }


def test_credential_file_is_an_external_account_without_secret() -> None:
    email = "airflow-ml-aws@acme.iam.gserviceaccount.com"
    config = credential_config(_identity(), NUMBER, "p", email)
    provider = build.provider_id(ISSUER)
    assert config == {
        "universe_domain": "googleapis.com",
        "type": "external_account",
        "audience": f"//iam.googleapis.com/projects/{NUMBER}/locations/global/workloadIdentityPools/p/providers/"
        + provider,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "https://sts.googleapis.com/v1/token",
        "credential_source": {
            "file": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
            "format": {"type": "text"},
        },
        "service_account_impersonation_url": (
            f"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{email}:generateAccessToken"
        ),
    }
    assert json.loads(build.credential_file(config)) == config
    assert not {"private_key", "client_secret", "refresh_token"} & set(json.dumps(config).split('"'))


def test_kubeconfig_sets_the_credential_file_only_on_the_exec_entry() -> None:
    plain = kubeconfig_dict("p", "l", "c", "1.2.3.4", "Q0E=")
    federated = kubeconfig_dict("p", "l", "c", "1.2.3.4", "Q0E=", credentials_path=build.CREDENTIALS_PATH_IN_IMAGE)
    assert "env" not in plain["users"][0]["user"]["exec"]
    assert federated["users"][0]["user"]["exec"]["env"] == [
        {"name": CREDENTIALS_ENV, "value": build.CREDENTIALS_PATH_IN_IMAGE}
    ]
    federated["users"][0]["user"]["exec"].pop("env")
    assert federated == plain


def test_a_misspelt_preset_is_one_problem_not_its_missing_defaults_too() -> None:
    assert _problem_keys(preset="astro") == [f"{PATH}.preset"]
    assert _problem_keys(preset="astro", token_path="relative") == [f"{PATH}.preset", f"{PATH}.token_path"]


def test_an_empty_federation_field_says_it_is_empty() -> None:
    (problem,) = from_fields(_fields(issuer=None), PATH, "airflow-ml-aws")[1]
    assert (problem.key, problem.message) == (f"{PATH}.issuer", "is empty (YAML null)")
