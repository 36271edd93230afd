"""``gke-kpo:tenants`` (a JSON object from the CLI) to validated ``TenantSettings``, collecting every problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

from gke_kpo.cloud import names
from gke_kpo.cloud.control_plane import Network
from gke_kpo.cloud.pod_network import Egress
from gke_kpo.config import federation
from gke_kpo.config.egress import read_egress_cidrs
from gke_kpo.config.keys import ConfigValue
from gke_kpo.config.problems import Problem
from gke_kpo.config.reader import ConfigReader
from gke_kpo.config.settings import (
    FederatedIdentitySettings,
    IdentityMode,
    IdentitySettings,
    NamespaceSettings,
    PodSecurity,
    TaskServiceAccountSettings,
    TenantSettings,
)
from gke_kpo.config.tenant_fields import (
    DEFAULT_K8S_NAMESPACE,
    DEFAULT_K8S_SERVICE_ACCOUNT,
    DEFAULT_TASK_KSA,
    TASK_SERVICE_ACCOUNT_FIELDS,
    TENANT_FIELDS,
    TenantField,
    closest_field,
    nearest,
)
from gke_kpo.config.values import has_declared_type, wrong_type

TENANTS_KEY = "tenants"
EXAMPLE = "e.g. tenants: {ml-dev: {airflow_service_account: <e-mail>}} (README, Tenants)"
ROLE_PREFIXES = ("roles/", "projects/", "organizations/")


@dataclass(frozen=True)
class TenantInput:
    """One tenant's raw fields after the type checks, and where each value came from."""

    name: str
    fields: dict[str, Any]
    identity_unsure: bool = False
    """Its body was no object, or a refused field may be the user's identity_mode or airflow_service_account: what
    the identity mode requires is then not asked for on top of that problem."""

    def path(self, field: str) -> str:
        return f"{TENANTS_KEY}.{self.name}.{field}"


def read_tenant_inputs(raw: str | None, problems: list[Problem]) -> list[TenantInput]:
    if raw is None:
        problems.append(Problem(TENANTS_KEY, "is required: a stack declares at least one tenant", EXAMPLE))
        return []
    try:
        declared = json.loads(raw)
    except json.JSONDecodeError:
        declared = None
    if not isinstance(declared, dict) or not declared:
        problems.append(Problem(TENANTS_KEY, f"must be a non-empty object keyed by tenant name, got {raw!r}", EXAMPLE))
        return []
    return [_tenant_input(str(name), body, problems) for name, body in declared.items()]


IDENTITY_FIELDS = ("identity_mode", "airflow_service_account")


def _tenant_input(name: str, body: Any, problems: list[Problem]) -> TenantInput:
    path = f"{TENANTS_KEY}.{name}"
    reason = names.dns1123_label_problem(name)
    if reason:
        problems.append(Problem(path, reason, "name the tenant with a DNS-1123 label, e.g. ml-dev"))
    if body is None:
        body = {}
    identity_unsure = not isinstance(body, dict)
    if identity_unsure:
        problems.append(Problem(path, f"must be an object, got {body!r}", EXAMPLE))
        body = {}
    fields = {}
    for field, value in body.items():
        spec = next((f for f in TENANT_FIELDS if f.name == field), None)
        if spec is None:
            problems.append(Problem(f"{path}.{field}", "is not a tenant field", nearest(field, TENANT_FIELDS)))
            identity_unsure |= closest_field(field, TENANT_FIELDS) in IDENTITY_FIELDS
        elif _typed(spec, value, f"{path}.{field}", problems):
            fields[field] = value
        else:
            identity_unsure |= field in IDENTITY_FIELDS
    return TenantInput(name, fields, identity_unsure)


def _typed(spec: TenantField, value: Any, path: str, problems: list[Problem]) -> bool:
    ok = isinstance(value, dict) if spec.type == "object" else has_declared_type(value, spec.type)
    if not ok:
        problems.append(Problem(path, *wrong_type(value, spec.type)))
    return ok


def parse_tenant(
    tenant: TenantInput,
    stack_values: dict[str, ConfigValue],
    project: str,
    gpu_pools: tuple[str, ...],
    problems: list[Problem],
) -> TenantSettings:
    values: dict[str, ConfigValue] = {
        **{f.fallback: stack_values[f.fallback] for f in TENANT_FIELDS if f.fallback in stack_values},
        **tenant.fields,
    }
    values.setdefault("namespace", tenant.name)
    paths = {field: tenant.path(field) for field in tenant.fields}
    if "namespace" not in tenant.fields:
        paths["namespace"] = f"{TENANTS_KEY}.{tenant.name}"
    read = ConfigReader(values, problems, paths)
    # A namespace taken from a tenant name already reported as no DNS label would repeat that problem.
    namespace = _namespace(
        read, check_name="namespace" in tenant.fields or not names.dns1123_label_problem(tenant.name)
    )
    return TenantSettings(
        name=tenant.name,
        namespace=namespace,
        identity=_identity(read, tenant, project),
        xcom_push=read.flag("xcom_push"),
        task_service_account=_task_service_account(tenant, namespace.name, project, problems),
        airflow_network=read.member(AIRFLOW_NETWORK_FIELD, Network),
        egress=read.member("egress", Egress),
        egress_cidrs=read_egress_cidrs(read),
        pod_security=read.member("pod_security", PodSecurity),
        gpu_pools=_gpu_pools(read, gpu_pools),
    )


