"""gke-hardening: the cluster and its node pools follow GKE's hardening guide.

Absent optional fields mean the provider default; a rule only fires on an absent field when that
default is the insecure choice (pulumi-gcp 10.2 defaults are noted next to each rule).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, Severity

from gke_kpo.cloud.names import authorized_networks_problem, cidr_problem

from . import resource_types as types
from .config_hints import limit, relax, set_key
from .policy_kit import Requirement, requirement_checks, resource_validation
from .props import is_false, is_true, items, lookup, strings
from .settings import HARDENING_SCHEMA, REQUIRE_DELETION_PROTECTION, deletion_protection_required
from .verdicts import Subject

POLICY_NAME: Final = "gke-hardening"
GKE_METADATA: Final = "GKE_METADATA"
DEFAULT_COMPUTE_SA_SUFFIX: Final = "-compute@developer.gserviceaccount.com"


def _airflow_cidrs_fix() -> str:
    return (
        f"{set_key('master_authorized_networks', 'only the Airflow egress CIDRs')} "
        "(the cluster's masterAuthorizedNetworksConfig.cidrBlocks)."
    )


def _authorized_cidrs(props: Any) -> list[str]:
    blocks = items(lookup(props, "masterAuthorizedNetworksConfig", "cidrBlocks"))
    return [str(lookup(block, "cidrBlock")) for block in blocks]


def _empty_authorized_networks_on_public_endpoint(props: Any) -> bool:
    """An empty list is only meaningful when the control plane has no public endpoint at all."""
    configured = lookup(props, "masterAuthorizedNetworksConfig") is not None
    private_endpoint = is_true(lookup(props, "privateClusterConfig", "enablePrivateEndpoint"))
    return configured and not _authorized_cidrs(props) and not private_endpoint


def _authorized_network_ranges(subject: Subject, _config: Mapping[str, Any]) -> Iterator[str]:
    """Same rule as the stack config (gke_kpo.cloud.names); an invalid entry is reported, never parsed."""
    cidrs = _authorized_cidrs(subject.props)
    for cidr in cidrs:
        invalid = cidr_problem(cidr)
        if invalid:
            yield subject.says(f"master authorized network {invalid}.", _airflow_cidrs_fix())
    too_broad = authorized_networks_problem([cidr for cidr in cidrs if not cidr_problem(cidr)])
    if too_broad:
        yield subject.says(f"master authorized networks are too broad: {too_broad}.", _airflow_cidrs_fix())


def _components_disabled(props: Any, service: str, config_key: str) -> bool:
    """``<service>Service: none`` or an explicitly empty ``<config>.enableComponents`` turns it off."""
    if lookup(props, service) == "none":
        return True
    components = lookup(props, config_key, "enableComponents")
    return components is not None and not strings(components)


def _metadata_not_gke(node_config: Any) -> bool:
    return bool(lookup(node_config, "workloadMetadataConfig", "mode") != GKE_METADATA)


def _default_service_account(node_config: Any) -> bool:
    """Absent means GKE uses the Compute Engine default service account (Editor on the project)."""
    account = lookup(node_config, "serviceAccount")
    return account in (None, "", "default") or str(account).endswith(DEFAULT_COMPUTE_SA_SUFFIX)


CLUSTER_REQUIREMENTS: Final = [
    Requirement(
        lambda p, _: not lookup(p, "workloadIdentityConfig", "workloadPool"),
        "Workload Identity is off (workloadIdentityConfig.workloadPool is unset).",
        "set workloadIdentityConfig.workloadPool to '<project>.svc.id.goog'.",
    ),
    Requirement(
        lambda p, _: lookup(p, "nodeConfig") is not None and _metadata_not_gke(lookup(p, "nodeConfig")),
        "the cluster's nodeConfig does not use the GKE metadata server.",
        "set nodeConfig.workloadMetadataConfig.mode to 'GKE_METADATA'.",
    ),
    Requirement(
        lambda p, _: is_true(lookup(p, "enableLegacyAbac")),
        "legacy ABAC is on; it bypasses RBAC.",
        "set enableLegacyAbac to false (or leave it unset).",
    ),
    Requirement(
        lambda p, _: is_true(lookup(p, "masterAuth", "clientCertificateConfig", "issueClientCertificate")),
        "a client certificate is issued; it is a static, non-revocable admin credential.",
        "set masterAuth.clientCertificateConfig.issueClientCertificate to false.",
    ),
    Requirement(
        lambda p, _: is_false(lookup(p, "enableShieldedNodes")),  # default true
        "Shielded GKE nodes are off.",
        "set enableShieldedNodes to true.",
    ),
    Requirement(
        lambda p, _: lookup(p, "releaseChannel", "channel") in (None, "UNSPECIFIED"),
        "no release channel is set, so security patches are not applied automatically.",
        lambda _p, _c: f"{set_key('release_channel', 'REGULAR or STABLE')} (the cluster's releaseChannel.channel).",
    ),
    Requirement(
        lambda p, _: not is_true(lookup(p, "privateClusterConfig", "enablePrivateNodes")),
        "nodes get public IP addresses.",
        "set privateClusterConfig.enablePrivateNodes to true.",
    ),
    Requirement(
        lambda p, _: lookup(p, "masterAuthorizedNetworksConfig") is None,
        "the control plane accepts connections from any address (no master authorized networks).",
        lambda _p, _c: _airflow_cidrs_fix(),
    ),
    Requirement(
        lambda p, _: is_true(lookup(p, "masterAuthorizedNetworksConfig", "gcpPublicCidrsAccessEnabled")),
        "master authorized networks admit every Google Cloud public IP, i.e. any project's VMs.",
        "set masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled to false.",
    ),
    Requirement(
        lambda p, _: _empty_authorized_networks_on_public_endpoint(p),
        "master authorized networks list no CIDR block while the control plane keeps its public endpoint, "
        "so nothing outside the VPC (not even Airflow) can reach it.",
        lambda _p, _c: (
            f"{set_key('master_authorized_networks', 'the Airflow egress CIDRs')}, or "
            f"{set_key('private_endpoint', 'true')} (masterAuthorizedNetworksConfig.cidrBlocks, "
            "privateClusterConfig.enablePrivateEndpoint)."
        ),
    ),
    Requirement(
        lambda p, _: (
            lookup(p, "datapathProvider") != "ADVANCED_DATAPATH" and not is_true(lookup(p, "networkPolicy", "enabled"))
        ),
        "NetworkPolicy is not enforced (neither Dataplane V2 nor networkPolicy.enabled).",
        "set datapathProvider to 'ADVANCED_DATAPATH' (or networkPolicy.enabled to true).",
    ),
    Requirement(
        lambda p, _: _components_disabled(p, "loggingService", "loggingConfig"),
        "cluster logging is off.",
        "leave loggingService unset (or 'logging.googleapis.com/kubernetes') and "
        "loggingConfig.enableComponents non-empty.",
    ),
    Requirement(
        lambda p, _: _components_disabled(p, "monitoringService", "monitoringConfig"),
        "cluster monitoring is off.",
        "leave monitoringService unset (or 'monitoring.googleapis.com/kubernetes') and "
        "monitoringConfig.enableComponents non-empty.",
    ),
    Requirement(
        lambda p, _: not is_true(lookup(p, "removeDefaultNodePool")),
        "the default node pool is kept; it runs with the default service account and settings.",
        "set removeDefaultNodePool to true and declare hardened NodePool resources.",
    ),
    Requirement(
        lambda p, config: deletion_protection_required(config) and is_false(lookup(p, "deletionProtection")),
        lambda _p, config: (
            "deletion protection is off (the cluster's deletionProtection) on a stack that requires it: "
            f"{limit(POLICY_NAME, REQUIRE_DELETION_PROTECTION, deletion_protection_required(config))}."
        ),
        lambda _p, _c: (
            f"{set_key('deletion_protection', 'true')}; or, if this stack may be deleted, relax the policy with "
            f"{relax(POLICY_NAME, REQUIRE_DELETION_PROTECTION, False)}."
        ),
    ),
]

NODE_POOL_REQUIREMENTS: Final = [
    Requirement(
        lambda p, _: _metadata_not_gke(lookup(p, "nodeConfig")),
        "nodes do not use the GKE metadata server, so pods can read the node's credentials.",
        "set nodeConfig.workloadMetadataConfig.mode to 'GKE_METADATA'.",
    ),
    Requirement(
        lambda p, _: not is_true(lookup(p, "nodeConfig", "shieldedInstanceConfig", "enableSecureBoot")),
        "secure boot is off (the default).",
        "set nodeConfig.shieldedInstanceConfig.enableSecureBoot to true.",
    ),
    Requirement(
        lambda p, _: is_false(lookup(p, "nodeConfig", "shieldedInstanceConfig", "enableIntegrityMonitoring")),
        "integrity monitoring is off.",
        "set nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring to true.",
    ),
    Requirement(
        lambda p, _: _default_service_account(lookup(p, "nodeConfig")),
        "nodes run as the Compute Engine default service account.",
        "set nodeConfig.serviceAccount to the dedicated node service account's e-mail.",
    ),
    Requirement(
        # Flex-start pools run without auto-repair (gke_kpo/cloud/gpu_capacity.py, FLEX_START_NO_AUTO_REPAIR).
        lambda p, _: (
            is_false(lookup(p, "management", "autoRepair")) and not is_true(lookup(p, "nodeConfig", "flexStart"))
        ),
        "auto-repair is off.",
        "set management.autoRepair to true (only flex-start pools may have it off).",
    ),
    Requirement(
        lambda p, _: is_false(lookup(p, "management", "autoUpgrade")),
        "auto-upgrade is off, so nodes miss security patches.",
        "set management.autoUpgrade to true.",
    ),
    Requirement(
        lambda p, _: is_false(lookup(p, "networkConfig", "enablePrivateNodes")),
        "this pool opts out of private nodes.",
        "remove networkConfig.enablePrivateNodes or set it to true.",
    ),
]


POLICY: Final = ResourceValidationPolicy(
    name=POLICY_NAME,
    description=(
        "GKE cluster and node pools: Workload Identity, GKE metadata server, no legacy ABAC or client "
        "certificate, shielded nodes with secure boot, release channel, private nodes, authorized networks "
        "(no public one broader than /16; empty only with a private endpoint), network policy, logging and monitoring, "
        "no default pool, no default compute service account, auto-repair/upgrade, deletion protection where required."
    ),
    severity=Severity.HIGH,
    enforcement_level=EnforcementLevel.MANDATORY,
    config_schema=HARDENING_SCHEMA,
    remediation_steps=(
        "Each violation names what to set: the gke-kpo:<key> in Pulumi.<stack>.yaml where the value comes from "
        "the stack config (else the resource property), and, where the stack may relax the rule, the property of "
        "policies/config/<stack>.json."
    ),
    validate=resource_validation(
        {
            types.CLUSTER: [*requirement_checks(CLUSTER_REQUIREMENTS), _authorized_network_ranges],
            types.NODE_POOL: requirement_checks(NODE_POOL_REQUIREMENTS),
        }
    ),
)
