"""Component inputs under Pulumi's mocks, for both stacks, both access models and both identity modes."""

from __future__ import annotations

from typing import Any

import pytest

from gke_kpo import outputs
from gke_kpo.permissions import SEED_PERMISSIONS
from gke_kpo.plan.capture import Plan, PlannedResource
from tests.stack.conftest import PlanFor

CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
CUSTOM_ROLE = "gcp:projects/iAMCustomRole:IAMCustomRole"
PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember"
SA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
ACCOUNT = "gcp:serviceaccount/account:Account"
ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
QUOTA = "kubernetes:core/v1:ResourceQuota"
VARIANTS: list[tuple[str, dict[str, object]]] = [
    ("dev", {}),
    ("prod", {}),
    ("dev", {"access_model": "project"}),
    ("prod", {"access_model": "project", "xcom_push": True}),
    ("dev", {"identity_mode": "gke", "airflow_service_account": "", "airflow_wi_project": "airflow-host-1"}),
    ("prod", {"identity_mode": "gke", "airflow_service_account": "", "gpu_count": 0}),
]


def variant_id(stack: str, overrides: dict[str, object]) -> str:
    return "-".join([stack, *(f"{key}={value}" for key, value in overrides.items())])


@pytest.fixture(params=VARIANTS, ids=[variant_id(*variant) for variant in VARIANTS])
def plan(request: pytest.FixtureRequest, plan_for: PlanFor) -> Plan:
    stack, overrides = request.param
    return plan_for(stack, **overrides)


def one(plan: Plan, type_: str) -> PlannedResource:
    found = plan.of_type(type_)
    assert len(found) == 1, f"expected one {type_}, found {len(found)}"
    return found[0]


def all_node_configs(plan: Plan) -> list[dict[str, Any]]:
    return [one(plan, CLUSTER).inputs["nodeConfig"]] + [pool.inputs["nodeConfig"] for pool in plan.of_type(NODE_POOL)]


def test_cluster_is_hardened_with_workload_identity(plan: Plan) -> None:
    cluster = one(plan, CLUSTER).inputs
    assert cluster["workloadIdentityConfig"] == {"workloadPool": f"{plan.outputs['project']}.svc.id.goog"}
    assert cluster["enableLegacyAbac"] is False
    assert cluster["masterAuth"]["clientCertificateConfig"] == {"issueClientCertificate": False}
    assert cluster["enableShieldedNodes"] is True
    assert cluster["releaseChannel"]["channel"] in {"RAPID", "REGULAR", "STABLE", "EXTENDED"}
    assert cluster["privateClusterConfig"]["enablePrivateNodes"] is True
    assert cluster["datapathProvider"] == "ADVANCED_DATAPATH"
    assert "WORKLOADS" in cluster["loggingConfig"]["enableComponents"]
    assert cluster["monitoringConfig"]["enableComponents"]
    assert cluster["removeDefaultNodePool"] is True
    assert cluster["networkingMode"] == "VPC_NATIVE"


def test_control_plane_is_never_open_to_the_world(plan: Plan) -> None:
    blocks = one(plan, CLUSTER).inputs["masterAuthorizedNetworksConfig"]["cidrBlocks"]
    assert blocks
    assert all(not block["cidrBlock"].endswith("/0") for block in blocks)


