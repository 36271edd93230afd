"""The federation components under Pulumi's mocks: inputs and options of everything they declare."""

from __future__ import annotations

import asyncio
import contextvars
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pytest
from pulumi.runtime import mocks, rpc
from pulumi.runtime.stack import wait_for_rpcs

from components.federated_identity import (
    FederatedAccount,
    FederatedAccountArgs,
    FederationPool,
    FederationPoolArgs,
    ProjectNumberMismatchError,
    check_project_number,
)
from gke_kpo.cloud import federation as build
from gke_kpo.config.settings import FederatedIdentitySettings
from gke_kpo.preview.capture import PlannedResource
from gke_kpo.preview.mock_cloud import MockCloud
from gke_kpo.repo import REPO_ROOT
from policies.kpo_policies import federation_pinned, no_broad_roles
from policies.kpo_policies.resource_types import WORKLOAD_IDENTITY_POOL_PROVIDER

from ..policies.harness import run_policy
from ..policies.stacks import Resource

PROJECT, NUMBER, POOL = "acme-airflow", "123456789012", "kpo-dev-airflow"
EKS = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
AKS = "https://eastus.oic.prod-aks.azure.com/tenant/cluster/"
WORKER, TRIGGERER = "system:serviceaccount:astro:worker", "system:serviceaccount:astro:triggerer"
ML = FederatedIdentitySettings(EKS, (WORKER, TRIGGERER), "sts.amazonaws.com", "/t", "airflow-ml")
ETL = FederatedIdentitySettings(EKS, ("system:serviceaccount:etl:worker",), "sts.amazonaws.com", "/t", "airflow-etl")
AZ = FederatedIdentitySettings(AKS, ("system:serviceaccount:af:worker",), "api://AzureADTokenExchange", "/t", "af-az")


class _Cloud(MockCloud):
    def __init__(self, project_number: str | None) -> None:
        self.project_number = project_number

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        if args.token == "gcp:organizations/getProject:getProject" and self.project_number:
            return {"number": self.project_number, "projectId": PROJECT}, []
        return super().call(args)


class _Recorder(mocks.MockMonitor):
    def __init__(self, cloud: MockCloud, resources: list[PlannedResource]) -> None:
        super().__init__(cloud)
        self.planned = resources

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        inputs = rpc.deserialize_properties(request.object)
        self.planned.append(
            PlannedResource(request.type, request.name, response.urn, inputs, request.parent or None, "",
                            list(request.dependencies), bool(request.protect), bool(request.custom))
        )  # fmt: skip
        return response


def _declare(build_components: Callable[[], None], google_number: str | None = None) -> list[PlannedResource]:
    resources: list[PlannedResource] = []

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            cloud = _Cloud(google_number)
            pulumi.runtime.set_mocks(cloud, "gke-kpo", "dev", preview=True, monitor=_Recorder(cloud, resources))
            build_components()
            loop.run_until_complete(wait_for_rpcs())
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    contextvars.Context().run(run)
    return resources


def _federated(name: str, pool: FederationPool, identity: FederatedIdentitySettings) -> FederatedAccount:
    """The account is the tenant's (declared in every identity mode); the component grants its subjects."""
    account = gcp.serviceaccount.Account(f"{identity.account_id}-gsa", project=PROJECT, account_id=identity.account_id)
    return FederatedAccount(name, FederatedAccountArgs(PROJECT, NUMBER, pool, identity, account))


def _stack(identities: tuple[FederatedIdentitySettings, ...] = (ML, ETL, AZ)) -> None:
    pool = FederationPool("kpo-fed", FederationPoolArgs(PROJECT, NUMBER, POOL, identities))
    for identity in identities:
        _federated(identity.account_id, pool, identity)


@pytest.fixture(scope="module")
def planned() -> list[PlannedResource]:
    return _declare(_stack)


def _of(planned: list[PlannedResource], kind: str) -> list[PlannedResource]:
    return [r for r in planned if r.type == kind]


