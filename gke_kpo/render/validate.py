"""Check the stack outputs before rendering, so a bad value fails here, naming its key, not in a pod."""

from __future__ import annotations

import base64
import binascii
import re
import ssl
from dataclasses import dataclass
from typing import Any

from gke_kpo.cloud.control_plane import DNS_ENDPOINT_DOMAIN, ControlPlaneAccess
from gke_kpo.cloud.names import dns1123_label_problem
from gke_kpo.config.settings import IdentityMode
from gke_kpo.contract import outputs as names

_HOST = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")
_CONN_ID = re.compile(r"^[A-Za-z0-9_]+$")
IDENTITY_MODES = tuple(mode.value for mode in IdentityMode)


class OutputsError(ValueError):
    """An output is missing or malformed; the message names the key and the fix."""


class UnknownTenantError(OutputsError):
    """The tenant asked for (``--tenant``) is not in the outputs: the option is wrong, not the file."""


@dataclass(frozen=True)
class Toleration:
    key: str
    value: str
    effect: str


@dataclass(frozen=True)
class GpuPool:
    name: str
    accelerator: str
    task_gpus: int
    """nvidia.com/gpu one task requests."""
    capacity: str
    tolerations: tuple[Toleration, ...]
    node_selector: dict[str, str]

    @property
    def task_suffix(self) -> str:
        """run_on_gpu for the pool named gpu (one-pool stacks keep their task id), run_on_gpu_<pool> otherwise."""
        return "gpu" if self.name == "gpu" else f"gpu_{self.name.replace('-', '_')}"


@dataclass(frozen=True)
class TenantOutputs:
    """What one tenant's artifacts need from the cluster-level outputs and its entry of ``tenants``."""

    project: str
    location: str
    cluster_name: str
    endpoint: str
    cluster_ca_certificate: str
    namespace: str
    xcom_push: bool
    gpu_pools: tuple[GpuPool, ...]
    """The GPU pools this tenant may use (none when its gpu_quota is 0)."""
    service_account_name: str | None
    """The tenant's task Kubernetes service account, when it has one."""
    credential_config: dict[str, Any] | None = None
    """identity_mode federated: the ``external_account`` file the auth plugin reads (gcp-credentials.json)."""
    control_plane_access: ControlPlaneAccess = ControlPlaneAccess.IP
    dns_endpoint: str = ""
    """``<uid>.<location>.gke.goog``; what the files point at unless control_plane_access is ip."""


def _text(raw: dict[str, Any], key: str, where: str = "") -> str:
    label = f"{where}{key}"
    if key not in raw:
        raise OutputsError(f"missing output {label!r}: run `pulumi stack output --json --show-secrets`")
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise OutputsError(f"output {label!r} must be a non-empty string, got {value!r}")
    return value


def _endpoint(raw: dict[str, Any]) -> str:
    endpoint = _text(raw, names.ENDPOINT)
    # The kubeconfig adds https:// itself; a scheme or path here would give https://https://...
    if "://" in endpoint or "/" in endpoint or not _HOST.match(endpoint):
        raise OutputsError(
            f"output {names.ENDPOINT!r} must be a bare host or IP (no scheme, no path), got {endpoint!r}"
        )
    return endpoint


def _control_plane_access(raw: dict[str, Any]) -> ControlPlaneAccess:
    # Absent in the outputs of stacks from before the DNS-based endpoint: they were reached by IP.
    value = raw.get(names.CONTROL_PLANE_ACCESS, ControlPlaneAccess.IP.value)
    try:
        return ControlPlaneAccess(value)
    except ValueError:
        allowed = ", ".join(access.value for access in ControlPlaneAccess)
        raise OutputsError(f"output {names.CONTROL_PLANE_ACCESS!r} must be one of {allowed}, got {value!r}") from None


def _dns_endpoint(raw: dict[str, Any], access: ControlPlaneAccess) -> str:
    if not access.dns:
        return str(raw.get(names.DNS_ENDPOINT) or "")
    endpoint = _text(raw, names.DNS_ENDPOINT)
    # A bare name under gke.goog: the files verify it with the system CA bundle, so it must be GKE's own name.
    if not endpoint.endswith(f".{DNS_ENDPOINT_DOMAIN}") or "/" in endpoint or not _HOST.match(endpoint):
        raise OutputsError(
            f"output {names.DNS_ENDPOINT!r} must be the cluster's DNS-based endpoint <uid>.<location>."
            f"{DNS_ENDPOINT_DOMAIN} (no scheme, no path), got {endpoint!r}"
        )
    return endpoint


