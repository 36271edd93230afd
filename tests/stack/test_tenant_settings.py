"""gke-kpo:tenants: defaults, fallbacks and every bad value named by its path, before any resource."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gke_kpo.cloud.project_grants import forbidden_at_project
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError
from gke_kpo.config.settings import IdentityMode, Settings
from gke_kpo.config.tenant_fields import REMOVED_STACK_KEYS, TASK_SERVICE_ACCOUNT_FIELDS, TENANT_FIELDS
from gke_kpo.config.values import resolve
from gke_kpo.preview.capture import run_program

PROJECT = "acme-data-dev"
BASE = {"project": PROJECT, "control_plane_access": "dns+ip", "master_authorized_networks": '["203.0.113.0/24"]'}
"""dns+ip: every consumer takes the DNS path, so no reachability warning mixes with the ones tested here."""
GPU = {"gpu_count": "1", "gpu_max_nodes": "2", "zone": "us-central1-a"}
"""A zonal pool of at most 2 nodes with 1 GPU each: it can hold 2 GPUs."""


def email(name: str) -> str:
    return f"{name}@{PROJECT}.iam.gserviceaccount.com"


def astro(name: str, **fields: Any) -> dict[str, Any]:
    return {"airflow_service_account": email(f"astro-{name}"), **fields}


def settings_for(tenants: dict[str, Any], **stack: str) -> Settings:
    return parse_settings({**BASE, **stack, "tenants": json.dumps(tenants)}, "test")


def problems_for(tenants: dict[str, Any], **stack: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        settings_for(tenants, **stack)
    return caught.value


def test_a_one_tenant_stack_needs_only_its_identity() -> None:
    (tenant,) = settings_for({"ml": astro("ml")}).tenants
    assert (tenant.name, tenant.namespace.name, tenant.identity.mode) == ("ml", "ml", IdentityMode.ASTRO)
    assert tenant.task_service_account is None


def test_tenant_fields_override_the_stack_defaults_they_fall_back_to() -> None:
    settings = settings_for({"a1": astro("a1", quota_cpu="2", xcom_push=True), "b1": astro("b1")}, quota_cpu="6")
    a1, b1 = settings.tenants
    assert (a1.namespace.quota_cpu, a1.xcom_push) == ("2", True)
    assert (b1.namespace.quota_cpu, b1.xcom_push) == ("6", False)


def test_gke_mode_derives_the_identity_from_the_tenant_name() -> None:
    (tenant,) = settings_for({"etl": {"identity_mode": "gke", "airflow_wi_project": "airflow-host"}}).tenants
    assert tenant.identity.email == email("airflow-etl")
    assert tenant.identity.workload_identity_member == "serviceAccount:airflow-host.svc.id.goog[airflow/airflow-worker]"


def test_task_service_account_defaults_and_member() -> None:
    (tenant,) = settings_for(
        {"ml": astro("ml", task_service_account={"roles": ["roles/storage.objectViewer"]})}
    ).tenants
    task = tenant.task_service_account
    assert task is not None
    assert (task.kubernetes_service_account, task.email) == ("kpo-task", email("task-ml"))
    assert task.workload_identity_member == f"serviceAccount:{PROJECT}.svc.id.goog[ml/kpo-task]"


def test_long_tenant_names_still_give_valid_account_ids() -> None:
    name = "a" * 63
    (tenant,) = settings_for({name: {"identity_mode": "gke", "task_service_account": {"roles": ["roles/x.y"]}}}).tenants
    assert len(tenant.identity.gsa_name) == 30
    assert tenant.task_service_account is not None and len(tenant.task_service_account.account_id) == 30


BAD_TENANTS: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("tenants.Team_A", {"Team_A": astro("x")}, {}),
    ("tenants.a1.namespace", {"a1": astro("a1", namespace="Bad")}, {}),
    ("tenants.default", {"default": astro("x")}, {}),
    ("tenants.a1.namespace", {"a1": astro("a1", namespace="kube-system")}, {}),
    ("tenants.b1.namespace", {"a1": astro("a1", namespace="jobs"), "b1": astro("b1", namespace="jobs")}, {}),
    ("tenants.b1.airflow_service_account", {"a1": astro("same"), "b1": astro("same")}, {}),
    ("tenants.b1.airflow_gsa_name", {"a1": {"identity_mode": "gke"}, "b1": {"identity_mode": "gke",
                                                                           "airflow_gsa_name": "airflow-a1"}}, {}),
    ("tenants.a1.airflow_service_account", {"a1": {}}, {}),
    ("tenants.a1.airflow_service_account", {"a1": {"airflow_service_account": "someone@example.com"}}, {}),
    ("tenants.a1.airflow_service_account", {"a1": astro("a1", identity_mode="gke")}, {}),
    ("tenants.a1.identity_mode", {"a1": astro("a1", identity_mode="workload")}, {}),
    ("tenants.a1.airflow_gsa_name", {"a1": {"identity_mode": "gke", "airflow_gsa_name": "af"}}, {}),
    ("tenants.a1.airflow_k8s_namespace", {"a1": {"identity_mode": "gke", "airflow_k8s_namespace": "Airflow"}}, {}),
    ("tenants.a1.airflow_k8s_namespace", {"a1": astro("a1", airflow_k8s_namespace="airflow")}, {}),
    ("tenants.a1.airflow_wi_project", {"a1": astro("a1", airflow_wi_project="airflow-host")}, {}),
    ("tenants.a1.quota_cpu", {"a1": astro("a1", quota_cpu="lots")}, {}),
    ("tenants.a1.quota_pods", {"a1": astro("a1", quota_pods="10")}, {}),
    ("tenants.a1.xcom_push", {"a1": astro("a1", xcom_push="yes")}, {}),
    ("tenants.a1.max_container_memory", {"a1": astro("a1", max_container_memory="128Mi")}, {}),
    ("tenants.a1.quota_gpus", {"a1": astro("a1", quota_gpus=1)}, {}),
    ("quota_gpus", {"a1": astro("a1")}, {"quota_gpus": "1"}),
    ("tenants.a1.quota_gpus", {"a1": astro("a1", quota_gpus=3)}, GPU),
    ("tenants.a1.xcom_pushh", {"a1": astro("a1", xcom_pushh=True)}, {}),
    ("tenants.a1.task_service_account.roles", {"a1": astro("a1", task_service_account={"roles": []})}, {}),
    ("tenants.a1.task_service_account.roles", {"a1": astro("a1", task_service_account={"roles": ["owner"]})}, {}),
    ("tenants.a1.task_service_account.role", {"a1": astro("a1", task_service_account={"role": ["roles/x.y"]})}, {}),
    ("tenants.a1.task_service_account.account_id",
     {"a1": astro("a1", task_service_account={"roles": ["roles/x.y"], "account_id": "x"})}, {}),
    ("tenants.a1.task_service_account.account_id",
     {"a1": astro("a1", task_service_account={"roles": ["roles/x.y"], "account_id": "astro-a1"})}, {}),
    ("tenants.a1.task_service_account.roles",
     {"a1": astro("a1", task_service_account={"roles": ["roles/x.y", "roles/x.y"]})}, {}),
    ("tenants.a1", {"a1": "astro"}, {}),
    ("access_model", {"a1": astro("a1"), "b1": astro("b1")}, {"access_model": "project"}),
]  # fmt: skip


@pytest.mark.parametrize(("key", "tenants", "stack"), BAD_TENANTS, ids=[f"{k}-{i}" for i, (k, *_) in
                                                                         enumerate(BAD_TENANTS)])  # fmt: skip
def test_each_bad_tenant_value_names_its_path_and_a_fix(
    key: str, tenants: dict[str, Any], stack: dict[str, str]
) -> None:
    error = problems_for(tenants, **stack)
    assert key in error.keys, str(error)
    assert f"gke-kpo:{key}:" in str(error) and "Fix:" in str(error)


def test_tenants_are_required() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(BASE, "test")
    assert caught.value.keys == ["tenants"]


def test_an_unknown_tenant_field_suggests_the_nearest() -> None:
    error = problems_for({"a1": astro("a1", xcom_pushh=True)})
    assert "did you mean xcom_push?" in str(error)


@pytest.mark.parametrize("key", sorted(REMOVED_STACK_KEYS))
def test_a_removed_stack_key_says_where_it_went(key: str) -> None:
    _, problems = resolve({**BASE, key: "x"})
    (problem,) = problems
    assert problem.key == key and "unknown key" not in problem.message
    assert ("tenants.<name>" in problem.fix) or ("max_container" in problem.fix)


@pytest.mark.parametrize("key", ["namespace", "airflow_gsa_name", "identity_mode"])
def test_a_moved_key_asks_for_the_same_value_and_names_the_upgrade(key: str) -> None:
    _, problems = resolve({**BASE, key: "x"})
    (problem,) = problems
    assert "same value" in problem.fix and "docs/upgrade-to-tenants.md" in problem.fix


def test_a_default_every_tenant_inherits_is_reported_once() -> None:
    error = problems_for({"a1": astro("a1"), "b1": astro("b1")}, quota_memory="lots")
    assert error.keys == ["quota_memory"]


def test_gpu_quotas_over_the_pool_are_a_warning_not_an_error() -> None:
    settings = settings_for({"a1": astro("a1", quota_gpus=2), "b1": astro("b1", quota_gpus=1)}, **GPU)
    (warning,) = settings.warnings
    assert "add up to 3 (a1 2, b1 1)" in warning and "at most 2" in warning


def test_quotas_within_the_pool_warn_nothing() -> None:
    assert settings_for({"a1": astro("a1", quota_gpus=1), "b1": astro("b1", quota_gpus=1)}, **GPU).warnings == ()


def test_a_stack_without_gpu_pool_ignores_the_default_gpu_quota() -> None:
    (tenant,) = settings_for({"a1": astro("a1")}).tenants
    assert tenant.namespace.quota_gpus > 0


def test_every_field_is_described() -> None:
    assert all(field.description and field.default for field in (*TENANT_FIELDS, *TASK_SERVICE_ACCOUNT_FIELDS))


def test_the_over_subscription_warning_is_logged_through_pulumi() -> None:
    """pulumi.log.warn: a diagnostic under the CLI; under make plan's mocks a line of the plan's log."""
    log = run_program("dev", {"gke-kpo:quota_gpus": 1}).log
    assert any("warning: tenant GPU quotas add up to 3 (ml-dev 1, etl-dev 1, ext-dev 1)" in line for line in log)


@pytest.mark.parametrize("name", ["tënant", "Upper", "-dash"])
def test_a_bad_tenant_name_is_one_error_though_the_namespace_defaults_to_it(name: str) -> None:
    error = problems_for({name: {"identity_mode": "gke"}})
    assert error.keys == [f"tenants.{name}"]


def test_a_too_short_astro_e_mail_says_how_long_the_name_must_be() -> None:
    error = problems_for({"a1": {"airflow_service_account": email("a")}})
    assert error.keys == ["tenants.a1.airflow_service_account"] and "6-30" in str(error)


def test_the_task_service_account_may_not_be_the_namespace_default_one() -> None:
    error = problems_for(
        {
            "a1": astro(
                "a1",
                task_service_account={"roles": ["roles/storage.objectViewer"], "kubernetes_service_account": "default"},
            )
        }
    )
    assert error.keys == ["tenants.a1.task_service_account.kubernetes_service_account"]


@pytest.mark.parametrize("field", ["namespace", "quota_memory", "task_service_account"])
def test_an_empty_tenant_field_says_it_is_empty_not_to_quote_it(field: str) -> None:
    error = problems_for({"a1": astro("a1", **{field: None})})
    assert error.keys == [f"tenants.a1.{field}"] and "is empty" in str(error) and "quote" not in str(error)


@pytest.mark.parametrize(
    ("body", "the_one_problem"),
    [
        ({"identty_mode": "gke"}, "tenants.etl.identty_mode"),
        ("gke", "tenants.etl"),
        ({"airflow_service_account": 5}, "tenants.etl.airflow_service_account"),
    ],
)
def test_a_refused_identity_field_is_one_problem_not_also_a_missing_e_mail(body: Any, the_one_problem: str) -> None:
    problems = problems_for({"etl": body}).problems
    assert [problem.key for problem in problems] == [the_one_problem]


def test_a_tenant_with_another_typo_is_still_told_it_lacks_its_e_mail() -> None:
    problems = problems_for({"etl": {"xcom_psh": True}}).problems
    assert [problem.key for problem in problems] == ["tenants.etl.xcom_psh", "tenants.etl.airflow_service_account"]


@pytest.mark.parametrize("role", ["roles/storage.admin", "roles/owner", "roles/iam.serviceAccountUser"])
def test_a_task_role_the_pack_flags_is_a_warning_on_its_key(role: str) -> None:
    settings = settings_for({"a1": astro("a1", task_service_account={"roles": [role]})})
    (warning,) = [w for w in settings.warnings if w.startswith("gke-kpo:tenants.a1.task_service_account.roles:")]
    assert (
        f"grants {role} at project level, which the no-broad-roles policy flags ({forbidden_at_project(role)})"
        in warning
    )
