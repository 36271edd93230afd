from __future__ import annotations

import json

import pytest
import yaml

from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.config.keys import key_specs
from gke_kpo.config.parse import parse_settings, stack_config
from gke_kpo.config.problems import ConfigError
from gke_kpo.config.values import stack_file_problems
from gke_kpo.repo import known_stacks, stack_file

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
    # What GKE or Compute Engine would refuse at `pulumi up`:
    ("master_authorized_networks", {"master_authorized_networks": '["203.0.113.7"]'}),
    ("master_authorized_networks", {"master_authorized_networks": '["10.0.0.1/8"]'}),
    ("master_authorized_networks", {"master_authorized_networks": '["34.0.0.0/8"]'}),
    ("master_authorized_networks", {"master_authorized_networks": '["35.192.0.0/14"]'}),
    ("master_authorized_networks", {"private_endpoint": "true", "master_authorized_networks": '["198.51.100.16/29"]'}),
    (
        "master_authorized_networks",
        {"private_endpoint": "true", "master_authorized_networks": '["10.0.0.0/8", "8.8.8.8/32"]'},
    ),
    ("subnet_cidr", {"subnet_cidr": "10.10.0.0"}),
    ("pods_cidr", {"pods_cidr": "10.16.0.1/14"}),
    ("services_cidr", {"services_cidr": "10.20.0.0"}),
    ("master_cidr", {"master_cidr": "172.16.0.17/28"}),
    ("gpu_accelerator", {"gpu_count": "1", "gpu_accelerator": "nvidia-l4-gpu"}),
    ("gpu_accelerator", {"gpu_count": "1", "gpu_accelerator": "tesla-t4"}),
    ("gpu_machine_type", {"gpu_count": "1", "gpu_accelerator": "nvidia-l4", "gpu_machine_type": "n1-standard-4"}),
    ("gpu_machine_type", {"gpu_count": "1", "gpu_accelerator": "nvidia-tesla-t4", "gpu_machine_type": "g2-standard-8"}),
    ("gpu_machine_type", {"gpu_count": "1", "gpu_accelerator": "nvidia-tesla-t4", "gpu_machine_type": "e2-standard-4"}),
    (
        "gpu_machine_type",
        {"gpu_count": "1", "gpu_accelerator": "nvidia-tesla-t4", "gpu_machine_type": "n1-standard-64"},
    ),
    ("gpu_count", {"gpu_count": "2", "gpu_accelerator": "nvidia-l4", "gpu_machine_type": "g2-standard-8"}),
    ("gpu_count", {"gpu_count": "3", "gpu_accelerator": "nvidia-tesla-t4", "gpu_machine_type": "n1-standard-4"}),
    ("gpu_count", {"gpu_count": "1", "gpu_accelerator": "nvidia-tesla-a100", "gpu_machine_type": "a2-highgpu-8g"}),
    # A regional system pool starts with a node in each of its 3 zones: a total of 2 cannot hold them.
    ("system_max_nodes", {"system_max_nodes": "2"}),
    # Arm64 (NVIDIA Grace): the rendered x86 GPU tasks would never schedule there.
    ("gpu_machine_type", {"gpu_count": "4", "gpu_accelerator": "nvidia-gb200", "gpu_machine_type": "a4x-highgpu-4g"}),
    # No driver and nobody said who installs it; a user-managed driver while GKE installs one too.
    ("gpu_driver_version", {"gpu_count": "1", "gpu_driver_version": "INSTALLATION_DISABLED"}),
    ("gpu_driver_user_managed", {"gpu_count": "1", "gpu_driver_user_managed": "true"}),
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


def test_gke_refusals_are_all_reported_together_with_the_other_problems() -> None:
    error = problems_for(
        namespace="Bad",
        master_authorized_networks='["203.0.113.7", "10.0.0.1/8", "34.0.0.0/8"]',
        pods_cidr="10.16.0.1/14",
        gpu_count="2",
        gpu_accelerator="nvidia-l4",
        gpu_machine_type="g2-standard-8",
    )
    assert error.keys.count("master_authorized_networks") == 3
    assert set(error.keys) == {"namespace", "master_authorized_networks", "pods_cidr", "gpu_count"}


def test_gpu_accelerator_typo_and_machine_type_are_reported_together() -> None:
    error = problems_for(gpu_count="1", gpu_accelerator="nvidia-l4-gpu", master_authorized_networks='["0.0.0.0/0"]')
    assert set(error.keys) == {"gpu_accelerator", "master_authorized_networks"}
    assert "Fix: use nvidia-l4" in str(error)


