"""Each misconfiguration is caught by the policy that owns it, with a message naming resource and fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest
from pulumi_policy import Policy

from gke_kpo.cloud.permissions import AccessModel, rbac_rules
from policies.kpo_policies import (
    custom_role_least_privilege,
    federation_pinned,
    gke_hardening,
    gpu_cost_guard,
    namespace_guardrails,
    no_broad_roles,
    no_project_wide_pod_access,
    rbac_least_privilege,
    stack_complete,
    tenant_isolation,
    tenant_network_fence,
)
from policies.kpo_policies import resource_types as t
from policies.kpo_policies.pack import POLICIES

from .harness import run_policy
from .stacks import (
    DELETE,
    IDENTITY,
    PROJECT,
    Resource,
    federated_resources,
    good_stack,
    mutated,
    role_binding,
    user,
    with_extra,
    without,
)

Stack = list[Resource]


@dataclass(frozen=True)
class Case:
    id: str
    policy: Policy
    build: Callable[[], Stack]
    expected: str
    """Text the violation must contain (the problem)."""
    names: str = ""
    """The resource name the message must name ("" for stack-level messages)."""


def _m(type_: str, name: str, path: str, value: object, **intent: object) -> Callable[[], Stack]:
    return lambda: mutated(good_stack(**intent), type_, name, path, value)  # type: ignore[arg-type]


def _without(type_: str) -> Callable[[], Stack]:
    return lambda: without(good_stack(), type_)


def _rule(api_group: str, resource: str, *verbs: str) -> dict[str, list[str]]:
    return {"apiGroups": [api_group], "resources": [resource], "verbs": list(verbs)}


def _role_with(*extra_rules: dict[str, list[str]], xcom_push: bool = False) -> Stack:
    """The table's Role plus ``extra_rules`` (numbered from len(rbac_rules(xcom_push)))."""
    return mutated(good_stack(xcom_push=xcom_push), t.ROLE, "role", "rules", [*rbac_rules(xcom_push), *extra_rules])


NOT_NEEDED = "grants what a KubernetesPodOperator does not need"
PERMISSION_CREEP = [
    ("pods-attach", _rule("", "pods/attach", "create"), "pods/attach create"),
    ("pods-portforward", _rule("", "pods/portforward", "create"), "pods/portforward create"),
    ("serviceaccount-token", _rule("", "serviceaccounts/token", "create"), "serviceaccounts/token create"),
    ("configmaps", _rule("", "configmaps", "get", "list"), "configmaps get, configmaps list"),
    ("deployments", _rule("apps", "deployments", "create"), "deployments.apps create"),
    ("jobs", _rule("batch", "jobs", "create"), "jobs.batch create"),
    ("pods-deletecollection", _rule("", "pods", "deletecollection"), "pods deletecollection"),
    ("pods-in-another-group", _rule("apps", "pods", "create"), "pods.apps create"),
]


