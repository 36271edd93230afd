"""What GKE itself does and requires, beyond names, permissions and machines (each with its source)."""

from __future__ import annotations

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
"""Access is bounded by the node service account's IAM roles, as Google recommends, not by scopes."""


NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount"
"""Google's minimal role for node service accounts (logging, monitoring, metadata); nothing more."""


WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account"
"""The Kubernetes service account annotation that names the Google service account its pods act as."""


REGIONAL_DEFAULT_ZONES = 3
"""GKE puts a regional cluster's nodes (and a pool without node_locations) in three of the region's zones."""


def pool_zone_count(location: str, node_locations: int) -> int:
    """Zones a node pool's nodes spread over: its node_locations, else its zonal cluster's zone, else the regional
    cluster's default zones. What a per-zone figure (initial_node_count, min/max_node_count) is multiplied by."""
    if node_locations:
        return node_locations
    zonal = location.count("-") == 2  # us-central1-a, not us-central1
    return 1 if zonal else REGIONAL_DEFAULT_ZONES


BALANCED = "BALANCED"
ANY = "ANY"
"""Node pool autoscaling location policies (terraform-provider-google resource_container_node_pool.go,
autoscaling.location_policy): BALANCED spreads nodes evenly over the zones; ANY scales up in whichever zone has
capacity (and unused reservations) first, and lowers Spot preemption risk: the one for scarce GPUs."""
SYSTEM_POOL_LOCATION_POLICY = BALANCED
GPU_POOL_LOCATION_POLICY = ANY


NODE_POD_RANGE_PREFIX = 24
"""Each node takes a /24 of the pods range: GKE's default of 110 pods per node, which the stack keeps (GKE
"Optimize Pod address allocation", https://cloud.google.com/kubernetes-engine/docs/how-to/flexible-pod-cidr)."""

SUBNET_RESERVED_ADDRESSES = 4
"""Addresses Google Cloud keeps in every subnet primary range: network, gateway, second-to-last, broadcast (VPC
"Subnets", reserved IPv4 addresses, https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet)."""

UPGRADE_SURGE_NODES = 1
"""One extra node per pool while it upgrades (maxSurge 1, GKE's default surge upgrade; gpu_quota.SURGE_NOTE)."""


def nodes_in_subnet(prefix: int) -> int:
    return max((1 << (32 - prefix)) - SUBNET_RESERVED_ADDRESSES, 0)


def nodes_in_pods_range(prefix: int) -> int:
    return 1 << (NODE_POD_RANGE_PREFIX - prefix) if prefix <= NODE_POD_RANGE_PREFIX else 0
