"""A created network's ranges hold every node the pools may grow to; the fix names the smallest range that does."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import pytest

from gke_kpo.cloud.gke import nodes_in_pods_range, nodes_in_subnet
from gke_kpo.config.ip_ranges import most_nodes
from gke_kpo.config.problems import ConfigError

from .test_gpu_pools import POOLS, settings_for


def _problems(**stack: str) -> dict[str, str]:
    try:
        settings_for(POOLS, None, **stack)
    except ConfigError as error:
        return {problem.key: f"{problem.message} Fix: {problem.fix}" for problem in error.problems}
    return {}


NODES = most_nodes(settings_for(POOLS))


def test_the_count_is_every_pool_at_max_plus_one_each_for_upgrades() -> None:
    settings = settings_for(POOLS)
    pools = [settings.system_pool.max_nodes, *(pool.max_nodes for pool in settings.gpu_pools)]
    assert NODES == sum(pools) + len(pools)


RANGES = [("subnet_cidr", "10.10.0.0", nodes_in_subnet, p) for p in range(22, 30)] + [
    ("pods_cidr", "10.16.0.0", nodes_in_pods_range, p) for p in range(16, 25)
]


@pytest.mark.parametrize(("key", "address", "holds", "prefix"), RANGES, ids=[f"{r[0]}/{r[3]}" for r in RANGES])
def test_a_range_too_small_for_the_nodes_is_named_with_the_smallest_that_fits(
    key: str, address: str, holds: Callable[[int], int], prefix: int
) -> None:
    problem = _problems(**{key: f"{address}/{prefix}"}).get(key)
    if holds(prefix) >= NODES:
        assert problem is None
        return
    assert problem is not None and f"may hold {NODES} nodes" in problem and f"holds {holds(prefix)} " in problem
    suggested = ipaddress.ip_network(problem.split("e.g. ")[1].split(",")[0])
    assert holds(suggested.prefixlen) >= NODES > holds(suggested.prefixlen + 1)
    assert _problems(**{key: str(suggested)}).get(key) is None


def test_an_existing_network_is_not_judged() -> None:
    existing = {"network": "shared", "subnetwork": "gke", "subnet_cidr": "10.10.0.0/29", "pods_cidr": "10.16.0.0/24"}
    assert not {"subnet_cidr", "pods_cidr"} & set(_problems(**existing))
