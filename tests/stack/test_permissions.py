from __future__ import annotations

import pytest

from gke_kpo.cloud.permissions import (
    PERMISSION_TABLE,
    SEED_PERMISSIONS,
    AccessModel,
    custom_role_permissions,
    rbac_rules,
)

SEED = {
    "container.clusters.get",
    "container.events.list",
    "container.pods.get",
    "container.pods.getLogs",
    "container.pods.list",
    "container.pods.create",
    "container.pods.delete",
    "container.pods.update",
}
EXEC = "container.pods.exec"


def test_table_holds_exactly_the_seed_permissions_plus_exec() -> None:
    assert SEED_PERMISSIONS == SEED | {EXEC}
    assert [p.iam for p in PERMISSION_TABLE if p.needs_xcom] == [EXEC]


@pytest.mark.parametrize("xcom_push", [False, True])
def test_project_model_is_the_seed_list_with_exec_only_for_xcom(xcom_push: bool) -> None:
    expected = SEED | ({EXEC} if xcom_push else set())
    permissions = custom_role_permissions(AccessModel.PROJECT, xcom_push)
    assert permissions == sorted(expected)


@pytest.mark.parametrize("xcom_push", [False, True])
def test_namespaced_model_keeps_only_cluster_get_in_iam(xcom_push: bool) -> None:
    assert custom_role_permissions(AccessModel.NAMESPACED, xcom_push) == ["container.clusters.get"]


def test_rbac_rules_without_xcom() -> None:
    assert rbac_rules(False) == [
        {"apiGroups": [""], "resources": ["events"], "verbs": ["list", "watch"]},
        {
            "apiGroups": [""],
            "resources": ["pods"],
            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
        },
        {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
    ]


def test_rbac_rules_with_xcom_add_exec_only() -> None:
    extra = [rule for rule in rbac_rules(True) if rule not in rbac_rules(False)]
    assert extra == [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create", "get"]}]


def test_no_rule_uses_a_wildcard() -> None:
    for rule in rbac_rules(True):
        assert "*" not in rule["apiGroups"] + rule["resources"] + rule["verbs"]
