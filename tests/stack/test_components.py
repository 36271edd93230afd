"""Component inputs under Pulumi's mocks, for both stacks, both access models and both identity modes."""

from __future__ import annotations

from typing import Any

import pytest

from gke_kpo.cloud.permissions import SEED_PERMISSIONS
from gke_kpo.contract import outputs
from gke_kpo.preview.capture import Plan, PlannedResource
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
NAMESPACE = "kubernetes:core/v1:Namespace"
LIMIT_RANGE = "kubernetes:core/v1:LimitRange"
KSA = "kubernetes:core/v1:ServiceAccount"
ONE_DEV_TENANT = {"ml-dev": {"airflow_service_account": "astro-ml-dev@acme-airflow-dev.iam.gserviceaccount.com"}}
VARIANTS: list[tuple[str, dict[str, object]]] = [
    ("dev", {}),
    ("prod", {}),
    ("dev", {"access_model": "project", "tenants": ONE_DEV_TENANT}),
    ("prod", {"access_model": "project", "xcom_push": True}),
    ("dev", {"tenants": {"etl-dev": {"identity_mode": "gke", "airflow_wi_project": "airflow-host-1"}}}),
    ("prod", {"tenants": {"airflow-prod": {"identity_mode": "gke"}}, "gpu_count": 0, "quota_gpus": 0}),
]


def variant_id(stack: str, overrides: dict[str, object]) -> str:
    shown = {key: "+".join(value) if isinstance(value, dict) else value for key, value in overrides.items()}
    return "-".join([stack, *(f"{key}={value}" for key, value in shown.items())])


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
    cluster = one(plan, CLUSTER).inputs
    blocks = cluster["masterAuthorizedNetworksConfig"]["cidrBlocks"]
    assert all(not block["cidrBlock"].endswith("/0") for block in blocks)
    if plan.outputs[outputs.CONTROL_PLANE_ACCESS] == "dns":
        # No public IP at all; the DNS endpoint is gated by IAM (container.clusters.connect in the custom role).
        assert cluster["privateClusterConfig"]["enablePrivateEndpoint"] is True and blocks == []
        assert cluster["controlPlaneEndpointsConfig"] == {"dnsEndpointConfig": {"allowExternalTraffic": True}}
    else:
        assert blocks


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
        scaling = pool.inputs["autoscaling"]
        # Totals over the pool's zones, never the per-zone bounds a regional pool would multiply by three.
        assert scaling["totalMaxNodeCount"] >= scaling["totalMinNodeCount"]
        assert "maxNodeCount" not in scaling and "minNodeCount" not in scaling


def tenants(plan: Plan) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = plan.outputs[outputs.TENANTS]
    return found


def of_tenant(plan: Plan, type_: str, tenant: str) -> PlannedResource:
    """The one resource of ``type_`` whose parent is the tenant's component."""
    owned = [
        r for r in plan.of_type(type_) if r.parent and r.parent.endswith(f"::{plan.outputs['cluster_name']}-{tenant}")
    ]
    assert len(owned) == 1, f"expected one {type_} in tenant {tenant}, found {len(owned)}"
    return owned[0]


def in_namespace(plan: Plan, type_: str, namespace: str) -> list[PlannedResource]:
    return [r for r in plan.of_type(type_) if r.inputs["metadata"].get("namespace") == namespace]


