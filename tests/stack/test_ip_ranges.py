"""A created network's ranges hold every node the pools may grow to; the fix names the smallest range that does."""

from __future__ import annotations

import ipaddress

import pytest

from gke_kpo.cloud.gke import nodes_in_pods_range, nodes_in_subnet
from gke_kpo.config.ip_ranges import most_nodes
from gke_kpo.config.problems import ConfigError

from .test_gpu_pools import POOLS, settings_for


def _problems(**stack: str) -> dict[str, str]:
    try:
        settings_for(POOLS, **stack)
    except ConfigError as error:
        return {problem.key: f"{problem.message} Fix: {problem.fix}" for problem in error.problems}
    return {}


NODES = most_nodes(settings_for(POOLS))


def test_the_count_is_every_pool_at_max_plus_one_each_for_upgrades() -> None:
    settings = settings_for(POOLS)
    pools = [settings.system_pool.max_nodes, *(pool.max_nodes for pool in settings.gpu_pools)]
    assert NODES == sum(pools) + len(pools)


@pytest.mark.parametrize("prefix", range(22, 30))
def test_a_subnet_too_small_for_the_nodes_is_named_with_the_range_that_fits(prefix: int) -> None:
    problem = _problems(subnet_cidr=f"10.10.0.0/{prefix}").get("subnet_cidr")
    if nodes_in_subnet(prefix) >= NODES:
        assert problem is None
        return
    assert problem is not None and f"may hold {NODES} nodes" in problem
    suggested = ipaddress.ip_network(problem.split("e.g. ")[1].split(",")[0])
    assert nodes_in_subnet(suggested.prefixlen) >= NODES > nodes_in_subnet(suggested.prefixlen + 1)
    assert _problems(subnet_cidr=str(suggested)).get("subnet_cidr") is None


@pytest.mark.parametrize("prefix", range(16, 25))
def test_a_pods_range_too_small_for_the_nodes_is_named_with_the_range_that_fits(prefix: int) -> None:
    problem = _problems(pods_cidr=f"10.16.0.0/{prefix}").get("pods_cidr")
    if nodes_in_pods_range(prefix) >= NODES:
        assert problem is None
        return
    assert problem is not None and "a /24 each" in problem
    suggested = ipaddress.ip_network(problem.split("e.g. ")[1].split(",")[0])
    assert nodes_in_pods_range(suggested.prefixlen) >= NODES > nodes_in_pods_range(suggested.prefixlen + 1)


def test_an_existing_network_is_not_judged() -> None:
    existing = {"network": "shared", "subnetwork": "gke", "subnet_cidr": "10.10.0.0/29", "pods_cidr": "10.16.0.0/24"}
    assert not {"subnet_cidr", "pods_cidr"} & set(_problems(**existing))
