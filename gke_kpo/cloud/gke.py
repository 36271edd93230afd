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
