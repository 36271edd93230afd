"""The project's own stacks pass; each hardening input of the real plan, mutated alone, fails."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator

import pytest

from gke_kpo.cloud.permissions import AccessModel
from gke_kpo.gate import AnalyzerSession, run_gate
from gke_kpo.preview.capture import Plan
from policies.kpo_policies import resource_types as t
from tests.conftest import PlanFor
from tests.stacks import SHIPPED_STACKS

from .stacks import DELETE, set_path


@pytest.fixture(scope="module")
def prod_plan(plan_for: PlanFor) -> Iterator[Plan]:
    yield plan_for("prod")


ONE_DEV_TENANT = {"ml-dev": {"airflow_service_account": "astro-ml-dev@acme-airflow-dev.iam.gserviceaccount.com"}}
"""access_model project fences no tenants, so it admits one only."""


@pytest.mark.parametrize("access_model", list(AccessModel))
@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_own_stacks_pass(analyzer: AnalyzerSession, plan_for: PlanFor, stack: str, access_model: AccessModel) -> None:
    """Not only no mandatory failure: no verdict at all, bar the project model's deliberate report."""
    overrides: dict[str, object] = {"access_model": access_model.value}
    if access_model is AccessModel.PROJECT and stack == "dev":
        overrides["tenants"] = ONE_DEV_TENANT
    result = run_gate(plan_for(stack, **overrides), stack, analyzer)
    assert result.passed, result.format()
    expected = {"no-project-wide-pod-access"} if access_model is AccessModel.PROJECT else set()
    assert {v.policy for v in result.verdicts} == expected, result.format()


