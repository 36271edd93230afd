"""Pure functions from checked stack outputs to the text of each Airflow artifact."""

from __future__ import annotations

import json
import shlex
from typing import Any

from gke_kpo.cloud.federation import CREDENTIALS_FILE_NAME, credential_file
from gke_kpo.render import pins, pod_security
from gke_kpo.render.dockerfile import plugin_block
from gke_kpo.render.long_tasks import GPU_MAX_RETRY_DELAY_SECONDS, GPU_STARTUP_TIMEOUT_SECONDS, DagOptions
from gke_kpo.render.templates import render_template
from gke_kpo.render.validate import TenantOutputs
from gke_kpo.spec.kubeconfig import api_server, context_name, kubeconfig_dict, kubeconfig_yaml
from gke_kpo.yaml_text import safe_dump

SEED_IMAGE = pins.TASK_IMAGE
"""The source document's example image (ubuntu), kept so its DAG is recognisable, with a fixed tag."""


def _kubeconfig_args(stack: TenantOutputs) -> tuple[str, str, str, str, str | None]:
    access, cluster_ca = stack.control_plane_access, stack.cluster_ca_certificate
    server, pinned_ca = api_server(access, stack.endpoint, stack.dns_endpoint, cluster_ca)
    return stack.project, stack.location, stack.cluster_name, server, pinned_ca


def kubeconfig_file(stack: TenantOutputs, credentials_path: str | None = None) -> str:
    """``credentials_path``: a federated identity's credential file in the image (see gke_kpo.config.federation)."""
    return kubeconfig_yaml(*_kubeconfig_args(stack), credentials_path)


def connection_extra(stack: TenantOutputs, credentials_path: str | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "kube_config": kubeconfig_dict(*_kubeconfig_args(stack), credentials_path),
        "namespace": stack.namespace,
        # A JSON boolean: the string "false" is truthy and would select in-cluster config.
        "in_cluster": False,
    }
    if stack.xcom_push:
        # KPO's hook reads both as JSON text (KubernetesHook.get_xcom_sidecar_container_*), for every task of every
        # DAG on this connection: the sidecar of a user's own do_xcom_push task passes restricted too.
        extra["xcom_sidecar_container_security_context"] = _compact_json(pod_security.CONTAINER_SECURITY_CONTEXT)
        extra["xcom_sidecar_container_resources"] = _compact_json(pod_security.XCOM_SIDECAR_RESOURCES)
    return extra


def _compact_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def connection(
    stack: TenantOutputs, credentials_path: str | None = None, description: str | None = None
) -> dict[str, Any]:
    # Airflow's connection JSON accepts a description (shown in the UI): the one mark JSON can carry.
    described = {"description": description} if description else {}
    return {"conn_type": "kubernetes", "extra": connection_extra(stack, credentials_path), **described}


def connection_json(stack: TenantOutputs, credentials_path: str | None = None, description: str | None = None) -> str:
    return json.dumps(connection(stack, credentials_path, description), indent=2, sort_keys=True) + "\n"


def env_var_name(conn_id: str) -> str:
    return f"AIRFLOW_CONN_{conn_id.upper()}"


EVERY_COMPONENT = (
    "# Give this connection to the scheduler, the workers and the triggerer alike: a deferrable KPO task\n"
    "# resolves it in the triggerer too (on Astro, a Deployment environment variable reaches all three).\n"
)


def connection_env(
    stack: TenantOutputs, conn_id: str, credentials_path: str | None = None, description: str | None = None
) -> str:
    value = shlex.quote(_compact_json(connection(stack, credentials_path, description)))
    return f"{EVERY_COMPONENT}{env_var_name(conn_id)}={value}\n"


def airflow_settings(
    stack: TenantOutputs, conn_id: str, credentials_path: str | None = None, description: str | None = None
) -> str:
    """``description``: kept in the entry itself (the Astro CLI ignores the key), so a merge into a file of the
    user's carries it where a file-level comment would not go."""
    described = {"conn_description": description} if description else {}
    settings = {
        "airflow": {
            "connections": [
                {
                    "conn_id": conn_id,
                    **described,
                    "conn_type": "kubernetes",
                    # A string: the Astro CLI lowercases nested YAML keys (apiVersion -> apiversion).
                    "conn_extra": _compact_json(connection_extra(stack, credentials_path)),
                }
            ],
            "pools": [],
            "variables": [],
        }
    }
    return EVERY_COMPONENT + safe_dump(settings, sort_keys=False, width=1_000_000)


def dockerfile(credentials_path: str | None = None) -> str:
    """With ``credentials_path``, the image also carries the federated identity's credential file there."""
    return render_template(
        "Dockerfile.j2", pins=pins, plugin_block=plugin_block(CREDENTIALS_FILE_NAME, credentials_path)
    )


def gcp_credentials(config: dict[str, Any]) -> str:
    """The ``external_account`` file built by ``gke_kpo.spec.federation.credential_config``."""
    return credential_file(config)


def requirements() -> str:
    return render_template("requirements.txt.j2", pins=pins)


def dag(stack: TenantOutputs, conn_id: str, options: DagOptions) -> str:
    return render_template(
        "dags/remote_kpo.py.j2",
        cluster=context_name(stack.project, stack.location, stack.cluster_name),
        conn_id=conn_id,
        namespace=stack.namespace,
        image=SEED_IMAGE,
        gpu_image=pins.GPU_TASK_IMAGE,
        max_retry_delay=GPU_MAX_RETRY_DELAY_SECONDS,
        gpu_pools=stack.gpu_pools,
        xcom_push=stack.xcom_push,
        service_account_name=stack.service_account_name,
        long_task=options,
        derived_startup_timeout=GPU_STARTUP_TIMEOUT_SECONDS,
        task_uid=pod_security.TASK_UID,
        pod_security_context=pod_security.POD_SECURITY_CONTEXT,
        container_security_context=pod_security.CONTAINER_SECURITY_CONTEXT,
        requests=pod_security.TASK_REQUESTS,
        limits=pod_security.TASK_LIMITS,
    )
