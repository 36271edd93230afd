"""The typed settings object: stack configuration read once, validated, and handed down."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gke_kpo.artifact_registry import Repository
from gke_kpo.permissions import AccessModel


class IdentityMode(StrEnum):
    ASTRO = "astro"
    GKE = "gke"


@dataclass(frozen=True)
class NetworkSettings:
    existing_network: str
    existing_subnetwork: str
    pods_range_name: str
    services_range_name: str
    subnet_cidr: str
    pods_cidr: str
    services_cidr: str

    @property
    def create(self) -> bool:
        return not self.existing_network


@dataclass(frozen=True)
class ClusterSettings:
    name: str
    release_channel: str
    deletion_protection: bool
    master_authorized_networks: tuple[str, ...]
    private_endpoint: bool
    master_cidr: str


@dataclass(frozen=True)
class SystemPoolSettings:
    machine_type: str
    min_nodes: int
    max_nodes: int
    disk_gb: int


@dataclass(frozen=True)
class GpuPoolSettings:
    accelerator: str
    count: int
    machine_type: str
    min_nodes: int
    max_nodes: int
    spot: bool
    driver_version: str
    node_locations: tuple[str, ...]


@dataclass(frozen=True)
class NamespaceSettings:
    name: str
    quota_pods: int
    quota_cpu: str
    quota_memory: str
    quota_gpus: int
    default_cpu_request: str
    default_memory_request: str
    default_cpu_limit: str
    default_memory_limit: str
    max_container_cpu: str
    max_container_memory: str


@dataclass(frozen=True)
class IdentitySettings:
    mode: IdentityMode
    email: str
    """The e-mail Airflow authenticates as; derived from config in both modes, so known at preview."""
    gsa_name: str
    wi_project: str
    k8s_namespace: str
    k8s_service_account: str

    @property
    def workload_identity_member(self) -> str:
        return f"serviceAccount:{self.wi_project}.svc.id.goog[{self.k8s_namespace}/{self.k8s_service_account}]"


@dataclass(frozen=True)
class Settings:
    stack: str
    project: str
    region: str
    zone: str
    network: NetworkSettings
    cluster: ClusterSettings
    system_pool: SystemPoolSettings
    gpu: GpuPoolSettings | None
    namespace: NamespaceSettings
    identity: IdentitySettings
    access_model: AccessModel
    xcom_push: bool
    custom_role_id: str
    artifact_registry_repositories: tuple[Repository, ...] = ()
    """Repositories the node service account may read (private task images); each is granted on its own."""

    @property
    def location(self) -> str:
        """Where the cluster lives: the zone for a zonal cluster, else the region."""
        return self.zone or self.region
