"""The last config stage: checks across tenants and the stack, which no single key or tenant can show."""

from __future__ import annotations

from gke_kpo.cloud.federation import project_number_fix
from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.config.egress import egress_stays_outside_the_cluster
from gke_kpo.config.problems import Problem
from gke_kpo.config.reachability import reachability_check
from gke_kpo.config.settings import GpuPoolSettings, IdentityMode, Settings, TenantSettings
from gke_kpo.config.tenants import TenantInput


def gpu_pool_capacity(gpu: GpuPoolSettings) -> int:
    """The most GPUs the pool can ever hold: gpu_max_nodes is the pool's total over its zones (total_max_node_count,
    gke_kpo/spec/nodes.py), whatever the zones."""
    return gpu.count * gpu.max_nodes


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


def gpu_quotas(
    tenants: tuple[TenantSettings, ...],
    gpu: GpuPoolSettings | None,
    quota_keys: dict[str, str | None],
    problems: list[Problem],
) -> list[str]:
    """Errors for quotas no pool can serve; a warning (returned) when the sum over-subscribes the pool.

    ``quota_keys``: per tenant, the key its quota_gpus came from (None: only Pulumi.yaml's default, which a stack
    without a GPU pool ignores). Quotas are caps on a shared pool that scales from zero: over-subscription is the
    point of sharing, so the sum is only worth telling, while one tenant asking for more than the pool can ever
    hold is a mistake.
    """
    too_many: list[Problem] = []
    capacity = 0 if gpu is None else gpu_pool_capacity(gpu)
    if gpu is not None and capacity <= 0:
        return []  # the pool's own keys are reported wrong already
    for tenant in tenants:
        quota, key = tenant.namespace.quota_gpus, quota_keys.get(tenant.name)
        if gpu is None and quota > 0 and key is not None:
            too_many.append(
                Problem(key, f"is {quota} but the stack has no GPU pool", "set gpu_count > 0, or quota_gpus to 0")
            )
        elif gpu is not None and quota > capacity:
            given = str(quota) if key else f"{quota}, the default (quota_gpus is not set),"
            reason = f"{given} is more than the GPU pool can ever hold ({capacity})"
            fix = f"set it to at most {capacity}, or raise gpu_max_nodes"
            too_many.append(Problem(key or "quota_gpus", reason, fix))
    problems.extend(problem for index, problem in enumerate(too_many) if problem not in too_many[:index])
    total = sum(tenant.namespace.quota_gpus for tenant in tenants)
    if gpu is None or total <= capacity:
        return []
    shares = ", ".join(f"{t.name} {t.namespace.quota_gpus}" for t in tenants if t.namespace.quota_gpus)
    return [
        f"tenant GPU quotas add up to {total} ({shares}) but the GPU pool holds at most {capacity}: "
        "tenants will wait for each other's GPUs (fine for a shared pool; raise gpu_max_nodes if not)"
    ]


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
    unreachable = reachability_check(settings, problems)
    egress = egress_stays_outside_the_cluster(settings.tenants, settings.network, problems)
    quota_keys = _quota_gpus_keys(inputs, set_keys)
    return [*gpu_quotas(settings.tenants, settings.gpu, quota_keys, problems), *unreachable, *egress]


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
