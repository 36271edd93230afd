"""Checkov's Kubernetes checks, an independent and maintained checker, judge the pods the rendered DAG builds.

The pods are what the real KubernetesPodOperator builds from the rendered DAG and connection
(``build_pod_request_obj``, XCom sidecar included: tests/render/pod_probe.py), next to the tenant's fence, so
Checkov's graph check that a pod has a NetworkPolicy sees it. Checkov runs in its own venv (tests/tool_venv.py): its
pins conflict with Airflow's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from gke_kpo.cloud.pod_network import Egress
from gke_kpo.contract import outputs as names
from gke_kpo.render import write_files
from gke_kpo.spec.network_fence import fence_policy
from tests.tool_venv import tool_bin

from .conftest import OUTPUT_CASES, one_tenant_files, outputs_case, tenant_of

pytestmark = pytest.mark.xdist_group("tool-venvs")

PROBE = Path(__file__).with_name("pod_probe.py")
CONN_ID = "remote_gke"
SEED = "seed"

EXCLUDED: Final = {
    "CKV_K8S_8": "liveness probe: a task runs to completion under restartPolicy Never; a probe could only kill it",
    "CKV_K8S_9": "readiness probe: no Service sends traffic to a task pod",
    "CKV_K8S_11": "CPU limit: it only throttles a batch task on an idle node; the namespace's LimitRange caps CPU "
    "(and the API server fills in its maximum as the limit: gke_kpo/cloud/limit_ranger.py)",
    "CKV_K8S_15": "imagePullPolicy Always: tags are fixed (CKV_K8S_14 stays on), every tenant's pods pull with the "
    "one node identity, so Always isolates nothing, and the XCom sidecar would re-pull from Docker Hub each task",
    "CKV_K8S_38": "service account token: the pod's Kubernetes SA (default, or the task SA) holds no RBAC grant "
    "(the Role binds only Airflow's identity; rbac-least-privilege, tenant-isolation), so the token opens nothing; "
    "a task that talks to the API may need it",
    "CKV_K8S_43": "image digest: the example image is a fixed tag (gke_kpo/render/pins.py) and a user's images are "
    "theirs to pin; no digest can be checked against a registry from here",
}

RESTRICTED_FAILURES: Final = {
    "CKV_K8S_10",  # CPU requests
    "CKV_K8S_12",  # memory requests
    "CKV_K8S_13",  # memory limits
    "CKV_K8S_14",  # image tag fixed (ubuntu:latest)
    "CKV_K8S_20",  # allowPrivilegeEscalation
    "CKV_K8S_22",  # read-only root file system
    "CKV_K8S_23",  # root containers
    "CKV_K8S_28",  # NET_RAW
    "CKV_K8S_31",  # seccomp profile
    "CKV_K8S_37",  # capabilities
    "CKV_K8S_40",  # high UID
}
"""What Checkov reports on the seed's task as the seed wrote it: the gaps the issue lists, each closed now."""


def _airflow_env(home: Path, connection: dict[str, Any]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    return env | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        f"AIRFLOW_CONN_{CONN_ID.upper()}": json.dumps(connection),
    }


def _build_pods(outputs: dict[str, Any], root: Path) -> dict[str, Any]:
    files = one_tenant_files(outputs, conn_id=CONN_ID)
    write_files(files, root / "out")
    env = _airflow_env(root / "home", json.loads(files["connection.json"]))
    command = [sys.executable, str(PROBE), str(root / "out" / "dags"), "--seed"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    pods: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return pods


def checkov_failures(manifests: dict[str, list[dict[str, Any]]], folder: Path) -> dict[str, set[str]]:
    """Failed check ids per manifest file (``<name>.yaml``), from Checkov's Kubernetes framework, offline."""
    folder.mkdir(parents=True)
    for name, documents in manifests.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump_all(documents))
    command = [str(tool_bin("checkov", "checkov")), "-d", str(folder), "--framework", "kubernetes", "-o", "json"]
    # --skip-download: no guideline download from the vendor's API (there is no network here, nor need).
    env = os.environ | {"BC_SKIP_MAPPING": "TRUE"}
    result = subprocess.run([*command, "--skip-download"], env=env, capture_output=True, text=True, check=False)
    report = json.loads(result.stdout)
    assert report["summary"]["parsing_errors"] == 0, result.stderr[-3000:]
    failures: dict[str, set[str]] = {name: set() for name in manifests}
    for check in report["results"]["failed_checks"]:
        failures[Path(check["file_path"]).stem].add(check["check_id"])
    return failures


@pytest.fixture(scope="module", params=OUTPUT_CASES)
def judged(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    pytest.importorskip("airflow.providers.cncf.kubernetes", reason="Airflow's Kubernetes provider is not installed")
    outputs = outputs_case(request.param)
    root = tmp_path_factory.mktemp(f"checkov-{request.param}")
    pods = _build_pods(outputs, root)
    namespace = tenant_of(outputs)[names.NAMESPACE]
    fence = [fence_policy(namespace, Egress.INTERNET)]
    return checkov_failures({"fence": fence, **{task: [pod] for task, pod in pods.items()}}, root / "checkov")


def test_every_rendered_pod_passes_checkov_but_the_excluded_checks(judged: dict[str, set[str]]) -> None:
    rendered = {task: failed - set(EXCLUDED) for task, failed in judged.items() if task not in (SEED, "fence")}
    assert rendered, "the probe built no pod"
    assert rendered == {task: set() for task in rendered}


def test_the_seed_task_fails_the_checks_the_rendered_ones_pass(judged: dict[str, set[str]]) -> None:
    assert RESTRICTED_FAILURES <= judged[SEED], RESTRICTED_FAILURES - judged[SEED]


def test_every_excluded_check_is_one_checkov_still_reports() -> None:
    """An exclusion for a check Checkov no longer has (renamed, removed) would hide nothing; drop it then."""
    listing = subprocess.run(
        [str(tool_bin("checkov", "checkov")), "--list", "--framework", "kubernetes", "--skip-download"],
        env=os.environ | {"BC_SKIP_MAPPING": "TRUE"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(check in listing for check in EXCLUDED)
