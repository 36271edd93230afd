"""The cluster's control-plane inputs for the stack's ``control_plane_access`` (gke_kpo.cloud.control_plane).

Field names are pulumi-gcp 10.2.0's (``container/_inputs.py``: ClusterControlPlaneEndpointsConfig*,
ClusterPrivateClusterConfig, ClusterMasterAuthorizedNetworksConfig); what each does on update is in
gke_kpo/cloud/replacement.py.
"""

from __future__ import annotations

from typing import Any

from gke_kpo.cloud.control_plane import ControlPlaneAccess
from gke_kpo.config.settings import ClusterSettings


def control_plane_inputs(cluster: ClusterSettings) -> dict[str, Any]:
    """``private_cluster_config``, ``master_authorized_networks_config`` and, on the DNS path,
    ``control_plane_endpoints_config``.

    ip is the seed's literal path and declares no endpoint config (GKE keeps the DNS endpoint closed to user
    traffic by default). dns makes the IP endpoint private instead of disabling it: nodes and tools inside the VPC
    keep an IP path, and terraform-provider-google before 8.0 reports a permanent diff on
    enable_private_endpoint and master_global_access_config once IP endpoints are disabled (fixed in
    eea306e0a1, #28981), which pulumi-gcp may bridge.
    """
    access = cluster.control_plane_access
    private_endpoint = cluster.private_endpoint or access is ControlPlaneAccess.DNS
    inputs: dict[str, Any] = {
        "private_cluster_config": {
            "enable_private_nodes": True,
            "enable_private_endpoint": private_endpoint,
            # Only a cluster created as a VPC-peering private cluster declares its /28 (see ClusterSettings).
            **({"master_ipv4_cidr_block": cluster.master_cidr} if cluster.master_cidr else {}),
            "master_global_access_config": {"enabled": True},
        },
        # Google Cloud's public ranges would admit any project's VMs: only the listed CIDRs (none on dns, where
        # the IP endpoint is private and the nodes' own range is always admitted).
        "master_authorized_networks_config": {
            "gcp_public_cidrs_access_enabled": False,
            "cidr_blocks": [
                {"cidr_block": cidr, "display_name": f"authorized-{index}"}
                for index, cidr in enumerate(cluster.master_authorized_networks)
            ],
        },
    }
    if access.dns:
        inputs["control_plane_endpoints_config"] = {"dns_endpoint_config": {"allow_external_traffic": True}}
    return inputs
