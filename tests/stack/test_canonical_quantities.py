"""Quota and LimitRange quantities go to Kubernetes in the spelling the API server stores, so a `pulumi up --refresh`
finds exactly what the program declares (pulumi/pulumi-kubernetes#644, #2760: ``1000m`` stored as ``1`` diffs)."""

from __future__ import annotations

import pytest

from gke_kpo.cloud import names
from gke_kpo.cloud import replacement as review
from gke_kpo.preview.capture import Plan
from tests.stack.conftest import PlanFor


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        # The examples of k8s.io/apimachinery resource.Quantity's documentation and of kubernetes/kubernetes#116135.
        ("1.5", "1500m"),
        ("1.5Gi", "1536Mi"),
        ("1000m", "1"),
        ("1.2", "1200m"),
        ("0.1", "100m"),
        ("3072Mi", "3Gi"),
        ("2000", "2k"),
        ("1000M", "1G"),
        ("0.5Gi", "512Mi"),
        ("0.0001", "100u"),
        ("0", "0"),
        # Already canonical: unchanged.
        ("8", "8"),
        ("250m", "250m"),
        ("256Mi", "256Mi"),
        ("1536Mi", "1536Mi"),
        ("1500", "1500"),
        ("1024", "1024"),
    ],
)
def test_quantities_take_the_api_server_spelling(written: str, stored: str) -> None:
    assert names.canonical_quantity(written) == stored
    if names.quantity_problem(stored) is None:  # config's grammar has no u/n suffix
        assert names.quantity_value(stored) == pytest.approx(names.quantity_value(written))
        assert names.canonical_quantity(stored) == stored


def only(plan: Plan, type_: str, name: str) -> dict[str, object]:
    (found,) = [resource for resource in plan.of_type(type_) if resource.name == name]
    return found.inputs


def test_quota_and_limits_are_declared_canonical(plan_for: PlanFor) -> None:
    plan = plan_for(
        "prod",
        quota_cpu="32000m",
        quota_memory="131072Mi",
        default_cpu_request="0.5",
        default_memory_request="0.5Gi",
        max_container_cpu="4000m",
        max_container_memory="16384Mi",
    )
    hard = only(plan, review.RESOURCE_QUOTA, "airflow-kpo-quota")["spec"]["hard"]  # type: ignore[index]
    assert (hard["requests.cpu"], hard["requests.memory"]) == ("32", "128Gi")
    (item,) = only(plan, review.LIMIT_RANGE, "airflow-kpo-limits")["spec"]["limits"]  # type: ignore[index]
    assert item["defaultRequest"] == {"cpu": "500m", "memory": "512Mi"}
    assert item["max"] == {"cpu": "4", "memory": "16Gi"}
