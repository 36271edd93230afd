"""The stack-level settings (project, network, cluster, pools, role and pool ids) from the typed values."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from gke_kpo.cloud import artifact_registry, deployer_roles, names
from gke_kpo.cloud.control_plane import ControlPlaneAccess, Network
from gke_kpo.cloud.federation import pool_id, pool_id_problem, project_number_fix, project_number_problem
from gke_kpo.cloud.gke import pool_zone_count
from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.cloud.regions import unknown_region
from gke_kpo.config.gpu_pools import read_gpu_pools
from gke_kpo.config.keys import ConfigValue
from gke_kpo.config.problems import Problem
from gke_kpo.config.reader import ConfigReader
from gke_kpo.config.settings import (
    ClusterSettings,
    NetworkSettings,
    Settings,
    SystemPoolSettings,
)

RELEASE_CHANNELS = ("RAPID", "REGULAR", "STABLE", "EXTENDED")
DEPLOYER_MEMBER_KEY = "deployer_member"


def stack_settings(
    stack: str, values: dict[str, ConfigValue], set_keys: set[str], raw_gpu_pools: str | None, problems: list[Problem]
) -> Settings:
    """The stack-level settings from the typed values (no tenants yet); problems are recorded, not raised."""
    read = ConfigReader(values, problems)
    project = read.text("project", names.project_id_problem, "use the project id, not its name or number")
    region = read.text("region", names.region_problem, "use a region name such as us-central1")
    zone = read.text("zone")
    if zone and not names.region_problem(region):
        reason = names.zone_problem(zone, region)
        if reason:
            read.fail("zone", reason, _zone_fix(region))
    return Settings(
        stack=stack,
        project=project,
        region=region,
        zone=zone,
        network=_network(read),
        cluster=_cluster(read),
        system_pool=_system_pool(read),
        gpu_pools=read_gpu_pools(raw_gpu_pools, values, set_keys, problems),
        gpu_max_hourly_usd=read.number("gpu_max_hourly_usd", 0),
        tenants=(),
        access_model=read.member("access_model", AccessModel),
        custom_role_id=_custom_role_id(read),
        project_number=read.text("project_number", _unless_empty(project_number_problem), project_number_fix(project)),
        federation_pool_id=_federation_pool_id(read),
        artifact_registry_repositories=_artifact_registry_repositories(read),
    )


def _zone_fix(region: str) -> str:
    unknown = unknown_region(region)
    if unknown:
        return f"gke-kpo:region may be the mistake: {unknown}. Then use a zone of the region, or leave zone empty"
    return f"use a zone of {region} such as {region}-a, or leave it empty"


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
    master_cidr = str(read.values.get("master_cidr", ""))
    if not existing:
        # A legacy VPC-peering control plane's /28 is peered into the VPC: it must not overlap the node network.
        _check_disjoint(read, {**cidrs, **({"master_cidr": master_cidr} if master_cidr else {})})
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
    access = read.member(ACCESS_KEY, ControlPlaneAccess)
    authorized = read.strings("master_authorized_networks")
    private_endpoint = read.flag("private_endpoint")
    if access is ControlPlaneAccess.DNS:
        _check_no_authorized_networks(read, authorized)
    else:
        _check_authorized_networks(read, authorized, private_endpoint)
    master_cidr = _legacy_master_cidr(read)
    return ClusterSettings(
        name=read.text("cluster_name", names.cluster_name_problem, "e.g. kpo-gpu"),
        release_channel=read.choice("release_channel", RELEASE_CHANNELS),
        deletion_protection=read.flag("deletion_protection"),
        master_authorized_networks=authorized,
        private_endpoint=private_endpoint,
        master_cidr=master_cidr,
        deployer_member=_deployer_member(read),
        control_plane_access=access,
        deployer_network=read.member(DEPLOYER_NETWORK_KEY, Network),
    )


ACCESS_KEY = "control_plane_access"
DEPLOYER_NETWORK_KEY = "deployer_network"


def _legacy_master_cidr(read: ConfigReader) -> str:
    """Empty: nothing declared (Private Service Connect). Set: the range a VPC-peering cluster was created with."""
    if not read.values.get("master_cidr"):
        return ""
    master_cidr = _cidr(read, "master_cidr", "a.b.c.d/28")
    if not names.cidr_problem(master_cidr) and not master_cidr.endswith("/28"):
        read.fail("master_cidr", f"{master_cidr} is not a /28", "GKE needs exactly a /28 for the control plane")
    return master_cidr


def _check_no_authorized_networks(read: ConfigReader, authorized: tuple[str, ...]) -> None:
    """dns: the IP endpoint has no public address and the DNS endpoint ignores source addresses, so a listed CIDR
    would admit nothing and keep nothing out while looking like a fence."""
    if authorized:
        read.fail(
            "master_authorized_networks",
            f"lists {', '.join(authorized)}, which would do nothing with {ACCESS_KEY} dns (the DNS-based endpoint "
            "is authorized by IAM, container.clusters.connect, not by source address, and there is no public IP "
            "endpoint)",
            f"remove master_authorized_networks, or set {ACCESS_KEY} to dns+ip to keep an IP endpoint behind them",
        )


def _deployer_member(read: ConfigReader) -> str:
    return read.text(
        DEPLOYER_MEMBER_KEY,
        lambda value: deployer_roles.deployer_member_problem(value) if value else None,
        f"write the identity that runs `pulumi up` as {deployer_roles.DEPLOYER_MEMBER_FORMS}, or leave it empty",
    )


def _check_authorized_networks(read: ConfigReader, authorized: tuple[str, ...], private_endpoint: bool) -> None:
    key = "master_authorized_networks"
    if not authorized and not private_endpoint and not read.has_problem(key):
        read.fail(
            key,
            "is empty, so nothing (not even Airflow) could reach the public endpoint",
            "set control_plane_access: dns (reached through IAM, no address list), or list your Airflow "
            "deployment's and CI runner's egress CIDRs, e.g. [\"203.0.113.7/32\"]",
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


def _system_pool(read: ConfigReader) -> SystemPoolSettings:
    minimum, maximum = read.bounds("system_min_nodes", "system_max_nodes", 1, 1)
    _check_room_for_initial_nodes(read, maximum)
    return SystemPoolSettings(
        machine_type=read.text("system_machine_type", names.resource_name_problem),
        min_nodes=minimum,
        max_nodes=maximum,
        disk_gb=read.number("system_disk_gb", 10),
    )


def _check_room_for_initial_nodes(read: ConfigReader, maximum: int) -> None:
    """The system pool starts with SYSTEM_POOL_INITIAL_NODES (1) node in each zone, and the count is per zone even
    with total bounds (gke_kpo/spec/nodes.py): a total maximum below the zone count would start above it, billed
    until the autoscaler scales down, and leave a zone without a node to come back to."""
    location = str(read.values.get("zone") or read.values.get("region", ""))
    zones = pool_zone_count(location, 0)
    if maximum < zones and not read.has_problem("system_max_nodes"):
        read.fail(
            "system_max_nodes",
            f"{maximum} is below the {zones} nodes the regional system pool starts with (one per zone)",
            f"set system_max_nodes to at least {zones} (it is the pool's total), or make the cluster zonal with zone",
        )


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


def _federation_pool_id(read: ConfigReader) -> str:
    explicit = read.text("federation_pool_id", _unless_empty(pool_id_problem), "e.g. kpo-gpu-airflow-2")
    return explicit or pool_id(str(read.values.get("cluster_name", "")))


def _unless_empty(rule: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """An optional key whose empty default means 'not used' or 'derive it'."""
    return lambda value: rule(value) if value else None
