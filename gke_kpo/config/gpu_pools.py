"""``gke-kpo:gpu_pools`` (or a legacy stack's ``gpu_*`` keys) to validated GPU pool settings, every problem at once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gke_kpo.cloud import accelerators, gpu_capacity, gpu_catalog, machines, names
from gke_kpo.cloud.gke import REGIONAL_DEFAULT_ZONES
from gke_kpo.config.gpu_pool_fields import (
    GPU_POOL_FIELDS,
    GPU_POOLS_KEY,
    LEGACY_KEYS,
    LEGACY_POOL_NAME,
    LEGACY_SPOT_KEY,
    RESERVATION_FIELDS,
    SHARING_FIELDS,
)
from gke_kpo.config.keys import ConfigValue
from gke_kpo.config.problems import Problem
from gke_kpo.config.reader import ConfigReader
from gke_kpo.config.settings import Capacity, GpuPoolSettings, GpuSharing, Reservation, SharingStrategy
from gke_kpo.config.tenant_fields import TenantField, nearest
from gke_kpo.config.values import has_declared_type, wrong_type

NO_DRIVER = "INSTALLATION_DISABLED"
GPU_DRIVER_VERSIONS = ("DEFAULT", "LATEST", NO_DRIVER)
GPU_DRIVER_DOCS = "https://cloud.google.com/kubernetes-engine/docs/how-to/gpus#installing_drivers"
EXAMPLE = "e.g. gpu_pools: {l4: {accelerator: nvidia-l4, machine_type: g2-standard-8}} (README, GPU pools and capacity)"
SYSTEM_POOL_NAME = "system"


@dataclass(frozen=True)
class _Place:
    """Where the stack's pools go: its region, its zonal cluster's zone (if any), the project of reservations."""

    region: str
    zone: str
    project: str

    @classmethod
    def of(cls, values: dict[str, ConfigValue]) -> _Place:
        return cls(*(str(values.get(key) or "") for key in ("region", "zone", "project")))


def read_gpu_pools(
    raw: str | None, values: dict[str, ConfigValue], set_keys: set[str], problems: list[Problem]
) -> tuple[GpuPoolSettings, ...]:
    if raw is None:
        return _legacy_pool(values, set_keys, problems)
    legacy_count = values.get("gpu_count", 0)
    if "gpu_count" in set_keys and isinstance(legacy_count, int) and legacy_count > 0:
        fix = f"move the gpu_* keys into gpu_pools.{LEGACY_POOL_NAME} and delete them (README, GPU pools and capacity)"
        problems.append(Problem("gpu_count", "is above 0 and gpu_pools is set: declare GPU pools in one place", fix))
    declared = _declared_pools(raw, problems)
    place = _Place.of(values)
    pools = tuple(_pool(name, body, place, problems) for name, body in declared.items())
    check_fallbacks(pools, problems)
    return pools


def check_fallbacks(pools: tuple[GpuPoolSettings, ...], problems: list[Problem]) -> None:
    """A Spot pool's fallback is an on-demand (or reserved) pool of the same GPUs, in one compute class only: a
    node carries one compute-class label."""
    by_name = {pool.name: pool for pool in pools}
    claimed: dict[str, str] = {}
    for pool in pools:
        if not pool.fallback:
            continue
        key, target = f"{GPU_POOLS_KEY}.{pool.name}.fallback", by_name.get(pool.fallback)
        reason = _fallback_problem(pool, target, claimed.setdefault(pool.fallback, pool.name))
        if reason:
            known = ", ".join(name for name, other in by_name.items() if other.capacity is not Capacity.SPOT)
            problems.append(
                Problem(key, reason, f"name an on-demand pool of the same GPUs ({known or 'none declared'})")
            )


def _fallback_problem(pool: GpuPoolSettings, target: GpuPoolSettings | None, claimant: str) -> str | None:
    if target is None:
        return f"names {pool.fallback!r}, which is not a GPU pool of this stack"
    if target.capacity in (Capacity.SPOT, Capacity.FLEX_START):
        return f"names {target.name}, a {target.capacity} pool: a fallback must not run out the same way"
    if (target.accelerator, target.count, target.sharing) != (pool.accelerator, pool.count, pool.sharing):
        return f"names {target.name}, whose GPUs ({target.count} x {target.accelerator}) differ from this pool's"
    if claimant != pool.name:
        return f"names {target.name}, which is already {claimant}'s fallback (a node joins one compute class)"
    return None


def _declared_pools(raw: str, problems: list[Problem]) -> dict[str, Any]:
    try:
        declared = json.loads(raw)
    except json.JSONDecodeError:
        declared = None
    if not isinstance(declared, dict):
        problems.append(Problem(GPU_POOLS_KEY, f"must be an object keyed by pool name, got {raw!r}", EXAMPLE))
        return {}
    return declared


def _legacy_pool(
    values: dict[str, ConfigValue], set_keys: set[str], problems: list[Problem]
) -> tuple[GpuPoolSettings, ...]:
    fields: dict[str, Any] = {field: values[key] for field, key in LEGACY_KEYS.items() if key in values}
    fields["capacity"] = Capacity.SPOT.value if values.get(LEGACY_SPOT_KEY) else Capacity.ON_DEMAND.value
    paths = {**LEGACY_KEYS, "capacity": LEGACY_SPOT_KEY}
    set_fields = {field for field, key in paths.items() if key in set_keys}
    read = ConfigReader(fields, problems, paths)
    pool = _read_pool(read, LEGACY_POOL_NAME, set_fields, _Place.of(values))
    return (pool,) if pool.count > 0 else ()


def _pool(name: str, body: Any, place: _Place, problems: list[Problem]) -> GpuPoolSettings:
    where = f"{GPU_POOLS_KEY}.{name}"
    reason = gpu_capacity.node_pool_name_problem(name)
    if reason:
        problems.append(Problem(where, reason, "name the pool e.g. l4-spot"))
    elif name == SYSTEM_POOL_NAME:
        problems.append(Problem(where, "is the name of the cluster's system pool", "choose another name"))
    fields = _typed_fields(where, body if isinstance(body, dict) else {}, GPU_POOL_FIELDS, problems)
    if not isinstance(body, dict):
        problems.append(Problem(where, f"must be an object, got {body!r}", EXAMPLE))
    for required in ("accelerator", "machine_type"):
        if required not in fields and isinstance(body, dict):
            problems.append(Problem(f"{where}.{required}", "is required", EXAMPLE))
    set_fields = set(fields)
    paths = {field.name: f"{where}.{field.name}" for field in GPU_POOL_FIELDS}
    read = ConfigReader({**_defaults(fields), **fields}, problems, paths)
    return _read_pool(read, name, set_fields, place)


def _typed_fields(
    where: str, body: dict[str, Any], table: tuple[TenantField, ...], problems: list[Problem]
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field, value in body.items():
        spec = next((f for f in table if f.name == field), None)
        if spec is None:
            problems.append(Problem(f"{where}.{field}", "is not a GPU pool field", nearest(field, table)))
            continue
        ok = isinstance(value, dict) if spec.type == "object" else has_declared_type(value, spec.type)
        if ok:
            fields[field] = value
        else:
            problems.append(Problem(f"{where}.{field}", *wrong_type(value, spec.type)))
    return fields


def _defaults(fields: dict[str, Any]) -> dict[str, Any]:
    carried = accelerators.carried_by(str(fields.get("machine_type", "")))
    return {
        "accelerator": "",
        "machine_type": "",
        "count": carried[1] if carried else 1,
        "node_locations": [],
        "min_nodes": 0,
        "max_nodes": 1,
        "capacity": Capacity.ON_DEMAND.value,
        "driver_version": GPU_DRIVER_VERSIONS[0],
        "driver_user_managed": False,
        "image_streaming": False,
        "fallback": "",
        "max_run_duration_hours": 0,
    }


def _read_pool(read: ConfigReader, name: str, set_fields: set[str], place: _Place) -> GpuPoolSettings:
    count = read.number("count", 0)
    minimum, maximum = read.bounds("min_nodes", "max_nodes", 0, 1)
    accelerator = read.text("accelerator", _unless_empty(names.resource_name_problem))
    machine_type = read.text("machine_type", _unless_empty(names.resource_name_problem))
    driver = read.choice("driver_version", GPU_DRIVER_VERSIONS)
    user_managed = read.flag("driver_user_managed")
    zones = _zones(read, place.region)
    capacity = read.member("capacity", Capacity)
    if count > 0 and accelerator and machine_type:
        if not any(read.has_problem(key) for key in ("accelerator", "machine_type", "count")):
            _check_pairing(read, accelerator, machine_type, count, set_fields)
            _check_architecture(read, machine_type)
        if not any(read.has_problem(key) for key in ("accelerator", "node_locations")):
            _check_zones_offer(read, accelerator, zones, place)
        _check_driver_installer(read, driver, user_managed)
    if capacity is Capacity.FLEX_START and minimum > 0:
        read.fail("min_nodes", f"is {minimum}, but flex-start nodes are only created on demand", "set it to 0")
    return GpuPoolSettings(
        accelerator=accelerator,
        count=count,
        machine_type=machine_type,
        min_nodes=minimum,
        max_nodes=maximum,
        driver_version=driver,
        node_locations=zones,
        driver_user_managed=user_managed,
        name=name,
        capacity=capacity,
        reservation=_reservation(read, capacity, place.project),
        max_run_duration_hours=_max_run_duration(read, capacity),
        fallback=_fallback(read, capacity),
        image_streaming=read.flag("image_streaming"),
        sharing=_sharing(read),
    )


def _zones(read: ConfigReader, region: str) -> tuple[str, ...]:
    zones = read.strings("node_locations")
    for zone in zones:
        reason = None if names.region_problem(region) else names.zone_problem(zone, region)
        if reason:
            read.fail("node_locations", reason, f"list zones of {region} that offer the accelerator")
    return zones


def _check_zones_offer(read: ConfigReader, accelerator: str, zones: tuple[str, ...], place: _Place) -> None:
    """A pool only in zones that offer its GPUs (GKE refuses the pool otherwise): its node_locations, else its zonal
    cluster's zone, else GKE's default three zones of the region, which must then all offer it."""
    if not gpu_catalog.knows(accelerator) or names.region_problem(place.region):
        return  # a model the catalog lacks is unknown, not wrong
    offering = gpu_catalog.zones_offering(accelerator, place.region)
    listed = f"(as of {gpu_catalog.read_on()}, {gpu_catalog.GPU_FILE_SHOWN})"
    if not offering:
        regions = ", ".join(gpu_catalog.regions_offering(accelerator))
        reason = f"{accelerator} is offered in no zone of {place.region} {listed}"
        read.fail("accelerator", reason, f"use a region that offers it ({regions}) or another accelerator")
        return
    if not zones and place.zone and names.zone_problem(place.zone, place.region):
        return  # the cluster's zone is refused on its own key: the pool's zone follows it, and that fix is there
    placed = zones or ((place.zone,) if place.zone else ())
    missing = [zone for zone in placed if zone not in offering]
    fix = f"set {read.path('node_locations')} to zones that offer it: {json.dumps(list(offering))}"
    if missing and not zones and place.zone not in gpu_catalog.zones_listed(place.region):
        reason = (
            f"is unset, so the pool goes to the cluster's zone {place.zone}, which the GPU catalog lists for no GPU "
            f"at all {listed}, so gke-kpo:zone may be mistyped"
        )
        read.fail("node_locations", reason, f"correct gke-kpo:zone, or {fix}")
    elif missing:
        what = "lists" if zones else "is unset, so the pool goes to the cluster's zone"
        read.fail("node_locations", f"{what} {', '.join(missing)}, where {accelerator} is not offered {listed}", fix)
    elif not placed and len(offering) < REGIONAL_DEFAULT_ZONES:
        reason = (
            f"is unset, so GKE places the pool in {REGIONAL_DEFAULT_ZONES} zones of {place.region}, but only "
            f"{len(offering)} offer {accelerator} {listed}"
        )
        read.fail("node_locations", reason, fix)


def _reservation(read: ConfigReader, capacity: Capacity, project: str) -> Reservation | None:
    body = read.values.get("reservation")
    where = read.path("reservation")
    if capacity is not Capacity.RESERVATION:
        if body is not None:
            read.fail(
                "reservation",
                f"is only used with capacity reservation, not {capacity}",
                "remove it, or set capacity: reservation",
            )
        return None
    if not isinstance(body, dict):
        read.fail(
            "reservation",
            "is required with capacity reservation",
            "set reservation: {name: <reservation>, project: <its project>}",
        )
        return None
    fields = _typed_fields(where, body, RESERVATION_FIELDS, read.problems)
    name, owner = str(fields.get("name", "")), str(fields.get("project", "") or project)
    if not name:
        read.problems.append(Problem(f"{where}.name", "is required", "name the specific reservation the pool consumes"))
    elif names.resource_name_problem(name):
        read.problems.append(
            Problem(f"{where}.name", str(names.resource_name_problem(name)), "copy the reservation's name")
        )
    if "project" in fields and names.project_id_problem(owner):
        read.problems.append(Problem(f"{where}.project", str(names.project_id_problem(owner)), "use the project id"))
    return Reservation(name, owner)


def _max_run_duration(read: ConfigReader, capacity: Capacity) -> int:
    hours = read.number("max_run_duration_hours", 0)
    most = gpu_capacity.FLEX_START_MAX_RUN_HOURS
    if hours and capacity is not Capacity.FLEX_START:
        read.fail("max_run_duration_hours", f"is only used with capacity flex-start, not {capacity}", "remove it")
    elif hours > most:
        read.fail(
            "max_run_duration_hours", f"{hours} is above GKE's limit of {most} hours (7 days)", f"set at most {most}"
        )
    return hours


def _fallback(read: ConfigReader, capacity: Capacity) -> str:
    target = read.text("fallback")
    if target and capacity is not Capacity.SPOT:
        read.fail("fallback", f"is only used with capacity spot, not {capacity}", "remove it, or set capacity: spot")
    return target


def _sharing(read: ConfigReader) -> GpuSharing | None:
    body = read.values.get("sharing")
    if not isinstance(body, dict):
        return None
    where = read.path("sharing")
    fields = _typed_fields(where, body, SHARING_FIELDS, read.problems)
    options = tuple(item.value for item in SharingStrategy)
    strategy = str(fields.get("strategy", ""))
    if strategy not in options:
        read.problems.append(
            Problem(
                f"{where}.strategy",
                f"{strategy!r} is not one of {', '.join(options)}",
                f"use one of {', '.join(options)}",
            )
        )
        strategy = options[0]
    clients = fields.get("clients_per_gpu", 0)
    low, high = 2, gpu_capacity.MAX_SHARED_CLIENTS_PER_GPU
    if not low <= clients <= high:
        read.problems.append(
            Problem(f"{where}.clients_per_gpu", f"must be {low} to {high}, got {clients}", f"set {low}..{high}")
        )
    return GpuSharing(SharingStrategy(strategy), clients)


def _check_architecture(read: ConfigReader, machine_type: str) -> None:
    """GKE taints Arm nodes kubernetes.io/arch=arm64:NoSchedule and runs only arm64 images there
    (https://cloud.google.com/kubernetes-engine/docs/how-to/prepare-arm-workloads-for-deployment). The rendered
    GPU pod template neither selects kubernetes.io/arch nor tolerates that taint, and the task images are x86:
    refused rather than a pool whose tasks never schedule."""
    family = machines.family_of(machine_type)
    if family is not None and family.architecture is machines.Architecture.ARM64:
        read.fail(
            "machine_type",
            f"{machine_type} has Arm64 CPUs (NVIDIA Grace); this stack renders x86 GPU tasks only, which GKE would "
            "never schedule on its Arm nodes (tainted kubernetes.io/arch=arm64:NoSchedule)",
            "use an x86 GPU machine type (a4-highgpu-8g carries B200 GPUs, a3-ultragpu-8g H200)",
        )


def _check_driver_installer(read: ConfigReader, driver: str, user_managed: bool) -> None:
    """INSTALLATION_DISABLED: GKE installs no driver, so nodes advertise no nvidia.com/gpu and GPU pods stay Pending
    unless something else installs it (GKE "Run GPUs in Standard node pools", manual driver installation)."""
    if read.has_problem("driver_version"):
        return
    version_key, managed_key = read.path("driver_version"), read.path("driver_user_managed")
    if driver == NO_DRIVER and not user_managed:
        read.fail(
            "driver_version",
            f"is {NO_DRIVER}, but nothing would install the NVIDIA driver: GPU nodes would advertise no GPUs and "
            "GPU tasks would stay Pending",
            f"use DEFAULT or LATEST (GKE installs it), or install it yourself ({GPU_DRIVER_DOCS}) and set "
            f"{managed_key}: true",
        )
    elif user_managed and driver != NO_DRIVER:
        read.fail(
            "driver_user_managed",
            f"is true but {version_key} {driver} makes GKE install the driver too",
            f"set {version_key} to {NO_DRIVER} to install it yourself, or {managed_key} to false",
        )


def _check_pairing(read: ConfigReader, accelerator: str, machine_type: str, count: int, set_fields: set[str]) -> None:
    """GKE refuses a GPU pool whose accelerator, machine type and count do not match (gke_kpo.cloud.accelerators)."""
    problem = accelerators.pairing_problem(accelerator, machine_type, count)
    if not problem:
        return
    field = problem.field
    carried = accelerators.carried_by(machine_type)
    accelerator_key = read.path("accelerator")
    if field in set_fields and "accelerator" not in set_fields and carried and carried[0] != accelerator:
        # The user's machine type is not the value to change for an accelerator default they never chose (a
        # misspelt accelerator key leaves the default in force).
        name, gpus = carried
        read.fail(
            "accelerator",
            f"is not set, so its default {accelerator} applies, which {machine_type} ({read.path('machine_type')}) "
            "cannot carry",
            f"set {accelerator_key}: {name}" + ("" if gpus == count else f" and {read.path('count')}: {gpus}"),
        )
        return
    # A user who set only the accelerator would otherwise be blamed for a machine type they never wrote.
    key = read.path(field)
    default = "" if field in set_fields else f" ({read.values[field]} is the default: {key} is not set)"
    read.fail(field, problem.message + default, problem.fix)


def _unless_empty(rule: Any) -> Any:
    return lambda value: rule(value) if value else None