def test_one_pool_and_one_provider_per_issuer(planned: list[PlannedResource]) -> None:
    [pool] = _of(planned, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool")
    assert (pool.inputs["workloadIdentityPoolId"], pool.inputs["project"]) == (POOL, PROJECT)
    providers = {p.inputs["oidc"]["issuerUri"]: p for p in _of(planned, WORKLOAD_IDENTITY_POOL_PROVIDER)}
    assert set(providers) == {EKS, AKS}
    eks = providers[EKS].inputs
    assert eks["workloadIdentityPoolProviderId"] == build.provider_id(EKS)
    assert eks["attributeMapping"] == {"google.subject": "assertion.sub"}
    assert eks["attributeCondition"] == build.attribute_condition(
        [WORKER, TRIGGERER, "system:serviceaccount:etl:worker"]
    )
    assert eks["oidc"]["allowedAudiences"] == ["sts.amazonaws.com"]
    assert providers[AKS].inputs["oidc"]["allowedAudiences"] == ["api://AzureADTokenExchange"]
    assert all(pool.urn in p.dependencies for p in providers.values())


def test_each_subject_gets_its_own_principal_grant_on_its_own_account(planned: list[PlannedResource]) -> None:
    grants = _of(planned, "gcp:serviceaccount/iAMMember:IAMMember")
    members: dict[str, set[str]] = {(g.parent or "").rsplit("::", 1)[-1]: set() for g in grants}
    for grant in grants:
        assert grant.inputs["role"] == "roles/iam.workloadIdentityUser"
        members[(grant.parent or "").rsplit("::", 1)[-1]].add(grant.inputs["member"])
    assert members["airflow-ml"] == {build.principal_member(NUMBER, POOL, s) for s in (WORKER, TRIGGERER)}
    assert not any("principalSet" in m for group in members.values() for m in group)
    pool_and_providers = {r.urn for r in planned if r.type.startswith("gcp:iam/")}
    assert all(pool_and_providers <= set(grant.dependencies) for grant in grants)


def test_grants_name_the_tenants_account_and_are_parented(planned: list[PlannedResource]) -> None:
    grants = _of(planned, "gcp:serviceaccount/iAMMember:IAMMember")
    accounts = {
        f"projects/{PROJECT}/serviceAccounts/{id_}@{PROJECT}.iam.gserviceaccount.com"
        for id_ in ("af-az", "airflow-etl", "airflow-ml")
    }
    assert {grant.inputs["serviceAccountId"] for grant in grants} == accounts
    assert all(r.parent for r in planned if r.custom and r.type != "gcp:serviceaccount/account:Account")


def test_what_the_components_declare_passes_the_federation_policies(planned: list[PlannedResource]) -> None:
    resources = [Resource(r.type, r.name, r.inputs) for r in planned if r.custom]
    for policy in (federation_pinned.POLICY, no_broad_roles.POLICY):
        assert run_policy(policy, resources).messages == []


def test_the_configured_project_number_must_match_googles() -> None:
    assert check_project_number(PROJECT, NUMBER, None) == NUMBER  # under mocks / before up: nothing to compare
    assert check_project_number(PROJECT, NUMBER, NUMBER) == NUMBER
    with pytest.raises(ProjectNumberMismatchError, match="gcloud projects describe acme-airflow"):
        check_project_number(PROJECT, NUMBER, "999999999999")


def test_a_project_number_google_agrees_with_passes() -> None:
    assert _of(
        _declare(lambda: _stack((ML,)), google_number=NUMBER), "gcp:iam/workloadIdentityPool:WorkloadIdentityPool"
    )


def test_a_project_number_google_disagrees_with_stops_the_program() -> None:
    """In a process of its own: a failed program leaves the mock runtime unusable for the next one."""
    script = (
        "from tests.stack.test_federated_component import ML, _declare, _stack\n"
        "_declare(lambda: _stack((ML,)), google_number='999999999999')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "project acme-airflow has number 999999999999. Fix: set it to the output of gcloud" in result.stderr


def test_credential_config_points_at_its_issuers_provider() -> None:
    accounts: list[FederatedAccount] = []

    def declare() -> None:
        pool = FederationPool("kpo-fed", FederationPoolArgs(PROJECT, NUMBER, POOL, (AZ,)))
        accounts.append(_federated("af", pool, AZ))

    _declare(declare)
    assert accounts[0].credential_config["audience"] == build.provider_audience(NUMBER, POOL, build.provider_id(AKS))
    assert accounts[0].email == "af-az@acme-airflow.iam.gserviceaccount.com"
