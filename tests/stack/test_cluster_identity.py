"""The Kubernetes provider's cluster_identifier changes exactly when config replaces the cluster."""

from __future__ import annotations

from typing import Any

import pytest

from gke_kpo.cloud import replacement as replacement_review
from gke_kpo.cloud.control_plane import LEGACY_MASTER_CIDR
from gke_kpo.cloud.replacement import CLUSTER, InputReview, forces_replacement
from gke_kpo.config.parse import parse_settings, stack_config
from gke_kpo.config.settings import Settings
from gke_kpo.config.values import as_cli_string, project_keys
from gke_kpo.spec.cluster_identity import CONFIG_VALUES, cluster_identifier, cluster_replacing_keys


def settings(stack: str = "dev", **overrides: Any) -> Settings:
    config = {**stack_config(stack), **{f"gke-kpo:{key}": as_cli_string(value) for key, value in overrides.items()}}
    return parse_settings(project_keys(config), stack)


def test_every_key_that_can_replace_the_cluster_is_read() -> None:
    assert set(cluster_replacing_keys()) <= set(CONFIG_VALUES)
    assert {"cluster_name", "zone", "region", "master_cidr", "pods_range_name", "network"} <= set(
        cluster_replacing_keys()
    )


@pytest.mark.parametrize(
    "override",
    [
        {"zone": "us-central1-b"},
        # Regional: its system pool starts with a node in each of 3 zones, so it needs room for 3.
        {"zone": "", "system_max_nodes": 3},
        {"cluster_name": "kpo-dev2"},
        {"master_cidr": "172.16.0.32/28"},
        {"pods_range_name": "pods-2"},
        {"network": "shared", "subnetwork": "projects/host/regions/us-central1/subnetworks/gke"},
    ],
    ids=lambda override: ",".join(override),
)
def test_a_replacing_change_gives_a_new_identifier(override: dict[str, Any]) -> None:
    assert cluster_identifier(settings(**override)) != cluster_identifier(settings())


@pytest.mark.parametrize(
    "override",
    [
        {"release_channel": "STABLE"},
        {"system_min_nodes": 2, "system_max_nodes": 3},
        {"system_machine_type": "e2-standard-8"},
        {"control_plane_access": "dns+ip", "master_authorized_networks": ["198.51.100.0/29"]},
        {"control_plane_access": "ip", "master_authorized_networks": ["198.51.100.0/29"]},
        {"control_plane_access": "dns+ip", "private_endpoint": True, "master_authorized_networks": ["10.0.0.0/8"]},
        {"subnet_cidr": "10.10.0.0/19"},
        {"deletion_protection": True},
    ],
    ids=lambda override: ",".join(override),
)
def test_an_in_place_change_keeps_the_identifier(override: dict[str, Any]) -> None:
    assert cluster_identifier(settings(**override)) == cluster_identifier(settings())


def test_a_cluster_created_with_the_old_default_range_keeps_its_identifier() -> None:
    """Stacks from before Private Service Connect declared 172.16.0.16/28 without setting master_cidr; declaring no
    range now must not replace their Kubernetes provider (and with it every namespace)."""
    assert cluster_identifier(settings()) == cluster_identifier(settings(master_cidr=LEGACY_MASTER_CIDR))


def test_identifier_is_readable_and_stable() -> None:
    identifier = cluster_identifier(settings())
    assert identifier.startswith("gke_acme-airflow-dev_us-central1-a_kpo-dev-")
    assert identifier == cluster_identifier(settings())
    assert forces_replacement("pulumi:providers:kubernetes", "clusterIdentifier")
    assert forces_replacement(CLUSTER, "location")


def test_a_value_dependent_cluster_row_counts_as_replacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """No cluster row depends on values today; one that did must join the hash (the hash sees a value, not a
    change). The row is hypothetical, so it is added here only to pin the choice."""
    conditional = InputReview(CLUSTER, "hypothetical", True, ("release_channel",), "test", "cidr_not_widened")
    assert "release_channel" not in cluster_replacing_keys()
    monkeypatch.setattr(replacement_review, "REVIEW", (*replacement_review.REVIEW, conditional))
    assert "release_channel" in cluster_replacing_keys()
