"""From the CLI's raw config strings to a validated ``Settings``, or one ``ConfigError`` naming every bad key."""

from __future__ import annotations

import ipaddress
from itertools import pairwise

from gke_kpo import accelerators, artifact_registry, names
from gke_kpo.config_reader import ConfigReader
from gke_kpo.config_schema import resolve
from gke_kpo.errors import ConfigError
from gke_kpo.permissions import AccessModel
from gke_kpo.settings import (
    ClusterSettings,
    GpuPoolSettings,
    IdentityMode,
    IdentitySettings,
    NamespaceSettings,
    NetworkSettings,
    Settings,
    SystemPoolSettings,
)

RELEASE_CHANNELS = ("RAPID", "REGULAR", "STABLE", "EXTENDED")
GPU_DRIVER_VERSIONS = ("DEFAULT", "LATEST", "INSTALLATION_DISABLED")


def parse_settings(raw_values: dict[str, str], stack: str) -> Settings:
    values, problems = resolve(raw_values)
    read = ConfigReader(values, problems)
    project = read.text("project", names.project_id_problem, "use the project id, not its name or number")
    region = read.text("region", names.region_problem, "use a region name such as us-central1")
    zone = read.text("zone")
    if zone and not names.region_problem(region):
        reason = names.zone_problem(zone, region)
        if reason:
            read.fail("zone", reason, f"use a zone of {region} such as {region}-a, or leave it empty")
    settings = Settings(
        stack=stack,
        project=project,
        region=region,
        zone=zone,
        network=_network(read),
        cluster=_cluster(read),
        system_pool=_system_pool(read),
        gpu=_gpu_pool(read),
        namespace=_namespace(read),
        identity=_identity(read, project),
        access_model=read.member("access_model", AccessModel),
        xcom_push=read.flag("xcom_push"),
        custom_role_id=_custom_role_id(read),
        artifact_registry_repositories=_artifact_registry_repositories(read),
    )
    if problems:
        raise ConfigError(problems)
    return settings


def _network(read: ConfigReader) -> NetworkSettings:
    existing = read.text("network")
    subnetwork = read.text("subnetwork")
    if existing and not subnetwork:
        read.fail(
            "subnetwork", "is required when network is set", "name the subnetwork that has the pods and services ranges"
        )
    if subnetwork and not existing:
        read.fail("network", "is required when subnetwork is set", "name the network the subnetwork belongs to")
    cidrs = {key: _cidr(read, key, "a.b.c.d/n") for key in ("subnet_cidr", "pods_cidr", "services_cidr")}
    if not existing:
        # The control plane's /28 is peered into the VPC, so it must not overlap the node network either.
        _check_disjoint(read, {**cidrs, "master_cidr": str(read.values.get("master_cidr", ""))})
    return NetworkSettings(
        existing_network=existing,
        existing_subnetwork=subnetwork,
        pods_range_name=read.text("pods_range_name", names.resource_name_problem),
        services_range_name=read.text("services_range_name", names.resource_name_problem),
        subnet_cidr=cidrs["subnet_cidr"],
        pods_cidr=cidrs["pods_cidr"],
        services_cidr=cidrs["services_cidr"],
    )


def _cidr_fix(value: str, example: str) -> str:
    corrected = names.corrected_cidr(value)
    return f"write {corrected}" if corrected else f"write it as {example}"


def _cidr(read: ConfigReader, key: str, example: str) -> str:
    value = read.text(key)
    reason = names.cidr_problem(value)
    if reason:
        read.fail(key, reason, _cidr_fix(value, example))
    return value


def _check_disjoint(read: ConfigReader, cidrs: dict[str, str]) -> None:
    if any(names.cidr_problem(value) for value in cidrs.values()):
        return
    keys = list(cidrs)
    for index, key in enumerate(keys):
        for other in keys[index + 1 :]:
            if ipaddress.ip_network(cidrs[key]).overlaps(ipaddress.ip_network(cidrs[other])):
                read.fail(other, f"{cidrs[other]} overlaps {key} {cidrs[key]}", "choose ranges that do not overlap")


