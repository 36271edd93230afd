"""Two tenants on one loopback GKE: each authenticates with its own token (its own metadata server),
runs its rendered DAG with its rendered connection in its own namespace, and is refused (403) in the
other tenant's namespace. A binding of one tenant's identity in the other's namespace lets the
cross-tenant DAG through; the isolation check and the policy pack both catch it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config
from kubernetes.stream import stream

from gke_kpo.cloud.permissions import rbac_rules
from policies.kpo_policies import tenant_isolation
from tests.policies.harness import run_policy
from tests.policies.stacks import Resource

from .airflow_run import AirflowHome, connection_env_var
from .fake_kube_api import AuditRecord, ClusterState, serve_kube_api
from .fake_metadata import MetadataState, serve_metadata
from .rbac import bindings_from_resources
from .tenants import (
    CROSS_DAG_ID,
    DAG_ID,
    ETL,
    ML,
    TENANTS,
    Manifest,
    Tenant,
    as_policy_resources,
    broken_manifests,
    cluster_manifests,
    other,
    pointed_at,
    render_tenant,
)
from .tls import ServerTls

# The module fixtures start every Airflow process once: its tests share one pytest-xdist worker.
pytestmark = pytest.mark.xdist_group("e2e-tenants")

DAGS_TEST_MANY = Path(__file__).with_name("dags_test_many.py")


@dataclass
class TenantRun:
    tenant: Tenant
    home: AirflowHome
    output: str

    def state(self, dag_id: str) -> dict[str, str]:
        return self.home.task_states(dag_id)


@dataclass
class Cluster:
    state: ClusterState
    endpoint: str
    metadata_hosts: dict[str, str]


def _cluster_state(manifests: list[Manifest]) -> ClusterState:
    users = {tenant.token: tenant.identity for tenant in TENANTS}
    return ClusterState(users=users, bindings=bindings_from_resources([(m["kind"], m) for m in manifests]))


@pytest.fixture(scope="module")
def metadata_hosts() -> Iterator[dict[str, str]]:
    """One metadata server per tenant, as each Airflow deployment runs with its own identity."""
    with ExitStack() as servers:
        yield {
            tenant.name: servers.enter_context(serve_metadata(MetadataState(tenant.token, tenant.identity)))
            for tenant in TENANTS
        }


def _serve(manifests: list[Manifest], tls: ServerTls, hosts: dict[str, str]) -> Iterator[Cluster]:
    state = _cluster_state(manifests)
    with serve_kube_api(state, tls) as endpoint:
        yield Cluster(state, endpoint, hosts)


@pytest.fixture(scope="module")
def fenced(server_tls: ServerTls, metadata_hosts: dict[str, str]) -> Iterator[Cluster]:
    yield from _serve(cluster_manifests(), server_tls, metadata_hosts)


@pytest.fixture(scope="module")
def broken(server_tls: ServerTls, metadata_hosts: dict[str, str]) -> Iterator[Cluster]:
    yield from _serve(broken_manifests(), server_tls, metadata_hosts)


def _run_dags(cluster: Cluster, tenant: Tenant, root: Path, tls: ServerTls, template: AirflowHome) -> TenantRun:
    """The tenant's rendered DAG and the same DAG aimed at the other namespace, in one Airflow process."""
    files = render_tenant(cluster.endpoint, tls.ca_base64, tenant)
    dags = root / "dags"
    dags.mkdir(parents=True)
    own = files["dags/remote_kpo.py"]
    (dags / "remote_kpo.py").write_text(own)
    (dags / "remote_kpo_other_namespace.py").write_text(pointed_at(own, tenant.namespace, other(tenant).namespace))
    home = template.clone(root / "home", dags, cluster.metadata_hosts[tenant.name])
    name, value = connection_env_var(files["connection.env"])
    result = home.run_script(DAGS_TEST_MANY, DAG_ID, CROSS_DAG_ID, extra_env={name: value})
    return TenantRun(tenant, home, result.stdout + result.stderr)


BROKEN = "etl-e2e-with-broken-bindings"


@pytest.fixture(scope="module")
def runs(
    fenced: Cluster,
    broken: Cluster,
    auth_plugin: str,
    server_tls: ServerTls,
    migrated_airflow_home: AirflowHome,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, TenantRun]:
    """Every Airflow process at once: they mostly wait on KPO's polling, and each starts in ~10 s."""
    jobs = {ML.name: (fenced, ML), ETL.name: (fenced, ETL), BROKEN: (broken, ETL)}
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {
            key: pool.submit(
                _run_dags, cluster, tenant, tmp_path_factory.mktemp(key), server_tls, migrated_airflow_home
            )
            for key, (cluster, tenant) in jobs.items()
        }
    return {key: future.result() for key, future in futures.items()}


def cross_tenant_requests(audit: list[AuditRecord]) -> list[AuditRecord]:
    """Requests a tenant's identity got through in a namespace that is not its own: an isolation breach."""
    namespace_of = {tenant.identity: tenant.namespace for tenant in TENANTS}
    return [
        record
        for record in audit
        if record.allowed and record.attributes.namespace not in (None, namespace_of.get(record.user or ""))
    ]


def assert_fenced(state: ClusterState) -> None:
    """The isolation check: no tenant identity got anything done outside its own namespace."""
    breaches = cross_tenant_requests(state.audit)
    assert breaches == [], [(r.user, r.method, r.path) for r in breaches]


