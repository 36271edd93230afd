"""The stack's intent, read from every tenant Namespace's labels and annotation (see gke_kpo.intent).

Each tenant namespace says what it meant to grant there. Where the intent is missing or malformed (or a resource
sits in a namespace no tenant owns), the strictest reading applies (no XCom, namespaced access, no identity) and
``problems`` says why; stack-complete reports those problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from gke_kpo import intent
from gke_kpo.permissions import AccessModel

from .props import lookup, mapping
from .verdicts import Subject


@dataclass(frozen=True)
class StackIntent:
    namespace: Subject | None
    namespace_name: str | None
    xcom_push: bool
    access_model: AccessModel
    gpu_pool: bool
    airflow_identity: str | None
    problems: tuple[str, ...]

    @property
    def airflow_member(self) -> str | None:
        """The IAM member string of the Airflow identity."""
        return f"serviceAccount:{self.airflow_identity}" if self.airflow_identity else None


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


STRICTEST: Final = StackIntent(None, None, False, AccessModel.NAMESPACED, False, None, ())


@dataclass(frozen=True)
class StackIntents:
    """One intent per tenant namespace, and the problems reading them."""

    tenants: tuple[StackIntent, ...]
    problems: tuple[str, ...]

    def for_namespace(self, namespace: object) -> StackIntent:
        """The intent of the tenant owning ``namespace``; a cluster-scoped object (no namespace) in a one-tenant
        stack reads that tenant's; anything else the strictest."""
        if namespace is None and len(self.tenants) == 1:
            return self.tenants[0]
        return self._by_namespace.get(str(namespace), STRICTEST)

    @cached_property
    def _by_namespace(self) -> dict[str, StackIntent]:
        """A dict, not a scan: the pack asks once per Role and RoleBinding, and a stack may hold a hundred tenants."""
        return {str(tenant.namespace_name): tenant for tenant in self.tenants if tenant.namespace_name}

    @property
    def access_model(self) -> AccessModel:
        models = {tenant.access_model for tenant in self.tenants}
        return models.pop() if len(models) == 1 else AccessModel.NAMESPACED

    @property
    def gpu_pool(self) -> bool:
        return any(tenant.gpu_pool for tenant in self.tenants)


def read_intents(namespaces: Sequence[Subject]) -> StackIntents:
    tenants = tuple(_read_intent(namespace) for namespace in namespaces if _carries_intent(namespace))
    problems = [problem for tenant in tenants for problem in tenant.problems]
    if not tenants:
        problems.append("no Namespace carries the gke-kpo intent labels")
    if len({tenant.access_model for tenant in tenants}) > 1:
        problems.append(f"tenant Namespaces disagree on label {intent.ACCESS_MODEL_LABEL}; it is one per stack")
    return StackIntents(tenants, tuple(problems))


def _read_intent(namespace: Subject) -> StackIntent:
    labels = {key: str(value) for key, value in mapping(lookup(namespace.props, "metadata", "labels")).items()}
    annotations = mapping(lookup(namespace.props, "metadata", "annotations"))
    problems: list[str] = []
    identity = annotations.get(intent.AIRFLOW_IDENTITY_ANNOTATION)
    if not identity:
        problems.append(f"annotation {intent.AIRFLOW_IDENTITY_ANNOTATION} is missing")
    name = lookup(namespace.props, "metadata", "name")
    return StackIntent(
        namespace=namespace,
        namespace_name=str(name) if name else None,
        xcom_push=_flag(labels, intent.XCOM_PUSH_LABEL, problems),
        access_model=_access_model(labels, problems),
        gpu_pool=_flag(labels, intent.GPU_POOL_LABEL, problems),
        airflow_identity=str(identity) if identity else None,
        problems=tuple(problems),
    )