def _ca_certificate(raw: dict[str, Any]) -> str:
    encoded = _text(raw, names.CLUSTER_CA_CERTIFICATE)
    try:
        pem = base64.b64decode(encoded, validate=True).decode("ascii")
        ssl.PEM_cert_to_DER_cert(pem)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise OutputsError(
            f"output {names.CLUSTER_CA_CERTIFICATE!r} must be base64 of a PEM certificate "
            f"(as GKE's masterAuth.clusterCaCertificate returns it): {error}"
        ) from error
    return encoded


def _namespace(raw: dict[str, Any], where: str) -> str:
    namespace = _text(raw, names.NAMESPACE, where)
    if dns1123_label_problem(namespace):
        raise OutputsError(f"output {where + names.NAMESPACE!r} must be a DNS-1123 label, got {namespace!r}")
    return namespace


def _xcom_push(raw: dict[str, Any], where: str) -> bool:
    label = where + names.XCOM_PUSH
    if names.XCOM_PUSH not in raw:
        raise OutputsError(f"missing output {label!r}: expected true or false")
    value = raw[names.XCOM_PUSH]
    # A string "false" is truthy; only a JSON boolean says what it means.
    if not isinstance(value, bool):
        raise OutputsError(f"output {label!r} must be a JSON boolean, got {value!r}")
    return value


