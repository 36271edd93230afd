"""The stack's intent, read from each tenant Namespace's labels and annotation (see gke_kpo.contract.intent).

Every Namespace carrying the intent labels is one tenant. When a tenant's intent is malformed, the
strictest reading applies to it (no XCom, namespaced access, no identity) and ``problems`` says why;
stack-complete reports those problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.contract import intent

from .props import lookup, mapping
from .verdicts import Subject


@dataclass(frozen=True)
class TenantIntent:
    namespace: Subject
    namespace_name: str
    xcom_push: bool
    access_model: AccessModel
    gpu_pool: bool
    airflow_identity: str | None
    problems: tuple[str, ...]

    @property
    def airflow_member(self) -> str | None:
        """The IAM member string of the tenant's Airflow identity."""
        return f"serviceAccount:{self.airflow_identity}" if self.airflow_identity else None


@dataclass(frozen=True)
class StackIntent:
    """All tenants, indexed once: by namespace name and by Airflow identity."""

    tenants: tuple[TenantIntent, ...]
    by_namespace: dict[str, TenantIntent]
    by_identity: dict[str, TenantIntent]
    access_model: AccessModel
    problems: tuple[str, ...]

    def owner_of(self, namespace: object) -> TenantIntent | None:
        return self.by_namespace.get(str(namespace)) if namespace else None

    @property
    def gpu_pool(self) -> bool:
        return any(tenant.gpu_pool for tenant in self.tenants)


def _flag(labels: dict[str, str], key: str, problems: list[str]) -> bool:
    value = labels.get(key)
    if value in (intent.TRUE, intent.FALSE):
        return value == intent.TRUE
    problems.append(f"label {key} is {value!r}, expected {intent.TRUE!r} or {intent.FALSE!r}")
    return False


def _access_model(labels: dict[str, str], problems: list[str]) -> AccessModel:
    value = labels.get(intent.ACCESS_MODEL_LABEL)
    try:
        return AccessModel(value or "")
    except ValueError:
        allowed = ", ".join(repr(model.value) for model in AccessModel)
        problems.append(f"label {intent.ACCESS_MODEL_LABEL} is {value!r}, expected one of {allowed}")
        return AccessModel.NAMESPACED


def _carries_intent(namespace: Subject) -> bool:
    return intent.ACCESS_MODEL_LABEL in mapping(lookup(namespace.props, "metadata", "labels"))


def read_tenant(namespace: Subject) -> TenantIntent | None:
    """The tenant a Namespace declares, or None for a Namespace without the intent labels."""
    if not _carries_intent(namespace):
        return None
    labels = {key: str(value) for key, value in mapping(lookup(namespace.props, "metadata", "labels")).items()}
    annotations = mapping(lookup(namespace.props, "metadata", "annotations"))
    problems: list[str] = []
    identity = annotations.get(intent.AIRFLOW_IDENTITY_ANNOTATION)
    if not identity:
        problems.append(f"annotation {intent.AIRFLOW_IDENTITY_ANNOTATION} is missing")
    name = str(lookup(namespace.props, "metadata", "name") or namespace.name)
    return TenantIntent(
        namespace=namespace,
        namespace_name=name,
        xcom_push=_flag(labels, intent.XCOM_PUSH_LABEL, problems),
        access_model=_access_model(labels, problems),
        gpu_pool=_flag(labels, intent.GPU_POOL_LABEL, problems),
        airflow_identity=str(identity) if identity else None,
        problems=tuple(f"namespace {name!r}: {problem}" for problem in problems),
    )


def _stack_access_model(tenants: Sequence[TenantIntent], problems: list[str]) -> AccessModel:
    """One cluster, one custom role: every tenant must state the same model (else the strictest applies)."""
    models = {tenant.access_model for tenant in tenants}
    if len(models) > 1:
        problems.append(f"tenants disagree on {intent.ACCESS_MODEL_LABEL} ({', '.join(sorted(models))})")
        return AccessModel.NAMESPACED
    return next(iter(models), AccessModel.NAMESPACED)


def read_intent(namespaces: Sequence[Subject]) -> StackIntent:
    tenants = [tenant for tenant in map(read_tenant, namespaces) if tenant is not None]
    problems = [problem for tenant in tenants for problem in tenant.problems]
    if not tenants:
        problems.append("no Namespace carries the gke-kpo intent labels")
    by_namespace: dict[str, TenantIntent] = {}
    by_identity: dict[str, TenantIntent] = {}
    for tenant in tenants:
        if by_namespace.setdefault(tenant.namespace_name, tenant) is not tenant:
            problems.append(f"namespace {tenant.namespace_name!r} is declared by two Namespace resources")
        identity = tenant.airflow_identity
        if identity and by_identity.setdefault(identity, tenant) is not tenant:
            problems.append(
                f"identity {identity!r} is the Airflow identity of namespaces "
                f"{by_identity[identity].namespace_name!r} and {tenant.namespace_name!r}; it could reach both"
            )
    access_model = _stack_access_model(tenants, problems)
    return StackIntent(tuple(tenants), by_namespace, by_identity, access_model, tuple(problems))
