from __future__ import annotations

import pytest

from gke_kpo.cloud import names
from gke_kpo.cloud.names import node_account_id


@pytest.mark.parametrize("value", ["my-project-1", "abcdef", "a" * 30])
def test_valid_project_ids(value: str) -> None:
    assert names.project_id_problem(value) is None


@pytest.mark.parametrize("value", ["short", "1project", "My-Project", "project-", "a" * 31, "my_project"])
def test_invalid_project_ids(value: str) -> None:
    assert names.project_id_problem(value)


@pytest.mark.parametrize("value", ["a", "kpo", "x1-y2", "a" * 63])
def test_dns1123_labels(value: str) -> None:
    assert names.dns1123_label_problem(value) is None


@pytest.mark.parametrize("value", ["", "-a", "a-", "A", "a_b", "a.b", "a" * 64])
def test_not_dns1123_labels(value: str) -> None:
    assert names.dns1123_label_problem(value)


def test_zone_must_be_inside_region() -> None:
    assert names.zone_problem("us-central1-a", "us-central1") is None
    assert "not in region" in (names.zone_problem("europe-west4-a", "us-central1") or "")


@pytest.mark.parametrize("cluster", ["k", "kpo", "a" * 40, "a" * 25 + "-b"])
def test_node_account_id_is_always_a_valid_account_id(cluster: str) -> None:
    assert names.account_id_problem(node_account_id(cluster)) is None


@pytest.mark.parametrize(
    "cidrs",
    [["0.0.0.0/0"], ["0.0.0.0/1", "128.0.0.0/1"], ["203.0.113.0/24", "64.0.0.0/3"], ["34.0.0.0/8"], ["35.192.0.0/15"]],
)
def test_too_broad_authorized_networks(cidrs: list[str]) -> None:
    assert names.authorized_networks_problem(cidrs)


@pytest.mark.parametrize(
    "cidrs",
    [[], ["203.0.113.0/24"], ["10.0.0.0/8", "198.51.100.7/32"], ["35.192.0.0/16"], ["100.64.0.0/10", "172.16.0.0/12"]],
)
def test_allowlist_authorized_networks(cidrs: list[str]) -> None:
    assert names.authorized_networks_problem(cidrs) is None


@pytest.mark.parametrize(("cidr", "internal"), [("10.1.0.0/16", True), ("100.64.0.0/10", True), ("0.0.0.0/0", False),
                                               ("192.0.2.0/24", False), ("172.32.0.0/16", False)])  # fmt: skip
def test_internal_ranges(cidr: str, internal: bool) -> None:
    assert names.is_internal(cidr) is internal
    assert (names.private_endpoint_problem([cidr]) is None) is internal


@pytest.mark.parametrize(
    ("value", "corrected"),
    [("203.0.113.7", "203.0.113.7/32"), ("10.0.0.1/8", "10.0.0.0/8"), ("10.0.0.300/8", None), ("::1/128", None)],
)
def test_malformed_cidrs_and_what_they_meant(value: str, corrected: str | None) -> None:
    assert names.cidr_problem(value)
    assert names.corrected_cidr(value) == corrected


@pytest.mark.parametrize(
    ("smaller", "larger"), [("500m", "1"), ("1Gi", "1100M"), ("1024Mi", "1.5Gi"), ("999", "1k"), ("2", "2.5")]
)
def test_quantities_compare_across_suffixes(smaller: str, larger: str) -> None:
    assert names.quantity_value(smaller) < names.quantity_value(larger)


def test_equal_quantities_in_other_units() -> None:
    assert names.quantity_value("1Gi") == names.quantity_value("1024Mi")
    assert names.quantity_value("1500m") == names.quantity_value("1.5")
