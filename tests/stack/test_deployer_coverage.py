"""The deployer's grants cover every resource the program declares, for the shipped stacks, the `make stack`
template and a matrix of the config choices that change what is declared (README, Deployer permissions)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.cloud import deployer_permissions, replacement
from gke_kpo.cloud.deployer_roles import GRANTS
from gke_kpo.cloud.predefined_roles import KEPT_ROLES, role_permissions, source
from gke_kpo.config.parse import engine_settings, stack_config
from gke_kpo.config.settings import Settings
from gke_kpo.config.template import stack_files, tenant_name
from gke_kpo.config.values import as_cli_string
from gke_kpo.deployer import grants_for, project_roles, uncovered
from gke_kpo.preview.capture import Plan, run_program
from tests.stack.conftest import PlanFor
from tests.stacks import SHIPPED_STACKS

PROJECT = "acme-airflow-prod"
IDENTITIES: dict[str, dict[str, Any]] = {
    "astro": {"airflow_service_account": f"astro-t1@{PROJECT}.iam.gserviceaccount.com"},
    "gke": {"identity_mode": "gke"},
    "federated": {
        "identity_mode": "federated",
        "federation": {
            "preset": "astro-aws",
            "issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0000000000000000000000000",
            "subjects": ["system:serviceaccount:astro-t1:worker"],
        },
    },
}
CHOICES: dict[str, tuple[Any, ...]] = {
    "identity_mode": tuple(IDENTITIES),
    "existing_network": (False, True),
    "registries": (False, True),
    "task_account": (False, True),
    "deployer_member": (False, True),
    "access_model": ("namespaced", "project"),
}
MATRIX = [dict(zip(CHOICES, values, strict=True)) for values in itertools.product(*CHOICES.values())]


def overrides_of(choice: dict[str, Any]) -> dict[str, Any]:
    """One combination as config overrides of the prod stack (one tenant, so `access_model: project` is valid)."""
    tenant = dict(IDENTITIES[choice["identity_mode"]])
    if choice["task_account"]:
        tenant["task_service_account"] = {"roles": ["roles/storage.objectViewer"]}
    overrides: dict[str, Any] = {"tenants": {"t1": tenant}, "access_model": choice["access_model"]}
    overrides["project_number"] = "123456789012"
    if choice["existing_network"]:
        overrides["network"] = "projects/acme-host/global/networks/shared"
        overrides["subnetwork"] = "projects/acme-host/regions/us-central1/subnetworks/gke"
    if choice["registries"]:
        overrides["artifact_registry_repositories"] = [f"projects/{PROJECT}/locations/us-central1/repositories/tasks"]
    if choice["deployer_member"]:
        overrides["deployer_member"] = f"serviceAccount:deploy@{PROJECT}.iam.gserviceaccount.com"
    return overrides


def settings_of(stack: str, overrides: dict[str, Any], path: Path | None = None) -> Settings:
    config = {**stack_config(stack, path), **{f"gke-kpo:{k}": as_cli_string(v) for k, v in overrides.items()}}
    return engine_settings(config, stack)


def declared(plan: Plan) -> list[tuple[str, str]]:
    resources = [(resource.type, resource.name) for resource in plan.resources if resource.custom]
    return resources + [(token, "(data source)") for token in sorted(plan.invokes)]


def assert_covered(settings: Settings, plan: Plan) -> None:
    missing = uncovered(settings, declared(plan))
    report = "\n".join(f"  {resource}: {', '.join(lacking)}" for resource, lacking in missing.items())
    roles = ", ".join(grant.role for grant in grants_for(settings))
    assert not missing, f"the deployer grants for this config ({roles}) do not cover:\n{report}"
    granted = {r.inputs["role"] for r in plan.of_type(replacement.PROJECT_IAM_MEMBER)}
    admitted = set(project_roles(settings))
    assert granted <= admitted, f"the projectIamAdmin condition does not admit {sorted(granted - admitted)}"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_deployer_grants_cover_every_shipped_stack(plan_for: PlanFor, stack: str) -> None:
    assert_covered(settings_of(stack, {}), plan_for(stack))


def test_the_deployer_grants_cover_the_make_stack_template(tmp_path: Path) -> None:
    name = "coverage"
    ((path, text),) = stack_files(name, tmp_path, policy=False).items()
    path.write_text(text)
    plan = run_program(name, path=path)
    assert plan.of_type(replacement.NAMESPACE)[0].inputs["metadata"]["name"] == tenant_name(name)
    assert_covered(settings_of(name, {}, path), plan)


@pytest.mark.parametrize("choice", MATRIX, ids=lambda choice: "-".join(f"{k}={v}" for k, v in choice.items()))
def test_the_deployer_grants_cover_every_config_combination(plan_for: PlanFor, choice: dict[str, Any]) -> None:
    overrides = overrides_of(choice)
    assert_covered(settings_of("prod", overrides), plan_for("prod", **overrides))


def test_the_pool_admin_role_is_needed_only_with_a_federated_tenant() -> None:
    for choice in MATRIX:
        roles = {grant.role for grant in grants_for(settings_of("prod", overrides_of(choice)))}
        assert ("roles/iam.workloadIdentityPoolAdmin" in roles) is (choice["identity_mode"] == "federated"), choice
        assert ("roles/compute.networkAdmin" in roles) is not choice["existing_network"], choice
        assert ("roles/compute.networkUser" in roles) is choice["existing_network"], choice
        assert ("roles/artifactregistry.admin" in roles) is choice["registries"], choice


def test_an_unknown_resource_type_fails_the_check() -> None:
    missing = uncovered(settings_of("prod", {}), [("gcp:storage/bucket:Bucket", "b")])
    assert missing == {"gcp:storage/bucket:Bucket b": ["type unknown to gke_kpo/cloud/deployer_permissions.py"]}


def test_every_type_the_replacement_review_names_has_permissions() -> None:
    constants = (value for key, value in vars(replacement).items() if key.isupper() and isinstance(value, str))
    named = {value for value in constants if value.count(":") == 2}
    assert named <= deployer_permissions.known_types()


def test_the_role_data_holds_every_granted_role_and_says_where_it_came_from() -> None:
    assert {grant.role for grant in GRANTS} <= set(KEPT_ROLES)
    assert source()["repository"].startswith("https://github.com/") and len(source()["commit"]) == 40
    # The reason container.admin is granted rather than the narrower clusterAdmin (deployer_roles.GRANTS).
    assert "container.namespaces.create" not in role_permissions("roles/container.clusterAdmin")
    assert "container.roles.escalate" in role_permissions("roles/container.admin")
