"""A tenant's egress allowances (``egress_cidrs``): each a CIDR, and none reopening the cluster's own ranges."""

from __future__ import annotations

import ipaddress

from gke_kpo.cloud import names
from gke_kpo.config.problems import Problem
from gke_kpo.config.reader import ConfigReader
from gke_kpo.config.settings import NetworkSettings, TenantSettings

EGRESS_CIDRS_FIELD = "egress_cidrs"
EXAMPLE = "e.g. egress_cidrs: [10.50.0.0/24] for a database's private range"


def read_egress_cidrs(read: ConfigReader) -> tuple[str, ...]:
    """The valid entries; every other one is a problem naming the field and the block it most likely meant."""
    entries = read.values.get(EGRESS_CIDRS_FIELD, [])
    assert isinstance(entries, list)
    valid: list[str] = []
    for entry in entries:
        reason = names.cidr_problem(entry) if isinstance(entry, str) else f"{entry!r} is not a string"
        if reason is None:
            valid.append(entry)
            continue
        corrected = names.corrected_cidr(entry) if isinstance(entry, str) else None
        read.fail(EGRESS_CIDRS_FIELD, reason, f"write {corrected}" if corrected else f"write a.b.c.d/n, {EXAMPLE}")
    return tuple(valid)


def egress_stays_outside_the_cluster(
    tenants: tuple[TenantSettings, ...], network: NetworkSettings, problems: list[Problem]
) -> list[str]:
    """An allowance over the pod or service range would admit other tenants' pods past the fence: refused when
    the stack creates the network (it knows the ranges); a warning for an internal one on an existing network."""
    # A range already reported malformed has nothing to overlap: its own problem says what to fix.
    cluster_ranges = {
        key: value
        for key, value in (("pods_cidr", network.pods_cidr), ("services_cidr", network.services_cidr))
        if not names.cidr_problem(value)
    }
    warnings: list[str] = []
    for tenant in tenants:
        key = f"tenants.{tenant.name}.{EGRESS_CIDRS_FIELD}"
        for cidr in tenant.egress_cidrs:
            if names.cidr_problem(cidr):
                continue
            if not network.create:
                if names.is_internal(cidr):
                    warnings.append(
                        f"{key} lists the internal range {cidr}: make sure it does not cover the pod or service "
                        f"ranges ({network.pods_range_name}, {network.services_range_name}) of the existing "
                        "subnetwork, or the tenant's pods could reach other tenants' pods"
                    )
                continue
            for range_key, cluster_range in cluster_ranges.items():
                if ipaddress.ip_network(cidr).overlaps(ipaddress.ip_network(cluster_range)):
                    problems.append(
                        Problem(
                            key,
                            f"{cidr} overlaps {range_key} {cluster_range}: it would let the tenant's pods reach "
                            "other tenants' pods and services past the network fence",
                            "list only the destinations outside the cluster, narrowly (a database's /32 or /24)",
                        )
                    )
    return warnings
