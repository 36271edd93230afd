"""no-broad-roles accepts the deployer's actAs on the node service account (deployer_member) and nothing wider."""

from __future__ import annotations

import pytest

from gke_kpo.gate import AnalyzerSession, run_gate
from policies.kpo_policies import no_broad_roles
from policies.kpo_policies import resource_types as t
from tests.conftest import PlanFor

from .harness import run_policy
from .stacks import IDENTITY, NODE_SA, PROJECT, Resource, good_stack, with_extra

CI = "serviceAccount:deploy@acme-ci.iam.gserviceaccount.com"
ACT_AS = "roles/iam.serviceAccountUser"


def _on_account(account: str, role: str = ACT_AS, member: str = CI) -> Resource:
    return Resource(
        t.SA_IAM_MEMBER,
        "act-as",
        {"serviceAccountId": f"projects/{PROJECT}/serviceAccounts/{account}", "role": role, "member": member},
    )


def test_actas_on_the_node_account_for_one_deployer_passes() -> None:
    outcome = run_policy(no_broad_roles.POLICY, with_extra(good_stack(), _on_account(NODE_SA)))
    assert outcome.messages == [] and outcome.unknown is None


@pytest.mark.parametrize(
    ("grant", "expected"),
    [
        (
            Resource(t.PROJECT_IAM_MEMBER, "act-as", {"project": PROJECT, "role": ACT_AS, "member": CI}),
            "at project level it lets the member act as every service account",
        ),
        (_on_account(IDENTITY), "not on a node service account"),
        (_on_account(NODE_SA, member="group:platform@example.com"), "not one user or service account"),
        (_on_account(NODE_SA, member="allAuthenticatedUsers"), "not one user or service account"),
        (_on_account(NODE_SA, role="roles/iam.serviceAccountTokenCreator"), "full impersonation"),
    ],
    ids=["project-level", "airflow-account", "group", "everyone", "token-creator"],
)
def test_anything_wider_is_refused(grant: Resource, expected: str) -> None:
    outcome = run_policy(no_broad_roles.POLICY, with_extra(good_stack(), grant))
    assert outcome.mentions(expected), outcome.messages
    assert outcome.mentions("'act-as'"), outcome.messages


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_stacks_own_grant_passes_the_whole_pack(analyzer: AnalyzerSession, plan_for: PlanFor, stack: str) -> None:
    plan = plan_for(stack, deployer_member=CI)
    act_as = [r for r in plan.of_type(t.SA_IAM_MEMBER) if r.inputs["role"] == "roles/iam.serviceAccountUser"]
    assert [r.inputs["member"] for r in act_as] == [CI]
    result = run_gate(plan, stack, analyzer)
    assert result.passed and result.verdicts == [], result.format()
