"""Values Google's APIs refuse although the provider schema accepts them (a failed first `pulumi up`)."""

from __future__ import annotations

import json

from gke_kpo.cloud import names
from gke_kpo.cloud import replacement as review
from tests.stack.conftest import PlanFor

LONG_TENANT = "t" * 63


def test_display_names_fit_iam_limit() -> None:
    assert len(names.service_account_display_name("x" * 150).encode()) == 100
    assert names.service_account_display_name("short") == "short"
    assert names.service_account_display_name("é" * 60).encode().decode() == "é" * 50


def test_a_63_character_tenant_gets_an_account_iam_accepts(plan_for: PlanFor) -> None:
    tenants = {LONG_TENANT: {"identity_mode": "gke", "airflow_gsa_name": "airflow-long"}}
    plan = plan_for("prod", tenants=json.dumps(tenants))
    (account,) = [a for a in plan.of_type(review.SERVICE_ACCOUNT) if a.inputs["accountId"] == "airflow-long"]
    display_name = account.inputs["displayName"]
    assert len(display_name.encode()) <= names.SERVICE_ACCOUNT_DISPLAY_NAME_MAX
    assert display_name.startswith("Airflow KubernetesPodOperator launcher of tenant ttt")


def test_stack_names_become_valid_label_values() -> None:
    assert names.label_value("prod") == "prod"
    assert names.label_value("Team.Prod_1") == "team-prod_1"
    assert len(names.label_value("a" * 80)) == 63


def test_committed_stacks_label_the_cluster_with_their_name(plan_for: PlanFor) -> None:
    (cluster,) = plan_for("prod").of_type(review.CLUSTER)
    assert cluster.inputs["resourceLabels"] == {"managed-by": "pulumi", "gke-kpo-stack": "prod"}