def test_private_image_grants_per_repository_pass(analyzer: AnalyzerSession, plan_for: PlanFor) -> None:
    repositories = ["projects/acme-images/locations/europe-west4/repositories/kpo-tasks"]
    plan = plan_for("prod", artifact_registry_repositories=repositories)
    assert [
        r.inputs["repository"] for r in plan.of_type("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
    ]
    result = run_gate(plan, "prod", analyzer)
    assert result.passed and result.verdicts == [], result.format()


def _mutate(plan: Plan, type_: str, path: str, value: object) -> Plan:
    target = next(r for r in plan.resources if r.type == type_ and (type_ != t.NODE_POOL or not r.name.endswith("gpu")))
    inputs = copy.deepcopy(target.inputs)
    set_path(inputs, path, value)
    changed = dataclasses.replace(target, inputs=inputs)
    return dataclasses.replace(plan, resources=[changed if r is target else r for r in plan.resources])


HARDENING_INPUTS = [
    (t.CLUSTER, "workloadIdentityConfig", DELETE, "Workload Identity is off"),
    (t.CLUSTER, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA", "GKE metadata server"),
    (t.CLUSTER, "enableLegacyAbac", True, "legacy ABAC is on"),
    (t.CLUSTER, "masterAuth.clientCertificateConfig.issueClientCertificate", True, "client certificate"),
    (t.CLUSTER, "enableShieldedNodes", False, "Shielded GKE nodes are off"),
    (t.CLUSTER, "releaseChannel", DELETE, "no release channel"),
    (t.CLUSTER, "privateClusterConfig.enablePrivateNodes", False, "nodes get public IP"),
    (t.CLUSTER, "masterAuthorizedNetworksConfig", DELETE, "no master authorized networks"),
    (t.CLUSTER, "masterAuthorizedNetworksConfig.cidrBlocks", [{"cidrBlock": "0.0.0.0/0"}], "0.0.0.0/0 is broader"),
    (
        t.CLUSTER,
        "masterAuthorizedNetworksConfig.cidrBlocks",
        [{"cidrBlock": "0.0.0.0/1"}, {"cidrBlock": "128.0.0.0/1"}],
        "0.0.0.0/1, 128.0.0.0/1 is broader than /16",
    ),
    (t.CLUSTER, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", True, "every Google Cloud public IP"),
    (t.CLUSTER, "datapathProvider", "LEGACY_DATAPATH", "NetworkPolicy is not enforced"),
    (t.CLUSTER, "loggingService", "none", "logging is off"),
    (t.CLUSTER, "monitoringService", "none", "monitoring is off"),
    (t.CLUSTER, "removeDefaultNodePool", False, "default node pool is kept"),
    (t.CLUSTER, "deletionProtection", False, "deletion protection is off"),
    (t.NODE_POOL, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA", "GKE metadata server"),
    (t.NODE_POOL, "nodeConfig.shieldedInstanceConfig.enableSecureBoot", False, "secure boot is off"),
    (t.NODE_POOL, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", False, "integrity monitoring"),
    (t.NODE_POOL, "nodeConfig.serviceAccount", DELETE, "Compute Engine default service account"),
    (t.NODE_POOL, "management.autoRepair", False, "auto-repair is off"),
    (t.NODE_POOL, "management.autoUpgrade", False, "auto-upgrade is off"),
]


@pytest.mark.parametrize(
    ("type_", "path", "value", "expected"),
    HARDENING_INPUTS,
    ids=[f"{i[0].rsplit(':', 1)[-1]}.{i[1]}" for i in HARDENING_INPUTS],
)
def test_each_hardening_input_is_guarded(
    analyzer: AnalyzerSession, prod_plan: Plan, type_: str, path: str, value: object, expected: str
) -> None:
    result = run_gate(_mutate(prod_plan, type_, path, value), "prod", analyzer)
    [failure] = result.mandatory_failures
    assert failure.policy == "gke-hardening" and expected in failure.message and "Fix: " in failure.message


@pytest.mark.parametrize(
    ("overrides", "policy", "expected"),
    [
        ({"deletion_protection": False}, "gke-hardening", "deletion protection is off"),
        ({"gpu_count": 1, "gpu_min_nodes": 1}, "gpu-cost-guard", "does not autoscale from 0"),
    ],
)
def test_stack_config_misconfiguration_fails(
    analyzer: AnalyzerSession, plan_for: PlanFor, overrides: dict[str, object], policy: str, expected: str
) -> None:
    result = run_gate(plan_for("prod", **overrides), "prod", analyzer)
    assert any(v.policy == policy and expected in v.message for v in result.mandatory_failures), result.format()


def test_failure_names_resource_and_fix(analyzer: AnalyzerSession, prod_plan: Plan) -> None:
    result = run_gate(_mutate(prod_plan, t.CLUSTER, "enableLegacyAbac", True), "prod", analyzer)
    assert not result.passed
    [failure] = result.mandatory_failures
    assert failure.resource.endswith("::kpo-prod") and "Fix: set enableLegacyAbac to false" in failure.message
    printed = result.format()
    assert "[mandatory] gke-hardening @ kpo-prod" in printed and "policies FAILED: 1 mandatory" in printed


@pytest.mark.parametrize(
    ("extra_rule", "listed"),
    [
        ({"apiGroups": [""], "resources": ["pods/attach", "pods/portforward"], "verbs": ["create"]}, "pods/attach"),
        ({"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}, "serviceaccounts/token"),
        ({"apiGroups": ["apps", "batch"], "resources": ["deployments", "jobs"], "verbs": ["create"]}, "jobs.batch"),
    ],
)
def test_permission_creep_in_the_role_blocks_prod(
    analyzer: AnalyzerSession, prod_plan: Plan, extra_rule: dict[str, list[str]], listed: str
) -> None:
    role = next(r for r in prod_plan.resources if r.type == t.ROLE)
    result = run_gate(_mutate(prod_plan, t.ROLE, "rules", [*role.inputs["rules"], extra_rule]), "prod", analyzer)
    [failure] = result.mandatory_failures
    assert failure.policy == "rbac-least-privilege" and listed in failure.message and "Fix: " in failure.message


def test_a_binding_to_another_tenants_identity_fails_dev(analyzer: AnalyzerSession, plan_for: PlanFor) -> None:
    plan = plan_for("dev")
    etl = plan.outputs["tenants"]["etl-dev"]["airflow_identity"]
    binding = next(r for r in plan.resources if r.type == t.ROLE_BINDING and r.name == "ml-dev-role-binding")
    inputs = copy.deepcopy(binding.inputs)
    inputs["subjects"][0]["name"] = etl
    changed = dataclasses.replace(binding, inputs=inputs)
    result = run_gate(dataclasses.replace(plan, resources=[changed if r is binding else r for r in plan.resources]),
                      "dev", analyzer)  # fmt: skip
    [verdict] = result.verdicts
    assert verdict.policy == "tenant-isolation" and etl in verdict.message and "namespace 'ml-dev'" in verdict.message


def test_private_endpoint_without_authorized_cidrs_passes_prod(analyzer: AnalyzerSession, plan_for: PlanFor) -> None:
    """The stack config allows this combination; the pack must not call it an open control plane."""
    # dns+ip: Airflow outside the VPC reaches the DNS endpoint (with only ip, make plan refuses the combination).
    plan = plan_for("prod", control_plane_access="dns+ip", private_endpoint=True, master_authorized_networks=[])
    result = run_gate(plan, "prod", analyzer)
    assert result.passed and not result.verdicts, result.format()
