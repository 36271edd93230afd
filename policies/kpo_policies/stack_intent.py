"""The stack's intent, read from the task Namespace's labels and annotation (see gke_kpo.intent).

When the intent is missing or malformed, the strictest reading applies (no XCom, namespaced
access, no identity) and ``problems`` says why; stack-complete reports those problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def read_intent(namespaces: Sequence[Subject]) -> StackIntent:
    tagged = [namespace for namespace in namespaces if _carries_intent(namespace)]
    if len(tagged) != 1:
        problem = (
            "no Namespace carries the gke-kpo intent labels"
            if not tagged
            else f"{len(tagged)} Namespaces carry the gke-kpo intent labels; exactly one must"
        )
        return StackIntent(None, None, False, AccessModel.NAMESPACED, False, None, (problem,))
    namespace = tagged[0]
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