def _cluster(read: ConfigReader) -> ClusterSettings:
    authorized = read.strings("master_authorized_networks")
    private_endpoint = read.flag("private_endpoint")
    _check_authorized_networks(read, authorized, private_endpoint)
    master_cidr = _cidr(read, "master_cidr", "a.b.c.d/28")
    if not names.cidr_problem(master_cidr) and not master_cidr.endswith("/28"):
        read.fail("master_cidr", f"{master_cidr} is not a /28", "GKE needs exactly a /28 for the control plane")
    return ClusterSettings(
        name=read.text("cluster_name", names.cluster_name_problem, "e.g. kpo-gpu"),
        release_channel=read.choice("release_channel", RELEASE_CHANNELS),
        deletion_protection=read.flag("deletion_protection"),
        master_authorized_networks=authorized,
        private_endpoint=private_endpoint,
        master_cidr=master_cidr,
    )


def _check_authorized_networks(read: ConfigReader, authorized: tuple[str, ...], private_endpoint: bool) -> None:
    key = "master_authorized_networks"
    if not authorized and not private_endpoint and not read.has_problem(key):
        read.fail(
            key,
            "is empty, so nothing (not even Airflow) could reach the public endpoint",
            'list your Airflow deployment\'s egress CIDRs, e.g. ["203.0.113.7/32"]',
        )
    for cidr in authorized:
        reason = names.cidr_problem(cidr)
        if reason:
            read.fail(key, reason, _cidr_fix(cidr, "a.b.c.d/n"))
    valid = [cidr for cidr in authorized if not names.cidr_problem(cidr)]
    too_broad = names.authorized_networks_problem(valid)
    if too_broad:
        bound = names.BROADEST_PUBLIC_AUTHORIZED_PREFIX
        read.fail(key, too_broad, f"list only your Airflow deployment's egress CIDRs, public ones /{bound} or narrower")
    public = names.private_endpoint_problem(valid) if private_endpoint else None
    if public:
        read.fail(
            key,
            public,
            "remove the public CIDRs and reach the control plane from inside the VPC (a runner there, VPN or "
            "Interconnect), or set private_endpoint to false",
        )


def _pool_bounds(read: ConfigReader, prefix: str, floor: int) -> tuple[int, int]:
    minimum = read.number(f"{prefix}_min_nodes", floor)
    maximum = read.number(f"{prefix}_max_nodes", 1)
    if maximum < minimum:
        read.fail(
            f"{prefix}_max_nodes",
            f"{maximum} is below {prefix}_min_nodes {minimum}",
            f"set {prefix}_max_nodes >= {prefix}_min_nodes",
        )
    return minimum, maximum


def _system_pool(read: ConfigReader) -> SystemPoolSettings:
    minimum, maximum = _pool_bounds(read, "system", 1)
    return SystemPoolSettings(
        machine_type=read.text("system_machine_type", names.resource_name_problem),
        min_nodes=minimum,
        max_nodes=maximum,
        disk_gb=read.number("system_disk_gb", 10),
    )


def _gpu_pool(read: ConfigReader) -> GpuPoolSettings | None:
    count = read.number("gpu_count", 0)
    minimum, maximum = _pool_bounds(read, "gpu", 0)
    accelerator = read.text("gpu_accelerator", names.resource_name_problem)
    machine_type = read.text("gpu_machine_type", names.resource_name_problem)
    driver = read.choice("gpu_driver_version", GPU_DRIVER_VERSIONS)
    zones = _gpu_zones(read)
    if count == 0:
        return None
    if not any(read.has_problem(key) for key in _GPU_KEYS.values()):
        _check_gpu_pairing(read, accelerator, machine_type, count)
    return GpuPoolSettings(accelerator, count, machine_type, minimum, maximum, read.flag("gpu_spot"), driver, zones)


_GPU_KEYS = {"accelerator": "gpu_accelerator", "machine_type": "gpu_machine_type", "count": "gpu_count"}


def _check_gpu_pairing(read: ConfigReader, accelerator: str, machine_type: str, count: int) -> None:
    """GKE refuses a GPU pool whose accelerator, machine type and count do not match (gke_kpo.accelerators)."""
    problem = accelerators.pairing_problem(accelerator, machine_type, count)
    if problem:
        read.fail(_GPU_KEYS[problem.field], problem.message, problem.fix)


def _gpu_zones(read: ConfigReader) -> tuple[str, ...]:
    region, zones = str(read.values.get("region", "")), read.strings("gpu_node_locations")
    for zone in zones:
        reason = None if names.region_problem(region) else names.zone_problem(zone, region)
        if reason:
            read.fail("gpu_node_locations", reason, f"list zones of {region} that offer the accelerator")
    return zones


