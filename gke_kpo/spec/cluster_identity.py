"""The Kubernetes provider's ``cluster_identifier``: it changes exactly when config replaces the cluster.

pulumi-kubernetes replaces a provider only when ``clusterIdentifier`` changes, and with it every resource on it
(ProviderArgs.clusterIdentifier; "changing k8s cluster config now correctly causes dependent resources to be
replaced", pulumi-kubernetes#577). Built from project/location/name alone it stays put when a zone, range or network
change replaces the cluster, so the namespace and RBAC would stay "unchanged" in state while missing on the new
cluster. The hash covers every config value that reaches a replace-forcing input of the cluster according to the
day-2 review table, and nothing else, so an in-place update never recreates the namespace. A row whose replacement
depends on the values (``replaces_when``) counts as replacing: the hash sees one value, not a change, and
recreating the namespace objects once too often is recoverable where leaving them missing on a new cluster is not.

What it cannot see: a cluster deleted or recreated outside Pulumi, a replacement forced by a provider upgrade, or
one that a replaced dependency forces (a shrunk or moved ``subnet_cidr`` replaces the subnetwork and so the cluster;
the key cannot join the hash, since widening it must not replace anything, and `make plan` flags that case).
After one, run `pulumi refresh` (the namespace objects then show as missing and are created again).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from gke_kpo.cloud.control_plane import LEGACY_MASTER_CIDR
from gke_kpo.cloud.replacement import CLUSTER, rows_for
from gke_kpo.config.settings import Settings
from gke_kpo.spec.kubeconfig import context_name

CONFIG_VALUES: dict[str, Callable[[Settings], object]] = {
    "project": lambda s: s.project,
    "region": lambda s: s.region,
    "zone": lambda s: s.zone,
    "cluster_name": lambda s: s.cluster.name,
    "network": lambda s: s.network.existing_network,
    "subnetwork": lambda s: s.network.existing_subnetwork,
    "pods_range_name": lambda s: s.network.pods_range_name,
    "services_range_name": lambda s: s.network.services_range_name,
    # A cluster that declares no /28 hashes the old default: the ones created with it keep their provider.
    "master_cidr": lambda s: s.cluster.master_cidr or LEGACY_MASTER_CIDR,
}
"""How each config key that can replace the cluster reads from the settings; a key the review adds must be here."""


def cluster_replacing_keys() -> tuple[str, ...]:
    return tuple(sorted({key for row in rows_for(CLUSTER) if row.replaces for key in row.config_keys}))


def cluster_identifier(settings: Settings) -> str:
    """``gke_<project>_<location>_<name>-<hash>``: readable, known at preview, new whenever the cluster is."""
    values = {key: CONFIG_VALUES[key](settings) for key in cluster_replacing_keys()}
    digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:12]
    return f"{context_name(settings.project, settings.location, settings.cluster.name)}-{digest}"