NAMESPACED_POD = custom_role_least_privilege.POLICY
CASES = [
    # custom-role-least-privilege
    Case(
        "role-outside-seed",
        NAMESPACED_POD,
        _m(t.CUSTOM_ROLE, "role", "permissions", ["container.clusters.get", "container.secrets.get"]),
        "container.secrets.get, which is outside the seed",
        "'role'",
    ),
    Case(
        "role-connect-without-dns-endpoint",
        NAMESPACED_POD,
        _m(t.CUSTOM_ROLE, "role", "permissions", ["container.clusters.connect", "container.clusters.get"]),
        "container.clusters.connect, which is only needed to call the DNS-based endpoint",
        "'role'",
    ),
    Case(
        "role-exec-without-xcom",
        NAMESPACED_POD,
        _m(
            t.CUSTOM_ROLE,
            "role",
            "permissions",
            ["container.clusters.get", "container.pods.exec"],
            access_model=AccessModel.PROJECT,
        ),
        "container.pods.exec, which is only needed to read XCom",
        "'role'",
    ),
    Case(
        "role-pods-namespaced",
        NAMESPACED_POD,
        _m(t.CUSTOM_ROLE, "role", "permissions", ["container.clusters.get", "container.pods.list"]),
        "container.pods.list, which is a pod permission",
        "'role'",
    ),
    # no-project-wide-pod-access
    Case(
        "predefined-pod-role",
        no_project_wide_pod_access.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "node-role", "role", "roles/container.viewer"),
        "container.pods.* (through roles/container.viewer)",
        "'node-role'",
    ),
    Case(
        "custom-pod-role",
        no_project_wide_pod_access.POLICY,
        _m(t.CUSTOM_ROLE, "role", "permissions", ["container.pods.exec"]),
        "grants container.pods.exec at project level",
        "'binding'",
    ),
    # no-broad-roles
    Case(
        "owner",
        no_broad_roles.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "binding", "role", "roles/owner"),
        "grants roles/owner",
        "'binding'",
    ),
    Case(
        "project-wide-image-reader-on-node-sa",
        no_broad_roles.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "node-role", "role", "roles/artifactregistry.reader"),
        "grants roles/artifactregistry.reader",
        "'node-role'",
    ),
    Case(
        "editor-on-node-sa",
        no_broad_roles.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "node-role", "role", "roles/editor"),
        "grants roles/editor",
        "'node-role'",
    ),
    Case(
        "container-developer",
        no_broad_roles.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "binding", "role", "roles/container.developer"),
        "roles/container.developer",
        "'binding'",
    ),
    Case(
        "token-creator-project",
        no_broad_roles.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "binding", "role", "roles/iam.serviceAccountTokenCreator"),
        "every service account of the project",
        "'binding'",
    ),
    Case(
        "wi-user-project",
        no_broad_roles.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "binding", "role", "roles/iam.workloadIdentityUser"),
        "roles/iam.workloadIdentityUser",
        "'binding'",
    ),
    Case(
        "wi-user-whole-pool",
        no_broad_roles.POLICY,
        _m(
            t.SA_IAM_MEMBER,
            "wi",
            "member",
            f"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{PROJECT}.svc.id.goog/*",
        ),
        "not one Kubernetes service account",
        "'wi'",
    ),
    Case(
        "binding-resource",
        no_broad_roles.POLICY,
        lambda: with_extra(
            good_stack(),
            Resource(
                t.PROJECT_IAM_BINDING,
                "b",
                {"project": PROJECT, "role": "roles/editor", "members": [f"serviceAccount:{IDENTITY}"]},
            ),
        ),
        "grants roles/editor",
        "'b'",
    ),
    Case(
        "policy-resource",
        no_broad_roles.POLICY,
        lambda: with_extra(
            good_stack(),
            Resource(
                t.PROJECT_IAM_POLICY,
                "p",
                {"project": PROJECT, "policyData": '{"bindings":[{"role":"roles/owner","members":["user:a@b.c"]}]}'},
            ),
        ),
        "grants roles/owner to user:a@b.c",
        "'p'",
    ),
    Case(
        "sa-key",
        no_broad_roles.POLICY,
        lambda: with_extra(good_stack(), Resource(t.SERVICE_ACCOUNT_KEY, "key", {"serviceAccountId": "x"})),
        "creates a service account key",
        "'key'",
    ),
    # gke-hardening: one case per hardening input
    Case(
        "no-workload-identity",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "workloadIdentityConfig", DELETE),
        "Workload Identity is off",
        "'kpo'",
    ),
    Case(
        "cluster-metadata",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"),
        "GKE metadata server",
        "'kpo'",
    ),
    Case(
        "pool-metadata",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "system", "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"),
        "GKE metadata server",
        "'system'",
    ),
    Case(
        "legacy-abac",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "enableLegacyAbac", True),
        "legacy ABAC is on",
        "'kpo'",
    ),
    Case(
        "client-cert",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "masterAuth.clientCertificateConfig.issueClientCertificate", True),
        "client certificate",
        "'kpo'",
    ),
    Case(
        "shielded-off",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "enableShieldedNodes", False),
        "Shielded GKE nodes are off",
        "'kpo'",
    ),
    Case(
        "secure-boot",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "system", "nodeConfig.shieldedInstanceConfig.enableSecureBoot", DELETE),
        "secure boot is off",
        "'system'",
    ),
    Case(
        "integrity",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "gpu", "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", False),
        "integrity monitoring is off",
        "'gpu'",
    ),
    Case(
        "release-channel",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "releaseChannel", DELETE),
        "no release channel",
        "'kpo'",
    ),
    Case(
        "public-nodes",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "privateClusterConfig.enablePrivateNodes", False),
        "nodes get public IP",
        "'kpo'",
    ),
    Case(
        "pool-public",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "system", "networkConfig.enablePrivateNodes", False),
        "opts out of private nodes",
        "'system'",
    ),
    Case(
        "google-cloud-cidrs",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", True),
        "every Google Cloud public IP",
        "'kpo'",
    ),
    Case(
        "no-authorized-networks",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "masterAuthorizedNetworksConfig", DELETE),
        "no master authorized networks",
        "'kpo'",
    ),
    Case(
        "open-authorized-networks",
        gke_hardening.POLICY,
        _m(
            t.CLUSTER,
            "kpo",
            "masterAuthorizedNetworksConfig.cidrBlocks",
            [{"cidrBlock": "10.0.0.0/8"}, {"cidrBlock": "0.0.0.0/0"}],
        ),
        "0.0.0.0/0 is broader than /16",
        "'kpo'",
    ),
    Case(
        "split-authorized-networks",
        gke_hardening.POLICY,
        _m(
            t.CLUSTER,
            "kpo",
            "masterAuthorizedNetworksConfig.cidrBlocks",
            [{"cidrBlock": "0.0.0.0/1"}, {"cidrBlock": "128.0.0.0/1"}],
        ),
        "0.0.0.0/1, 128.0.0.0/1 is broader than /16",
        "'kpo'",
    ),
    Case(
        "invalid-authorized-network",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "masterAuthorizedNetworksConfig.cidrBlocks", [{"cidrBlock": "10.0.0.300/24"}]),
        "'10.0.0.300/24' is not a CIDR block",
        "'kpo'",
    ),
    Case(
        "empty-authorized-networks-public-endpoint",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "masterAuthorizedNetworksConfig.cidrBlocks", []),
        "list no CIDR block while the control plane keeps its public endpoint",
        "'kpo'",
    ),
    Case(
        "no-authorized-networks-private-endpoint",
        gke_hardening.POLICY,
        lambda: mutated(
            mutated(good_stack(), t.CLUSTER, "kpo", "privateClusterConfig.enablePrivateEndpoint", True),
            t.CLUSTER,
            "kpo",
            "masterAuthorizedNetworksConfig",
            DELETE,
        ),
        "no master authorized networks",
        "'kpo'",
    ),
    Case(
        "no-network-policy",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "datapathProvider", "LEGACY_DATAPATH"),
        "NetworkPolicy is not enforced",
        "'kpo'",
    ),
    Case(
        "logging-none", gke_hardening.POLICY, _m(t.CLUSTER, "kpo", "loggingService", "none"), "logging is off", "'kpo'"
    ),
    Case(
        "logging-empty",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "loggingConfig.enableComponents", []),
        "logging is off",
        "'kpo'",
    ),
    Case(
        "monitoring-none",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "monitoringService", "none"),
        "monitoring is off",
        "'kpo'",
    ),
    Case(
        "default-pool",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "removeDefaultNodePool", DELETE),
        "default node pool is kept",
        "'kpo'",
    ),
    Case(
        "default-sa-absent",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "system", "nodeConfig.serviceAccount", DELETE),
        "Compute Engine default service account",
        "'system'",
    ),
    Case(
        "default-sa-named",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "gpu", "nodeConfig.serviceAccount", "123-compute@developer.gserviceaccount.com"),
        "Compute Engine default service account",
        "'gpu'",
    ),
    Case(
        "auto-repair",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "system", "management.autoRepair", False),
        "auto-repair is off",
        "'system'",
    ),
    Case(
        "auto-upgrade",
        gke_hardening.POLICY,
        _m(t.NODE_POOL, "system", "management.autoUpgrade", False),
        "auto-upgrade is off",
        "'system'",
    ),
    Case(
        "deletion-protection",
        gke_hardening.POLICY,
        _m(t.CLUSTER, "kpo", "deletionProtection", False),
        "deletion protection is off",
        "'kpo'",
    ),
    # gpu-cost-guard
    Case(
        "gpu-min",
        gpu_cost_guard.POLICY,
        _m(t.NODE_POOL, "gpu", "autoscaling.totalMinNodeCount", 1),
        "does not autoscale from 0",
        "'gpu'",
    ),
    Case(
        "gpu-no-autoscaling",
        gpu_cost_guard.POLICY,
        _m(t.NODE_POOL, "gpu", "autoscaling", DELETE),
        "does not autoscale from 0",
        "'gpu'",
    ),
    Case(
        "gpu-initial",
        gpu_cost_guard.POLICY,
        _m(t.NODE_POOL, "gpu", "initialNodeCount", 2),
        "starts with nodes",
        "'gpu'",
    ),
    Case(
        "gpu-max",
        gpu_cost_guard.POLICY,
        _m(t.NODE_POOL, "gpu", "autoscaling.totalMaxNodeCount", 50),
        "above this stack's maxGpuNodes",
        "'gpu'",
    ),
    Case(
        "gpu-max-per-zone",
        gpu_cost_guard.POLICY,
        # 2 per zone in a regional pool's 3 zones is 6 nodes, above the default 4: judged as the total.
        _m(t.NODE_POOL, "gpu", "autoscaling", {"minNodeCount": 0, "maxNodeCount": 2}),
        "(maximum 6 nodes in total over its zones;",
        "'gpu'",
    ),
    Case(
        "gpu-unbounded",
        gpu_cost_guard.POLICY,
        _m(t.NODE_POOL, "gpu", "autoscaling.totalMaxNodeCount", DELETE),
        "maximum is missing",
        "'gpu'",
    ),
    Case(
        "gpu-taint",
        gpu_cost_guard.POLICY,
        _m(t.NODE_POOL, "gpu", "nodeConfig.taints", []),
        "lacks the nvidia.com/gpu=present:NoSchedule taint",
        "'gpu'",
    ),
    Case(
        "gpu-machine-family",
        gpu_cost_guard.POLICY,
        _m(t.NODE_POOL, "system", "nodeConfig.machineType", "g2-standard-8"),
        "does not autoscale from 0",
        "'system'",
    ),
    # rbac-least-privilege
    Case(
        "cluster-role",
        rbac_least_privilege.POLICY,
        lambda: with_extra(good_stack(), Resource(t.CLUSTER_ROLE, "cr", {"rules": []})),
        "is cluster-scoped",
        "'cr'",
    ),
    Case(
        "cluster-role-binding",
        rbac_least_privilege.POLICY,
        lambda: with_extra(
            good_stack(), Resource(t.CLUSTER_ROLE_BINDING, "crb", {"subjects": [{"kind": "User", "name": IDENTITY}]})
        ),
        "is cluster-scoped",
        "'crb'",
    ),
    Case(
        "wildcard-verbs-last-rule",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.2.verbs", ["*"]),
        "rule 2 (namespace 'airflow-kpo') has the wildcard '*' in verbs",
        "'role'",
    ),
    Case(
        "wildcard-resources",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.2.resources", ["pods/*"]),
        "wildcard 'pods/*' in resources",
        "'role'",
    ),
    Case(
        "wildcard-groups",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.1.apiGroups", ["*"]),
        "wildcard '*' in apiGroups",
        "'role'",
    ),
    Case(
        "secrets",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.1.resources", ["pods", "secrets"]),
        "grants secrets",
        "'role'",
    ),
    Case(
        "nodes-proxy",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.0.resources", ["nodes/proxy"]),
        "grants nodes/proxy",
        "'role'",
    ),
    Case(
        "escalate",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.1.verbs", ["get", "escalate"]),
        "the verb escalate",
        "'role'",
    ),
    Case("bind", rbac_least_privilege.POLICY, _m(t.ROLE, "role", "rules.1.verbs", ["bind"]), "the verb bind", "'role'"),
    Case(
        "impersonate",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.1.verbs", ["impersonate"]),
        "the verb impersonate",
        "'role'",
    ),
    Case(
        "exec-without-xcom",
        rbac_least_privilege.POLICY,
        _m(t.ROLE, "role", "rules.0.resources", ["pods/exec"]),
        "grants pods/exec, which only XCom needs",
        "'role'",
    ),
    Case(
        "binds-authenticated",
        rbac_least_privilege.POLICY,
        _m(t.ROLE_BINDING, "binding", "subjects.0", {"kind": "Group", "name": "system:authenticated"}),
        "system:authenticated",
        "'binding'",
    ),
    Case(
        "binds-other-user",
        rbac_least_privilege.POLICY,
        _m(t.ROLE_BINDING, "binding", "subjects.0", {"kind": "User", "name": "someone@else.com"}),
        "not the Airflow identity of the tenant owning this namespace",
        "'binding'",
    ),
    *[
        Case(
            f"creep-{id_}",
            rbac_least_privilege.POLICY,
            partial(_role_with, rule),
            f"rule 3 (namespace 'airflow-kpo') {NOT_NEEDED} (XCom push off): it allows {listed},",
            "'role'",
        )
        for id_, rule, listed in PERMISSION_CREEP
    ],
    Case(
        "exec-extra-verb-with-xcom",
        rbac_least_privilege.POLICY,
        lambda: _role_with(_rule("", "pods/exec", "update"), xcom_push=True),
        f"rule 4 (namespace 'airflow-kpo') {NOT_NEEDED} (XCom push on): it allows pods/exec update",
        "'role'",
    ),
    *[
        Case(
            f"binds-identity-as-{id_}",
            rbac_least_privilege.POLICY,
            _m(t.ROLE_BINDING, "binding", "subjects.0", subject),
            "not the User",
            "'binding'",
        )
        for id_, subject in [
            ("group", {"kind": "Group", "name": IDENTITY, "apiGroup": "rbac.authorization.k8s.io"}),
            ("service-account", {"kind": "ServiceAccount", "name": IDENTITY, "namespace": "airflow-kpo"}),
            ("user-of-another-group", {"kind": "User", "name": IDENTITY, "apiGroup": "example.com"}),
        ]
    ],
    Case(
        "binds-cluster-role",
        rbac_least_privilege.POLICY,
        _m(t.ROLE_BINDING, "binding", "roleRef.kind", "ClusterRole"),
        "binds the ClusterRole",
        "'binding'",
    ),
    # namespace-guardrails
    Case(
        "no-quota",
        namespace_guardrails.POLICY,
        lambda: without(good_stack(), t.RESOURCE_QUOTA),
        "has no ResourceQuota",
        "'tasks'",
    ),
    Case(
        "quota-elsewhere",
        namespace_guardrails.POLICY,
        _m(t.RESOURCE_QUOTA, "quota", "metadata.namespace", "default"),
        "has no ResourceQuota",
        "'tasks'",
    ),
    Case(
        "no-gpu-cap",
        namespace_guardrails.POLICY,
        _m(t.RESOURCE_QUOTA, "quota", "spec.hard", {"pods": "20"}),
        "caps requests.nvidia.com/gpu",
        "'tasks'",
    ),
    Case(
        "no-limit-range",
        namespace_guardrails.POLICY,
        lambda: without(good_stack(), t.LIMIT_RANGE),
        "has no LimitRange",
        "'tasks'",
    ),
    # tenant-isolation (more cases with two tenants in test_isolation.py)
    Case(
        "identity-bound-outside-its-namespace",
        tenant_isolation.POLICY,
        lambda: with_extra(good_stack(), role_binding("stray", "default", user(IDENTITY))),
        "in namespace 'default', which no tenant owns",
        "'stray'",
    ),
    # stack-complete
    *[
        Case(
            f"missing-{missing.rsplit(':', 1)[-1]}",
            stack_complete.POLICY,
            _without(missing),
            f"({missing}) is missing",
        )
        for missing in (t.CLUSTER, t.CUSTOM_ROLE, t.NAMESPACE, t.ROLE, t.ROLE_BINDING)
    ],
    Case(
        "unbound-role",
        stack_complete.POLICY,
        _m(t.PROJECT_IAM_MEMBER, "binding", "role", "roles/logging.viewer"),
        "binds the custom role",
    ),
    Case(
        "bad-intent",
        stack_complete.POLICY,
        _m(t.NAMESPACE, "tasks", "metadata.labels.gke-kpo/xcom-push", "yes"),
        "label gke-kpo/xcom-push is 'yes'",
    ),
    Case(
        "no-identity",
        stack_complete.POLICY,
        _m(t.NAMESPACE, "tasks", "metadata.annotations", {}),
        "annotation gke-kpo/airflow-identity is missing",
    ),
    # federation-pinned (every case: tests/policies/test_federation_policy.py)
    Case(
        "unpinned-provider",
        federation_pinned.POLICY,
        lambda: mutated(
            with_extra(good_stack(), *federated_resources()),
            t.WORKLOAD_IDENTITY_POOL_PROVIDER,
            "provider",
            "attributeCondition",
            "true",
        ),
        "does not pin subjects",
        "'provider'",
    ),
    Case(
        "no-network-fence",
        tenant_network_fence.POLICY,
        _without(t.NETWORK_POLICY),
        "no NetworkPolicy isolates every pod of the tenant namespace 'airflow-kpo' for ingress",
        "'tasks'",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_violation_is_reported(case: Case) -> None:
    outcome = run_policy(case.policy, case.build())
    matching = [message for message in outcome.messages if case.expected in message]
    assert matching, outcome.messages
    assert all("Fix: " in message for message in matching)
    assert all(case.names in message for message in matching)
    assert outcome.unknown is None


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_every_policy_has_a_violating_case(policy: Policy) -> None:
    assert any(case.policy is policy for case in CASES)


def test_deletion_protection_follows_stack_config() -> None:
    stack = mutated(good_stack(), t.CLUSTER, "kpo", "deletionProtection", False)
    assert run_policy(gke_hardening.POLICY, stack, {"requireDeletionProtection": False}).messages == []
    assert run_policy(gke_hardening.POLICY, stack, {"requireDeletionProtection": True}).messages


def test_gpu_bound_follows_stack_config() -> None:
    stack = mutated(good_stack(), t.NODE_POOL, "gpu", "autoscaling.totalMaxNodeCount", 6)
    assert run_policy(gpu_cost_guard.POLICY, stack, {"maxGpuNodes": 8}).messages == []
    assert run_policy(gpu_cost_guard.POLICY, stack, {"maxGpuNodes": 4}).messages


def test_per_zone_gpu_bounds_are_judged_as_their_total_over_the_zones() -> None:
    per_zone = mutated(good_stack(), t.NODE_POOL, "gpu", "autoscaling", {"minNodeCount": 0, "maxNodeCount": 2})
    assert run_policy(gpu_cost_guard.POLICY, per_zone).messages, "regional: 2 per zone is 6 nodes, above 4"
    zonal = mutated(per_zone, t.NODE_POOL, "gpu", "location", "us-central1-a")
    assert run_policy(gpu_cost_guard.POLICY, zonal).messages == [], "one zone: 2 nodes"
    two_zones = mutated(per_zone, t.NODE_POOL, "gpu", "nodeLocations", ["us-central1-a", "us-central1-b"])
    assert run_policy(gpu_cost_guard.POLICY, two_zones).messages == [], "two zones: 4 nodes"


def test_exec_allowed_with_xcom() -> None:
    stack = good_stack(AccessModel.PROJECT, xcom_push=True)
    assert run_policy(custom_role_least_privilege.POLICY, stack).messages == []
    assert run_policy(rbac_least_privilege.POLICY, stack).messages == []


def test_connect_allowed_exactly_with_the_dns_endpoint() -> None:
    """container.clusters.connect is what the DNS-based endpoint asks IAM for; with it on, it is no creep."""
    with_connect = _m(t.CUSTOM_ROLE, "role", "permissions", ["container.clusters.connect", "container.clusters.get"])()
    dns_path = {"dnsEndpointConfig": {"allowExternalTraffic": True}}
    stack = mutated(with_connect, t.CLUSTER, "kpo", "controlPlaneEndpointsConfig", dns_path)
    assert run_policy(custom_role_least_privilege.POLICY, stack).messages == []
    closed = mutated(with_connect, t.CLUSTER, "kpo", "controlPlaneEndpointsConfig", {"dnsEndpointConfig": {}})
    assert run_policy(custom_role_least_privilege.POLICY, closed).messages != []


def test_missing_intent_is_read_strictly() -> None:
    """Without the labels, a project-model role with exec is judged as namespaced without XCom."""
    stack = mutated(good_stack(AccessModel.PROJECT, xcom_push=True), t.NAMESPACE, "tasks", "metadata.labels", {})
    messages = run_policy(custom_role_least_privilege.POLICY, stack).messages
    assert any("container.pods.exec" in m for m in messages)
    assert any("container.pods.list, which is a pod permission" in m for m in messages)


def test_private_endpoint_needs_no_authorized_cidr() -> None:
    """No public endpoint: an empty (but configured) allowlist is the tightest setting, not an open one."""
    stack = mutated(good_stack(), t.CLUSTER, "kpo", "privateClusterConfig.enablePrivateEndpoint", True)
    stack = mutated(stack, t.CLUSTER, "kpo", "masterAuthorizedNetworksConfig.cidrBlocks", [])
    assert run_policy(gke_hardening.POLICY, stack).messages == []


def test_invalid_authorized_network_is_reported_next_to_a_broad_one() -> None:
    stack = mutated(
        good_stack(),
        t.CLUSTER,
        "kpo",
        "masterAuthorizedNetworksConfig.cidrBlocks",
        [{"cidrBlock": "not-a-cidr"}, {"cidrBlock": "0.0.0.0/0"}],
    )
    outcome = run_policy(gke_hardening.POLICY, stack)
    assert outcome.mentions("'not-a-cidr' is not a CIDR block") and outcome.mentions("0.0.0.0/0 is broader than /16")


def test_role_is_judged_by_coverage_not_by_shape() -> None:
    """The table's grants, one rule per (apiGroup, resource, verb), still pass: the allowlist is per grant."""
    one_grant_per_rule = [
        _rule(group, resource, verb)
        for rule in rbac_rules(True)
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    ]
    stack = mutated(good_stack(xcom_push=True), t.ROLE, "role", "rules", one_grant_per_rule)
    assert run_policy(rbac_least_privilege.POLICY, stack).messages == []


def test_a_named_danger_is_reported_once_not_also_as_unneeded() -> None:
    outcome = run_policy(rbac_least_privilege.POLICY, _role_with(_rule("", "secrets", "get")))
    assert len(outcome.messages) == 1 and outcome.mentions("grants secrets, which reads every credential")