def _check_ascending(read: ConfigReader, keys: tuple[str, ...]) -> None:
    """A default request above its default limit, or a default limit above the maximum, rejects every pod."""
    values = {key: str(read.values.get(key, "")) for key in keys}
    if any(names.quantity_problem(value) for value in values.values()):
        return
    for lower_key, upper_key in pairwise(keys):
        lower, upper = values[lower_key], values[upper_key]
        if names.quantity_value(lower) > names.quantity_value(upper):
            read.fail(upper_key, f"{upper} is below {lower_key} {lower}", f"set {upper_key} >= {lower_key}")


def _namespace(read: ConfigReader) -> NamespaceSettings:
    def quantity(key: str) -> str:
        return read.text(key, names.quantity_problem, "use a Kubernetes quantity such as 500m or 2Gi")

    _check_ascending(read, ("default_cpu_request", "default_cpu_limit", "max_container_cpu"))
    _check_ascending(read, ("default_memory_request", "default_memory_limit", "max_container_memory"))
    return NamespaceSettings(
        name=read.text("namespace", names.task_namespace_problem, "e.g. airflow-kpo"),
        quota_pods=read.number("quota_pods", 1),
        quota_cpu=quantity("quota_cpu"),
        quota_memory=quantity("quota_memory"),
        quota_gpus=read.number("quota_gpus", 0),
        default_cpu_request=quantity("default_cpu_request"),
        default_memory_request=quantity("default_memory_request"),
        default_cpu_limit=quantity("default_cpu_limit"),
        default_memory_limit=quantity("default_memory_limit"),
        max_container_cpu=quantity("max_container_cpu"),
        max_container_memory=quantity("max_container_memory"),
    )


def _identity(read: ConfigReader, project: str) -> IdentitySettings:
    mode = read.member("identity_mode", IdentityMode)
    gsa_name = read.text("airflow_gsa_name", names.account_id_problem, "6-30 characters, e.g. airflow-kpo")
    wi_project = read.text("airflow_wi_project") or project
    if read.values.get("airflow_wi_project"):
        read.text("airflow_wi_project", names.project_id_problem, "use the project id of Airflow's GKE cluster")
    k8s_namespace = read.text("airflow_k8s_namespace", names.dns1123_label_problem, "Airflow's namespace, e.g. airflow")
    ksa = read.text("airflow_k8s_service_account", names.dns1123_label_problem, "e.g. airflow-worker")
    email = read.text("airflow_service_account")
    if mode is IdentityMode.GKE and email:
        read.fail(
            "airflow_service_account",
            "is only used with identity_mode astro; identity_mode gke creates the account from airflow_gsa_name",
            "remove airflow_service_account, or set identity_mode to astro",
        )
    if mode is IdentityMode.GKE:
        email = names.service_account_email(gsa_name, project)
    elif not email:
        read.fail(
            "airflow_service_account",
            "is required with identity_mode astro",
            "copy the Deployment's workload identity e-mail from the Astro UI (Details > Workload Identity)",
        )
    else:
        read.text(
            "airflow_service_account",
            names.service_account_email_problem,
            "use the service account e-mail, e.g. name@project.iam.gserviceaccount.com",
        )
    return IdentitySettings(mode, email, gsa_name, wi_project, k8s_namespace, ksa)


def _custom_role_id(read: ConfigReader) -> str:
    explicit = read.text("custom_role_id")
    if explicit:
        return read.text("custom_role_id", names.custom_role_id_problem, "e.g. kpo_launcher")
    return names.derived_role_id(str(read.values.get("cluster_name", "")))


def _artifact_registry_repositories(read: ConfigReader) -> tuple[artifact_registry.Repository, ...]:
    key, values = artifact_registry.CONFIG_KEY, read.strings(artifact_registry.CONFIG_KEY)
    for value in values:
        reason = artifact_registry.repository_problem(value)
        if reason:
            read.fail(key, reason, f"write each entry as {artifact_registry.REPOSITORY_FORMAT}")
    for value in sorted({value for value in values if values.count(value) > 1}):
        read.fail(key, f"{value!r} is listed twice", "list each repository once")
    valid = dict.fromkeys(value for value in values if not artifact_registry.repository_problem(value))
    return tuple(artifact_registry.parse_repository(value) for value in valid)