def test_gpu_pool_scales_from_zero_behind_the_taint(plan: Plan) -> None:
    gpu = plan.outputs[outputs.GPU]
    pools = [p for p in plan.of_type(NODE_POOL) if "guestAccelerators" in p.inputs["nodeConfig"]]
    quotas = [quota.inputs["spec"]["hard"] for quota in plan.of_type(QUOTA)]
    if gpu is None:
        assert pools == []
        assert all("requests.nvidia.com/gpu" not in hard for hard in quotas)
        assert all(tenant[outputs.GPU_QUOTA] == 0 for tenant in tenants(plan).values())
        return
    (pool,) = pools
    config = pool.inputs["nodeConfig"]
    assert pool.inputs["autoscaling"]["totalMinNodeCount"] == 0
    # GPUs are scarce: scale up in whichever zone has them (gke_kpo/cloud/gke.py).
    assert pool.inputs["autoscaling"]["locationPolicy"] == "ANY"
    assert config["taints"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert config["guestAccelerators"][0]["type"] == gpu["accelerator"]
    assert config["guestAccelerators"][0]["count"] == gpu["count"]
    assert config["labels"] == gpu["node_selector"]
    assert gpu["taint"] == {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
    for name, tenant in tenants(plan).items():
        hard = of_tenant(plan, QUOTA, name).inputs["spec"]["hard"]
        assert hard["requests.nvidia.com/gpu"] == str(tenant[outputs.GPU_QUOTA])


def test_one_custom_role_holds_exactly_what_the_access_model_allows(plan: Plan) -> None:
    permissions = set(one(plan, CUSTOM_ROLE).inputs["permissions"])
    any_xcom = any(tenant[outputs.XCOM_PUSH] for tenant in tenants(plan).values())
    assert permissions == set(plan.outputs[outputs.IAM_PERMISSIONS])
    # The DNS-based endpoint asks IAM for container.clusters.connect; the IP path keeps the seed's list.
    connect = set() if plan.outputs[outputs.CONTROL_PLANE_ACCESS] == "ip" else {"container.clusters.connect"}
    if plan.outputs[outputs.ACCESS_MODEL] == "namespaced":
        assert permissions == {"container.clusters.get"} | connect
    else:
        assert len(tenants(plan)) == 1
        assert permissions == SEED_PERMISSIONS - (set() if any_xcom else {"container.pods.exec"}) | connect


def test_one_project_binding_of_the_custom_role_per_identity_and_nothing_broader(plan: Plan) -> None:
    role = one(plan, CUSTOM_ROLE).inputs
    custom = f"projects/{role['project']}/roles/{role['roleId']}"
    bound = sorted(r.inputs["member"] for r in plan.of_type(PROJECT_MEMBER) if r.inputs["role"] == custom)
    identities = sorted(f"serviceAccount:{t[outputs.AIRFLOW_IDENTITY]}" for t in tenants(plan).values())
    assert bound == identities
    for name, tenant in tenants(plan).items():
        member = f"serviceAccount:{tenant[outputs.AIRFLOW_IDENTITY]}"
        assert [r.inputs["role"] for r in plan.of_type(PROJECT_MEMBER) if r.inputs["member"] == member] == [custom]
        binding = next(r for r in plan.of_type(PROJECT_MEMBER) if r.inputs["member"] == member)
        assert one(plan, CUSTOM_ROLE).urn in binding.dependencies
        assert binding.parent and binding.parent.endswith(f"-{name}")


def test_each_tenant_has_its_namespace_role_binding_quota_and_limits(plan: Plan) -> None:
    namespaces = {r.inputs["metadata"]["name"] for r in plan.of_type(NAMESPACE)}
    assert namespaces == {tenant[outputs.NAMESPACE] for tenant in tenants(plan).values()}
    for name, tenant in tenants(plan).items():
        namespace = tenant[outputs.NAMESPACE]
        for type_ in (ROLE, ROLE_BINDING, QUOTA, LIMIT_RANGE):
            resource = of_tenant(plan, type_, name)
            assert resource.inputs["metadata"]["namespace"] == namespace
            assert in_namespace(plan, type_, namespace) == [resource]
        rules = of_tenant(plan, ROLE, name).inputs["rules"]
        assert rules == tenant[outputs.RBAC_RULES]
        assert any(r["resources"] == ["pods/exec"] for r in rules) == tenant[outputs.XCOM_PUSH]


def test_each_role_binding_names_only_its_tenants_identity(plan: Plan) -> None:
    for name, tenant in tenants(plan).items():
        binding = of_tenant(plan, ROLE_BINDING, name).inputs
        assert binding["subjects"] == [
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": tenant[outputs.AIRFLOW_IDENTITY]}
        ]
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": of_tenant(plan, ROLE, name).inputs["metadata"]["name"],
        }


def test_nothing_is_cluster_wide(plan: Plan) -> None:
    types = {r.type for r in plan.resources}
    assert not {t for t in types if "ClusterRole" in t}


def test_namespace_admits_the_xcom_sidecar_and_carries_the_tenants_intent(plan: Plan) -> None:
    for name, tenant in tenants(plan).items():
        metadata = of_tenant(plan, NAMESPACE, name).inputs["metadata"]
        assert metadata["labels"]["pod-security.kubernetes.io/enforce"] == "baseline"
        assert metadata["labels"]["gke-kpo/tenant"] == name
        assert metadata["labels"]["gke-kpo/xcom-push"] == str(tenant[outputs.XCOM_PUSH]).lower()
        assert metadata["annotations"]["gke-kpo/airflow-identity"] == tenant[outputs.AIRFLOW_IDENTITY]
        assert {"pods", "requests.cpu", "requests.memory"} <= set(of_tenant(plan, QUOTA, name).inputs["spec"]["hard"])


def test_limit_range_sets_requests_and_max_but_no_default_limit(plan: Plan) -> None:
    for name in tenants(plan):
        (limits,) = of_tenant(plan, LIMIT_RANGE, name).inputs["spec"]["limits"]
        assert limits["type"] == "Container" and limits["defaultRequest"] and limits["max"]
        assert "default" not in limits


def test_one_kubernetes_provider_with_the_exec_plugin_and_a_stable_identifier(plan: Plan) -> None:
    provider = one(plan, "pulumi:providers:kubernetes")
    assert "command: gke-gcloud-auth-plugin" in provider.inputs["kubeconfig"]
    assert "token" not in provider.inputs["kubeconfig"]
    identifier = provider.inputs["clusterIdentifier"]
    assert identifier.startswith("gke_{project}_{location}_{cluster_name}-".format(**plan.outputs))
    kubernetes = [r for r in plan.resources if r.custom and r.type.startswith("kubernetes:")]
    assert kubernetes and all(r.provider.startswith(f"{provider.urn}::") for r in kubernetes)


def test_tenant_namespace_is_protected_exactly_when_the_cluster_is(plan: Plan) -> None:
    protected = bool(one(plan, CLUSTER).inputs["deletionProtection"])
    assert protected == (plan.stack == "prod")
    for name in tenants(plan):
        assert of_tenant(plan, NAMESPACE, name).protect is protected


def test_namespaced_objects_wait_for_their_namespace(plan: Plan) -> None:
    for name in tenants(plan):
        namespace = of_tenant(plan, NAMESPACE, name).urn
        for type_ in (ROLE, ROLE_BINDING, QUOTA, LIMIT_RANGE):
            assert namespace in of_tenant(plan, type_, name).dependencies


def test_workload_identity_bindings_sit_on_accounts_and_wait_for_the_cluster(plan: Plan) -> None:
    project_roles = {r.inputs["role"] for r in plan.of_type(PROJECT_MEMBER)}
    assert "roles/iam.workloadIdentityUser" not in project_roles
    gke_tenants = [t for t in tenants(plan).values() if t[outputs.IDENTITY_MODE] == "gke"]
    task_tenants = [t for t in tenants(plan).values() if t[outputs.TASK_SERVICE_ACCOUNT]]
    # Federated grants (principal://) wait for the pool, not the cluster: test_federated_component.py.
    bindings = [b for b in plan.of_type(SA_MEMBER) if not b.inputs["member"].startswith("principal://")]
    assert len(bindings) == len(gke_tenants) + len(task_tenants)
    cluster = one(plan, CLUSTER).urn
    for binding in bindings:
        assert binding.inputs["role"] == "roles/iam.workloadIdentityUser"
        assert ".svc.id.goog[" in binding.inputs["member"]
        assert cluster in binding.dependencies
    for tenant in gke_tenants:
        assert any(b.inputs["serviceAccountId"].endswith(tenant[outputs.AIRFLOW_IDENTITY]) for b in bindings)


def test_task_service_account_is_a_bound_ksa_with_only_its_roles(plan: Plan) -> None:
    for name, tenant in tenants(plan).items():
        task = tenant[outputs.TASK_SERVICE_ACCOUNT]
        if task is None:
            assert not [r for r in plan.of_type(KSA) if r.parent and r.parent.endswith(f"-{name}")]
            continue
        ksa = of_tenant(plan, KSA, name).inputs["metadata"]
        assert ksa["name"] == task[outputs.KUBERNETES_SERVICE_ACCOUNT]
        assert ksa["namespace"] == tenant[outputs.NAMESPACE]
        assert ksa["annotations"] == {"iam.gke.io/gcp-service-account": task[outputs.GOOGLE_SERVICE_ACCOUNT]}
        member = f"serviceAccount:{task[outputs.GOOGLE_SERVICE_ACCOUNT]}"
        roles = sorted(r.inputs["role"] for r in plan.of_type(PROJECT_MEMBER) if r.inputs["member"] == member)
        assert roles == sorted(task[outputs.ROLES])
        (binding,) = [b for b in plan.of_type(SA_MEMBER) if b.inputs["serviceAccountId"].endswith(member[15:])]
        expected = f"serviceAccount:{plan.outputs['project']}.svc.id.goog[{ksa['namespace']}/{ksa['name']}]"
        assert binding.inputs["member"] == expected


def test_every_resource_is_parented_to_a_component(plan: Plan) -> None:
    for resource in plan.resources:
        if resource.custom:
            assert resource.parent and "gke-kpo:index:" in resource.parent, resource.name


def test_tenant_components_are_named_after_cluster_and_tenant(plan: Plan) -> None:
    components = sorted(r.name for r in plan.of_type("gke-kpo:index:Tenant"))
    assert components == sorted(f"{plan.outputs['cluster_name']}-{name}" for name in tenants(plan))


def test_outputs_have_the_contract_shape(plan: Plan) -> None:
    out = plan.outputs
    assert list(out) == list(outputs.OUTPUT_NAMES)
    assert "://" not in out[outputs.ENDPOINT]
    assert out[outputs.IAM_PERMISSIONS] == sorted(out[outputs.IAM_PERMISSIONS])
    assert out[outputs.GPU] is None or set(out[outputs.GPU]) == {"accelerator", "count", "taint", "node_selector"}
    assert "gke-gcloud-auth-plugin" in out[outputs.KUBECONFIG]
    for tenant in tenants(plan).values():
        assert list(tenant) == list(outputs.TENANT_FIELDS)
        assert isinstance(tenant[outputs.XCOM_PUSH], bool) and isinstance(tenant[outputs.GPU_QUOTA], int)
        assert all(set(rule) == {"apiGroups", "resources", "verbs"} for rule in tenant[outputs.RBAC_RULES])
        task = tenant[outputs.TASK_SERVICE_ACCOUNT]
        assert task is None or set(task) == {"kubernetes_service_account", "google_service_account", "roles"}
        federated = tenant[outputs.IDENTITY_MODE] == "federated"
        assert (tenant[outputs.CREDENTIAL_CONFIG] is not None) is federated


def test_dev_has_an_ml_tenant_with_gpu_xcom_and_task_identity_and_an_etl_tenant_without(plan_for: PlanFor) -> None:
    dev = tenants(plan_for("dev"))
    assert set(dev) == {"ml-dev", "etl-dev", "ext-dev"}
    assert (dev["ml-dev"][outputs.GPU_QUOTA], dev["ml-dev"][outputs.XCOM_PUSH]) == (1, True)
    assert dev["ml-dev"][outputs.TASK_SERVICE_ACCOUNT] is not None
    assert (dev["etl-dev"][outputs.GPU_QUOTA], dev["etl-dev"][outputs.XCOM_PUSH]) == (0, False)
    assert dev["etl-dev"][outputs.TASK_SERVICE_ACCOUNT] is None


def test_gke_mode_uses_the_pool_of_the_airflow_project(plan_for: PlanFor) -> None:
    plan = plan_for("dev", tenants={"etl-dev": {"identity_mode": "gke", "airflow_wi_project": "airflow-host-1"}})
    (binding,) = plan.of_type(SA_MEMBER)
    assert binding.inputs["member"] == "serviceAccount:airflow-host-1.svc.id.goog[airflow/airflow-worker]"
    assert (
        tenants(plan)["etl-dev"][outputs.AIRFLOW_IDENTITY] == "airflow-etl-dev@acme-airflow-dev.iam.gserviceaccount.com"
    )


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
