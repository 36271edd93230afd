"""The day-2 review covers every input the stacks declare, and pins the replace facts the issue names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from components import replacement_review as review
from gke_kpo.config_schema import key_specs
from gke_kpo.plan.capture import Plan, known_stacks
from gke_kpo.plan.inventory import golden_path, inventory
from gke_kpo.tenant_schema import TASK_SERVICE_ACCOUNT_FIELDS, TENANT_FIELDS, field_names
from tests.stack.conftest import PlanFor

GKE_TENANT_WITH_EVERY_FIELD = {
    "tenants": {
        "probe": {
            "namespace": "probe-jobs",
            "identity_mode": "gke",
            "airflow_gsa_name": "probe-airflow",
            "airflow_wi_project": "acme-airflow-host",
            "airflow_k8s_namespace": "astronomer",
            "airflow_k8s_service_account": "scheduler",
            "xcom_push": True,
            "quota_gpus": 1,
            "max_container_cpu": "2",
            "task_service_account": {
                "roles": ["roles/storage.objectViewer", "roles/bigquery.dataEditor"],
                "kubernetes_service_account": "probe-task",
                "account_id": "probe-task-sa",
            },
        }
    }
}
VARIANTS: list[dict[str, Any]] = [
    GKE_TENANT_WITH_EVERY_FIELD,
    {"artifact_registry_repositories": ["projects/acme-images/locations/us/repositories/tasks"]},
    {"network": "shared", "subnetwork": "projects/host/regions/us-central1/subnetworks/gke"},
    {"deployer_member": "serviceAccount:deploy@acme-ci.iam.gserviceaccount.com"},
]


def input_paths(value: Any, prefix: str) -> Iterator[str]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from input_paths(item, f"{prefix}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from input_paths(item, f"{prefix}[{index}]")


def declared(entries: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    for entry in entries:
        for key, value in entry["inputs"].items():
            for path in input_paths(value, key):
                yield entry["type"], path


def ungoverned(entries: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(type_, path) for type_, path in declared(entries) if review.governing_row(type_, path) is None}


@pytest.mark.parametrize("stack", known_stacks())
def test_every_golden_input_has_a_review(stack: str) -> None:
    entries = yaml.safe_load(golden_path(stack).read_text())
    assert entries, "the golden inventory is empty"
    assert ungoverned(entries) == set(), "add a row to components/replacement_review.py for each of these"


@pytest.mark.parametrize("overrides", VARIANTS, ids=lambda overrides: ",".join(overrides))
def test_every_input_of_other_variants_has_a_review(plan_for: PlanFor, overrides: dict[str, Any]) -> None:
    plan: Plan = plan_for("dev", **overrides)
    assert ungoverned(inventory(plan)) == set()


def test_a_missing_row_is_noticed() -> None:
    assert ungoverned([{"type": review.CLUSTER, "inputs": {"enableTpu": True}}]) == {(review.CLUSTER, "enableTpu")}


def declared_keys() -> set[str]:
    """The stack keys Pulumi.yaml declares, and each tenant field as ``tenants.*.<field>`` (``tenants.*``: the name)."""
    tenant_fields = {f"{review.TENANT_NAME}.{name}" for name in field_names(TENANT_FIELDS)}
    task_fields = {
        f"{review.TENANT_NAME}.task_service_account.{name}" for name in field_names(TASK_SERVICE_ACCOUNT_FIELDS)
    }
    return set(key_specs()) | {review.TENANT_NAME} | tenant_fields | task_fields


def test_rows_are_unique_sourced_and_name_declared_keys() -> None:
    keys = declared_keys()
    seen = [(row.resource_type, row.path) for row in review.REVIEW]
    assert len(seen) == len(set(seen))
    for row in review.REVIEW:
        assert row.source.strip(), row
        assert set(row.config_keys) <= keys, row


@pytest.mark.parametrize(
    ("resource_type", "path"),
    [
        (review.CLUSTER, "location"),
        (review.CLUSTER, "name"),
        (review.CLUSTER, "network"),
        (review.CLUSTER, "subnetwork"),
        (review.CLUSTER, "ipAllocationPolicy.clusterSecondaryRangeName"),
        (review.CLUSTER, "privateClusterConfig.masterIpv4CidrBlock"),
        (review.CLUSTER, "nodeConfig"),
        (review.CLUSTER, "initialNodeCount"),
        (review.NODE_POOL, "initialNodeCount"),
        (review.NODE_POOL, "location"),
        (review.NODE_POOL, "nodeConfig.guestAccelerators[0].type"),
        (review.NODE_POOL, "nodeConfig.spot"),
        (review.NODE_POOL, "nodeConfig.serviceAccount"),
        (review.SUBNETWORK, "region"),
        (review.NETWORK, "name"),
        (review.SERVICE_ACCOUNT, "accountId"),
        (review.CUSTOM_ROLE, "roleId"),
        (review.NAMESPACE, "metadata.name"),
        (review.ROLE, "metadata.namespace"),
        (review.KUBERNETES_PROVIDER, "clusterIdentifier"),
    ],
)
def test_replace_forcing_inputs(resource_type: str, path: str) -> None:
    assert review.forces_replacement(resource_type, path)


@pytest.mark.parametrize(
    ("resource_type", "path"),
    [
        (review.NODE_POOL, "nodeConfig.machineType"),
        (review.NODE_POOL, "nodeConfig.labels.gke-kpo/pool"),
        (review.NODE_POOL, "autoscaling.minNodeCount"),
        (review.CLUSTER, "privateClusterConfig.enablePrivateEndpoint"),
        (review.CLUSTER, "masterAuthorizedNetworksConfig.cidrBlocks[0].cidrBlock"),
        (review.CLUSTER, "releaseChannel.channel"),
        (review.SUBNETWORK, "ipCidrRange"),
        (review.SUBNETWORK, "secondaryIpRanges[0].ipCidrRange"),
        (review.NAMESPACE, "metadata.labels"),
        (review.RESOURCE_QUOTA, "spec.hard"),
        (review.KUBERNETES_PROVIDER, "kubeconfig"),
    ],
)
def test_in_place_inputs(resource_type: str, path: str) -> None:
    assert not review.forces_replacement(resource_type, path)


def test_no_config_key_reaches_the_initial_node_count() -> None:
    """raising system_min_nodes must update the autoscaler, not replace the pool."""
    for resource_type in (review.CLUSTER, review.NODE_POOL):
        row = review.governing_row(resource_type, "initialNodeCount")
        assert row is not None and row.config_keys == ()
    assert "system_min_nodes" in review.governing_row(review.NODE_POOL, "autoscaling.minNodeCount").config_keys  # type: ignore[union-attr]


def test_a_removed_stack_key_is_not_a_declared_key() -> None:
    """The check above can fail: the keys tenants replaced are no longer accepted at stack level."""
    assert {"namespace", "airflow_service_account", "default_cpu_limit"}.isdisjoint(declared_keys())
    assert {"tenants.*.namespace", "tenants.*.task_service_account.roles"} <= declared_keys()


@pytest.mark.parametrize(
    ("resource_type", "path", "key"),
    [
        (review.SERVICE_ACCOUNT, "accountId", "tenants.*.task_service_account.account_id"),
        (review.SERVICE_ACCOUNT, "accountId", "tenants.*.airflow_gsa_name"),
        (review.SERVICE_ACCOUNT_IAM_MEMBER, "member", "tenants.*.task_service_account.kubernetes_service_account"),
        (review.PROJECT_IAM_MEMBER, "role", "tenants.*.task_service_account.roles"),
        (review.SERVICE_ACCOUNT_K8S, "metadata.name", "tenants.*.task_service_account.kubernetes_service_account"),
        (review.ROLE_BINDING, "subjects", "tenants.*.airflow_service_account"),
        (review.RESOURCE_QUOTA, "spec.hard.requests.nvidia.com/gpu", "tenants.*.quota_gpus"),
        (review.NAMESPACE, "metadata.name", "tenants.*.namespace"),
    ],
)
def test_tenant_fields_reach_the_tenant_resources(resource_type: str, path: str, key: str) -> None:
    row = review.governing_row(resource_type, path)
    assert row is not None and key in row.config_keys
