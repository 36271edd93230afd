"""A created network's ranges hold every node the pools may grow to: node addresses and each node's pod range."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from gke_kpo.cloud import names
from gke_kpo.cloud.gke import (
    NODE_POD_RANGE_PREFIX,
    SUBNET_RESERVED_ADDRESSES,
    UPGRADE_SURGE_NODES,
    nodes_in_pods_range,
    nodes_in_subnet,
)
from gke_kpo.config.problems import Problem
from gke_kpo.config.settings import Settings


def most_nodes(settings: Settings) -> int:
    pools = (settings.system_pool.max_nodes, *(pool.max_nodes for pool in settings.gpu_pools))
    return sum(pools) + UPGRADE_SURGE_NODES * len(pools)


def ranges_hold_the_nodes(settings: Settings, problems: list[Problem]) -> None:
    network = settings.network
    if network.existing_network:
        return  # its ranges are the network owner's; GKE says so at create
    nodes = most_nodes(settings)
    why = f"the node pools may hold {nodes} nodes (max_nodes of every pool, plus one per pool while it upgrades)"
    checks: tuple[tuple[str, str, Callable[[int], int], str], ...] = (
        ("subnet_cidr", network.subnet_cidr, nodes_in_subnet, f"node addresses ({SUBNET_RESERVED_ADDRESSES} reserved)"),
        ("pods_cidr", network.pods_cidr, nodes_in_pods_range, f"nodes' pod ranges (a /{NODE_POD_RANGE_PREFIX} each)"),
    )
    for key, cidr, holds, what in checks:
        if names.cidr_problem(cidr):
            continue
        range_ = ipaddress.ip_network(cidr)
        if holds(range_.prefixlen) < nodes:
            needed = max(p for p in range(range_.prefixlen + 1) if holds(p) >= nodes) if holds(0) >= nodes else 0
            fix = f"use a /{needed} or larger, e.g. {range_.supernet(new_prefix=needed)}, or lower max_nodes"
            problems.append(Problem(key, f"{cidr} holds {holds(range_.prefixlen)} {what}, but {why}", fix))
