"""Private images: the repository list is validated with a named error and granted per repository."""

from __future__ import annotations

import json

import pytest

from gke_kpo.cloud.artifact_registry import READER_ROLE, Repository
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError
from tests.stack.conftest import PlanFor
from tests.stack.test_settings import VALID

KEY = "artifact_registry_repositories"
GOOD = "projects/acme-images/locations/europe-west4/repositories/kpo-tasks"
REPOSITORY_MEMBER = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"


def parse(*repositories: str) -> tuple[Repository, ...]:
    return parse_settings({**VALID, KEY: json.dumps(list(repositories))}, "test").artifact_registry_repositories


def test_default_is_no_repository() -> None:
    assert parse_settings(VALID, "test").artifact_registry_repositories == ()


def test_a_repository_path_is_split_into_its_parts() -> None:
    assert parse(GOOD) == (Repository("acme-images", "europe-west4", "kpo-tasks"),)
    assert parse(GOOD)[0].path == GOOD


@pytest.mark.parametrize(
    "bad",
    [
        "europe-west4-docker.pkg.dev/acme-images/kpo-tasks",
        "projects/acme-images/repositories/kpo-tasks",
        "projects/Acme Images/locations/europe-west4/repositories/kpo-tasks",
        "projects/acme-images/locations/europe-west4/repositories/Kpo_Tasks",
        "projects/acme-images/locations/europe-west4/repositories/kpo-tasks/",
    ],
)
def test_a_malformed_repository_is_refused_with_the_format(bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(bad)
    message = str(caught.value)
    assert f"gke-kpo:{KEY}" in message and "projects/<project>/locations/<location>/repositories/" in message


def test_a_repository_listed_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="listed twice"):
        parse(GOOD, GOOD)


def test_nodes_read_each_repository_and_nothing_project_wide(plan_for: PlanFor) -> None:
    other = "projects/acme-shared/locations/us/repositories/base"
    plan = plan_for("prod", **{KEY: [GOOD, other]})
    grants = [r.inputs for r in plan.of_type(REPOSITORY_MEMBER)]
    node_account = next(r for r in plan.of_type("gcp:serviceaccount/account:Account") if r.name.endswith("-nodes"))
    member = f"serviceAccount:{node_account.inputs['accountId']}@acme-airflow-prod.iam.gserviceaccount.com"
    assert sorted((g["project"], g["location"], g["repository"]) for g in grants) == [
        ("acme-images", "europe-west4", "kpo-tasks"),
        ("acme-shared", "us", "base"),
    ]
    assert all(g["role"] == READER_ROLE and g["member"] == member for g in grants)
    project_roles = {r.inputs["role"] for r in plan.of_type("gcp:projects/iAMMember:IAMMember")}
    assert not any(role.startswith("roles/artifactregistry.") for role in project_roles)
    assert plan_for("prod").of_type(REPOSITORY_MEMBER) == []
