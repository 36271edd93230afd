"""deployer_member: the stack grants actAs on the node service account to whoever runs `pulumi up`, so a new stack
deploys in one run; the cluster and both pools wait for that grant."""

from __future__ import annotations

import pytest

from gke_kpo.cloud import deployer_roles as deployer
from gke_kpo.cloud import replacement as review
from gke_kpo.config.parse import parse_settings
from gke_kpo.config.problems import ConfigError
from tests.stack.conftest import OptionsFor, PlanFor
from tests.stack.test_settings import VALID

CI = "serviceAccount:deploy@acme-ci.iam.gserviceaccount.com"


def act_as_grants(plan_for: PlanFor, stack: str, **overrides: object) -> list[dict[str, object]]:
    members = plan_for(stack, gpu_count=1, **overrides).of_type(review.SERVICE_ACCOUNT_IAM_MEMBER)
    return [grant.inputs for grant in members if grant.inputs["role"] == deployer.ACT_AS_ROLE]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_grant_is_actas_for_the_member_on_the_node_account_only(plan_for: PlanFor, stack: str) -> None:
    (grant,) = act_as_grants(plan_for, stack, deployer_member=CI)
    project = f"acme-airflow-{stack}"
    assert grant == {
        "serviceAccountId": f"projects/{project}/serviceAccounts/kpo-{stack}-nodes@{project}.iam.gserviceaccount.com",
        "role": "roles/iam.serviceAccountUser",
        "member": CI,
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_without_the_key_there_is_no_grant(plan_for: PlanFor, stack: str) -> None:
    assert act_as_grants(plan_for, stack) == []


@pytest.mark.parametrize(("stack", "protected"), [("dev", False), ("prod", True)])
def test_cluster_and_pools_wait_for_the_grant(options_for: OptionsFor, stack: str, protected: bool) -> None:
    options = options_for(stack, gpu_count=1, deployer_member=CI)
    grant_name = f"kpo-{stack}-nodes-deployer-act-as"
    grant = options[(review.SERVICE_ACCOUNT_IAM_MEMBER, grant_name)]
    assert grant.depends_on == (f"kpo-{stack}-nodes",)
    assert grant.protect is protected
    waiting = [
        name
        for (type_, name), declared in options.items()
        if type_ in (review.CLUSTER, review.NODE_POOL) and grant_name in declared.depends_on
    ]
    assert sorted(waiting) == [f"kpo-{stack}", f"kpo-{stack}-gpu", f"kpo-{stack}-system"]


def test_without_the_key_pools_depend_on_nothing_extra(options_for: OptionsFor) -> None:
    options = options_for("dev", gpu_count=1)
    pools = [declared for (type_, _), declared in options.items() if type_ == review.NODE_POOL]
    assert len(pools) == 2 and all(pool.depends_on == () for pool in pools)


@pytest.mark.parametrize(
    "member",
    [
        "deploy@acme-ci.iam.gserviceaccount.com",
        "group:platform@example.com",
        "domain:example.com",
        "allUsers",
        "serviceAccount:deploy@example.com",
        "user:alice",
        "serviceAccount:acme-ci.svc.id.goog[ns/ksa]",
        f" {CI}",
    ],
)
def test_a_bad_member_is_refused_with_the_key_and_the_forms(member: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings({**VALID, "deployer_member": member}, "test")
    assert caught.value.keys == ["deployer_member"]
    assert deployer.DEPLOYER_MEMBER_FORMS in str(caught.value)


@pytest.mark.parametrize(
    "member",
    [CI, "user:alice@example.com", "serviceAccount:123456789-compute@developer.gserviceaccount.com", ""],
)
def test_a_good_member_or_none_is_kept(member: str) -> None:
    assert parse_settings({**VALID, "deployer_member": member}, "test").cluster.deployer_member == member
