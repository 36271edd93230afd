"""What a KPO task pod reaches over the pod network on GKE, and what NetworkPolicy does and does not govern.

Facts (read 2026-12, each used by gke_kpo/spec/network_fence.py):

- NetworkPolicy is enforced on this stack's clusters: they run GKE Dataplane V2 (``datapathProvider:
  ADVANCED_DATAPATH``, components/cluster.py), which enforces it without a separate Calico add-on
  (https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2; the pack's gke-hardening relies on the
  same fact). The field forces a new cluster
  (gke_kpo/cloud/replacement.py, ``datapathProvider``), and every stack has had it since its creation, so the
  fences need no cluster change.
- Policies are additive: a pod selected by any policy of a type is isolated for that type, and a connection is
  allowed if any policy allows it (https://kubernetes.io/docs/concepts/services-networking/network-policies/,
  "The two sorts of pod isolation"). So one tenant's fence stays closed only while no other NetworkPolicy in its
  namespace opens it: the policy pack checks every NetworkPolicy in a tenant namespace, not only the fence.
- Traffic between a pod and the node it runs on is always allowed, whatever the policies (same page, on
  isolation): kubelet probes and the node's own components are not fenced off.
- XCom and logs never cross the pod network: KPO reads ``/airflow/xcom/return.json`` with
  ``connect_get_namespaced_pod_exec`` and follows logs with ``read_namespaced_pod_log``
  (apache-airflow-providers-cncf-kubernetes 10.25.0, utils/pod_manager.py ``extract_xcom``), i.e. Airflow calls
  the API server, which streams from the kubelet on the pod's node (https://kubernetes.io/docs/concepts/
  architecture/control-plane-node-communication/, "API server to kubelet"). An ingress fence therefore cannot
  break XCom or logs.
- Cluster DNS is kube-dns, a Deployment in ``kube-system`` whose pods carry ``k8s-app: kube-dns``
  (https://cloud.google.com/kubernetes-engine/docs/how-to/kube-dns). On
  Dataplane V2 policy is applied after service translation, so a rule naming the kube-dns pods admits queries
  sent to the kube-dns Service IP. NodeLocal DNSCache is not enabled by this stack (components/cluster.py sets no
  ``dns_cache_config``).
- The GKE metadata server, which hands Workload Identity tokens to pods, answers on 169.254.169.254 (port 80, and
  8080 on Dataplane V2) and, behind it, on 169.254.169.252 (ports 987, 988). The GKE page that states which of
  them a NetworkPolicy must admit (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity,
  "Restrictions") could not be read here; the pairs below are those public GKE configurations admit (found with
  the code search, e.g. policies that pair 169.254.169.252/32 with TCP 988 and 169.254.169.254/32 with TCP 80 and
  8080 "for Dataplane V2"). All four are admitted: each is the metadata server, so an extra port opens nothing
  else, while a missing one fails as a token timeout inside a client library.
- Private Google Access domains: ``private.googleapis.com`` is 199.36.153.8/30 and ``restricted.googleapis.com``
  199.36.153.4/30 (https://cloud.google.com/vpc/docs/configure-private-google-access#domain-options). Pods reach
  Google APIs there only if ``*.googleapis.com`` resolves to them (a Cloud DNS zone the VPC's owner creates;
  this stack creates none); otherwise the APIs resolve to public addresses that only ``internet`` admits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from gke_kpo.cloud.names import INTERNAL_RANGES


class Egress(StrEnum):
    """Where a tenant's pods may open connections, beyond DNS, the metadata server and their own namespace."""

    INTERNET = "internet"
    """Every public address; no internal one (the VPC, other tenants' pods) unless egress_cidrs lists it."""
    GOOGLE_APIS = "google-apis"
    """Only the Private Google Access ranges (needs *.googleapis.com resolving to them)."""
    NONE = "none"
    """Nothing further."""


@dataclass(frozen=True)
class Port:
    protocol: str
    port: int


@dataclass(frozen=True)
class Destination:
    cidr: str
    ports: tuple[Port, ...]
    why: str


KUBE_SYSTEM: Final = "kube-system"
NAMESPACE_NAME_LABEL: Final = "kubernetes.io/metadata.name"
"""Set by the API server on every namespace (Kubernetes 1.22+; kubernetes.io, Well-Known Labels)."""
KUBE_DNS_POD_LABELS: Final = {"k8s-app": "kube-dns"}
DNS_PORTS: Final = (Port("UDP", 53), Port("TCP", 53))

HTTPS: Final = (Port("TCP", 443),)

METADATA_SERVER: Final = (
    Destination("169.254.169.254/32", (Port("TCP", 80), Port("TCP", 8080)), "GKE metadata server (Workload Identity)"),
    Destination("169.254.169.252/32", (Port("TCP", 987), Port("TCP", 988)), "GKE metadata server (Workload Identity)"),
)

GOOGLE_APIS: Final = (
    Destination("199.36.153.8/30", HTTPS, "private.googleapis.com"),
    Destination("199.36.153.4/30", HTTPS, "restricted.googleapis.com"),
)

LINK_LOCAL: Final = "169.254.0.0/16"

NOT_INTERNET: Final = (*(str(network) for network in INTERNAL_RANGES), LINK_LOCAL)
"""What ``internet`` leaves out: the ranges a VPC uses internally (pods, services, nodes, the control plane's
private endpoint, other tenants) and link-local (the metadata server, admitted on its own ports only)."""

EVERYWHERE: Final = "0.0.0.0/0"
