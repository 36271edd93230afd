"""Name rules of Google Cloud and Kubernetes, as predicates that return a reason or None."""

from __future__ import annotations

import ipaddress
import math
import re
from fractions import Fraction
from functools import cache

_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_REGION = re.compile(r"^[a-z]+-[a-z]+[0-9]+$")
_ZONE = re.compile(r"^(?P<region>[a-z]+-[a-z]+[0-9]+)-[a-z]$")
_CLUSTER_NAME = re.compile(r"^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_DNS1123_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_ACCOUNT_ID = re.compile(r"^[a-z](?:[a-z0-9-]{4,28}[a-z0-9])$")
_SERVICE_ACCOUNT_EMAIL = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.:-]+\.iam\.gserviceaccount\.com$")
_CUSTOM_ROLE_ID = re.compile(r"^[a-zA-Z0-9_.]{3,64}$")
_QUANTITY = re.compile(r"^[0-9]+(?:\.[0-9]+)?(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_RESOURCE_NAME = re.compile(r"^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$")


def project_id_problem(value: str) -> str | None:
    if _PROJECT_ID.match(value):
        return None
    return f"{value!r} is not a project id (6-30 lowercase letters, digits, hyphens; starts with a letter)"


def region_problem(value: str) -> str | None:
    return None if _REGION.match(value) else f"{value!r} is not a region such as us-central1"


def zone_problem(zone: str, region: str) -> str | None:
    match = _ZONE.match(zone)
    if not match:
        return f"{zone!r} is not a zone such as {region}-a"
    if match.group("region") != region:
        return f"zone {zone!r} is not in region {region!r}"
    return None


def cluster_name_problem(value: str) -> str | None:
    if _CLUSTER_NAME.match(value):
        return None
    return f"{value!r} is not a GKE cluster name (lowercase letters, digits, hyphens; at most 40; starts with a letter)"


def dns1123_label_problem(value: str) -> str | None:
    if _DNS1123_LABEL.match(value):
        return None
    return f"{value!r} is not a DNS-1123 label (lowercase alphanumerics and '-', at most 63, alphanumeric at both ends)"


RESERVED_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})
RESERVED_NAMESPACE_PREFIXES = ("kube-", "gke-")
"""Namespaces Kubernetes or GKE own: a quota and LimitRange there would land on system pods."""


def task_namespace_problem(value: str) -> str | None:
    if value in RESERVED_NAMESPACES or value.startswith(RESERVED_NAMESPACE_PREFIXES):
        return f"{value!r} belongs to Kubernetes or GKE; the task namespace must be one the stack owns"
    return dns1123_label_problem(value)


def account_id_problem(value: str) -> str | None:
    if _ACCOUNT_ID.match(value):
        return None
    return f"{value!r} is not a service account id (6-30 lowercase letters, digits, hyphens; starts with a letter)"


def service_account_email_problem(value: str) -> str | None:
    if _SERVICE_ACCOUNT_EMAIL.match(value):
        return None
    return (
        f"{value!r} is not a service account e-mail (<name>@<project>.iam.gserviceaccount.com, "
        "<name> 6-30 lowercase letters, digits, hyphens; starts with a letter)"
    )


def custom_role_id_problem(value: str) -> str | None:
    if _CUSTOM_ROLE_ID.match(value):
        return None
    return f"{value!r} is not a custom role id (3-64 letters, digits, '_' or '.')"


def quantity_problem(value: str) -> str | None:
    return None if _QUANTITY.match(value) else f"{value!r} is not a Kubernetes quantity such as 500m, 2 or 4Gi"


_QUANTITY_SCALE = {
    "": 1, "m": 10**-3, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}  # fmt: skip


def quantity_value(value: str) -> float:
    """A Kubernetes quantity as a number, to compare two of them; call only on a valid quantity."""
    number = value.rstrip("kMGTPEimK")
    return float(number) * _QUANTITY_SCALE[value[len(number) :]]


_DECIMAL_SUFFIXES = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_BINARY_SUFFIXES = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")


@cache  # every tenant spells its quota and limits alike: exact fractions for each took 2% of a 100-tenant program
def canonical_quantity(value: str) -> str:
    """The spelling the API server stores a valid quantity in (``1.5`` -> ``1500m``, ``2048Mi`` -> ``2Gi``).

    pulumi-kubernetes diffs the refreshed object against the program's spelling, so ``1000m`` stored as ``1`` shows
    as a change on every `pulumi up --refresh` (pulumi/pulumi-kubernetes#644, #2760). Rules of k8s.io/apimachinery
    resource.Quantity CanonicalizeBytes: precision beyond nano rounds up; a binary (``Ki``...) amount of at least
    1024 that is whole stays binary with the largest exact suffix, anything else is decimal with the largest exact
    multiple-of-3 exponent.
    """
    number = value.rstrip("kMGTPEimK")
    suffix = value[len(number) :]
    scale = Fraction(1, 1000) if suffix == "m" else Fraction(_QUANTITY_SCALE[suffix])
    amount = Fraction(math.ceil(Fraction(number) * scale * 10**9), 10**9)
    if amount == 0:
        return "0"
    if suffix.endswith("i") and amount >= 1024 and amount.denominator == 1:
        power = max(k for k in range(len(_BINARY_SUFFIXES)) if amount % 1024**k == 0)
        return f"{amount // 1024**power}{_BINARY_SUFFIXES[power]}"
    exponent = max(e for e in _DECIMAL_SUFFIXES if (amount / Fraction(10) ** e).denominator == 1)
    return f"{amount / Fraction(10) ** exponent}{_DECIMAL_SUFFIXES[exponent]}"