@pytest.mark.parametrize(
    ("key", "value", "corrected"),
    [
        ("master_authorized_networks", '["203.0.113.7"]', "203.0.113.7/32"),
        ("master_authorized_networks", '["10.0.0.1/8"]', "10.0.0.0/8"),
        ("subnet_cidr", "10.10.0.1/20", "10.10.0.0/20"),
        ("master_cidr", "172.16.0.17/28", "172.16.0.16/28"),
    ],
)
def test_a_malformed_cidr_is_fixed_by_its_corrected_value(key: str, value: str, corrected: str) -> None:
    assert f"gke-kpo:{key}: " in str(problems_for(**{key: value}))
    assert f"Fix: write {corrected}" in str(problems_for(**{key: value}))


def test_the_public_bound_is_named_in_the_error() -> None:
    assert "broader than /16 of public address space" in str(problems_for(master_authorized_networks='["34.0.0.0/8"]'))


@pytest.mark.parametrize(
    ("private_endpoint", "authorized"),
    [
        ("false", '["203.0.113.0/24", "198.51.0.0/16"]'),
        ("false", '["10.0.0.0/8", "203.0.113.7/32"]'),
        ("true", '["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]'),
        ("true", "[]"),
    ],
)
def test_sane_authorized_networks_pass(private_endpoint: str, authorized: str) -> None:
    # dns+ip: consumers outside the VPC keep a path when the IP endpoint goes private (test_reachability.py).
    changes = {"control_plane_access": "dns+ip", "private_endpoint": private_endpoint}
    settings = parse_settings({**VALID, **changes, "master_authorized_networks": authorized}, "test")
    assert settings.cluster.private_endpoint is (private_endpoint == "true")


@pytest.mark.parametrize(
    ("accelerator", "machine_type", "count"),
    [
        ("nvidia-tesla-t4", "n1-standard-4", 1),
        ("nvidia-tesla-t4", "n1-standard-96", 4),
        ("nvidia-l4", "g2-standard-8", 1),
        ("nvidia-l4", "g2-standard-24", 2),
        ("nvidia-h100-80gb", "a3-highgpu-8g", 8),
    ],
)
def test_gpu_pairings_gke_accepts_pass(accelerator: str, machine_type: str, count: int) -> None:
    raw = {**VALID, "gpu_count": str(count), "gpu_accelerator": accelerator, "gpu_machine_type": machine_type}
    (gpu,) = parse_settings(raw, "test").gpu_pools
    assert (gpu.accelerator, gpu.machine_type, gpu.count) == (accelerator, machine_type, count)


def test_a_negative_gpu_count_is_reported_once() -> None:
    assert problems_for(gpu_count="-1").keys == ["gpu_count"]


def test_without_a_gpu_pool_the_unused_gpu_keys_are_not_paired() -> None:
    raw = {**VALID, "gpu_count": "0", "gpu_accelerator": "nvidia-l4", "gpu_machine_type": "n1-standard-4"}
    assert parse_settings(raw, "test").gpu_pools == ()


def test_defaults_come_from_pulumi_yaml() -> None:
    settings = parse_settings(VALID, "test")
    specs = key_specs()
    assert settings.region == specs["region"].default
    (tenant,) = settings.tenants
    assert tenant.namespace.name == TENANT
    assert tenant.namespace.quota_cpu == specs["quota_cpu"].default
    assert tenant.xcom_push is specs["xcom_push"].default
    assert settings.access_model is AccessModel.NAMESPACED
    assert settings.gpu_pools == ()
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


def test_the_prod_stack_cannot_go_private_with_its_public_cidr_listed() -> None:
    raw = {key.removeprefix("gke-kpo:"): value for key, value in stack_config("prod").items()}
    raw["control_plane_access"] = "dns+ip"  # Airflow keeps a path from outside the VPC (test_reachability.py)
    with pytest.raises(ConfigError) as caught:
        parse_settings({**raw, "private_endpoint": "true"}, "prod")
    assert caught.value.keys == ["master_authorized_networks"]
    internal = parse_settings(
        {**raw, "private_endpoint": "true", "master_authorized_networks": '["10.8.0.0/24"]'}, "prod"
    )
    assert internal.cluster.private_endpoint


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
