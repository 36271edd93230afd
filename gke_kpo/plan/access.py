"""The plan's reachability verdict: by which path each consumer reaches the control plane (and what to fix)."""

from __future__ import annotations

from gke_kpo.config.problems import listed
from gke_kpo.config.reachability import Consumer, consumers
from gke_kpo.config.settings import Settings


def access_lines(settings: Settings) -> list[str]:
    """One line per consumer group that shares where it runs and what it gets, then the config's warnings."""
    cluster = settings.cluster
    groups: dict[tuple[str, str], list[Consumer]] = {}
    for consumer in consumers(settings):
        groups.setdefault((consumer.network_key.split(".")[-1], consumer.network.value), []).append(consumer)
    lines = [f"Control plane access: {cluster.control_plane_access.value} (gke-kpo:control_plane_access)"]
    for (key, network), members in groups.items():
        first = members[0]
        who = _who(members)
        lines.append(f"  {who} [{key}: {network}] -> {first.path.value}: {first.reach.value}")
    lines += [f"warning: {warning}" for warning in settings.warnings]
    return lines


def _who(members: list[Consumer]) -> str:
    """``Airflow of tenants a, b, c``: with many tenants, each tenant's name once."""
    tenants = [member.tenant for member in members if member.tenant]
    if len(tenants) < 2:
        return ", ".join(member.name for member in members)
    others = [member.name for member in members if not member.tenant]
    return ", ".join([f"Airflow of tenants {listed(tenants)}", *others])
