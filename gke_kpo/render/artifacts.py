"""Pure functions from checked stack outputs to the text of each Airflow artifact."""

from __future__ import annotations

import json
import shlex
from typing import Any

from gke_kpo.kubeconfig import context_name, kubeconfig_dict, kubeconfig_yaml
from gke_kpo.render import pins
from gke_kpo.render.long_tasks import DagOptions
from gke_kpo.render.templates import render_template
from gke_kpo.render.validate import TenantOutputs
from gke_kpo.yaml_text import safe_dump

SEED_IMAGE = "ubuntu:latest"
"""The image of the source document's example task, kept so its DAG is recognisable."""


def _kubeconfig_args(stack: TenantOutputs) -> tuple[str, str, str, str, str]:
    return (
        stack.project,
        stack.location,
        stack.cluster_name,
        stack.endpoint,
        stack.cluster_ca_certificate,
    )


def kubeconfig_file(stack: TenantOutputs) -> str:
    return kubeconfig_yaml(*_kubeconfig_args(stack))


def connection_extra(stack: TenantOutputs) -> dict[str, Any]:
    return {
        "kube_config": kubeconfig_dict(*_kubeconfig_args(stack)),
        "namespace": stack.namespace,
        # A JSON boolean: the string "false" is truthy and would select in-cluster config.
        "in_cluster": False,
    }


def _compact_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def connection(stack: TenantOutputs) -> dict[str, Any]:
    return {"conn_type": "kubernetes", "extra": connection_extra(stack)}


def connection_json(stack: TenantOutputs) -> str:
    return json.dumps(connection(stack), indent=2, sort_keys=True) + "\n"


def env_var_name(conn_id: str) -> str:
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def connection_env(stack: TenantOutputs, conn_id: str) -> str:
    return f"{env_var_name(conn_id)}={shlex.quote(_compact_json(connection(stack)))}\n"


def airflow_settings(stack: TenantOutputs, conn_id: str) -> str:
    settings = {
        "airflow": {
            "connections": [
                {
                    "conn_id": conn_id,
                    "conn_type": "kubernetes",
                    # A string: the Astro CLI lowercases nested YAML keys (apiVersion -> apiversion).
                    "conn_extra": _compact_json(connection_extra(stack)),
                }
            ],
            "pools": [],
            "variables": [],
        }
    }
    return safe_dump(settings, sort_keys=False, width=1_000_000)


def dockerfile() -> str:
    return render_template("Dockerfile.j2", pins=pins)


def requirements() -> str:
    return render_template("requirements.txt.j2", pins=pins)


def dag(stack: TenantOutputs, conn_id: str, options: DagOptions) -> str:
    return render_template(
        "dags/remote_kpo.py.j2",
        cluster=context_name(stack.project, stack.location, stack.cluster_name),
        conn_id=conn_id,
        namespace=stack.namespace,
        image=SEED_IMAGE,
        gpu=stack.gpu,
        xcom_push=stack.xcom_push,
        service_account_name=stack.service_account_name,
        long_task=options,
    )
