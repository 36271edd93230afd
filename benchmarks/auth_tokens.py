"""Benchmark: what each kubeconfig credential path costs, measured offline against the loopback fakes.

Compares the plugin's ADC path (``--use_application_default_credentials``: one metadata-server
call per credential, no gcloud) with its default path (shells out to ``gcloud config
config-helper`` and caches the token next to the kubeconfig). Reports token fetches per KPO task
(a real ``airflow dags test`` run) and wall time per credential (one plugin process each).

Run from the repository root: ``python -m benchmarks.auth_tokens [--repeat N]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gke_kpo.cloud.permissions import rbac_rules
from gke_kpo.render import write_files
from gke_kpo.render.artifacts import env_var_name
from tests.e2e.airflow_run import AirflowHome, airflow_executable
from tests.e2e.fake_kube_api import ClusterState, serve_kube_api
from tests.e2e.fake_metadata import MetadataState, serve_metadata
from tests.e2e.stack import NAMESPACE, loopback_outputs, tenant_files
from tests.e2e.tls import ServerTls, make_server_tls

ADC = "adc"
GCLOUD = "gcloud"
CONN_ID = "gke_kpo"
SERVICE_ACCOUNT = "bench@bench-project.iam.gserviceaccount.com"


def _without_adc_flag(connection: dict[str, Any]) -> dict[str, Any]:
    """The same connection, but the plugin left on its default (gcloud) path."""
    changed = copy.deepcopy(connection)
    for user in changed["extra"]["kube_config"]["users"]:
        user["user"]["exec"].pop("args", None)
    return changed


def _env(home: AirflowHome, metadata_host: str) -> dict[str, str]:
    # gcloud reads GCE_METADATA_ROOT; google-auth (inside gcloud) and the Go client read GCE_METADATA_HOST.
    return home.environment({"GCE_METADATA_ROOT": metadata_host, "KUBECONFIG": str(home.path / "kubeconfig")})


def _time_credential(command: list[str], env: dict[str, str], before_each: Callable[[], None]) -> float:
    before_each()
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def credential_costs(
    metadata: MetadataState, metadata_host: str, workdir: Path, repeat: int
) -> dict[str, tuple[list[float], int]]:
    """Per path: wall time of each credential (one plugin process, as client-go/kubernetes-python
    run it) and the metadata token fetches all of them caused."""
    workdir.mkdir()
    env = _env(AirflowHome(workdir, workdir, metadata_host), metadata_host)
    cache = workdir / "gke_gcloud_auth_plugin_cache"

    def keep() -> None:
        """Nothing to reset between runs."""

    def drop_plugin_cache() -> None:
        cache.unlink(missing_ok=True)

    plugin = "gke-gcloud-auth-plugin"
    paths: dict[str, tuple[list[str], Callable[[], None]]] = {
        ADC: ([plugin, "--use_application_default_credentials"], keep),
        f"{GCLOUD} (plugin cache dropped)": ([plugin], drop_plugin_cache),
        f"{GCLOUD} (plugin cache warm)": ([plugin], keep),
    }
    costs = {}
    for name, (command, before_each) in paths.items():
        before = metadata.token_requests
        samples = [_time_credential(command, env, before_each) for _ in range(repeat)]
        costs[name] = (samples, metadata.token_requests - before)
    return costs


def token_fetches_per_task(
    metadata: MetadataState, metadata_host: str, tls: ServerTls, workdir: Path
) -> dict[str, tuple[int, float]]:
    """Metadata token fetches and wall time of one `airflow dags test` of the one-task DAG, per path."""
    template = AirflowHome(workdir / "template", workdir / "none", metadata_host)
    template.path.mkdir()
    subprocess.run(
        [str(airflow_executable()), "db", "migrate"], env=template.environment({}), capture_output=True, check=True
    )
    results = {}
    for path_name in (ADC, GCLOUD):
        cluster = ClusterState(token=metadata.access_token, namespace=NAMESPACE, rules=rbac_rules(False))
        with serve_kube_api(cluster, tls) as endpoint:
            files = tenant_files(loopback_outputs(endpoint, tls.ca_base64, SERVICE_ACCOUNT), conn_id=CONN_ID)
            write_files(files, workdir / path_name / "rendered")
            connection = json.loads(files["connection.json"])
            if path_name == GCLOUD:
                connection = _without_adc_flag(connection)
            home = template.clone(
                workdir / path_name / "home", workdir / path_name / "rendered" / "dags", metadata_host
            )
            env = _env(home, metadata_host) | {env_var_name(CONN_ID): json.dumps(connection)}
            before, started = metadata.token_requests, time.perf_counter()
            run = subprocess.run(
                [str(airflow_executable()), "dags", "test", "remote_kpo"], env=env, capture_output=True, text=True
            )
            elapsed = time.perf_counter() - started
            if home.task_states("remote_kpo") != {"run_on_gke": "success"}:
                raise RuntimeError(f"{path_name}: the task did not succeed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
            results[path_name] = (metadata.token_requests - before, elapsed)
    return results


def _summary(samples: list[float]) -> str:
    low, middle, high = (1000 * value for value in (min(samples), statistics.median(samples), max(samples)))
    return f"median {middle:7.1f} ms (min {low:.1f}, max {high:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=10, help="plugin runs per credential path")
    args = parser.parse_args()
    if not (shutil.which("gke-gcloud-auth-plugin") and shutil.which("gcloud") and airflow_executable()):
        raise SystemExit("needs gke-gcloud-auth-plugin, gcloud and airflow (next to this Python) on PATH")
    metadata = MetadataState(access_token="ya29.bench", service_account=SERVICE_ACCOUNT)
    with tempfile.TemporaryDirectory() as temp, serve_metadata(metadata) as metadata_host:
        workdir = Path(temp)
        for name, (samples, fetches) in credential_costs(
            metadata, metadata_host, workdir / "plugin", args.repeat
        ).items():
            print(f"per credential, {name:30s}: {_summary(samples)}; {fetches} token fetch(es) in {len(samples)} runs")
        tls = make_server_tls(workdir)
        for name, (fetches, elapsed) in token_fetches_per_task(metadata, metadata_host, tls, workdir).items():
            print(
                f"per KPO task, {name:6s}: {fetches} metadata token fetch(es); `airflow dags test` took {elapsed:.1f} s"
            )


if __name__ == "__main__":
    main()
