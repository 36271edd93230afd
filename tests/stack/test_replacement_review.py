"""The day-2 review covers every input the stacks declare, and pins the replace facts the issue names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import replacement as review
from gke_kpo.config.keys import key_specs
from gke_kpo.config.tenant_fields import TENANT_FIELDS
from gke_kpo.plan.inventory import golden_path, inventory
from gke_kpo.preview.capture import Plan
from tests.stack.conftest import PlanFor
from tests.stacks import golden_stacks

# Both identity modes and a task service account are in the dev stack's tenants, so its golden inventory covers them.
VARIANTS: list[dict[str, Any]] = [
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


@pytest.mark.parametrize("stack", golden_stacks())
def test_every_golden_input_has_a_review(stack: str) -> None:
    entries = yaml.safe_load(golden_path(stack).read_text())
    assert entries, "the golden inventory is empty"
    assert ungoverned(entries) == set(), "add a row to gke_kpo/cloud/replacement.py for each of these"


@pytest.mark.parametrize("overrides", VARIANTS, ids=lambda overrides: ",".join(overrides))
def test_every_input_of_other_variants_has_a_review(plan_for: PlanFor, overrides: dict[str, Any]) -> None:
    plan: Plan = plan_for("dev", **overrides)
    assert ungoverned(inventory(plan)) == set()


def test_a_missing_row_is_noticed() -> None:
    assert ungoverned([{"type": review.CLUSTER, "inputs": {"enableTpu": True}}]) == {(review.CLUSTER, "enableTpu")}


def test_rows_are_unique_sourced_and_name_declared_keys() -> None:
    keys = set(key_specs()) | {"tenants", "gpu_pools"} | {f"tenants.{field.name}" for field in TENANT_FIELDS}
    seen = [(row.resource_type, row.path) for row in review.REVIEW]
    assert len(seen) == len(set(seen))
    for row in review.REVIEW:
        assert row.source.strip(), row
        assert set(row.config_keys) <= keys, row
        assert not row.replaces_when or (row.replaces and row.replaces_when in review.REPLACE_RULES), row


@pytest.mark.parametrize(
    ("old", "new", "replaces"),
    [
        # The cases of terraform-provider-google's TestIsShrinkageIpCidr, and a move.
        ("10.0.0.0/24", "10.0.0.0/16", False),
        ("10.0.1.0/24", "10.0.0.0/16", False),
        ("10.0.0.0/16", "10.0.0.0/24", True),
        ("10.0.0.0/16", "10.1.0.0/16", True),
        ("10.0.0.0/16", "10.1.0.0/24", True),
        ("10.10.0.0/20", "(known after replace)", True),
    ],
)
def test_the_node_range_replaces_the_subnetwork_unless_widened(old: str, new: str, replaces: bool) -> None:
    assert review.forces_replacement(review.SUBNETWORK, "ipCidrRange"), "some change replaces it"
    assert review.change_replaces(review.SUBNETWORK, "ipCidrRange", old, new) is replaces


def test_a_value_rule_never_turns_an_in_place_row_into_a_replacing_one() -> None:
    assert not review.change_replaces(review.NODE_POOL, "nodeConfig.machineType", "e2-small", "e2-medium")
    assert review.change_replaces(review.CLUSTER, "location", "us-central1-a", "us-central1-b")


def test_machine_and_disk_changes_say_they_roll_the_nodes() -> None:
    for path in ("nodeConfig.machineType", "nodeConfig.diskSizeGb", "nodeConfig.diskType"):
        row = review.governing_row(review.NODE_POOL, path)
        assert row is not None and not row.replaces and row.note == review.ROLLING_NODES


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
        (review.WORKLOAD_IDENTITY_POOL, "workloadIdentityPoolId"),
        (review.WORKLOAD_IDENTITY_POOL_PROVIDER, "workloadIdentityPoolProviderId"),
        (review.WORKLOAD_IDENTITY_POOL_PROVIDER, "project"),
        (review.SERVICE_ACCOUNT_IAM_MEMBER, "member"),
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
        (review.NODE_POOL, "autoscaling.totalMaxNodeCount"),
        (review.NODE_POOL, "autoscaling.locationPolicy"),
        (review.CLUSTER, "privateClusterConfig.enablePrivateEndpoint"),
        (review.CLUSTER, "masterAuthorizedNetworksConfig.cidrBlocks[0].cidrBlock"),
        (review.CLUSTER, "releaseChannel.channel"),
        (review.SUBNETWORK, "secondaryIpRanges[0].ipCidrRange"),
        (review.NAMESPACE, "metadata.labels"),
        (review.RESOURCE_QUOTA, "spec.hard"),
        (review.KUBERNETES_PROVIDER, "kubeconfig"),
        (review.WORKLOAD_IDENTITY_POOL_PROVIDER, "attributeCondition"),
        (review.WORKLOAD_IDENTITY_POOL_PROVIDER, "oidc.issuerUri"),
        (review.WORKLOAD_IDENTITY_POOL_PROVIDER, "oidc.allowedAudiences[0]"),
    ],
)
def test_in_place_inputs(resource_type: str, path: str) -> None:
    assert not review.forces_replacement(resource_type, path)


def test_no_config_key_reaches_the_initial_node_count() -> None:
    """raising system_min_nodes must update the autoscaler, not replace the pool."""
    for resource_type in (review.CLUSTER, review.NODE_POOL):
        row = review.governing_row(resource_type, "initialNodeCount")
        assert row is not None and row.config_keys == ()
    assert "system_min_nodes" in review.governing_row(review.NODE_POOL, "autoscaling.totalMinNodeCount").config_keys  # type: ignore[union-attr]


def test_switching_a_pool_from_per_zone_to_total_bounds_updates_it_in_place() -> None:
    """A deployed stack's pools were declared per zone: the switch must not replace them (protected in prod)."""
    from gke_kpo.plan.diff import diff_inventories

    def pool(autoscaling: dict[str, Any]) -> list[dict[str, Any]]:
        inputs = {"name": "gpu", "location": "europe-west4", "initialNodeCount": 0, "autoscaling": autoscaling}
        return [{"type": review.NODE_POOL, "name": "kpo-gpu", "inputs": inputs}]

    before = pool({"minNodeCount": 0, "maxNodeCount": 2})
    after = pool({"totalMinNodeCount": 0, "totalMaxNodeCount": 2, "locationPolicy": "ANY"})
    (change,) = diff_inventories(before, after)
    assert change.op.verb == "update"
    assert {item.note for item in change.changes} == {review.AUTOSCALING_NOTE}


def test_dropping_the_legacy_control_plane_range_keeps_the_cluster() -> None:
    """master_ipv4_cidr_block is Optional+Computed+ForceNew: a new range replaces the cluster, no range (new stacks,
    and old ones once master_cidr is gone) keeps the one the cluster has."""
    path = "privateClusterConfig.masterIpv4CidrBlock"
    assert not review.change_replaces(review.CLUSTER, path, "172.16.0.16/28", None)
    assert review.change_replaces(review.CLUSTER, path, "172.16.0.16/28", "172.16.0.32/28")


@pytest.mark.parametrize(
    "path",
    [
        "controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic",
        "privateClusterConfig.enablePrivateEndpoint",
        "masterAuthorizedNetworksConfig.cidrBlocks",
    ],
)
def test_switching_the_control_plane_access_updates_in_place(path: str) -> None:
    row = review.governing_row(review.CLUSTER, path)
    assert row is not None and not row.replaces and "control_plane_access" in row.config_keys