@pytest.mark.parametrize("tenant", TENANTS, ids=lambda t: t.name)
def test_each_tenant_runs_its_rendered_dag_in_its_namespace(
    runs: dict[str, TenantRun], fenced: Cluster, tenant: Tenant
) -> None:
    run = runs[tenant.name]
    assert run.state(DAG_ID) == {"run_on_gke": "success"}, run.output[-4000:]
    mine = [r for r in fenced.state.audit if r.user == tenant.identity and r.attributes.namespace == tenant.namespace]
    assert any(r.attributes.resource == "pods" and r.attributes.verb == "create" and r.allowed for r in mine)
    assert any(r.attributes.resource == "pods/log" and r.status == 200 for r in mine)


@pytest.mark.parametrize("tenant", TENANTS, ids=lambda t: t.name)
def test_the_same_dag_in_the_other_namespace_gets_403(
    runs: dict[str, TenantRun], fenced: Cluster, tenant: Tenant
) -> None:
    run = runs[tenant.name]
    assert run.state(CROSS_DAG_ID) == {"run_on_gke": "failed"}, run.output[-4000:]
    refused = [r for r in fenced.state.audit if r.user == tenant.identity and r.status == 403]
    assert refused and {r.attributes.namespace for r in refused} == {other(tenant).namespace}
    forbidden = rf'User \\?"{re.escape(tenant.identity)}\\?" cannot \w+ resource \\?"pods\\?" in the namespace'
    assert "(403)" in run.output and re.search(forbidden, run.output), run.output[-4000:]


def test_no_request_crossed_a_tenant_boundary(runs: dict[str, TenantRun], fenced: Cluster) -> None:
    assert_fenced(fenced.state)
    pod_namespaces = {pod["metadata"]["namespace"] for pod in fenced.state.pods.created}
    assert pod_namespaces == {tenant.namespace for tenant in TENANTS}


def test_a_binding_to_the_other_tenant_breaks_isolation_and_is_caught(
    runs: dict[str, TenantRun], broken: Cluster
) -> None:
    """The fake enforces what it is given: with ETL also bound in ML's namespace, ETL's DAG aimed at ML's
    namespace succeeds. The boundary check above must then fail, and the pack must refuse the binding."""
    run = runs[BROKEN]

    assert run.state(CROSS_DAG_ID) == {"run_on_gke": "success"}, run.output[-4000:]
    breaches = cross_tenant_requests(broken.state.audit)
    assert breaches and {(r.user, r.attributes.namespace) for r in breaches} == {(ETL.identity, ML.namespace)}
    with pytest.raises(AssertionError):
        assert_fenced(broken.state)

    outcome = run_policy(tenant_isolation.POLICY, [Resource(*r) for r in as_policy_resources(broken_manifests())])
    assert outcome.mentions(f"binds User '{ETL.identity}' of tenant namespace '{ETL.namespace}'")
    assert (
        run_policy(tenant_isolation.POLICY, [Resource(*r) for r in as_policy_resources(cluster_manifests())]).messages
        == []
    )


def _api_for(tenant: Tenant, cluster: Cluster, tls: ServerTls, home: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Kubernetes client from the tenant's rendered kubeconfig; the real plugin fetches its token."""
    files = render_tenant(cluster.endpoint, tls.ca_base64, tenant)
    (home / "kubeconfig.yaml").write_text(files["kubeconfig.yaml"])
    for name, value in AirflowHome(home, home, cluster.metadata_hosts[tenant.name]).environment({}).items():
        monkeypatch.setenv(name, value)
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(home / "kubeconfig.yaml"), client_configuration=configuration)
    return client.CoreV1Api(client.ApiClient(configuration))


def _exec_statuses(cluster: Cluster, tenant: Tenant, tls: ServerTls, home: Path, mp: pytest.MonkeyPatch) -> set[int]:
    """Try to exec into a pod of the tenant's namespace with its rendered kubeconfig; the API's answers to it."""
    api = _api_for(tenant, cluster, tls, home, mp)
    api.list_namespaced_pod(tenant.namespace)  # its token works in its namespace
    # The fake serves no exec stream: even an authorized upgrade fails on the client (its error text varies).
    with pytest.raises(Exception):  # noqa: B017
        stream(api.connect_get_namespaced_pod_exec, "any-pod", tenant.namespace, command=["cat", "/airflow/xcom/r"])
    return {r.status for r in cluster.state.audit if r.user == tenant.identity and r.attributes.resource == "pods/exec"}


def test_a_tenant_without_xcom_cannot_exec(
    fenced: Cluster, auth_plugin: str, server_tls: ServerTls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not ETL.xcom_push
    assert _exec_statuses(fenced, ETL, server_tls, tmp_path, monkeypatch) == {403}


def test_the_same_tenant_with_xcom_gets_past_authorization(
    metadata_hosts: dict[str, str],
    auth_plugin: str,
    server_tls: ServerTls,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control: with its Role built for XCom, the same exec is authorized (the fake then answers 405)."""
    with_xcom = [
        {**m, "rules": rbac_rules(True)} if m["kind"] == "Role" and m["metadata"]["namespace"] == ETL.namespace else m
        for m in cluster_manifests()
    ]
    for cluster in _serve(with_xcom, server_tls, metadata_hosts):
        assert _exec_statuses(cluster, ETL, server_tls, tmp_path, monkeypatch) == {405}
