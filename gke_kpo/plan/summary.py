"""The two or three inputs of each resource type that a reader of the plan checks first; plan.yaml has the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Inputs = dict[str, Any]


def _cluster(inputs: Inputs) -> str:
    private = inputs.get("privateClusterConfig", {})
    endpoint = "private endpoint" if private.get("enablePrivateEndpoint") else "public endpoint"
    networks = inputs.get("masterAuthorizedNetworksConfig", {}).get("cidrBlocks", [])
    channel = inputs.get("releaseChannel", {}).get("channel", "no")
    return f"{inputs.get('location')}, {channel}, {endpoint}, {len(networks)} authorized CIDR(s)"


def _node_pool(inputs: Inputs) -> str:
    node, scaling = inputs.get("nodeConfig", {}), inputs.get("autoscaling", {})
    parts = [str(node.get("machineType")), f"{scaling.get('minNodeCount')}..{scaling.get('maxNodeCount')} nodes"]
    parts += [f"{gpu.get('count')}x {gpu.get('type')}" for gpu in node.get("guestAccelerators", [])]
    if node.get("spot"):
        parts.append("spot")
    return ", ".join(parts)


def _subnetwork(inputs: Inputs) -> str:
    ranges = [f"{r.get('rangeName')} {r.get('ipCidrRange')}" for r in inputs.get("secondaryIpRanges", [])]
    return ", ".join([f"nodes {inputs.get('ipCidrRange')}", *ranges])


def _role(inputs: Inputs) -> str:
    rules = inputs.get("rules", [])
    resources = sorted({resource for rule in rules for resource in rule.get("resources", [])})
    verbs = sorted({verb for rule in rules for verb in rule.get("verbs", [])})
    return f"{len(rules)} rules; verbs {','.join(verbs)}; on {','.join(resources)}"


def _role_binding(inputs: Inputs) -> str:
    subjects = [f"{s.get('kind')} {s.get('name')}" for s in inputs.get("subjects", [])]
    return f"{inputs.get('roleRef', {}).get('name')} -> {', '.join(subjects)}"


def _quota(inputs: Inputs) -> str:
    hard = inputs.get("spec", {}).get("hard", {})
    return ", ".join(f"{key.removeprefix('requests.')} {value}" for key, value in hard.items())


def _limit_range(inputs: Inputs) -> str:
    limits = (inputs.get("spec", {}).get("limits") or [{}])[0]
    request, limit, most = limits.get("defaultRequest", {}), limits.get("default", {}), limits.get("max", {})
    return (
        f"default cpu {request.get('cpu')}/{limit.get('cpu')} mem {request.get('memory')}/{limit.get('memory')}, "
        f"max cpu {most.get('cpu')} mem {most.get('memory')}"
    )


def _namespace(inputs: Inputs) -> str:
    labels = inputs.get("metadata", {}).get("labels", {})
    return f"{inputs.get('metadata', {}).get('name')}, pod security {labels.get('pod-security.kubernetes.io/enforce')}"


def _custom_role(inputs: Inputs) -> str:
    return f"{inputs.get('roleId')}: {len(inputs.get('permissions', []))} permission(s)"


def _member(inputs: Inputs) -> str:
    role = str(inputs.get("role", ""))
    return f"{role.rpartition('/roles/')[2] if '/roles/' in role else role} -> {inputs.get('member')}"


def _router_nat(inputs: Inputs) -> str:
    return f"{inputs.get('router')}, ips {inputs.get('natIpAllocateOption')}"


KEY_INPUTS: dict[str, Callable[[Inputs], str]] = {
    "gcp:container/cluster:Cluster": _cluster,
    "gcp:container/nodePool:NodePool": _node_pool,
    "gcp:compute/network:Network": lambda i: f"{i.get('routingMode', '').lower()} routing",
    "gcp:compute/subnetwork:Subnetwork": _subnetwork,
    "gcp:compute/router:Router": lambda i: str(i.get("region")),
    "gcp:compute/routerNat:RouterNat": _router_nat,
    "gcp:serviceaccount/account:Account": lambda i: f"{i.get('accountId')}@{i.get('project')}",
    "gcp:projects/iAMCustomRole:IAMCustomRole": _custom_role,
    "gcp:projects/iAMMember:IAMMember": _member,
    "kubernetes:core/v1:Namespace": _namespace,
    "kubernetes:core/v1:ResourceQuota": _quota,
    "kubernetes:core/v1:LimitRange": _limit_range,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": _role,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": _role_binding,
    "pulumi:providers:kubernetes": lambda i: f"cluster {i.get('clusterIdentifier')}",
}


def key_inputs(resource_type: str, inputs: Inputs) -> str:
    summarize = KEY_INPUTS.get(resource_type)
    return summarize(inputs) if summarize else ""


def short_type(resource_type: str) -> str:
    """``gcp:container/nodePool:NodePool`` -> ``gcp:NodePool``, ``pulumi:providers:kubernetes`` ->
    ``provider:kubernetes``: short enough for a table, the full token is in plan.yaml."""
    package, _, rest = resource_type.partition(":")
    if package == "pulumi" and rest.startswith("providers:"):
        return f"provider:{rest.removeprefix('providers:')}"
    return f"{'k8s' if package == 'kubernetes' else package}:{rest.rpartition(':')[2]}"