def _gpu_pools(read: ConfigReader, declared: tuple[str, ...]) -> tuple[str, ...]:
    if "gpu_pools" not in read.values:
        return declared
    chosen = read.strings("gpu_pools")
    for name in chosen:
        if name not in declared:
            known = ", ".join(declared) if declared else "none: the stack has no GPU pool"
            read.fail(
                "gpu_pools",
                f"names {name!r}, which is not a GPU pool of this stack",
                f"use pools of gpu_pools ({known})",
            )
    return tuple(name for name in declared if name in chosen)


AIRFLOW_NETWORK_FIELD = "airflow_network"


def _check_ascending(read: ConfigReader, keys: tuple[str, ...]) -> None:
    """A default request above the maximum rejects every pod that sets no request."""
    values = {key: str(read.values.get(key, "")) for key in keys}
    if any(names.quantity_problem(value) for value in values.values()):
        return
    for lower_key, upper_key in pairwise(keys):
        lower, upper = values[lower_key], values[upper_key]
        if names.quantity_value(lower) > names.quantity_value(upper):
            read.fail(upper_key, f"{upper} is below {lower_key} {lower}", f"set {upper_key} >= {lower_key}")


def _namespace(read: ConfigReader, check_name: bool) -> NamespaceSettings:
    def quantity(key: str) -> str:
        return read.text(key, names.quantity_problem, "use a Kubernetes quantity such as 500m or 2Gi")

    _check_ascending(read, ("default_cpu_request", "max_container_cpu"))
    _check_ascending(read, ("default_memory_request", "max_container_memory"))
    return NamespaceSettings(
        name=read.text(
            "namespace",
            names.task_namespace_problem if check_name else None,
            "set tenants.<name>.namespace, e.g. airflow-kpo",
        ),
        quota_pods=read.number("quota_pods", 1),
        quota_cpu=quantity("quota_cpu"),
        quota_memory=quantity("quota_memory"),
        quota_gpus=read.number("quota_gpus", 0),
        default_cpu_request=quantity("default_cpu_request"),
        default_memory_request=quantity("default_memory_request"),
        max_container_cpu=quantity("max_container_cpu"),
        max_container_memory=quantity("max_container_memory"),
    )


def derived_account_id(prefix: str, tenant: str) -> str:
    """``<prefix>-<tenant>`` cut to the 30 characters an account id allows (6 minimum holds: prefix + '-' + 1)."""
    return f"{prefix}-{tenant}"[:30].rstrip("-")


def _identity(read: ConfigReader, tenant: TenantInput, project: str) -> IdentitySettings:
    mode = read.member("identity_mode", IdentityMode) if "identity_mode" in read.values else IdentityMode.ASTRO
    gsa_name = str(read.values.get("airflow_gsa_name") or derived_account_id("airflow", tenant.name))
    if "airflow_gsa_name" in read.values:
        read.text("airflow_gsa_name", names.account_id_problem, "6-30 characters, e.g. airflow-ml")
    wi_project = read.text("airflow_wi_project") or project
    if read.values.get("airflow_wi_project"):
        read.text("airflow_wi_project", names.project_id_problem, "use the project id of Airflow's GKE cluster")
    k8s_namespace = str(read.values.get("airflow_k8s_namespace", DEFAULT_K8S_NAMESPACE))
    ksa = str(read.values.get("airflow_k8s_service_account", DEFAULT_K8S_SERVICE_ACCOUNT))
    read.text("airflow_k8s_namespace", names.dns1123_label_problem, "Airflow's namespace, e.g. airflow")
    read.text("airflow_k8s_service_account", names.dns1123_label_problem, "e.g. airflow-worker")
    _only_in_gke_mode(read, tenant, mode)
    email = read.text("airflow_service_account")
    federated = _federation(tenant, mode, read.problems)
    if mode is not IdentityMode.ASTRO:
        if email:
            created_from = "airflow_gsa_name" if mode is IdentityMode.GKE else "federation.account_id"
            read.fail(
                "airflow_service_account",
                f"is only used with identity_mode astro; identity_mode {mode} creates the account from {created_from}",
                "remove airflow_service_account, or set identity_mode to astro",
            )
        email = names.service_account_email(federated.account_id if federated else gsa_name, project)
    elif not email and not tenant.identity_unsure:
        problem = Problem(
            tenant.path("airflow_service_account"),
            "is required with identity_mode astro",
            "copy the Deployment's workload identity e-mail from the Astro UI (Details > Workload Identity)",
        )
        read.problems.append(problem)
    else:
        read.text(
            "airflow_service_account",
            names.service_account_email_problem,
            "use the service account e-mail, e.g. name@project.iam.gserviceaccount.com",
        )
    return IdentitySettings(mode, email, gsa_name, wi_project, k8s_namespace, ksa, federated)