def resource_name_problem(value: str) -> str | None:
    if _RESOURCE_NAME.match(value):
        return None
    return f"{value!r} is not a Google Cloud resource name (lowercase letters, digits, hyphens; starts with a letter)"


def cidr_problem(value: str) -> str | None:
    """A CIDR block needs its prefix length and no host bits; GKE and Compute Engine take nothing else."""
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        if corrected_cidr(value):
            return f"{value!r} has host bits set: the block it names is {corrected_cidr(value)}"
        return f"{value!r} is not a CIDR block such as 10.0.0.0/20"
    if network.version != 4:
        return f"{value!r} is not an IPv4 CIDR block"
    if "/" not in value:
        return f"{value!r} is an address without a prefix length, not a CIDR block"
    return None


def corrected_cidr(value: str) -> str | None:
    """The IPv4 block a malformed entry most likely meant (a bare address as its /32, host bits cleared), or None."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    return str(network) if network.version == 4 else None


INTERNAL_RANGES = tuple(
    ipaddress.IPv4Network(cidr)
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15",
                 "240.0.0.0/4")
)  # fmt: skip
"""Ranges a VPC uses internally without owning them: RFC 1918, RFC 6598 (100.64.0.0/10) and the other reserved
ranges of https://cloud.google.com/vpc/docs/subnets#valid-ranges. The RFC 5737 documentation ranges of that list
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) count as public here: examples and the committed stack files use them
as stand-ins for a real public egress address."""


def is_internal(cidr: str) -> bool:
    network = ipaddress.IPv4Network(cidr, strict=False)
    return any(network.subnet_of(internal) for internal in INTERNAL_RANGES)


BROADEST_PUBLIC_AUTHORIZED_PREFIX = 16
"""No public authorized network broader than a /16 (65,536 addresses). A /8 of public space is 16.7 million
addresses, and whole /8s to /12s belong to cloud providers (34.0.0.0/8 and 35.0.0.0/8 are largely Google Cloud), so
such an entry admits a large share of all cloud VMs, any of which anyone can rent. A /16 is the largest block one
organisation normally holds for its own egress; NAT egress pools are /32 to /24. Internal ranges may be broader:
they are reachable only through the VPC or a VPN. Split ranges (0.0.0.0/1 + 128.0.0.0/1) are judged entry by entry,
so they fail too."""


def authorized_networks_problem(cidrs: list[str]) -> str | None:
    """Why these control-plane authorized networks open it too widely, or None; the CIDRs must be valid."""
    networks = [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]
    broad = [str(n) for n in networks if n.prefixlen < BROADEST_PUBLIC_AUTHORIZED_PREFIX and not is_internal(str(n))]
    if broad:
        return (
            f"{', '.join(broad)} is broader than /{BROADEST_PUBLIC_AUTHORIZED_PREFIX} of public address space: "
            "it admits a large share of all cloud VMs"
        )
    return None


def private_endpoint_problem(cidrs: list[str]) -> str | None:
    """With a private endpoint only, GKE accepts only internal authorized networks; the CIDRs must be valid.

    GKE refuses the cluster with 'Invalid master authorized networks: network "<cidr>" is not a reserved network,
    which is required for private endpoints' (reported in GoogleCloudPlatform/gke-network-policy-demo#37; see
    https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks, "private endpoint" access).
    """
    public = [cidr for cidr in cidrs if not is_internal(cidr)]
    if public:
        return f"{', '.join(public)} is not an internal range, and a private endpoint accepts only internal ranges"
    return None


def derived_role_id(cluster_name: str) -> str:
    return f"{cluster_name.replace('-', '_')}_kpo_launcher"


def service_account_email(account_id: str, project: str) -> str:
    return f"{account_id}@{project}.iam.gserviceaccount.com"


def service_account_resource_name(email: str, project: str) -> str:
    """The ``projects/<p>/serviceAccounts/<e-mail>`` form IAM takes for a grant on the account itself."""
    return f"projects/{project}/serviceAccounts/{email}"


def workload_identity_pool(project: str) -> str:
    return f"{project}.svc.id.goog"


def workload_identity_member(project: str, namespace: str, kubernetes_service_account: str) -> str:
    """The IAM member for one Kubernetes service account of the project's Workload Identity pool."""
    return f"serviceAccount:{workload_identity_pool(project)}[{namespace}/{kubernetes_service_account}]"


SERVICE_ACCOUNT_DISPLAY_NAME_MAX = 100
"""IAM refuses longer ones: "Error 400: The display_name length (101) is longer than the maximum allowed length 100"
(ServiceAccount.displayName: at most 100 UTF-8 bytes; terraform-google-modules/terraform-google-sql-db#733)."""


def service_account_display_name(text: str) -> str:
    return text.encode()[:SERVICE_ACCOUNT_DISPLAY_NAME_MAX].decode(errors="ignore")


def label_value(text: str) -> str:
    """A Google Cloud label value: lowercase letters, digits, ``_`` and ``-``, at most 63 characters; a Pulumi stack
    name may hold capitals and dots, which GKE refuses in ``resource_labels`` with a 400 at cluster creation."""
    return re.sub(r"[^a-z0-9_-]", "-", text.lower())[:63]


NODE_ACCOUNT_SUFFIX = "-nodes"


def node_account_id(cluster_name: str) -> str:
    """A 6-30 character account id that says which cluster's nodes run as it."""
    return f"{cluster_name[: 30 - len(NODE_ACCOUNT_SUFFIX)]}{NODE_ACCOUNT_SUFFIX}"
