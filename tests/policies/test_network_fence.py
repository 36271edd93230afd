"""tenant-network-fence: a tenant namespace without its fence, or with a policy that reopens it, is refused."""

from __future__ import annotations

from typing import Any

import pytest

from gke_kpo.cloud.pod_network import Egress
from gke_kpo.contract import intent
from policies.kpo_policies import resource_types as t
from policies.kpo_policies.tenant_network_fence import POLICY

from .harness import run_policy
from .stacks import NAMESPACE, Resource, good_stack, mutated, with_extra

FENCE = "fence"
"""The fence's resource name in the hand-written stack."""


def _extra_policy(spec: dict[str, Any]) -> list[Resource]:
    extra = Resource(
        t.NETWORK_POLICY, "team-made", {"metadata": {"name": "team-made", "namespace": NAMESPACE}, "spec": spec}
    )
    return with_extra(good_stack(), extra)


def _messages(stack: list[Resource]) -> list[str]:
    outcome = run_policy(POLICY, stack)
    assert outcome.unknown is None
    return outcome.messages


def test_the_declared_fence_passes() -> None:
    assert _messages(good_stack()) == []


@pytest.mark.parametrize(("kept", "missing"), [("Egress", "ingress"), ("Ingress", "egress")])
def test_a_namespace_missing_half_its_fence_is_refused(kept: str, missing: str) -> None:
    stack = mutated(good_stack(), t.NETWORK_POLICY, FENCE, "spec.policyTypes", [kept])
    [message] = _messages(stack)
    assert f"no NetworkPolicy isolates every pod of the tenant namespace {NAMESPACE!r} for {missing}" in message


def test_a_fence_that_selects_only_some_pods_does_not_count() -> None:
    stack = mutated(good_stack(), t.NETWORK_POLICY, FENCE, "spec.podSelector", {"matchLabels": {"a": "b"}})
    assert any("for ingress" in message for message in _messages(stack))


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"podSelector": {}, "ingress": [{}]}, "an ingress rule without `from` admits every source"),
        (
            {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]},
            "admits pods of other namespaces",
        ),
        ({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]}, "address block 10.0.0.0/8"),
        (
            {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 443}]}]},
            "an egress rule without `to` admits every destination",
        ),
        (
            {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-b"}}}]}],
            },
            "admits pods of other namespaces",
        ),
    ],
    ids=[
        "ingress-from-anywhere",
        "ingress-from-every-namespace",
        "ingress-from-block",
        "egress-anywhere",
        "egress-to-b",
    ],
)
def test_a_policy_that_reopens_the_fence_is_refused(spec: dict[str, Any], expected: str) -> None:
    [message] = _messages(_extra_policy(spec))
    assert expected in message
    assert "'team-made'" in message
    assert "reopens the network fence of the tenant namespace 'airflow-kpo'" in message


def test_a_policy_narrowed_to_the_namespace_itself_is_accepted() -> None:
    own = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": NAMESPACE}}}
    assert _messages(_extra_policy({"podSelector": {}, "ingress": [{"from": [own]}]})) == []


def test_the_whole_internet_contradicts_an_egress_mode_of_none() -> None:
    stack = mutated(good_stack(), t.NAMESPACE, "tasks", f"metadata.labels.{intent.EGRESS_LABEL}", Egress.NONE.value)
    [message] = _messages(stack)
    assert "admits 0.0.0.0/0 though the namespace's egress is 'none'" in message
