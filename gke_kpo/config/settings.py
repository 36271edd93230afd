"""The typed settings object: stack configuration read once, validated, and handed down."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gke_kpo.cloud import names
from gke_kpo.cloud.artifact_registry import Repository
from gke_kpo.cloud.control_plane import ControlPlaneAccess, Endpoints, Network
from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.cloud.pod_network import Egress


class PodSecurity(StrEnum):
    """The Pod Security Standard a tenant namespace enforces (``restricted`` is always warned and audited)."""

    BASELINE = "baseline"
    RESTRICTED = "restricted"


class IdentityMode(StrEnum):
    ASTRO = "astro"
    GKE = "gke"
    FEDERATED = "federated"


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
    """Legacy: the /28 of a cluster created as a VPC-peering private cluster; "" (new clusters) declares none."""
    deployer_member: str = ""
    """IAM member running `pulumi up`; when set, the stack grants it actAs on the node service account."""
    control_plane_access: ControlPlaneAccess = ControlPlaneAccess.IP
    deployer_network: Network = Network.INTERNET
    """Where `pulumi up`/`preview` runs (the CI runner or a person's machine), and so the Kubernetes provider."""

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints(self.control_plane_access, self.private_endpoint, vpc_peering=bool(self.master_cidr))


@dataclass(frozen=True)
class SystemPoolSettings:
    machine_type: str
    min_nodes: int
    max_nodes: int
    disk_gb: int


class Capacity(StrEnum):
    """How a GPU pool obtains its VMs (README, GPU pools and capacity)."""

    ON_DEMAND = "on-demand"
    SPOT = "spot"
    FLEX_START = "flex-start"
    RESERVATION = "reservation"


class SharingStrategy(StrEnum):
    TIME_SHARING = "time-sharing"
    MPS = "mps"


@dataclass(frozen=True)
class Reservation:
    name: str
    project: str
    """The reservation's project: the stack's own, or another one that shares it with this project."""


@dataclass(frozen=True)
class GpuSharing:
    strategy: SharingStrategy
    clients_per_gpu: int
    """How many containers share one physical GPU; each requests nvidia.com/gpu: 1."""


@dataclass(frozen=True)
class GpuPoolSettings:
    accelerator: str
    count: int
    machine_type: str
    min_nodes: int
    max_nodes: int
    driver_version: str
    node_locations: tuple[str, ...]
    driver_user_managed: bool = False
    """The user installs the NVIDIA driver (driver_version INSTALLATION_DISABLED)."""
    name: str = "gpu"
    """The GKE node pool's name (the legacy single pool is ``gpu``)."""
    capacity: Capacity = Capacity.ON_DEMAND
    reservation: Reservation | None = None
    max_run_duration_hours: int = 0
    """flex-start: hours after which GKE deletes a node (0: GKE's own limit of seven days)."""
    fallback: str = ""
    """spot: the on-demand pool tasks land on when Spot capacity is out (a custom compute class ranks the two)."""
    image_streaming: bool = False
    sharing: GpuSharing | None = None

    @property
    def spot(self) -> bool:
        return self.capacity is Capacity.SPOT

    @property
    def schedulable_gpus_per_node(self) -> int:
        """nvidia.com/gpu a node advertises: shared GPUs count once per client (GKE GPU sharing)."""
        return self.count * (self.sharing.clients_per_gpu if self.sharing else 1)


@dataclass(frozen=True)
class NamespaceSettings:
    name: str
    quota_pods: int
    quota_cpu: str
    quota_memory: str
    quota_gpus: int
    default_cpu_request: str
    default_memory_request: str
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
    federation: FederatedIdentitySettings | None = None
    """federated mode: the issuer and subjects that may become the Google SA ``email``."""

    @property
    def workload_identity_member(self) -> str:
        return names.workload_identity_member(self.wi_project, self.k8s_namespace, self.k8s_service_account)


@dataclass(frozen=True)
class TaskServiceAccountSettings:
    """A Google SA every pod of the tenant may run as, through the KSA annotated with it."""

    roles: tuple[str, ...]
    kubernetes_service_account: str
    account_id: str
    email: str
    workload_identity_member: str
    """The KSA in the tenant's namespace on this stack's cluster, so the pool is the stack project's."""


@dataclass(frozen=True)
class TenantSettings:
    name: str
    namespace: NamespaceSettings
    identity: IdentitySettings
    xcom_push: bool
    task_service_account: TaskServiceAccountSettings | None
    airflow_network: Network = Network.INTERNET
    """Where this tenant's Airflow workers run, relative to the cluster's VPC."""
    egress: Egress = Egress.INTERNET
    """Where the tenant's pods may connect beyond DNS, the metadata server and their own namespace."""
    egress_cidrs: tuple[str, ...] = ()
    """Further destinations the tenant's pods may reach (any port), e.g. a database's private address."""
    pod_security: PodSecurity = PodSecurity.BASELINE
    gpu_pools: tuple[str, ...] = ()
    """The GPU pools the tenant's tasks may use (all of the stack's when the tenant does not restrict them)."""


@dataclass(frozen=True)
class Settings:
    stack: str
    project: str
    region: str
    zone: str
    network: NetworkSettings
    cluster: ClusterSettings
    system_pool: SystemPoolSettings
    gpu_pools: tuple[GpuPoolSettings, ...]
    tenants: tuple[TenantSettings, ...]
    access_model: AccessModel
    custom_role_id: str
    project_number: str = ""
    """Needed (and required) only when a tenant is federated: it is part of every principal:// member."""
    federation_pool_id: str = ""
    """The Workload Identity Pool federated tenants share (created only when a tenant is federated)."""
    artifact_registry_repositories: tuple[Repository, ...] = ()
    """Repositories the node service account may read (private task images); each is granted on its own."""
    gpu_max_hourly_usd: float = 0.0
    """The most the GPU pools may cost per hour at their maximum size (0: no ceiling)."""
    warnings: tuple[str, ...] = ()
    """Problems worth telling but not refusing (e.g. GPU quotas over-subscribing the shared pool)."""

    @property
    def federated_tenants(self) -> tuple[TenantSettings, ...]:
        return tuple(tenant for tenant in self.tenants if tenant.identity.federation is not None)

    def gpu_pool(self, name: str) -> GpuPoolSettings:
        return next(pool for pool in self.gpu_pools if pool.name == name)

    def tenant_gpu_pools(self, tenant: TenantSettings) -> tuple[GpuPoolSettings, ...]:
        return tuple(pool for pool in self.gpu_pools if pool.name in tenant.gpu_pools)

    @property
    def location(self) -> str:
        """Where the cluster lives: the zone for a zonal cluster, else the region."""
        return self.zone or self.region


@dataclass(frozen=True)
class FederatedIdentitySettings:
    """One Airflow deployment outside Google Cloud, and the Google service account it becomes."""

    issuer: str
    subjects: tuple[str, ...]
    audience: str
    """The token's ``aud``; "" = the provider's resource name (the ``kubernetes`` preset)."""
    token_path: str
    account_id: str
    """The Google service account id (6-30 characters); its e-mail is what RBAC binds."""
    preset: str = ""
    kubernetes_issuer: bool = True
    """False for an issuer whose subjects are not Kubernetes service accounts (then any shape is taken)."""