def _gpu_quota(raw: dict[str, Any], where: str, pools: dict[str, GpuPool]) -> int:
    value = raw.get(names.GPU_QUOTA, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OutputsError(f"output {where + names.GPU_QUOTA!r} must be a whole number >= 0, got {value!r}")
    # The stack exports 0 without a pool; a quota here would render a DAG without GPU silently.
    if value > 0 and not pools:
        raise OutputsError(
            f"output {where + names.GPU_QUOTA!r} is {value} but outputs {names.GPU_POOLS!r} and {names.GPU!r} "
            "are absent or empty"
        )
    return value


def _tenant_gpu_pools(raw: dict[str, Any], where: str, pools: dict[str, GpuPool]) -> tuple[GpuPool, ...]:
    if _gpu_quota(raw, where, pools) == 0:
        return ()
    label = where + names.TENANT_GPU_POOLS
    # Absent in outputs of stacks from before GPU pools had names: the tenant used the one pool.
    chosen = raw.get(names.TENANT_GPU_POOLS, list(pools))
    if not isinstance(chosen, list) or not all(isinstance(name, str) and name in pools for name in chosen):
        raise OutputsError(f"output {label!r} must list names of output {names.GPU_POOLS!r}, got {chosen!r}")
    return tuple(pools[name] for name in chosen)


def _identity_mode(raw: dict[str, Any], where: str) -> None:
    # Absent in outputs of stacks from before federation; present, it decides whether a credential file is needed.
    mode = raw.get(names.IDENTITY_MODE)
    if mode is not None and mode not in IDENTITY_MODES:
        raise OutputsError(f"output {where + names.IDENTITY_MODE!r} must be one of {', '.join(IDENTITY_MODES)}")


def _service_account_name(raw: dict[str, Any], where: str) -> str | None:
    # Null (what the Python SDK writes for a None inside a dict) or absent: the tenant has no task identity.
    task = raw.get(names.TASK_SERVICE_ACCOUNT)
    if task is None:
        return None
    label = f"{where}{names.TASK_SERVICE_ACCOUNT}."
    account = _text(_mapping(task, label.rstrip(".")), names.KUBERNETES_SERVICE_ACCOUNT, label)
    if dns1123_label_problem(account):
        raise OutputsError(f"output {label + names.KUBERNETES_SERVICE_ACCOUNT!r} must be a DNS-1123 label")
    return account


def _credential_config(raw: dict[str, Any], where: str) -> dict[str, Any] | None:
    """Present exactly for a federated tenant; checked for what the auth plugin needs, so a hand-edited outputs
    file fails here rather than in the plugin inside a worker."""
    label = where + names.CREDENTIAL_CONFIG
    config = raw.get(names.CREDENTIAL_CONFIG)
    federated = raw.get(names.IDENTITY_MODE) == IdentityMode.FEDERATED
    if config is None:
        if federated:
            raise OutputsError(f"missing output {label!r}: a federated tenant needs its credential configuration")
        return None
    config = _mapping(config, label)
    if config.get("type") != "external_account":
        raise OutputsError(f"output {label + '.type'!r} must be 'external_account', got {config.get('type')!r}")
    for key in ("audience", "subject_token_type", "token_url", "service_account_impersonation_url"):
        _text(config, key, label + ".")
    source = _mapping(config.get("credential_source"), label + ".credential_source")
    if not str(source.get("file", "")).startswith("/"):
        raise OutputsError(f"output {label + '.credential_source.file'!r} must be the token's absolute path")
    return config


def _mapping(value: Any, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise OutputsError(f"output {label!r} must be an object, got {value!r}")
    return value


def _positive(value: Any, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OutputsError(f"output {label!r} must be a positive integer, got {value!r}")
    return value


def _selector(value: Any, label: str) -> dict[str, str]:
    selector = _mapping(value, label)
    if not selector or not all(isinstance(v, str) for v in [*selector, *selector.values()]):
        raise OutputsError(f"output {label!r} must map strings to strings, got {selector!r}")
    return dict(sorted(selector.items()))


def _toleration(value: Any, label: str) -> Toleration:
    taint = _mapping(value, label)
    return Toleration(*(_text(taint, part, f"{label}.") for part in ("key", "value", "effect")))


def _gpu_pools(raw: dict[str, Any]) -> dict[str, GpuPool]:
    """The ``gpu_pools`` output; outputs from before it carry the one pool as ``gpu``. Absent means none: Pulumi's
    Python SDK drops None-valued exports, so a stack without a GPU pool has no ``gpu`` key."""
    if names.GPU_POOLS not in raw:
        return _legacy_gpu(raw)
    pools = {}
    for name, entry in _mapping(raw[names.GPU_POOLS], names.GPU_POOLS).items():
        label = f"{names.GPU_POOLS}.{name}"
        if dns1123_label_problem(name):
            raise OutputsError(f"output {names.GPU_POOLS!r} has a pool {name!r} that is no DNS-1123 label")
        pool = _mapping(entry, label)
        tolerations = pool.get(names.TOLERATIONS)
        if not isinstance(tolerations, list) or not tolerations:
            raise OutputsError(f"output {label}.{names.TOLERATIONS!r} must be a non-empty list, got {tolerations!r}")
        pools[name] = GpuPool(
            name=name,
            accelerator=_text(pool, names.ACCELERATOR, f"{label}."),
            task_gpus=_positive(pool.get(names.TASK_GPUS), f"{label}.{names.TASK_GPUS}"),
            capacity=_text(pool, names.CAPACITY, f"{label}."),
            tolerations=tuple(_toleration(item, f"{label}.{names.TOLERATIONS}[]") for item in tolerations),
            node_selector=_selector(pool.get(names.NODE_SELECTOR), f"{label}.{names.NODE_SELECTOR}"),
        )
    return pools


def _legacy_gpu(raw: dict[str, Any]) -> dict[str, GpuPool]:
    if raw.get(names.GPU) is None:
        return {}
    gpu = _mapping(raw[names.GPU], names.GPU)
    pool = GpuPool(
        name="gpu",
        accelerator=_text(gpu, "accelerator", "gpu."),
        task_gpus=_positive(gpu.get("count"), "gpu.count"),
        capacity="",
        tolerations=(_toleration(gpu.get("taint"), "gpu.taint"),),
        node_selector=_selector(gpu.get("node_selector"), "gpu.node_selector"),
    )
    return {pool.name: pool}


def parse_outputs(raw: dict[str, Any]) -> dict[str, TenantOutputs]:
    """What each tenant's artifacts need, checked, keyed by tenant name; unknown extra keys are ignored."""
    access = _control_plane_access(raw)
    cluster: dict[str, Any] = {
        "project": _text(raw, names.PROJECT),
        "location": _text(raw, names.LOCATION),
        "cluster_name": _text(raw, names.CLUSTER_NAME),
        "endpoint": _endpoint(raw),
        "cluster_ca_certificate": _ca_certificate(raw),
        "control_plane_access": access,
        "dns_endpoint": _dns_endpoint(raw, access),
    }
    pools = _gpu_pools(raw)
    if names.TENANTS not in raw:
        raise OutputsError(f"missing output {names.TENANTS!r}: run `pulumi stack output --json --show-secrets`")
    tenants = _mapping(raw[names.TENANTS], names.TENANTS)
    if not tenants:
        raise OutputsError(f"output {names.TENANTS!r} names no tenant")
    parsed = {}
    for tenant, entry in sorted(tenants.items()):
        where = f"{names.TENANTS}.{tenant}."
        if dns1123_label_problem(tenant):
            raise OutputsError(f"output {names.TENANTS!r} has a tenant {tenant!r} that is no DNS-1123 label")
        fields = _mapping(entry, where.rstrip("."))
        _identity_mode(fields, where)
        parsed[tenant] = TenantOutputs(
            **cluster,
            namespace=_namespace(fields, where),
            xcom_push=_xcom_push(fields, where),
            gpu_pools=_tenant_gpu_pools(fields, where, pools),
            service_account_name=_service_account_name(fields, where),
            credential_config=_credential_config(fields, where),
        )
    return parsed


def check_conn_id(conn_id: str) -> str:
    # The id becomes part of an environment variable name (AIRFLOW_CONN_<ID>).
    if not _CONN_ID.match(conn_id):
        raise OutputsError(f"connection id must use only letters, digits and '_', got {conn_id!r}")
    return conn_id
