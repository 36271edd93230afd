"""A tenant namespace's network fence: one NetworkPolicy over every pod, as a plain Kubernetes manifest (camelCase).

Ingress: pods of the namespace accept connections from pods of the same namespace only (no other namespace, no
address block); XCom and logs travel through the API server and the kubelet, not the pod network, so they keep
working (gke_kpo.cloud.pod_network). Egress: the namespace itself, cluster DNS, the GKE metadata server (Workload
Identity), then what the tenant's ``egress`` mode and ``egress_cidrs`` add. The Tenant component declares them;
the policy pack's tenant-network-fence refuses a tenant namespace without them; tests evaluate them with
IBM's network-config-analyzer (tests/policies/test_fence_connectivity.py).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Final

from gke_kpo.cloud import pod_network as net
from gke_kpo.cloud.pod_network import Destination, Egress, Port
from gke_kpo.config.settings import NetworkSettings, TenantSettings

FENCE: Final = "gke-kpo-fence"
API_VERSION: Final = "networking.k8s.io/v1"
KIND: Final = "NetworkPolicy"

EVERY_POD: Final[dict[str, Any]] = {}
"""An empty podSelector selects every pod of the policy's namespace (as a peer: every pod of the namespace)."""


def _ports(ports: tuple[Port, ...]) -> list[dict[str, Any]]:
    return [{"protocol": port.protocol, "port": port.port} for port in ports]


def _to_block(destination: Destination) -> dict[str, Any]:
    return {"to": [{"ipBlock": {"cidr": destination.cidr}}], "ports": _ports(destination.ports)}


def ingress_rules() -> list[dict[str, Any]]:
    return [{"from": [{"podSelector": EVERY_POD}]}]


def _dns_rule() -> dict[str, Any]:
    kube_system = {"matchLabels": {net.NAMESPACE_NAME_LABEL: net.KUBE_SYSTEM}}
    return {
        "to": [{"namespaceSelector": kube_system, "podSelector": {"matchLabels": dict(net.KUBE_DNS_POD_LABELS)}}],
        "ports": _ports(net.DNS_PORTS),
    }


def cluster_ranges(network: NetworkSettings) -> tuple[str, ...]:
    """The stack's own ranges that ``internet`` must also leave out: those outside the private ranges (a VPC may
    use public space privately); unknown for an existing network, whose ranges config only names."""
    if not network.create:
        return ()
    ranges = (network.subnet_cidr, network.pods_cidr, network.services_cidr)
    return tuple(cidr for cidr in ranges if not _inside_any(cidr, net.NOT_INTERNET))


def _inside_any(cidr: str, blocks: tuple[str, ...]) -> bool:
    network = ipaddress.IPv4Network(cidr)
    return any(network.subnet_of(ipaddress.IPv4Network(block)) for block in blocks)


def _mode_rules(egress: Egress, own_ranges: tuple[str, ...]) -> list[dict[str, Any]]:
    if egress is Egress.INTERNET:
        public = {"cidr": net.EVERYWHERE, "except": [*net.NOT_INTERNET, *own_ranges]}
        return [{"to": [{"ipBlock": public}]}]
    if egress is Egress.GOOGLE_APIS:
        return [_to_block(destination) for destination in net.GOOGLE_APIS]
    return []


def egress_rules(
    egress: Egress, egress_cidrs: tuple[str, ...] = (), own_ranges: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """``own_ranges``: the stack's ranges outside the private ones (``cluster_ranges``), kept out of internet."""
    rules = [
        {"to": [{"podSelector": EVERY_POD}]},
        _dns_rule(),
        *(_to_block(destination) for destination in net.METADATA_SERVER),
        *_mode_rules(egress, own_ranges),
    ]
    if egress_cidrs:
        rules.append({"to": [{"ipBlock": {"cidr": cidr}} for cidr in egress_cidrs]})
    return rules


def fence_policy(
    namespace: str, egress: Egress, egress_cidrs: tuple[str, ...] = (), own_ranges: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": FENCE, "namespace": namespace, "labels": {"app.kubernetes.io/managed-by": "gke-kpo"}},
        "spec": {
            "podSelector": EVERY_POD,
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress_rules(),
            "egress": egress_rules(egress, egress_cidrs, own_ranges),
        },
    }


def tenant_fence(tenant: TenantSettings, network: NetworkSettings) -> dict[str, Any]:
    return fence_policy(tenant.namespace.name, tenant.egress, tenant.egress_cidrs, cluster_ranges(network))
