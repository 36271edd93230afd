"""Who can connect to whom under the declared fences, as IBM's network-config-analyzer (nca) computes it.

nca (np-guard/network-config-analyzer, on PyPI) evaluates Kubernetes NetworkPolicy semantics over given namespaces
and pods and prints the connectivity map; it runs in its own venv (tests/tool_venv.py). The policies are the ones
the program declares for the dev stack (the mock run); the namespaces and pods are a cluster's worth of stand-ins:
two task pods per tenant namespace, kube-dns and another pod in kube-system, and a namespace without a fence
(``airflow``). nca evaluates the policies, not a cluster: what the dataplane does with them (Dataplane V2 enforces
NetworkPolicy, gke_kpo/cloud/pod_network.py) is outside what this shows.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import pod_network as net
from gke_kpo.cloud.replacement import NETWORK_POLICY
from gke_kpo.preview.capture import Plan
from gke_kpo.repo import stack_file
from tests.stack.conftest import PlanFor
from tests.tool_venv import tool_bin

pytestmark = pytest.mark.xdist_group("tool-venvs")

UNFENCED = "airflow"
ALL = "All connections"
DNS = "{protocols:TCP, UDP,dst_ports:53}"
HTTPS = "{protocols:TCP,dst_ports:443}"


def _integral(value: Any) -> Any:
    """The mock runtime carries numbers as floats (protobuf Struct); nca wants port 53, not 53.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral(item) for item in value]
    return value


def _namespace(name: str) -> dict[str, Any]:
    # The API server sets this label on every namespace; nca sees only what the manifest says.
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {net.NAMESPACE_NAME_LABEL: name}},
    }


def _pod(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": "base", "image": "task"}]},
    }


class Connectivity:
    """nca's connectivity map: ``src => dst : connections`` for every allowed pair, nothing for the others."""

    def __init__(self, lines: list[str]) -> None:
        self.edges: dict[tuple[str, str], str] = {}
        for line in lines:
            if " => " in line:
                pair, connections = line.rsplit(" : ", 1)
                source, destination = pair.split(" => ")
                self.edges[(source.removesuffix("[Pod]"), destination.removesuffix("[Pod]"))] = connections

    def to_pod(self, source: str, destination: str) -> str | None:
        return self.edges.get((source, destination))

    def to_address(self, source: str, address: str) -> str | None:
        """What ``source`` may open to ``address``: nca splits the address space into ranges (``a-b`` or CIDR)."""
        ip = ipaddress.IPv4Address(address)
        for (from_pod, destination), connections in self.edges.items():
            if from_pod == source and destination[0].isdigit() and _contains(destination, ip):
                return connections
        return None


def _contains(text: str, ip: ipaddress.IPv4Address) -> bool:
    if "-" in text:
        first, last = (ipaddress.IPv4Address(part) for part in text.split("-"))
        return first <= ip <= last
    return ip in ipaddress.IPv4Network(text)


def connectivity(plan: Plan, folder: Path) -> Connectivity:
    policies = [_integral(resource.inputs) for resource in plan.of_type(NETWORK_POLICY)]
    tenants = sorted({policy["metadata"]["namespace"] for policy in policies})
    (folder / "policies.yaml").write_text(yaml.safe_dump_all(policies))
    names = [*tenants, UNFENCED, net.KUBE_SYSTEM]
    (folder / "namespaces.yaml").write_text(yaml.safe_dump_all([_namespace(name) for name in names]))
    pods = [_pod(f"task-{index}", ns, {"app": "task"}) for ns in (*tenants, UNFENCED) for index in (1, 2)]
    pods += [_pod("kube-dns", net.KUBE_SYSTEM, dict(net.KUBE_DNS_POD_LABELS)), _pod("metrics", net.KUBE_SYSTEM, {})]
    (folder / "pods.yaml").write_text(yaml.safe_dump_all(pods))
    command = [str(tool_bin("nca", "nca")), "--connectivity", str(folder / "policies.yaml")]
    command += ["-n", str(folder / "namespaces.yaml"), "-p", str(folder / "pods.yaml"), "-o", "txt_no_fw_rules"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder)
    assert result.returncode == 0 and " => " in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
    return Connectivity(result.stdout.splitlines())


