"""tenant-network-fence: every tenant namespace is fenced off the pod network of the others.

RBAC keeps one tenant's Airflow out of another's namespace, but without a NetworkPolicy every pod can connect to
every other pod of the cluster. NetworkPolicies are additive (gke_kpo/cloud/pod_network.py): a namespace is
fenced when a policy isolates all its pods for ingress and for egress, and no policy there opens a path to other
namespaces again. The fence itself is gke_kpo/spec/network_fence.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from pulumi_policy import EnforcementLevel, Severity, StackValidationPolicy

from gke_kpo.cloud import pod_network as net
from gke_kpo.contract import intent

from . import resource_types as types
from .policy_kit import stack_validation
from .props import items, lookup, mapping, strings
from .stack_facts import StackFacts
from .stack_intent import TenantIntent, read_tenant
from .verdicts import Subject

FIX_DOC: Final = "README, Network fences"
EXPOSURE: Final = {
    "Ingress": "pods of every other namespace can connect to its pods",
    "Egress": "its pods can connect to every other tenant's pods",
}


def _selects_every_pod(policy: Subject) -> bool:
    selector = mapping(lookup(policy.props, "spec", "podSelector"))
    return not mapping(selector.get("matchLabels")) and not items(selector.get("matchExpressions"))


def _types(policy: Subject) -> list[str]:
    declared = strings(lookup(policy.props, "spec", "policyTypes"))
    if declared:
        return declared
    # Kubernetes' default: Ingress always, Egress when the policy has egress rules (NetworkPolicySpec.policyTypes).
    return ["Ingress", *(["Egress"] if lookup(policy.props, "spec", "egress") is not None else [])]


def _names_namespace(peer: Any, namespace: str) -> bool:
    labels = mapping(lookup(peer, "namespaceSelector", "matchLabels"))
    expressions = items(lookup(peer, "namespaceSelector", "matchExpressions"))
    return not expressions and dict(labels) == {net.NAMESPACE_NAME_LABEL: namespace}


def _is_cluster_dns(peer: Any) -> bool:
    pods = mapping(lookup(peer, "podSelector", "matchLabels"))
    return _names_namespace(peer, net.KUBE_SYSTEM) and dict(pods) == net.KUBE_DNS_POD_LABELS


def _open_ingress(rule: Any, namespace: str) -> str | None:
    peers = items(lookup(rule, "from"))
    if not peers:
        return "an ingress rule without `from` admits every source"
    for peer in peers:
        if lookup(peer, "ipBlock") is not None:
            return f"an ingress rule admits the address block {lookup(peer, 'ipBlock', 'cidr')}"
        if lookup(peer, "namespaceSelector") is not None and not _names_namespace(peer, namespace):
            return "an ingress rule admits pods of other namespaces (namespaceSelector)"
    return None


def _open_egress(rule: Any, namespace: str, tenant_egress: str) -> str | None:
    peers = items(lookup(rule, "to"))
    if not peers:
        return "an egress rule without `to` admits every destination, other tenants' pods included"
    for peer in peers:
        selector = lookup(peer, "namespaceSelector")
        if selector is not None and not (_names_namespace(peer, namespace) or _is_cluster_dns(peer)):
            return "an egress rule admits pods of other namespaces (namespaceSelector)"
        cidr = lookup(peer, "ipBlock", "cidr")
        if cidr == net.EVERYWHERE and tenant_egress != net.Egress.INTERNET:
            return f"an egress rule admits {net.EVERYWHERE} though the namespace's egress is {tenant_egress!r}"
    return None


def _openings(policy: Subject, tenant: TenantIntent, tenant_egress: str) -> Iterator[str]:
    namespace = tenant.namespace_name
    for rule in items(lookup(policy.props, "spec", "ingress")):
        reason = _open_ingress(rule, namespace)
        if reason:
            yield reason
    for rule in items(lookup(policy.props, "spec", "egress")):
        reason = _open_egress(rule, namespace, tenant_egress)
        if reason:
            yield reason


def _tenant_namespace(subject: Subject, facts: StackFacts) -> Iterator[str]:
    tenant = read_tenant(subject)
    if tenant is None:
        return
    name = tenant.namespace_name
    labels = mapping(lookup(subject.props, "metadata", "labels"))
    tenant_egress = str(labels.get(intent.EGRESS_LABEL) or net.Egress.NONE)
    policies = facts.in_namespace(types.NETWORK_POLICY, name)
    for direction, exposure in EXPOSURE.items():
        if not any(_selects_every_pod(policy) and direction in _types(policy) for policy in policies):
            yield subject.says(
                f"no NetworkPolicy isolates every pod of the tenant namespace {name!r} for {direction.lower()}, "
                f"so {exposure}.",
                f"declare a NetworkPolicy in {name!r} with podSelector {{}} and policyTypes [{direction}] "
                f"(the Tenant component's fence; {FIX_DOC}).",
            )
    for policy in policies:
        for reason in _openings(policy, tenant, tenant_egress):
            yield policy.says(
                f"{reason}: it reopens the network fence of the tenant namespace {name!r}.",
                f"remove the rule, or narrow it to the namespace's own pods; list outside destinations in the "
                f"tenant's egress_cidrs ({FIX_DOC}).",
            )


POLICY: Final = StackValidationPolicy(
    name="tenant-network-fence",
    description=(
        "Every tenant namespace has NetworkPolicies isolating all its pods for ingress and egress, and none "
        "admits other namespaces' pods."
    ),
    severity=Severity.HIGH,
    enforcement_level=EnforcementLevel.MANDATORY,
    remediation_steps="Declare the tenant's fence (gke_kpo/spec/network_fence.py) and no rule that reopens it.",
    validate=stack_validation({types.NAMESPACE: [_tenant_namespace]}),
)