GKE_MODE_FIELDS: Final = ("airflow_wi_project", "airflow_k8s_namespace", "airflow_k8s_service_account")
"""What only identity_mode gke reads (airflow_gsa_name too, but the upgrade doc has every tenant keep its old one)."""


def _only_in_gke_mode(read: ConfigReader, tenant: TenantInput, mode: IdentityMode) -> None:
    if mode is IdentityMode.GKE:
        return
    for field in GKE_MODE_FIELDS:
        if field in tenant.fields:
            read.fail(field, f"is only used with identity_mode gke, not {mode}", "remove it, or set identity_mode: gke")


FEDERATION_EXAMPLE = (
    "e.g. federation: {preset: eks, issuer: https://oidc.eks.<region>.amazonaws.com/id/<id>, "
    "subjects: [system:serviceaccount:airflow:airflow-worker]} (README, Airflow outside Google Cloud)"
)


def _federation(tenant: TenantInput, mode: IdentityMode, problems: list[Problem]) -> FederatedIdentitySettings | None:
    body, path = tenant.fields.get("federation"), tenant.path("federation")
    if mode is not IdentityMode.FEDERATED:
        if body is not None:
            problems.append(
                Problem(path, "is only used with identity_mode federated", "set identity_mode: federated, or remove it")
            )
        return None
    if body is None:
        if not any(problem.key == path for problem in problems):  # else it is there, but no mapping
            problems.append(Problem(path, "is required with identity_mode federated", FEDERATION_EXAMPLE))
        return None
    settings, found = federation.from_fields(body, path, derived_account_id("airflow", tenant.name))
    problems.extend(found)
    return settings


def _task_service_account(
    tenant: TenantInput, namespace: str, project: str, problems: list[Problem]
) -> TaskServiceAccountSettings | None:
    body = tenant.fields.get("task_service_account")
    if body is None:
        return None
    prefix = tenant.path("task_service_account")

    def fail(field: str, message: str, fix: str) -> None:
        problems.append(Problem(f"{prefix}.{field}", message, fix))

    for field in sorted(set(body) - {f.name for f in TASK_SERVICE_ACCOUNT_FIELDS}):
        fail(field, "is not a task_service_account field", nearest(field, TASK_SERVICE_ACCOUNT_FIELDS))
    ksa = _text_field(body, "kubernetes_service_account", DEFAULT_TASK_KSA, prefix, problems)
    account_id = _text_field(body, "account_id", derived_account_id("task", tenant.name), prefix, problems)
    if names.dns1123_label_problem(ksa):
        fail("kubernetes_service_account", str(names.dns1123_label_problem(ksa)), "e.g. kpo-task")
    elif ksa == "default":
        # "Every namespace gets a default ServiceAccount upon creation" (kubernetes.io, Service Accounts): creating it
        # again fails, and every pod that names no service account would run as the task Google SA.
        fail(
            "kubernetes_service_account", "'default' is the one Kubernetes creates in every namespace", "e.g. kpo-task"
        )
    if names.account_id_problem(account_id):
        fail("account_id", str(names.account_id_problem(account_id)), "6-30 characters, e.g. task-ml-dev")
    return TaskServiceAccountSettings(
        roles=_task_roles(body.get("roles"), fail),
        kubernetes_service_account=ksa,
        account_id=account_id,
        email=names.service_account_email(account_id, project),
        workload_identity_member=names.workload_identity_member(project, namespace, ksa),
    )


def _task_roles(roles: Any, fail: Callable[[str, str, str], None]) -> tuple[str, ...]:
    if not isinstance(roles, list) or not roles or not all(isinstance(role, str) for role in roles):
        fail("roles", f"must be a non-empty list of role names, got {roles!r}", "e.g. [roles/storage.objectViewer]")
        return ()
    for role in sorted({role for role in roles if roles.count(role) > 1}):
        fail("roles", f"lists {role} twice", "list each role once")
    for role in roles:
        if not role.startswith(ROLE_PREFIXES) or " " in role:
            fail("roles", f"{role!r} is not a role name", "write roles/<service>.<role> or projects/<p>/roles/<id>")
    return tuple(roles)


def _text_field(body: dict[str, Any], field: str, default: str, prefix: str, problems: list[Problem]) -> str:
    value = body.get(field, default)
    if not isinstance(value, str):
        problems.append(Problem(f"{prefix}.{field}", *wrong_type(value, "string")))
        return default
    return value
