"""How clients reach a GKE control plane, and from where: the DNS-based endpoint and the IP endpoints.

Facts (read 2026-08, each used below):

- Every cluster has a DNS-based endpoint ``<uid>.<location>.gke.goog``, "accessible from the public internet ...
  Always present", serving user traffic only when ``allowExternalTraffic`` is true (GKE API,
  ControlPlaneEndpointsConfig.DNSEndpointConfig.endpoint / allow_external_traffic). It "resolves to an endpoint
  that is accessible from any network reachable by Google Cloud APIs, including on-premises or other cloud
  networks", and access needs IAM (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation,
  "DNS-based endpoint"): the permission is ``container.clusters.connect`` (same page, "Customize your network
  isolation"), checked before Kubernetes RBAC.
- Authorized networks restrict "access to the control plane based on source IP" and live in
  ControlPlaneEndpointsConfig.IPEndpointsConfig: they apply to the IP endpoints only (GKE API, IPEndpointsConfig
  .authorized_networks_config), so on a stack reached only through the DNS endpoint they would do nothing.
- The DNS endpoint is served with a publicly trusted certificate: ``gcloud container clusters get-credentials
  --dns-endpoint`` writes no ``certificate-authority-data`` for it (Google Cloud SDK,
  googlecloudsdk/api_lib/container/kubeconfig.py ``Cluster()``: ``elif ca_data is not None and not
  has_dns_endpoint``), so clients verify it against their system CA bundle; the IP endpoints present the
  cluster's own CA (``masterAuth.clusterCaCertificate``), which a kubeconfig must pin.
- A private cluster declared with ``master_ipv4_cidr_block`` is the VPC-peering model: the control plane sits in a
  Google-owned VPC peered with the cluster's, so a client in a third VPC peered with the cluster's cannot reach its
  private endpoint (VPC peering is not transitive; https://cloud.google.com/vpc/docs/vpc-peering, "Transitive
  peering is not supported"). Clusters created without it use Private Service Connect: "you don't have to manage
  specific subnets for the control plane endpoint. The PSC endpoint is located entirely within the cluster
  network" (https://cloud.google.com/kubernetes-engine/docs/concepts/private-service-connect); new public clusters
  use PSC since 2022-03-15 (Google Cloud blog, "New control plane connectivity and isolation options for your GKE
  clusters", 2022-12-21). terraform-provider-google treats a cluster as PSC exactly when it has no
  master_ipv4_cidr_block and no legacy private nodes flag at creation (resource_container_cluster.go
  ``isEnablePrivateEndpointPSCCluster``, v7.45.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

CONNECT_PERMISSION: Final = "container.clusters.connect"
"""IAM permission every caller of the DNS-based endpoint needs (network-isolation page, above)."""

DNS_ENDPOINT_DOMAIN: Final = "gke.goog"
"""``<uid>.<location>.gke.goog``: the GKE API's example is ``uid.us-central1.gke.goog``."""

LEGACY_MASTER_CIDR: Final = "172.16.0.16/28"
"""The /28 every stack declared before Private Service Connect unless it set ``master_cidr`` (its old default).
Only the Kubernetes provider's identity still reads it (gke_kpo/spec/cluster_identity.py), so a cluster created
with it keeps its provider, and the namespaces on it, through the upgrade."""


class ControlPlaneAccess(StrEnum):
    """The one choice per stack (``gke-kpo:control_plane_access``) of how every consumer reaches the API."""

    DNS = "dns"
    """DNS endpoint with external traffic; the IP endpoint private (no public IP); no authorized networks."""
    IP = "ip"
    """The seed's path: public (or, with private_endpoint, private) IP endpoint behind authorized networks."""
    DNS_AND_IP = "dns+ip"
    """Both: the DNS endpoint for the rendered files and the provider, the IP endpoint kept (migration)."""

    @property
    def dns(self) -> bool:
        return self is not ControlPlaneAccess.IP

    @property
    def ip_endpoint_can_be_public(self) -> bool:
        return self is not ControlPlaneAccess.DNS


class Network(StrEnum):
    """Where a consumer of the API runs, relative to the cluster's VPC."""

    INTERNET = "internet"
    """Outside any network routed to the VPC: GitHub-hosted runners, Astro Hosted, a laptop, another cloud."""
    VPC = "vpc"
    """In the cluster's VPC, or connected to it by Cloud VPN or Interconnect."""
    PEERED = "peered"
    """In another VPC peered with the cluster's (e.g. an Astro dedicated cluster's VPC)."""


class Path(StrEnum):
    DNS = "DNS endpoint"
    PUBLIC_IP = "public IP endpoint"
    PRIVATE_IP = "private IP endpoint"


@dataclass(frozen=True)
class Endpoints:
    """The control plane's doors as the stack declares them."""

    access: ControlPlaneAccess
    private_endpoint: bool
    """ip, dns+ip: the IP endpoint has no public address (the dns choice always implies it)."""
    vpc_peering: bool
    """The legacy VPC-peering private cluster (``master_cidr`` set): peered clients cannot reach its private IP."""

    @property
    def public_ip(self) -> bool:
        return self.access.ip_endpoint_can_be_public and not self.private_endpoint

    @property
    def used_path(self) -> Path:
        """The one path the rendered kubeconfig, the connection and the Kubernetes provider point at."""
        if self.access.dns:
            return Path.DNS
        return Path.PUBLIC_IP if self.public_ip else Path.PRIVATE_IP


class Reach(StrEnum):
    YES = "reaches it"
    IF_LISTED = "reaches it only from an address listed in master_authorized_networks"
    NO = "cannot reach it"


def reach(endpoints: Endpoints, network: Network) -> Reach:
    """Whether a consumer in ``network`` reaches the API through the path the stack makes it use."""
    path = endpoints.used_path
    if path is Path.DNS:
        # Any network that reaches Google APIs, gated by IAM (container.clusters.connect) instead of addresses.
        return Reach.YES
    if path is Path.PUBLIC_IP:
        return Reach.IF_LISTED
    if network is Network.VPC:
        return Reach.YES
    if network is Network.PEERED and not endpoints.vpc_peering:
        return Reach.YES
    return Reach.NO