def test_every_node_is_shielded_on_gke_metadata_with_the_dedicated_account(plan: Plan) -> None:
    node_account = next(r for r in plan.of_type(ACCOUNT) if r.name.endswith("-nodes")).inputs
    email = f"{node_account['accountId']}@{plan.outputs['project']}.iam.gserviceaccount.com"
    for config in all_node_configs(plan):
        assert config["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
        assert config["shieldedInstanceConfig"] == {"enableSecureBoot": True, "enableIntegrityMonitoring": True}
        assert config["serviceAccount"] == email
        assert "compute@developer" not in config["serviceAccount"]


def test_node_pools_autoscale_and_self_heal(plan: Plan) -> None:
    for pool in plan.of_type(NODE_POOL):
        assert pool.inputs["management"] == {"autoRepair": True, "autoUpgrade": True}
        assert pool.inputs["autoscaling"]["maxNodeCount"] >= pool.inputs["autoscaling"]["minNodeCount"]


def test_gpu_pool_scales_from_zero_behind_the_taint(plan: Plan) -> None:
    gpu = plan.outputs[outputs.GPU]
    pools = [p for p in plan.of_type(NODE_POOL) if "guestAccelerators" in p.inputs["nodeConfig"]]
    quota = one(plan, QUOTA).inputs["spec"]["hard"]
    if gpu is None:
        assert pools == []
        assert "requests.nvidia.com/gpu" not in quota
        return
    (pool,) = pools
    config = pool.inputs["nodeConfig"]
    assert pool.inputs["autoscaling"]["minNodeCount"] == 0
    assert config["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert config["guestAccelerators"][0]["type"] == gpu["accelerator"]
    assert config["guestAccelerators"][0]["count"] == gpu["count"]
    assert config["labels"] == gpu["node_selector"]
    assert gpu["taint"] == {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
    assert "requests.nvidia.com/gpu" in quota


def test_custom_role_holds_exactly_what_the_access_model_allows(plan: Plan) -> None:
    permissions = set(one(plan, CUSTOM_ROLE).inputs["permissions"])
    assert permissions == set(plan.outputs[outputs.IAM_PERMISSIONS])
    assert ("container.pods.exec" in permissions) == (
        plan.outputs[outputs.XCOM_PUSH] and plan.outputs[outputs.ACCESS_MODEL] == "project"
    )
    if plan.outputs[outputs.ACCESS_MODEL] == "namespaced":
        assert permissions == {"container.clusters.get"}
    else:
        assert permissions == SEED_PERMISSIONS - (
            {"container.pods.exec"} if not plan.outputs[outputs.XCOM_PUSH] else set()
        )


def test_identity_gets_the_custom_role_at_project_level_and_nothing_broader(plan: Plan) -> None:
    member = f"serviceAccount:{plan.outputs[outputs.AIRFLOW_IDENTITY]}"
    role = one(plan, CUSTOM_ROLE).inputs
    grants = [r.inputs for r in plan.of_type(PROJECT_MEMBER) if r.inputs["member"] == member]
    assert grants == [
        {"member": member, "project": role["project"], "role": f"projects/{role['project']}/roles/{role['roleId']}"}
    ]


def test_role_rules_equal_the_rbac_rules_output(plan: Plan) -> None:
    rules = one(plan, ROLE).inputs["rules"]
    assert rules == plan.outputs[outputs.RBAC_RULES]
    assert any(r["resources"] == ["pods/exec"] for r in rules) == plan.outputs[outputs.XCOM_PUSH]


def test_role_binding_binds_only_the_identity(plan: Plan) -> None:
    binding = one(plan, ROLE_BINDING).inputs
    assert binding["subjects"] == [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": plan.outputs[outputs.AIRFLOW_IDENTITY]}
    ]
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": one(plan, ROLE).inputs["metadata"]["name"],
    }
    assert binding["metadata"]["namespace"] == plan.outputs[outputs.NAMESPACE]


def test_nothing_is_cluster_wide(plan: Plan) -> None:
    types = {r.type for r in plan.resources}
    assert not {t for t in types if "ClusterRole" in t}


def test_namespace_admits_the_xcom_sidecar_and_has_guardrails(plan: Plan) -> None:
    labels = one(plan, "kubernetes:core/v1:Namespace").inputs["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    limits = one(plan, "kubernetes:core/v1:LimitRange").inputs["spec"]["limits"][0]
    assert limits["type"] == "Container" and limits["default"] and limits["defaultRequest"]
    assert {"pods", "requests.cpu", "requests.memory"} <= set(one(plan, QUOTA).inputs["spec"]["hard"])


def test_kubernetes_provider_uses_the_exec_plugin_and_a_stable_identifier(plan: Plan) -> None:
    provider = one(plan, "pulumi:providers:kubernetes").inputs
    assert "command: gke-gcloud-auth-plugin" in provider["kubeconfig"]
    assert "token" not in provider["kubeconfig"]
    assert provider["clusterIdentifier"].startswith("gke_{project}_{location}_{cluster_name}-".format(**plan.outputs))


def test_workload_identity_binding_only_in_gke_mode_and_only_on_the_account(plan: Plan) -> None:
    members = plan.of_type(SA_MEMBER)
    project_roles = {r.inputs["role"] for r in plan.of_type(PROJECT_MEMBER)}
    assert "roles/iam.workloadIdentityUser" not in project_roles
    if not any(r.name.endswith("-airflow-gsa") for r in plan.of_type(ACCOUNT)):
        assert members == []
        return
    (binding,) = members
    assert binding.inputs["role"] == "roles/iam.workloadIdentityUser"
    assert binding.inputs["member"].startswith("serviceAccount:") and ".svc.id.goog[" in binding.inputs["member"]
    assert binding.inputs["serviceAccountId"].endswith(plan.outputs[outputs.AIRFLOW_IDENTITY])


def test_every_resource_is_parented_to_a_component(plan: Plan) -> None:
    for resource in plan.resources:
        if resource.custom:
            assert resource.parent and "gke-kpo:index:" in resource.parent, resource.name


def test_outputs_have_the_contract_shape(plan: Plan) -> None:
    out = plan.outputs
    assert list(out) == list(outputs.OUTPUT_NAMES)
    assert "://" not in out[outputs.ENDPOINT]
    assert isinstance(out[outputs.XCOM_PUSH], bool)
    assert out[outputs.IAM_PERMISSIONS] == sorted(out[outputs.IAM_PERMISSIONS])
    assert all(set(rule) == {"apiGroups", "resources", "verbs"} for rule in out[outputs.RBAC_RULES])
    assert out[outputs.GPU] is None or set(out[outputs.GPU]) == {"accelerator", "count", "taint", "node_selector"}
    assert "gke-gcloud-auth-plugin" in out[outputs.KUBECONFIG]


def test_gke_mode_uses_the_pool_of_the_airflow_project(plan_for: PlanFor) -> None:
    plan = plan_for("dev", identity_mode="gke", airflow_service_account="", airflow_wi_project="airflow-host-1")
    (binding,) = plan.of_type(SA_MEMBER)
    assert binding.inputs["member"] == "serviceAccount:airflow-host-1.svc.id.goog[airflow/airflow-worker]"
    assert plan.outputs[outputs.AIRFLOW_IDENTITY] == "airflow-kpo@acme-airflow-dev.iam.gserviceaccount.com"


def test_gpu_pool_zones_are_pinned_only_when_configured(plan_for: PlanFor) -> None:
    def gpu_pool(plan: Plan) -> dict[str, Any]:
        return next(p.inputs for p in plan.of_type(NODE_POOL) if "guestAccelerators" in p.inputs["nodeConfig"])

    assert "nodeLocations" not in gpu_pool(plan_for("prod"))
    pinned = plan_for("prod", gpu_node_locations=["europe-west4-a", "europe-west4-b"])
    assert gpu_pool(pinned)["nodeLocations"] == ["europe-west4-a", "europe-west4-b"]


def test_created_network_is_vpc_native_with_nat_for_private_nodes(plan: Plan) -> None:
    if not plan.of_type("gcp:compute/network:Network"):
        return
    vpc = one(plan, "gcp:compute/network:Network").inputs
    subnet = one(plan, "gcp:compute/subnetwork:Subnetwork").inputs
    nat = one(plan, "gcp:compute/routerNat:RouterNat").inputs
    allocation = one(plan, CLUSTER).inputs["ipAllocationPolicy"]
    assert vpc["autoCreateSubnetworks"] is False
    assert subnet["privateIpGoogleAccess"] is True
    ranges = {r["rangeName"] for r in subnet["secondaryIpRanges"]}
    assert ranges == {allocation["clusterSecondaryRangeName"], allocation["servicesSecondaryRangeName"]}
    assert nat["sourceSubnetworkIpRangesToNat"] == "ALL_SUBNETWORKS_ALL_IP_RANGES"
    assert nat["router"] == one(plan, "gcp:compute/router:Router").inputs["name"]


def test_existing_network_creates_no_network(plan_for: PlanFor) -> None:
    plan = plan_for("dev", network="shared-vpc", subnetwork="projects/host/regions/us-central1/subnetworks/gke")
    assert not [r for r in plan.resources if r.type.startswith("gcp:compute/")]
    assert one(plan, CLUSTER).inputs["subnetwork"] == "projects/host/regions/us-central1/subnetworks/gke"
