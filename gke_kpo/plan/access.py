"""The plan's reachability verdict: by which path each consumer reaches the control plane (and what to fix)."""

from __future__ import annotations

from gke_kpo.config.reachability import consumers
from gke_kpo.config.settings import Settings


def access_lines(settings: Settings) -> list[str]:
    cluster = settings.cluster
    lines = [f"Control plane access: {cluster.control_plane_access.value} (gke-kpo:control_plane_access)"]
    lines += [f"  {consumer.verdict()}" for consumer in consumers(settings)]
    lines += [f"warning: {warning}" for warning in settings.warnings]
    return lines
