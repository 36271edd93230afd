"""Keys a stack file could hold by mistake: near-miss namespaces and misspelled names get a "did you mean"."""

from __future__ import annotations

import pytest

from gke_kpo import yaml_text
from gke_kpo.config.keys import nearest_key
from gke_kpo.config.parse import parse_all, validate
from gke_kpo.config.problems import ConfigError
from gke_kpo.config.values import namespace_problems, stack_file_problems
from gke_kpo.repo import REPO_ROOT


@pytest.mark.parametrize("key", ["gke_kpo:zone", "gkekpo:zone", "GKE-KPO:zone", "gke-kop:zone"])
def test_a_near_miss_namespace_is_reported_with_the_right_key(key: str) -> None:
    (problem,) = namespace_problems({key: "us-central1-a"})
    assert problem.key == "zone"
    assert f"`{key}`" in problem.message
    assert "did you mean gke-kpo:zone?" in problem.fix


@pytest.mark.parametrize("key", ["gke-kpo:zone", "gcp:zone", "gcp:project", "kubernetes:context", "pulumi:tags"])
def test_the_projects_own_and_provider_namespaces_are_left_alone(key: str) -> None:
    assert namespace_problems({key: "x"}) == []


def test_nearest_key_suggests_a_declared_key_or_nothing() -> None:
    assert nearest_key("zoen") == "zone"
    assert nearest_key("cluster-name") == "cluster_name"
    assert nearest_key("completely_unrelated_words") is None


def test_a_key_without_namespace_is_refused_like_the_cli_does() -> None:
    (problem,) = stack_file_problems({"clustr_name": "kpo"})
    assert problem.key == "cluster_name"
    assert problem.fix == "write it as gke-kpo:cluster_name"


def test_parse_all_reports_stray_keys_with_the_values_problems() -> None:
    def refuse(keys: dict[str, str]) -> None:
        raise ConfigError([])

    with pytest.raises(ConfigError) as caught:
        parse_all({"gke_kpo:zone": "a", "gke-kpo:zone": "b"}, refuse)
    assert caught.value.keys == ["zone"]
    assert parse_all({"gke-kpo:zone": "b", "gcp:zone": "c"}, lambda keys: keys) == {"zone": "b"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12345, 'gke-kpo:zone: 12345 is a number, not a string. Fix: quote it: "12345"'),
        (["us-central1-a"], "is a list, not a string. Fix: write the value without brackets: us-central1-a"),
        (False, "is read as the boolean false, not a string (YAML reads unquoted yes, no, on, off, true and false so)"),
        ({"a": 1}, "is a mapping, not a string. Fix: write one value"),
    ],
)
def test_a_string_key_holding_another_yaml_type_shows_the_value_to_quote(value: object, expected: str) -> None:
    (problem,) = stack_file_problems({"gke-kpo:zone": value})
    assert expected in str(problem) and '"8"' not in str(problem)


def test_a_key_the_cli_refuses_does_not_also_bring_the_problems_of_its_default() -> None:
    dev = yaml_text.safe_load((REPO_ROOT / "Pulumi.dev.yaml").read_text())["config"]
    with pytest.raises(ConfigError) as caught:
        validate({**dev, "gke-kpo:control_plane_access": False}, "dev")
    assert [problem.key for problem in caught.value.problems] == ["control_plane_access"]


def test_a_refused_key_named_as_a_plain_word_does_not_hide_another_problem() -> None:
    dev = yaml_text.safe_load((REPO_ROOT / "Pulumi.dev.yaml").read_text())["config"]
    tenants = {
        "ml": {
            "airflow_service_account": "a@p.iam.gserviceaccount.com",
            "task_service_account": {"roles": ["roles/owner"]},
        }
    }
    with pytest.raises(ConfigError) as caught:
        validate({**dev, "gke-kpo:project": 5, "gke-kpo:tenants": tenants}, "dev")
    keys = [problem.key for problem in caught.value.problems]
    assert keys[0] == "project" and "tenants.ml.airflow_service_account" in keys