DEV_TENANTS = yaml.safe_load(stack_file("dev").read_text())["config"]["gke-kpo:tenants"]
A, B, C = "ml-dev", "etl-dev", "ext-dev"
"""Tenant and namespace names of the dev stack (each tenant's namespace is its name there)."""
DATABASE = "10.50.0.0/24"


@pytest.fixture(scope="module")
def reach(tmp_path_factory: pytest.TempPathFactory, plan_for: PlanFor) -> Connectivity:
    """dev with one tenant per egress mode: A internet plus a private database range, B none, C google-apis."""
    tenants = json.loads(json.dumps(DEV_TENANTS))
    tenants[A] |= {"egress": "internet", "egress_cidrs": [DATABASE]}
    tenants[B] |= {"egress": "none"}
    tenants[C] |= {"egress": "google-apis"}
    return connectivity(plan_for("dev", tenants=tenants), tmp_path_factory.mktemp("nca"))


def test_a_pod_reaches_pods_of_its_own_namespace(reach: Connectivity) -> None:
    assert reach.to_pod(f"{A}/task-1", f"{A}/task-2") == ALL


@pytest.mark.parametrize(("source", "destination"), [(A, B), (B, A), (A, C), (C, B)])
def test_no_pod_reaches_another_tenants_pods(reach: Connectivity, source: str, destination: str) -> None:
    assert reach.to_pod(f"{source}/task-1", f"{destination}/task-1") is None


def test_an_unfenced_namespace_cannot_reach_into_a_tenant(reach: Connectivity) -> None:
    assert reach.to_pod(f"{UNFENCED}/task-1", f"{A}/task-1") is None
    # The control: nca does report open paths, e.g. from the same unfenced pod into kube-system.
    assert reach.to_pod(f"{UNFENCED}/task-1", f"{net.KUBE_SYSTEM}/metrics") == ALL


@pytest.mark.parametrize("tenant", [A, B, C])
def test_every_tenant_reaches_cluster_dns_and_nothing_else_in_kube_system(reach: Connectivity, tenant: str) -> None:
    assert reach.to_pod(f"{tenant}/task-1", f"{net.KUBE_SYSTEM}/kube-dns") == DNS
    assert reach.to_pod(f"{tenant}/task-1", f"{net.KUBE_SYSTEM}/metrics") is None


@pytest.mark.parametrize("tenant", [A, B, C])
def test_every_tenant_reaches_the_metadata_server_on_its_ports_only(reach: Connectivity, tenant: str) -> None:
    assert reach.to_address(f"{tenant}/task-1", "169.254.169.254") == "{protocols:TCP,dst_ports:80,8080}"
    assert reach.to_address(f"{tenant}/task-1", "169.254.169.252") == "{protocols:TCP,dst_ports:987-988}"
    assert reach.to_address(f"{tenant}/task-1", "169.254.1.1") is None


def test_internet_egress_reaches_public_addresses_and_only_the_listed_private_ones(reach: Connectivity) -> None:
    assert reach.to_address(f"{A}/task-1", "8.8.8.8") == ALL
    assert reach.to_address(f"{A}/task-1", "10.50.0.7") == ALL
    assert reach.to_address(f"{A}/task-1", "10.16.0.5") is None  # the dev stack's pod range: other tenants' pods
    assert reach.to_address(f"{A}/task-1", "192.168.1.1") is None


def test_no_egress_reaches_no_address_but_dns_and_metadata(reach: Connectivity) -> None:
    assert reach.to_address(f"{B}/task-1", "8.8.8.8") is None
    assert reach.to_address(f"{B}/task-1", "199.36.153.8") is None


def test_google_apis_egress_reaches_the_private_google_access_ranges_on_https_only(reach: Connectivity) -> None:
    assert reach.to_address(f"{C}/task-1", "199.36.153.9") == HTTPS
    assert reach.to_address(f"{C}/task-1", "199.36.153.5") == HTTPS
    assert reach.to_address(f"{C}/task-1", "8.8.8.8") is None
