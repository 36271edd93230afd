"""The tenant LimitRange under a simulation of the API server's admission: sane tasks are never refused."""

from __future__ import annotations

import pytest

from gke_kpo.cloud.limit_ranger import InadmissibleError, admit
from gke_kpo.config.parse import parse_settings, stack_config
from gke_kpo.config.settings import NamespaceSettings
from gke_kpo.config.values import project_keys
from gke_kpo.repo import known_stacks
from gke_kpo.spec.tenant import limit_range_item

SETTINGS = NamespaceSettings(
    name="ml",
    quota_pods=10,
    quota_cpu="16",
    quota_memory="64Gi",
    quota_gpus=1,
    default_cpu_request="250m",
    default_memory_request="256Mi",
    max_container_cpu="8",
    max_container_memory="32Gi",
)
ITEM = limit_range_item(SETTINGS)


def test_the_item_has_default_requests_and_max_but_no_default_limit() -> None:
    assert ITEM == {
        "type": "Container",
        "defaultRequest": {"cpu": "250m", "memory": "256Mi"},
        "max": {"cpu": "8", "memory": "32Gi"},
    }


def test_a_request_without_limit_is_admitted_with_max_as_its_limit() -> None:
    """The issue-7 case: memory 4Gi and no limit used to get a 1Gi default limit and be refused."""
    requests, limits = admit(ITEM, {"memory": "4Gi"}, {})
    assert requests == {"cpu": "250m", "memory": "4Gi"}
    assert limits == {"cpu": "8", "memory": "32Gi"}


def test_nothing_set_gets_the_default_requests_and_max_limits() -> None:
    assert admit(ITEM, {}, {}) == ({"cpu": "250m", "memory": "256Mi"}, {"cpu": "8", "memory": "32Gi"})


def test_a_limit_without_request_requests_its_limit() -> None:
    """Pod defaulting copies the limit into the missing request before LimitRanger runs."""
    requests, limits = admit(ITEM, {}, {"cpu": "2", "memory": "1Gi"})
    assert requests == {"cpu": "2", "memory": "1Gi"}
    assert limits == {"cpu": "2", "memory": "1Gi"}


def test_a_gpu_task_without_cpu_or_memory_limits_gets_the_container_maximum() -> None:
    requests, limits = admit(ITEM, {}, {"nvidia.com/gpu": "1"})
    assert limits == {"cpu": "8", "memory": "32Gi", "nvidia.com/gpu": "1"}
    assert requests == {"cpu": "250m", "memory": "256Mi", "nvidia.com/gpu": "1"}


def test_more_than_max_is_refused_like_limitranger_does() -> None:
    with pytest.raises(InadmissibleError, match="maximum memory usage per Container is 32Gi, but request is 40Gi"):
        admit(ITEM, {"memory": "40Gi"}, {})


def test_the_old_default_limit_would_have_refused_the_request() -> None:
    """The simulation can fail: with issue 7's 1Gi default limit the same task is inadmissible."""
    with pytest.raises(InadmissibleError, match="must be less than or equal to limit 1Gi"):
        admit({**ITEM, "default": {"cpu": "1", "memory": "1Gi"}}, {"memory": "4Gi"}, {})


@pytest.mark.parametrize("stack", known_stacks())
def test_every_committed_tenant_admits_a_request_only_task(stack: str) -> None:
    settings = parse_settings(project_keys(stack_config(stack)), stack)
    for tenant in settings.tenants:
        _, limits = admit(limit_range_item(tenant.namespace), {"memory": "4Gi", "cpu": "1"}, {})
        assert limits["memory"] == tenant.namespace.max_container_memory
