"""The last config stage: checks across tenants and the stack, which no single key or tenant can show."""

from __future__ import annotations

from gke_kpo.cloud import gpu_catalog
from gke_kpo.cloud.federation import project_number_fix
from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.cloud.project_grants import forbidden_at_project
from gke_kpo.cloud.regions import unknown_region
from gke_kpo.config.egress import egress_stays_outside_the_cluster
from gke_kpo.config.gpu_cost import gpu_cost_ceiling
from gke_kpo.config.ip_ranges import ranges_hold_the_nodes
from gke_kpo.config.problems import Problem, listed
from gke_kpo.config.reachability import reachability_check
from gke_kpo.config.settings import GpuPoolSettings, IdentityMode, Settings, TenantSettings
from gke_kpo.config.tenants import TenantInput


def gpu_pool_capacity(gpu: GpuPoolSettings) -> int:
    """The most nvidia.com/gpu the pool can ever hold: max_nodes is the pool's total over its zones
    (total_max_node_count, gke_kpo/spec/nodes.py), whatever the zones; a shared GPU counts once per client."""
    return gpu.schedulable_gpus_per_node * gpu.max_nodes


def tenant_gpu_capacity(settings: Settings, tenant: TenantSettings) -> int:
    """What the tenant's tasks can reach: its pools, and the on-demand pools its Spot pools fall back to."""
    names = set(tenant.gpu_pools)
    names |= {pool.fallback for pool in settings.tenant_gpu_pools(tenant) if pool.fallback}
    return sum(gpu_pool_capacity(pool) for pool in settings.gpu_pools if pool.name in names)


def _path(tenant: TenantSettings, field: str) -> str:
    return f"tenants.{tenant.name}.{field}"


_IDENTITY_FIELDS = {
    IdentityMode.ASTRO: "airflow_service_account",
    IdentityMode.GKE: "airflow_gsa_name",
    IdentityMode.FEDERATED: "federation.account_id",
}


def _identity_field(tenant: TenantSettings) -> str:
    return _IDENTITY_FIELDS[tenant.identity.mode]


def unique_federated_subjects(tenants: tuple[TenantSettings, ...], problems: list[Problem]) -> None:
    """One workload (issuer + subject) is one identity: listed in two tenants, it could act as both."""
    owner: dict[tuple[str, str], str] = {}
    for tenant in tenants:
        identity = tenant.identity.federation
        if identity is None:
            continue
        for subject in identity.subjects:
            first = owner.setdefault((identity.issuer, subject), tenant.name)
            if first != tenant.name:
                problems.append(
                    Problem(
                        _path(tenant, "federation.subjects"),
                        f"{subject} of {identity.issuer} is tenant {first}'s Airflow too: one workload would "
                        "act as both tenants",
                        "give each Airflow deployment its own service accounts, and list each in one tenant only",
                    )
                )


def unique_namespaces_and_identities(tenants: tuple[TenantSettings, ...], problems: list[Problem]) -> None:
    namespace_owner: dict[str, str] = {}
    identity_owner: dict[str, str] = {}
    for tenant in tenants:
        owner = namespace_owner.setdefault(tenant.namespace.name, tenant.name)
        if owner != tenant.name:
            problems.append(
                Problem(
                    _path(tenant, "namespace"),
                    f"{tenant.namespace.name!r} is tenant {owner}'s namespace too",
                    "give every tenant its own namespace",
                )
            )
        identities = [(tenant.identity.email, _identity_field(tenant))]
        if tenant.task_service_account:
            identities.append((tenant.task_service_account.email, "task_service_account.account_id"))
        for email, field in identities:
            if email in identity_owner:
                problems.append(
                    Problem(
                        _path(tenant, field),
                        f"{email} is already {identity_owner[email]}",
                        "give every tenant its own identities, or one could reach the other's namespace",
                    )
                )
            identity_owner.setdefault(email, f"tenant {tenant.name}'s {field}")


def gpu_quotas(settings: Settings, quota_keys: dict[str, str | None], problems: list[Problem]) -> list[str]:
    """Errors for quotas no pool can serve; a warning (returned) when the sum over-subscribes the pools.

    ``quota_keys``: per tenant, the key its quota_gpus came from (None: only Pulumi.yaml's default, which a stack
    without a GPU pool ignores). Quotas are caps on shared pools that scale from zero: over-subscription is the
    point of sharing, so the sum is only worth telling, while one tenant asking for more than its pools can ever
    hold is a mistake.
    """
    if any(gpu_pool_capacity(pool) <= 0 for pool in settings.gpu_pools):
        return []  # the pool's own keys are reported wrong already
    too_many: list[Problem] = []
    for tenant in settings.tenants:
        quota, key = tenant.namespace.quota_gpus, quota_keys.get(tenant.name)
        capacity = tenant_gpu_capacity(settings, tenant)
        if not tenant.gpu_pools and quota > 0 and key is not None:
            reason = "the stack has no GPU pool" if not settings.gpu_pools else f"tenant {tenant.name} may use none"
            too_many.append(
                Problem(key, f"is {quota} but {reason}", "declare a GPU pool it may use, or set quota_gpus to 0")
            )
        elif tenant.gpu_pools and quota > capacity:
            given = str(quota) if key else f"{quota}, the default (quota_gpus is not set),"
            reason = f"{given} is more than {_pools_of(settings, tenant)} can ever hold ({capacity})"
            fix = f"set it to at most {capacity}, or raise {_max_nodes_key(settings)}"
            too_many.append(Problem(key or "quota_gpus", reason, fix))
    problems.extend(problem for index, problem in enumerate(too_many) if problem not in too_many[:index])
    return _oversubscription(settings)


