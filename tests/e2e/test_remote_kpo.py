"""End to end: `airflow dags test` runs the rendered DAG with the rendered connection against a
loopback GKE whose API trusts only Workload Identity tokens (fetched by the real auth plugin)
and enforces exactly the stack's RBAC rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.cloud.permissions import rbac_rules
from gke_kpo.contract import outputs as names
from gke_kpo.render import write_files
from gke_kpo.render.artifacts import SEED_IMAGE
from gke_kpo.render.pod_security import CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT

from .airflow_run import AirflowHome, connection_env_var
from .conftest import SERVICE_ACCOUNT
from .fake_kube_api import ClusterState, serve_kube_api
from .fake_metadata import MetadataState
from .stack import NAMESPACE, TENANT, loopback_outputs, tenant_files
from .tls import ServerTls

DAG_ID = "remote_kpo"
SEED_COMMAND = ["echo"]
SEED_ARGUMENTS = ["External KPO is working!"]


@dataclass
class Run:
    cluster: ClusterState
    home: AirflowHome
    returncode: int
    output: str
    token_fetches: int


@pytest.fixture
def run_dag(
    tmp_path: Path,
    auth_plugin: str,
    metadata_server: tuple[MetadataState, str],
    server_tls: ServerTls,
    migrated_airflow_home: AirflowHome,
) -> Iterator[Any]:
    metadata, metadata_host = metadata_server

    def run(drop_rule: dict[str, Any] | None = None) -> Run:
        with_rules = loopback_outputs("127.0.0.1:0", server_tls.ca_base64, SERVICE_ACCOUNT)[names.TENANTS][TENANT][
            names.RBAC_RULES
        ]
        rules = [rule for rule in with_rules if rule != drop_rule]
        cluster = ClusterState(token=metadata.access_token, namespace=NAMESPACE, rules=rules)
        with serve_kube_api(cluster, server_tls) as endpoint:
            files = tenant_files(loopback_outputs(endpoint, server_tls.ca_base64, SERVICE_ACCOUNT))
            write_files(files, tmp_path / "rendered")
            home = migrated_airflow_home.clone(tmp_path / "home", tmp_path / "rendered" / "dags", metadata_host)
            name, value = connection_env_var(files["connection.env"])
            fetches_before = metadata.token_requests
            result = home.run("dags", "test", DAG_ID, extra_env={name: value})
        output = result.stdout + result.stderr
        return Run(cluster, home, result.returncode, output, metadata.token_requests - fetches_before)

    yield run


def test_rendered_dag_runs_a_pod_with_exactly_the_stack_role(run_dag: Any) -> None:
    run: Run = run_dag()

    assert run.home.task_states(DAG_ID) == {"run_on_gke": "success"}, run.output[-4000:]
    denied = [record for record in run.cluster.audit if not record.allowed]
    assert denied == [], denied
    [pod] = run.cluster.pods.created
    assert pod["metadata"]["namespace"] == NAMESPACE
    [container] = pod["spec"]["containers"]
    assert (container["image"], container["command"], container["args"]) == (SEED_IMAGE, SEED_COMMAND, SEED_ARGUMENTS)
    # What the API received passes restricted: the rendered contexts reach it through the real KPO.
    assert pod["spec"]["securityContext"] == POD_SECURITY_CONTEXT
    assert container["securityContext"] == CONTAINER_SECURITY_CONTEXT
    assert any(r.attributes.resource == "pods/log" and r.status == 200 for r in run.cluster.audit)
    assert SEED_ARGUMENTS[0] in run.output
    [deleted] = run.cluster.pods.deleted
    assert deleted.manifest["metadata"]["name"] == pod["metadata"]["name"]
    assert deleted.phases_seen == ["Pending", "Running", "Succeeded"]
    assert run.token_fetches >= 1


def _rule_for(resource: str) -> dict[str, Any]:
    [rule] = [rule for rule in rbac_rules(xcom_push=False) if rule["resources"] == [resource]]
    return rule


@pytest.mark.parametrize("resource", ["pods", "pods/log"])
def test_task_fails_with_403_when_a_needed_rule_is_missing(run_dag: Any, resource: str) -> None:
    run: Run = run_dag(drop_rule=_rule_for(resource))

    assert run.home.task_states(DAG_ID) == {"run_on_gke": "failed"}, run.output[-4000:]
    assert {record.attributes.resource for record in run.cluster.audit if record.status == 403} == {resource}
    assert "403" in run.output


def test_events_rule_only_feeds_the_task_log(run_dag: Any) -> None:
    """KPO watches pod events best-effort: without ``events: list`` the pod still runs, but the
    403 is logged and the user loses the scheduling events (why the Role keeps the rule)."""
    run: Run = run_dag(drop_rule=_rule_for("events"))

    assert run.home.task_states(DAG_ID) == {"run_on_gke": "success"}, run.output[-4000:]
    assert {record.attributes.resource for record in run.cluster.audit if record.status == 403} == {"events"}
    assert "Stopped watching events" in run.output
