"""End to end without keys: Airflow outside Google Cloud runs the rendered DAG through Workload
Identity Federation. The real gke-gcloud-auth-plugin reads the rendered ``gcp-credentials.json``
(named only in the kubeconfig's exec env), trades the projected token at the loopback STS,
impersonates the Google service account at the loopback IAM Credentials API, and the loopback GKE
API accepts only that account's token and enforces the Role.

golang.org/x/oauth2 (inside the plugin) stopped pattern-checking ``token_url`` and
``service_account_impersonation_url`` against *.googleapis.com in golang/oauth2#627 (2023), which is
what lets the file point at loopback here; the file the stack renders keeps Google's URLs.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import federation as build
from gke_kpo.cloud.permissions import rbac_rules
from gke_kpo.config.settings import FederatedIdentitySettings
from gke_kpo.render import render_files, write_files
from gke_kpo.spec.federation import allowed_audiences, credential_config

from .airflow_run import AirflowHome, connection_env_var
from .fake_google_sts import GoogleState, Issuer, ProviderConfig, serve_google
from .fake_kube_api import ClusterState, serve_kube_api
from .stack import CLUSTER, NAMESPACE, TENANT, loopback_outputs
from .tls import ServerTls

DAG_ID = "remote_kpo"
CREDENTIALS = build.CREDENTIALS_FILE_NAME
PROJECT_NUMBER = "123456789012"
POOL = build.pool_id(CLUSTER)
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/E2E0000000000000000000000000000"
WORKER = "system:serviceaccount:astro-e2e:astro-e2e-worker"
TRIGGERER = "system:serviceaccount:astro-e2e:astro-e2e-triggerer"
IDENTITY = FederatedIdentitySettings(
    issuer=ISSUER,
    subjects=(WORKER, TRIGGERER),
    audience="sts.amazonaws.com",
    token_path="<set per run>",
    account_id="airflow-federated",
    preset="astro-aws",
)
SERVICE_ACCOUNT = "airflow-federated@e2e-project.iam.gserviceaccount.com"
EXEC_INFO = json.dumps(
    {"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "spec": {"interactive": False}}
)


@dataclass
class Run:
    google: GoogleState
    cluster: ClusterState
    home: AirflowHome
    output: str


OTHER_TENANT = "system:serviceaccount:astro-other:astro-other-worker"
"""Another tenant on the same issuer: the shared provider admits it, only its own account's grant does not."""


def _provider(issuer: Issuer) -> ProviderConfig:
    """The provider and bindings as the stack builds them from the same settings."""
    return ProviderConfig(
        audience=build.provider_audience(PROJECT_NUMBER, POOL, build.provider_id(ISSUER)),
        issuer=issuer,
        allowed_audiences=allowed_audiences([IDENTITY], PROJECT_NUMBER, POOL),
        admitted_subjects=[*IDENTITY.subjects, OTHER_TENANT],
        service_account=SERVICE_ACCOUNT,
        impersonators=list(IDENTITY.subjects),
    )


def _federated_outputs(
    directory: Path, issuer: Issuer, subject: str, audience: str, google_root: str, endpoint: str, ca: str
) -> dict[str, Any]:
    """The projected token, and stack outputs whose credential configuration (built as the stack builds it)
    reads that token and points its Google URLs at ``google_root``."""
    token_file = directory / "projected" / "token"
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text(issuer.token(subject, audience))
    identity = replace(IDENTITY, token_path=str(token_file))
    config = credential_config(identity, PROJECT_NUMBER, POOL, SERVICE_ACCOUNT, f"{google_root}/v1/token", google_root)
    return loopback_outputs(endpoint, ca, SERVICE_ACCOUNT, credential_config=config)


