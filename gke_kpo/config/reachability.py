"""Who reaches the control plane, by which path, and the combinations that cannot work (config errors) or may
not (warnings). Pure functions of the settings: `make plan` prints the verdicts, the parser raises the errors."""

from __future__ import annotations

from dataclasses import dataclass

from gke_kpo.cloud.control_plane import Network, Path, Reach, reach
from gke_kpo.config.problems import Problem
from gke_kpo.config.settings import Settings
from gke_kpo.config.stack import ACCESS_KEY, DEPLOYER_NETWORK_KEY
from gke_kpo.config.tenants import AIRFLOW_NETWORK_FIELD


@dataclass(frozen=True)
class Consumer:
    name: str
    network: Network
    network_key: str
    """The key that says where it runs (``deployer_network``, ``tenants.<t>.airflow_network``)."""
    path: Path
    reach: Reach
    tenant: str | None = None
    """The tenant whose Airflow this is (None for the CI runner and the provider)."""

    def verdict(self) -> str:
        return f"{self.name} ({self.network.value}, {self.network_key}) -> {self.path.value}: {self.reach.value}"


def consumers(settings: Settings) -> list[Consumer]:
    """Each tenant's Airflow, the CI runner and the Kubernetes provider, with the path the stack makes them use."""
    endpoints = settings.cluster.endpoints
    deployer = settings.cluster.deployer_network

    def consumer(name: str, network: Network, key: str, tenant: str | None = None) -> Consumer:
        return Consumer(name, network, key, endpoints.used_path, reach(endpoints, network), tenant)

    return [
        *(
            consumer(
                f"Airflow of tenant {t.name}", t.airflow_network, f"tenants.{t.name}.{AIRFLOW_NETWORK_FIELD}", t.name
            )
            for t in settings.tenants
        ),
        consumer("CI runner (pulumi preview/up workflows)", deployer, DEPLOYER_NETWORK_KEY),
        consumer("Kubernetes provider (inside pulumi)", deployer, DEPLOYER_NETWORK_KEY),
    ]


def reachability_check(settings: Settings, problems: list[Problem]) -> list[str]:
    """Errors for a consumer that cannot reach the API; warnings (returned) for one that needs a listed address."""
    cluster = settings.cluster
    warnings: list[str] = []
    seen: set[str] = set()
    for consumer in consumers(settings):
        if consumer.network_key in seen:
            continue
        seen.add(consumer.network_key)
        if consumer.reach is Reach.NO:
            why = _unreachable(consumer, cluster.master_cidr)
            problems.append(Problem(ACCESS_KEY, why, _unreachable_fix(consumer)))
        elif consumer.reach is Reach.IF_LISTED and consumer.network_key == DEPLOYER_NETWORK_KEY:
            warnings.append(
                f"gke-kpo:{ACCESS_KEY} is {cluster.control_plane_access.value}: the CI runner and the Kubernetes "
                f"provider reach the public IP endpoint only from an address in master_authorized_networks, and "
                "GitHub-hosted runners (ubuntu-latest) have no fixed address, so `pulumi preview`/`up` there fail "
                f"after the cluster exists. Fix: set {ACCESS_KEY} to dns+ip (then dns), or run them on a runner "
                "whose egress is listed (PULUMI_RUNNER, docs/ci.md)"
            )
    return warnings


def _unreachable(consumer: Consumer, master_cidr: str) -> str:
    if consumer.network is Network.PEERED and master_cidr:
        why = (
            "the private IP endpoint of a VPC-peering cluster (master_cidr) lives in a Google VPC peered with the "
            "cluster's, and peering is not transitive"
        )
    else:
        why = "the IP endpoint is private and there is no DNS path for a consumer outside the VPC"
    return f"{consumer.name} runs in {consumer.network.value} ({consumer.network_key}) and cannot reach the API: {why}"


def _unreachable_fix(consumer: Consumer) -> str:
    return (
        f"set {ACCESS_KEY} to dns (or dns+ip) so it uses the DNS-based endpoint, or, if it really runs in the "
        f"cluster's VPC or over VPN/Interconnect, set {consumer.network_key} to vpc"
    )
