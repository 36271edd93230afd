"""End to end: the rendered GPU task on a pool scaled to zero, outliving several short-lived tokens.

The loopback metadata server mints a new token per fetch that expires after TOKEN_LIFETIME_SECONDS;
the loopback API refuses expired tokens with 401. The GPU pod stays unschedulable (with the events of
a real scale-up) for COLD_START_SECONDS, then prints one line a second for RUN_SECONDS, i.e. several
token lifetimes. `airflow dags test` runs the rendered DAG with the rendered connection, once with
the worker watching the pod (sync) and once deferred (`dags test` runs the trigger in-process and
resolves the same connection there).

Time runs TIME_SCALE times faster than on GKE: the test renders the GPU startup timeout scaled the
same way (GPU_STARTUP_TIMEOUT_SECONDS / TIME_SCALE), so the order that matters holds as in real life,
rendered timeout > cold start > KPO's default, without waiting half an hour; the KPO-default run
shows the cold start really outlasts that default.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render import DagOptions, write_files
from gke_kpo.render.long_tasks import GPU_STARTUP_TIMEOUT_SECONDS, KPO_DEFAULT_STARTUP_TIMEOUT_SECONDS

from .airflow_run import AirflowHome, connection_env_var
from .cold_gpu import ColdGpuWorkload
from .conftest import SERVICE_ACCOUNT
from .fake_kube_api import ClusterState, serve_kube_api
from .fake_metadata import MetadataState, serve_metadata
from .pods import FakePod
from .stack import GPU_POOL, NAMESPACE, TENANT, loopback_outputs, tenant_files
from .tls import ServerTls
from .tokens import TokenLedger

DAG_ID = "remote_kpo"
TOKEN_LIFETIME_SECONDS = 3
RUN_SECONDS = 4 * TOKEN_LIFETIME_SECONDS
TIME_SCALE = 100
"""One test second stands for 100 s on GKE."""
COLD_START_SECONDS = 7
"""About 12 min on GKE: well past KPO's default (1.2 s here) and within the rendered 18 s; also past
KPO's 5 s startup check interval, so the KPO-default run sees the pod still Pending."""
SCALED_GPU_STARTUP_TIMEOUT = GPU_STARTUP_TIMEOUT_SECONDS // TIME_SCALE
SCALED_KPO_DEFAULT = max(1, KPO_DEFAULT_STARTUP_TIMEOUT_SECONDS // TIME_SCALE)
WORKLOAD = ColdGpuWorkload(pending_seconds=COLD_START_SECONDS, run_seconds=RUN_SECONDS)


@dataclass
class GpuRun:
    cluster: ClusterState
    ledger: TokenLedger
    home: AirflowHome
    output: str
    seconds: float

    @property
    def deleted_gpu_pods(self) -> list[FakePod]:
        return [pod for pod in self.cluster.pods.deleted if pod.workload is not None]

    @property
    def denied(self) -> set[tuple[str, str]]:
        return {(r.attributes.resource, r.attributes.verb) for r in self.cluster.audit if r.status == 403}

    @property
    def statuses(self) -> set[int]:
        return {record.status for record in self.cluster.audit}


def _with_static_token(connection_env: str, token: str) -> tuple[str, str]:
    """The rendered connection with its exec plugin swapped for a pasted token, as users sometimes do."""
    name, value = connection_env_var(connection_env)
    connection = json.loads(value)
    [user] = connection["extra"]["kube_config"]["users"]
    user["user"] = {"token": token}
    return name, json.dumps(connection)


@pytest.fixture
def run_gpu_dag(
    tmp_path: Path, auth_plugin: str, server_tls: ServerTls, migrated_airflow_home: AirflowHome
) -> Iterator[Any]:
    def run(options: DagOptions, static_token: bool = False) -> GpuRun:
        ledger = TokenLedger("ya29.short-lived", TOKEN_LIFETIME_SECONDS)
        metadata = MetadataState(access_token="unused", service_account=SERVICE_ACCOUNT, ledger=ledger)
        cluster = ClusterState("unused", NAMESPACE, _stack_rules(server_tls), ledger=ledger, gpu_workload=WORKLOAD)
        with serve_metadata(metadata) as metadata_host, serve_kube_api(cluster, server_tls) as endpoint:
            outputs = loopback_outputs(endpoint, server_tls.ca_base64, SERVICE_ACCOUNT, gpu=GPU_POOL)
            files = tenant_files(outputs, dag_options=options)
            write_files(files, tmp_path / "rendered")
            home = migrated_airflow_home.clone(tmp_path / "home", tmp_path / "rendered" / "dags", metadata_host)
            name, value = connection_env_var(files["connection.env"])
            if static_token:
                name, value = _with_static_token(files["connection.env"], ledger.mint_pasted())
            started = time.monotonic()
            result = home.run("dags", "test", DAG_ID, extra_env={name: value})
            seconds = time.monotonic() - started
        print(
            f"airflow dags test ({options}, static_token={static_token}) took {seconds:.1f}s; "
            f"tokens minted {ledger.minted}, accepted {len(ledger.accepted)}, expired refused {ledger.refused_expired}"
        )
        return GpuRun(cluster, ledger, home, result.stdout + result.stderr, seconds)

    yield run


def _stack_rules(server_tls: ServerTls) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = loopback_outputs("127.0.0.1:0", server_tls.ca_base64, SERVICE_ACCOUNT)[names.TENANTS][
        TENANT
    ][names.RBAC_RULES]
    return rules


def _line_positions(output: str, lines: list[str]) -> list[int]:
    return [output.find(line) for line in lines]


@pytest.mark.parametrize("deferrable", [False, True], ids=["sync", "deferrable"])
def test_long_gpu_task_outlives_its_tokens_and_a_cold_pool(run_gpu_dag: Any, deferrable: bool) -> None:
    run: GpuRun = run_gpu_dag(DagOptions(deferrable=deferrable, gpu_startup_timeout_seconds=SCALED_GPU_STARTUP_TIMEOUT))

    assert run.home.task_states(DAG_ID) == {"run_on_gke": "success", "run_on_gpu": "success"}, run.output[-6000:]
    positions = _line_positions(run.output, WORKLOAD.expected_lines())
    assert -1 not in positions and positions == sorted(positions), run.output[-6000:]
    [deleted] = run.deleted_gpu_pods
    assert deleted.phases_seen == ["Pending", "Running", "Succeeded"]
    # Several token lifetimes passed: the client fetched new tokens and the API saw them, never an expired one.
    assert run.ledger.minted >= RUN_SECONDS // TOKEN_LIFETIME_SECONDS
    assert len(run.ledger.accepted) >= 3
    assert run.ledger.refused_expired == 0
    assert 401 not in run.statuses
    assert ("running trigger in line" in run.output) is deferrable
    # The deferrable trigger *watches* events: the Role grants events list and watch, so nothing is denied.
    assert run.denied == set()
    if not deferrable:
        # (`dags test` keeps the in-process trigger's own log out of its output, so only sync mode shows them.)
        assert "pod triggered scale-up" in run.output


def test_static_token_kubeconfig_fails_once_the_token_expires(run_gpu_dag: Any) -> None:
    """The same run with a pasted token instead of the plugin: the proof that the test above can fail."""
    run: GpuRun = run_gpu_dag(
        # One try: a retry would fail the same way after its delay, and `dags test` would sit out the delay.
        DagOptions(deferrable=False, gpu_startup_timeout_seconds=SCALED_GPU_STARTUP_TIMEOUT, gpu_retries=0),
        static_token=True,
    )

    assert run.home.task_states(DAG_ID)["run_on_gpu"] == "failed", run.output[-6000:]
    # Accepted while fresh, refused with 401 once expired, and nothing fetched a new one.
    assert run.ledger.accepted == {"ya29.short-lived-pasted"}
    assert run.ledger.refused_expired >= 1
    assert 401 in run.statuses
    assert run.ledger.minted == 0


def test_kpo_default_startup_timeout_fails_on_a_cold_pool(run_gpu_dag: Any) -> None:
    """The cold start really outlasts KPO's default: with it (scaled), the GPU task gives up."""
    assert SCALED_KPO_DEFAULT < COLD_START_SECONDS < SCALED_GPU_STARTUP_TIMEOUT  # the order on GKE, scaled
    options = DagOptions(deferrable=False, gpu_startup_timeout_seconds=SCALED_KPO_DEFAULT, gpu_retries=0)
    run: GpuRun = run_gpu_dag(options)

    assert run.home.task_states(DAG_ID)["run_on_gpu"] == "failed", run.output[-6000:]
    assert "Pod took too long to be scheduled" in run.output
    [deleted] = run.deleted_gpu_pods
    assert deleted.phases_seen == ["Pending"]