def _oversubscription(settings: Settings) -> list[str]:
    capacity = sum(gpu_pool_capacity(pool) for pool in settings.gpu_pools)
    sharing = [tenant for tenant in settings.tenants if tenant.gpu_pools and tenant.namespace.quota_gpus]
    total = sum(tenant.namespace.quota_gpus for tenant in sharing)
    if not settings.gpu_pools or total <= capacity:
        return []
    shares = listed([f"{t.name} {t.namespace.quota_gpus}" for t in sharing])
    return [
        f"tenant GPU quotas add up to {total} ({shares}) but {_pools_of(settings)} can hold "
        f"at most {capacity}: tenants will wait for each other's GPUs (fine for a shared pool; raise "
        f"{_max_nodes_key(settings)} if not)"
    ]


def _pools_of(settings: Settings, tenant: TenantSettings | None = None) -> str:
    if len(settings.gpu_pools) == 1:
        return "the GPU pool"
    return f"the GPU pools tenant {tenant.name} may use" if tenant else "the GPU pools"


def _max_nodes_key(settings: Settings) -> str:
    """The legacy key while the stack has only the legacy pool, the pools' field otherwise."""
    if tuple(pool.name for pool in settings.gpu_pools) == ("gpu",) and not settings.gpu_pools[0].fallback:
        return "gpu_max_nodes (or gpu_pools.<name>.max_nodes)"
    return "gpu_pools.<name>.max_nodes"


def access_model_fences_tenants(
    tenants: tuple[TenantSettings, ...], access_model: AccessModel, problems: list[Problem]
) -> None:
    if access_model is AccessModel.PROJECT and len(tenants) > 1:
        problems.append(
            Problem(
                "access_model",
                f"project cannot fence {len(tenants)} tenants: project-level IAM pod permissions reach every namespace",
                "use access_model namespaced",
            )
        )


def cross_check(
    settings: Settings, inputs: list[TenantInput], set_keys: set[str], problems: list[Problem]
) -> list[str]:
    """Every check across tenants and the stack; returns the warnings worth telling but not refusing."""
    unique_namespaces_and_identities(settings.tenants, problems)
    unique_federated_subjects(settings.tenants, problems)
    access_model_fences_tenants(settings.tenants, settings.access_model, problems)
    federation_has_project_number(settings, problems)
    gpu_cost_ceiling(settings, problems)
    ranges_hold_the_nodes(settings, problems)
    unreachable = reachability_check(settings, problems)
    egress = egress_stays_outside_the_cluster(settings.tenants, settings.network, problems)
    quota_keys = _quota_gpus_keys(inputs, set_keys)
    return [
        *_region_unknown(settings.region),
        *_zone_unlisted(settings.zone, settings.region),
        *_broad_task_roles(settings.tenants),
        *gpu_quotas(settings, quota_keys, problems),
        *unreachable,
        *egress,
    ]


def _region_unknown(region: str) -> list[str]:
    """A warning, not an error: a region newer than the dated list is real."""
    unknown = unknown_region(region)
    return [f"gke-kpo:region: {unknown}; if it is newer than that list, carry on"] if unknown else []


def _broad_task_roles(tenants: tuple[TenantSettings, ...]) -> list[str]:
    """A warning on the key the user wrote: whether the pack's no-broad-roles refuses or only notes the grant is the
    stack's policy config (its level), which the verdicts then say."""
    return [
        f"gke-kpo:tenants.{tenant.name}.task_service_account.roles: grants {role} at project level, which the "
        f"no-broad-roles policy flags ({reason}); grant the narrow roles the tasks use instead"
        for tenant in tenants
        if tenant.task_service_account
        for role in tenant.task_service_account.roles
        if (reason := forbidden_at_project(role))
    ]


def _zone_unlisted(zone: str, region: str) -> list[str]:
    """A warning, not an error: the dated GPU catalog lists the zones that offer GPUs, which need not be all zones."""
    listed = gpu_catalog.zones_listed(region)
    if not zone or not listed or zone in listed:
        return []
    return [
        f"gke-kpo:zone: no GPU of the catalog ({gpu_catalog.GPU_FILE_SHOWN}, {gpu_catalog.read_on()}) is offered in "
        f"{zone}, which it lists for {region}: {', '.join(listed)}; a GPU pool would need node_locations there. "
        "Check the zone for a typo too (GKE refuses a zone that does not exist)"
    ]


def _quota_gpus_keys(inputs: list[TenantInput], set_keys: set[str]) -> dict[str, str | None]:
    stack_key = "quota_gpus" if "quota_gpus" in set_keys else None
    return {t.name: t.path("quota_gpus") if "quota_gpus" in t.fields else stack_key for t in inputs}


def federation_has_project_number(settings: Settings, problems: list[Problem]) -> None:
    federated = [tenant.name for tenant in settings.federated_tenants]
    if federated and not settings.project_number:
        problems.append(
            Problem(
                "project_number",
                f"is required because tenant {', '.join(federated)} is federated: every principal:// member names it",
                f"set it (quoted) to the output of {project_number_fix(settings.project)}",
            )
        )
