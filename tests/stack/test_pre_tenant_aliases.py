"""A one-tenant stack keeps the objects a stack made before tenants created (docs/upgrade-to-tenants.md).

The expected URNs are spelled out from the pre-tenant program (git 33c2864^: NamespaceAccess ``<cluster>-tasks``
with its provider and namespace objects, AirflowIdentity ``<cluster>-airflow``, IamAccess ``<cluster>-kpo``), so a
renamed Tenant child or a changed alias table fails here instead of deleting a namespace on a real upgrade.
"""

from __future__ import annotations

import json

from gke_kpo.cloud import replacement as review
from tests.stack.conftest import OptionsFor
from tests.stack.options import Recorded

OLD = "urn:pulumi:prod::gke-kpo::"
PROD_TENANT = "kpo-prod-airflow-prod"
GKE_TENANT = {"airflow-prod": {"namespace": "airflow-kpo", "identity_mode": "gke"}}


def aliases_by_name(options: Recorded) -> dict[str, tuple[str, ...]]:
    return {name: declared.aliases for (_, name), declared in options.items() if declared.aliases}


def test_one_tenant_stack_aliases_its_namespace_objects_binding_and_provider(options_for: OptionsFor) -> None:
    assert aliases_by_name(options_for("prod")) == {
        f"{PROD_TENANT}-namespace": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:core/v1:Namespace::kpo-prod-tasks-namespace",
        ),
        f"{PROD_TENANT}-role": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:rbac.authorization.k8s.io/v1:Role::kpo-prod-tasks-role",
        ),
        f"{PROD_TENANT}-role-binding": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
            "::kpo-prod-tasks-role-binding",
        ),
        f"{PROD_TENANT}-quota": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:core/v1:ResourceQuota::kpo-prod-tasks-quota",
        ),
        f"{PROD_TENANT}-limits": (
            OLD + "gke-kpo:index:NamespaceAccess$kubernetes:core/v1:LimitRange::kpo-prod-tasks-limits",
        ),
        f"{PROD_TENANT}-binding": (
            OLD + "gke-kpo:index:IamAccess$gcp:projects/iAMMember:IAMMember::kpo-prod-kpo-binding",
        ),
        "kpo-prod-kubernetes": (
            OLD + "gke-kpo:index:NamespaceAccess$pulumi:providers:kubernetes::kpo-prod-tasks-provider",
        ),
    }


def test_alias_urns_name_the_resource_own_type(options_for: OptionsFor) -> None:
    for (type_, name), declared in options_for("prod").items():
        for alias in declared.aliases:
            assert f"${type_}::" in alias, (name, alias)


def test_one_gke_tenant_keeps_its_google_service_account_and_workload_identity_grant(options_for: OptionsFor) -> None:
    aliases = aliases_by_name(options_for("prod", tenants=json.dumps(GKE_TENANT)))
    assert aliases[f"{PROD_TENANT}-airflow-gsa"] == (
        OLD + "gke-kpo:index:AirflowIdentity$gcp:serviceaccount/account:Account::kpo-prod-airflow-gsa",
    )
    assert aliases[f"{PROD_TENANT}-airflow-workload-identity"] == (
        OLD
        + "gke-kpo:index:AirflowIdentity$gcp:serviceaccount/iAMMember:IAMMember::kpo-prod-airflow-workload-identity",
    )


def test_aliases_keep_the_other_options(options_for: OptionsFor) -> None:
    options = options_for("prod", tenants=json.dumps(GKE_TENANT))
    namespace = options[(review.NAMESPACE, f"{PROD_TENANT}-namespace")]
    assert namespace.protect is True
    account = options[(review.SERVICE_ACCOUNT, f"{PROD_TENANT}-airflow-gsa")]
    assert account.delete_before_replace is True


def test_several_tenants_alias_nothing(options_for: OptionsFor) -> None:
    """Two tenants cannot both claim the one old namespace: a stack migrates with one, then adds the others."""
    assert aliases_by_name(options_for("dev")) == {}
