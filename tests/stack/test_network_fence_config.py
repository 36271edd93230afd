"""egress, egress_cidrs and pod_security: parsed per tenant, bad values named by their path with the fix, and the
fence and labels the Tenant component declares from them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from gke_kpo.cloud.pod_network import Egress
from gke_kpo.cloud.replacement import NAMESPACE, NETWORK_POLICY
from gke_kpo.config.settings import PodSecurity
from gke_kpo.contract import intent
from gke_kpo.repo import stack_file
from gke_kpo.spec.network_fence import FENCE
from tests.stack.conftest import PlanFor
from tests.stack.test_tenant_settings import astro, problems_for, settings_for


def test_the_defaults_keep_todays_reach_and_admission() -> None:
    (tenant,) = settings_for({"ml": astro("ml")}).tenants
    assert (tenant.egress, tenant.egress_cidrs, tenant.pod_security) == (Egress.INTERNET, (), PodSecurity.BASELINE)


def test_a_tenant_opts_into_restricted_and_a_narrower_egress() -> None:
    fields = {"egress": "google-apis", "egress_cidrs": ["10.50.0.0/24"], "pod_security": "restricted"}
    (tenant,) = settings_for({"ml": astro("ml", **fields)}).tenants
    assert (tenant.egress, tenant.egress_cidrs, tenant.pod_security) == (
        Egress.GOOGLE_APIS,
        ("10.50.0.0/24",),
        PodSecurity.RESTRICTED,
    )


@pytest.mark.parametrize(
    ("entry", "message", "fix"),
    [
        ("db.internal", "'db.internal' is not a CIDR block", "write a.b.c.d/n"),
        ("10.50.0.7/24", "has host bits set", "write 10.50.0.0/24"),
        ("10.50.0.7", "is an address without a prefix length", "write 10.50.0.7/32"),
        ("2001:db8::/32", "is not an IPv4 CIDR block", "write a.b.c.d/n"),
        (5, "5 is not a string", "write a.b.c.d/n"),
    ],
    ids=["a-name", "host-bits", "bare-address", "ipv6", "a-number"],
)
def test_an_egress_allowance_that_is_not_a_cidr_is_named_with_its_fix(entry: Any, message: str, fix: str) -> None:
    error = problems_for({"ml": astro("ml", egress_cidrs=[entry])})
    [problem] = error.problems
    assert problem.key == "tenants.ml.egress_cidrs"
    assert message in problem.message
    assert fix in problem.fix


@pytest.mark.parametrize(
    "cidr", ["10.0.0.0/8", "10.17.0.0/16", "10.20.0.0/24"], ids=["covers", "in-pods", "in-services"]
)
def test_an_egress_allowance_over_the_clusters_own_ranges_is_refused(cidr: str) -> None:
    problems = problems_for({"ml": astro("ml", egress_cidrs=[cidr])}).problems
    assert problems
    assert all(problem.key == "tenants.ml.egress_cidrs" for problem in problems)
    assert all("other tenants' pods" in problem.message for problem in problems)


def test_on_an_existing_network_an_internal_allowance_is_a_warning() -> None:
    network = {"network": "shared", "subnetwork": "gke"}
    settings = settings_for({"ml": astro("ml", egress_cidrs=["10.0.0.0/8", "198.51.100.7/32"])}, **network)
    [warning] = [w for w in settings.warnings if "egress_cidrs" in w]
    assert "tenants.ml.egress_cidrs lists the internal range 10.0.0.0/8" in warning


@pytest.mark.parametrize(("field", "value"), [("egress", "all"), ("pod_security", "privileged")])
def test_an_unknown_mode_is_named(field: str, value: str) -> None:
    [problem] = problems_for({"ml": astro("ml", **{field: value})}).problems
    assert problem.key == f"tenants.ml.{field}"
    assert f"{value!r} is not one of" in problem.message


def test_every_tenant_namespace_gets_its_fence_and_its_pod_security(plan_for: PlanFor) -> None:
    plan = plan_for("dev")
    namespaces = {r.inputs["metadata"]["name"]: r.inputs["metadata"]["labels"] for r in plan.of_type(NAMESPACE)}
    fences = {(r.inputs["metadata"]["namespace"], r.inputs["metadata"]["name"]) for r in plan.of_type(NETWORK_POLICY)}
    assert fences == {(ns, FENCE) for ns in namespaces}
    for labels in namespaces.values():
        assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
        assert labels["pod-security.kubernetes.io/warn"] == "restricted"
        assert labels[intent.EGRESS_LABEL] == "internet"


def test_restricted_is_enforced_where_a_tenant_opts_in(plan_for: PlanFor) -> None:
    tenants = yaml.safe_load(stack_file("prod").read_text())["config"]["gke-kpo:tenants"]
    plan = plan_for(
        "prod", tenants={name: {**fields, "pod_security": "restricted"} for name, fields in tenants.items()}
    )
    [labels] = [r.inputs["metadata"]["labels"] for r in plan.of_type(NAMESPACE)]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
