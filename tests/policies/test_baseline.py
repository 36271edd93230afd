"""The compliant hand-written stack passes every policy, in every intent combination."""

from __future__ import annotations

import itertools

import pytest
from pulumi_policy import Policy

from gke_kpo.cloud.permissions import AccessModel
from policies.kpo_policies import no_project_wide_pod_access
from policies.kpo_policies.pack import POLICIES

from .harness import run_policy
from .stacks import good_stack

CASES = [
    (policy, access_model, xcom_push, gpu)
    for policy, access_model, xcom_push, gpu in itertools.product(POLICIES, AccessModel, (False, True), (False, True))
    # The project model is reported by design: see test_project_model_is_reported.
    if not (policy is no_project_wide_pod_access.POLICY and access_model is AccessModel.PROJECT)
]


@pytest.mark.parametrize(("policy", "access_model", "xcom_push", "gpu"), CASES)
def test_good_stack_passes(policy: Policy, access_model: AccessModel, xcom_push: bool, gpu: bool) -> None:
    outcome = run_policy(policy, good_stack(access_model, xcom_push, gpu))
    assert outcome.messages == []
    assert outcome.unknown is None


def test_project_model_is_reported() -> None:
    outcome = run_policy(no_project_wide_pod_access.POLICY, good_stack(AccessModel.PROJECT))
    assert len(outcome.messages) == 1
    assert "'binding'" in outcome.messages[0] and "container.pods.create" in outcome.messages[0]
