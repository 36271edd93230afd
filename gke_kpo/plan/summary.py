"""The two or three inputs of each resource type that a reader of the plan checks first; plan.yaml has the rest."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gke_kpo.cloud import gpu_capacity, pod_network
from gke_kpo.cloud.gke import pool_zone_count

Inputs = dict[str, Any]


def _cluster(inputs: Inputs) -> str:
    private = inputs.get("privateClusterConfig", {})
    endpoint = "private endpoint" if private.get("enablePrivateEndpoint") else "public endpoint"
    networks = inputs.get("masterAuthorizedNetworksConfig", {}).get("cidrBlocks", [])
    channel = inputs.get("releaseChannel", {}).get("channel", "no")
    return f"{inputs.get('location')}, {channel}, {endpoint}, {len(networks)} authorized CIDR(s)"


@dataclass(frozen=True)
class PoolSize:
    """A node pool's autoscaling bounds as totals over its zones, however they were declared."""

    least: int
    most: int
    per_zone: tuple[int, int, int] | None = None
    """(min, max, zones) when the pool was declared per zone (min/max_node_count), which GKE multiplies by zones."""

    def __str__(self) -> str:
        if self.per_zone is None:
            return f"{self.least}..{self.most} nodes total"
        low, high, zones = self.per_zone
        return f"{low}..{high} per zone x {zones} zone{'s' * (zones != 1)} = {self.least}..{self.most} nodes"


def pool_size(inputs: Inputs) -> PoolSize | None:
    scaling = inputs.get("autoscaling") or {}
    if "totalMaxNodeCount" in scaling:
        return PoolSize(int(scaling.get("totalMinNodeCount") or 0), int(scaling["totalMaxNodeCount"]))
    if "maxNodeCount" not in scaling:
        return None
    zones = pool_zone_count(str(inputs.get("location", "")), len(inputs.get("nodeLocations") or []))
    low, high = int(scaling.get("minNodeCount") or 0), int(scaling["maxNodeCount"])
    return PoolSize(low * zones, high * zones, (low, high, zones))


def _node_pool(inputs: Inputs) -> str:
    """The ceiling first, in nodes and GPUs (what it can cost), then what each node is."""
    node, size = inputs.get("nodeConfig", {}), pool_size(inputs)
    gpus = [(int(gpu.get("count") or 0), str(gpu.get("type"))) for gpu in node.get("guestAccelerators", [])]
    parts = [str(size) if size else "no autoscaling"]
    if size:
        parts += [f"at most {count * size.most} x {kind}" for count, kind in gpus]
    parts.append(str(node.get("machineType")))
    capacity = gpu_capacity.capacity_of(node)
    if capacity != "on-demand":
        parts.append(capacity)
    return ", ".join(parts)


def size_change(old: Inputs, new: Inputs) -> str:
    """What a change of a pool's bounds means in nodes when the way they are counted changes (per zone -> totals)
    and so does the pool's size: the changed inputs alone would read 3 -> (none)."""
    before, after = pool_size(old), pool_size(new)
    if before is None or after is None or (before.per_zone is None) == (after.per_zone is None):
        return ""
    if (before.least, before.most) == (after.least, after.most):
        return ""  # one zone: the same nodes either way
    return f"pool size: {before} -> {after}"


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
    request, most = limits.get("defaultRequest", {}), limits.get("max", {})
    # Without a default limit, LimitRanger makes max the limit of a container that sets none.
    default_limit, source = (limits["default"], "default") if limits.get("default") else (most, "max")
    return (
        f"request cpu {request.get('cpu')} mem {request.get('memory')}, "
        f"limit cpu {default_limit.get('cpu')} mem {default_limit.get('memory')} ({source})"
    )


def _namespace(inputs: Inputs) -> str:
    labels = inputs.get("metadata", {}).get("labels", {})
    return f"{inputs.get('metadata', {}).get('name')}, pod security {labels.get('pod-security.kubernetes.io/enforce')}"


def _network_policy(inputs: Inputs) -> str:
    """The fence in the columns left: what its egress admits beyond its namespace, DNS and the metadata server."""
    rules = inputs.get("spec", {}).get("egress", [])
    blocks = {peer["ipBlock"]["cidr"] for rule in rules for peer in rule.get("to", []) if "ipBlock" in peer}
    metadata = {destination.cidr for destination in pod_network.METADATA_SERVER}
    google = {destination.cidr for destination in pod_network.GOOGLE_APIS}
    reach = []
    if pod_network.EVERYWHERE in blocks:
        reach.append("internet")
    elif blocks & google:
        reach.append("google-apis")
    listed = len(blocks - metadata - google - {pod_network.EVERYWHERE})
    if listed:
        reach.append(f"+{listed} cidr")
    return f"out: {' '.join(reach) or 'dns+metadata only'}"


def _custom_role(inputs: Inputs) -> str:
    return f"{inputs.get('roleId')}: {len(inputs.get('permissions', []))} permission(s)"


def _member(inputs: Inputs) -> str:
    role = str(inputs.get("role", ""))
    return f"{role.rpartition('/roles/')[2] if '/roles/' in role else role} -> {inputs.get('member')}"


def _account_member(inputs: Inputs) -> str:
    """Who may act as the account, in the few characters the table leaves: namespace/service account."""
    member = str(inputs.get("member", ""))
    federated = re.match(r"^principal://.*/subject/system:serviceaccount:([^:]+):(.+)$", member)
    if federated:
        return f"federated {federated[1]}/{federated[2]}"
    gke = re.match(r"^serviceAccount:[^\[]+\.svc\.id\.goog\[(.+)\]$", member)
    if gke:
        return f"gke {gke[1]}"
    return f"{str(inputs.get('role', '')).removeprefix('roles/')} -> {member}"


def _pool_provider(inputs: Inputs) -> str:
    """The condition and audiences in full are in plan.yaml; here: that it pins subjects, and to how many."""
    condition, oidc = str(inputs.get("attributeCondition", "")), inputs.get("oidc", {})
    pinned = re.fullmatch(r"assertion\.sub in \[(.*)\]", condition)
    subjects = f"sub in {len(pinned[1].split(', '))} subject(s)" if pinned else f"condition {condition or 'NONE'}"
    return f"{subjects}, aud {','.join(oidc.get('allowedAudiences', [])) or 'NONE'}"


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
    "gcp:serviceaccount/iAMMember:IAMMember": _account_member,
    "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": lambda i: f"pool {i.get('workloadIdentityPoolId')}",
    "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": _pool_provider,
    "kubernetes:core/v1:Namespace": _namespace,
    "kubernetes:core/v1:ResourceQuota": _quota,
    "kubernetes:core/v1:LimitRange": _limit_range,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": _network_policy,
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