@pytest.fixture
def run_federated(
    tmp_path: Path, auth_plugin: str, server_tls: ServerTls, migrated_airflow_home: AirflowHome
) -> Iterator[Any]:
    issuer = Issuer(ISSUER)

    def run(subject: str = WORKER, audience: str = "sts.amazonaws.com") -> Run:
        google = GoogleState(_provider(issuer))
        cluster = ClusterState(token=google.access_token, namespace=NAMESPACE, rules=rbac_rules(xcom_push=False))
        with serve_google(google) as google_root, serve_kube_api(cluster, server_tls) as endpoint:
            outputs = _federated_outputs(
                tmp_path, issuer, subject, audience, google_root, endpoint, server_tls.ca_base64
            )
            rendered = tmp_path / "rendered"
            # Outside an image, the credential file stays where the renderer wrote it.
            write_files(render_files(outputs, credentials_path=str(rendered / TENANT / CREDENTIALS)), rendered)
            home = migrated_airflow_home.clone(tmp_path / "home", rendered / TENANT / "dags", "127.0.0.1:9")
            name, value = connection_env_var((rendered / TENANT / "connection.env").read_text())
            result = home.run("dags", "test", DAG_ID, extra_env={name: value})
        return Run(google, cluster, home, result.stdout + result.stderr)

    yield run


def test_federated_identity_runs_the_dag_without_any_key(run_federated: Any) -> None:
    run: Run = run_federated()

    assert run.home.task_states(DAG_ID) == {"run_on_gke": "success"}, run.output[-4000:]
    assert run.google.exchanges and set(run.google.exchanges) == {WORKER}
    assert run.google.refusals == []
    assert [record for record in run.cluster.audit if not record.allowed] == []
    [pod] = run.cluster.pods.created
    assert pod["metadata"]["namespace"] == NAMESPACE


@pytest.mark.parametrize(
    ("token", "sts_message"),
    [
        ({"subject": "system:serviceaccount:other-customer:worker"}, "rejected by the attribute condition"),
        ({"audience": "https://kubernetes.default.svc"}, "audience in ID Token does not match"),
    ],
    ids=["subject-outside-the-condition", "another-audience"],
)
def test_a_token_the_provider_does_not_accept_is_refused_by_sts(
    run_federated: Any, token: dict[str, str], sts_message: str
) -> None:
    run: Run = run_federated(**token)

    assert run.home.task_states(DAG_ID) == {"run_on_gke": "failed"}, run.output[-4000:]
    assert run.google.exchanges == []
    assert sts_message in run.output
    assert run.cluster.pods.created == []
    assert all(record.status == 401 for record in run.cluster.audit)


def test_another_tenants_subject_on_the_same_issuer_cannot_impersonate_this_account(
    tmp_path: Path, auth_plugin: str, server_tls: ServerTls
) -> None:
    """The shared provider admits the other tenant; only this account's own grants refuse it. The plugin
    runs alone here, exactly as the kubeconfig's exec entry starts it (Airflow adds nothing to this case)."""
    issuer = Issuer(ISSUER)
    google = GoogleState(_provider(issuer))
    with serve_google(google) as google_root:
        outputs = _federated_outputs(
            tmp_path, issuer, OTHER_TENANT, "sts.amazonaws.com", google_root, "127.0.0.1:9", server_tls.ca_base64
        )
        credentials = tmp_path / CREDENTIALS
        files = render_files(outputs, credentials_path=str(credentials))
        credentials.write_text(files[f"{TENANT}/{CREDENTIALS}"])
        kubeconfig = yaml.safe_load(files[f"{TENANT}/kubeconfig.yaml"])
        plugin = kubeconfig["users"][0]["user"]["exec"]
        env = AirflowHome(tmp_path, tmp_path, "127.0.0.1:9").environment(
            {item["name"]: item["value"] for item in plugin["env"]} | {"KUBERNETES_EXEC_INFO": EXEC_INFO}
        )
        result = subprocess.run(
            [plugin["command"], *plugin["args"]], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert result.returncode != 0
    assert google.exchanges and set(google.exchanges) == {OTHER_TENANT}
    assert "iam.serviceAccounts.getAccessToken' denied" in result.stderr
