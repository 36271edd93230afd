from __future__ import annotations

import json

import pytest
import yaml

from gke_kpo.config_schema import key_specs, stack_file_problems
from gke_kpo.errors import ConfigError
from gke_kpo.parse_settings import parse_settings
from gke_kpo.permissions import AccessModel
from gke_kpo.plan.capture import known_stacks, stack_config, stack_file

TENANT = "team-a"
VALID = {
    "project": "acme-data-dev",
    "master_authorized_networks": '["203.0.113.0/24"]',
    "tenants": json.dumps({TENANT: {"airflow_service_account": "astro-x1@acme-data-dev.iam.gserviceaccount.com"}}),
}


def problems_for(**changes: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_settings({**VALID, **changes}, "test")
    return caught.value


BAD_VALUES = [
    ("project", {"project": "My Project"}),
    ("project", {"project": "123456789012"}),
    ("region", {"region": "uscentral"}),
    ("zone", {"zone": "us-central1"}),
    ("zone", {"zone": "europe-west4-a"}),
    ("subnet_cidr", {"subnet_cidr": "10.10.0.1/20"}),
    ("pods_cidr", {"pods_cidr": "10.16.0.0/33"}),
    ("services_cidr", {"services_cidr": "10.10.0.0/24"}),
    ("master_cidr", {"master_cidr": "172.16.0.0/24"}),
    ("master_authorized_networks", {"master_authorized_networks": '["0.0.0.0/0"]'}),
    ("master_authorized_networks", {"master_authorized_networks": '["0.0.0.0/1", "128.0.0.0/1"]'}),
    ("master_authorized_networks", {"master_authorized_networks": '["not-a-cidr"]'}),
    ("master_authorized_networks", {"master_authorized_networks": "[]"}),
    ("master_authorized_networks", {"master_authorized_networks": "203.0.113.0/24"}),
    ("master_cidr", {"master_cidr": "10.10.0.0/28"}),
    ("gpu_node_locations", {"gpu_count": "1", "gpu_node_locations": '["europe-west4-a"]'}),
    ("gpu_count", {"gpu_count": "-1"}),
    ("gpu_count", {"gpu_count": "two"}),
    ("gpu_max_nodes", {"gpu_min_nodes": "3", "gpu_max_nodes": "2"}),
    ("system_max_nodes", {"system_min_nodes": "4", "system_max_nodes": "2"}),
    ("system_min_nodes", {"system_min_nodes": "0"}),
    ("access_model", {"access_model": "cluster"}),
    ("release_channel", {"release_channel": "NIGHTLY"}),
    ("gpu_driver_version", {"gpu_driver_version": "535"}),
    ("xcom_push", {"xcom_push": "yes"}),
    ("quota_memory", {"quota_memory": "lots"}),
    ("custom_role_id", {"custom_role_id": "kpo-launcher"}),
    ("max_container_cpu", {"max_container_cpu": "four"}),
    ("max_container_cpu", {"default_cpu_request": "2", "max_container_cpu": "500m"}),
    ("max_container_memory", {"default_memory_request": "2Gi", "max_container_memory": "1024Mi"}),
    ("quota_gpus", {"quota_gpus": "1"}),
    (
        "access_model",
        {
            "access_model": "project",
            "tenants": json.dumps(
                {
                    "a1": {"airflow_service_account": "astro-a1@acme-data-dev.iam.gserviceaccount.com"},
                    "b1": {"airflow_service_account": "astro-b1@acme-data-dev.iam.gserviceaccount.com"},
                }
            ),
        },
    ),
    ("tenants", {"tenants": "{}"}),
    ("tenants", {"tenants": "[]"}),
    ("subnetwork", {"network": "shared-vpc"}),
    ("network", {"subnetwork": "nodes"}),
    ("xcom_pushh", {"xcom_pushh": "true"}),
]


@pytest.mark.parametrize(("key", "changes"), BAD_VALUES, ids=[f"{key}-{i}" for i, (key, _) in enumerate(BAD_VALUES)])
def test_each_bad_value_names_its_key_and_a_fix(key: str, changes: dict[str, str]) -> None:
    error = problems_for(**changes)
    assert key in error.keys
    assert f"gke-kpo:{key}:" in str(error)
    assert "Fix:" in str(error)


def test_project_is_required() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings({k: v for k, v in VALID.items() if k != "project"}, "test")
    assert caught.value.keys == ["project"]
    assert "pulumi config set gke-kpo:project" in str(caught.value)


def test_a_value_of_the_wrong_type_is_reported_once() -> None:
    error = problems_for(master_authorized_networks="203.0.113.0/24")
    assert error.keys == ["master_authorized_networks"]


def test_master_range_may_overlap_nothing_only_when_the_network_is_created() -> None:
    existing = {**VALID, "network": "shared", "subnetwork": "nodes", "master_cidr": "10.10.0.0/28"}
    assert parse_settings(existing, "test").cluster.master_cidr == "10.10.0.0/28"


def test_every_problem_is_reported_at_once() -> None:
    error = problems_for(quota_cpu="Bad", gpu_count="-1", access_model="x")
    assert set(error.keys) == {"quota_cpu", "gpu_count", "access_model"}


def test_defaults_come_from_pulumi_yaml() -> None:
    settings = parse_settings(VALID, "test")
    specs = key_specs()
    assert settings.region == specs["region"].default
    (tenant,) = settings.tenants
    assert tenant.namespace.name == TENANT
    assert tenant.namespace.quota_cpu == specs["quota_cpu"].default
    assert tenant.xcom_push is specs["xcom_push"].default
    assert settings.access_model is AccessModel.NAMESPACED
    assert settings.gpu is None
    assert settings.location == settings.region


def test_zonal_cluster_location_is_the_zone() -> None:
    assert parse_settings({**VALID, "zone": "us-central1-b"}, "test").location == "us-central1-b"


def test_role_id_is_derived_from_the_cluster_name() -> None:
    assert parse_settings({**VALID, "cluster_name": "gpu-kpo"}, "test").custom_role_id == "gpu_kpo_kpo_launcher"


@pytest.mark.parametrize("stack", known_stacks())
def test_committed_stack_files_are_valid(stack: str) -> None:
    prefix = "gke-kpo:"
    raw = {key.removeprefix(prefix): value for key, value in stack_config(stack).items()}
    assert parse_settings(raw, stack).stack == stack


def test_every_declared_key_has_a_description() -> None:
    assert all(spec.description for spec in key_specs().values())


@pytest.mark.parametrize("stack", known_stacks())
def test_stack_file_values_have_the_declared_types(stack: str) -> None:
    config = yaml.safe_load(stack_file(stack).read_text())["config"]
    assert stack_file_problems(config) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("quota_pods", "10"),
        ("quota_cpu", 8),
        ("xcom_push", "true"),
        ("gpu_count", True),
        ("master_authorized_networks", "a"),
    ],
)
def test_a_stack_file_value_of_another_yaml_type_is_refused_like_the_cli_does(key: str, value: object) -> None:
    (problem,) = stack_file_problems({f"gke-kpo:{key}": value})
    assert problem.key == key


def test_defaults_have_the_declared_types() -> None:
    defaults = {f"gke-kpo:{spec.name}": spec.default for spec in key_specs().values() if spec.default is not None}
    assert stack_file_problems(defaults) == []
