"""The corpus of day-2 transitions: a before and an after config of a shipped stack, and the verdict the day-2
check (gke_kpo/plan/transitions.py) must give. The README's "Day-2 changes" table is generated from it
(``readme_table``; tests/stack/test_readme.py keeps them in sync)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from gke_kpo.plan.transitions import Verdict
from gke_kpo.repo import REPO_ROOT
from gke_kpo.yaml_text import safe_load

CLEAN = frozenset({Verdict.CLEAN})
PROTECTED_DELETE = frozenset({Verdict.PROTECTED_DELETE})
PROTECTED_REPLACE = frozenset({Verdict.PROTECTED_REPLACE})

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE0000000000000000000000000"
OTHER_ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER00000000000000000000000000"
ASTRO = "system:serviceaccount:astro-"
SUBJECT = f"{ASTRO}ext-dev:astro-ext-dev-worker"


def _federated(subject: str = SUBJECT, account_id: str = "", issuer: str = ISSUER) -> dict[str, Any]:
    """One subject; each tenant's subjects are its own (a workload acting as two tenants is refused)."""
    federation: dict[str, Any] = {"preset": "astro-aws", "issuer": issuer, "subjects": [subject]}
    if account_id:
        federation["account_id"] = account_id
    return {"identity_mode": "federated", "federation": federation}


def _without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != key}


def _astro(email: str) -> dict[str, Any]:
    return {"airflow_service_account": email}


DOMAIN = "@acme-airflow-dev.iam.gserviceaccount.com"
DEV_TENANTS: dict[str, Any] = safe_load((REPO_ROOT / "Pulumi.dev.yaml").read_text())["config"]["gke-kpo:tenants"]
PROD_TENANTS: dict[str, Any] = safe_load((REPO_ROOT / "Pulumi.prod.yaml").read_text())["config"]["gke-kpo:tenants"]


def tenants(base: dict[str, Any], **changes: dict[str, Any] | None) -> dict[str, Any]:
    """``base`` with tenants replaced (a mapping), added, or removed (None)."""
    result = copy.deepcopy(base)
    for name, body in changes.items():
        name = name.replace("_", "-")
        if body is None:
            result.pop(name)
        else:
            result[name] = body
    return result


@dataclass(frozen=True)
class Transition:
    title: str
    before: dict[str, Any]
    after: dict[str, Any]
    expected: frozenset[Verdict]
    stack: str = "dev"
    why: str = ""
    invented: bool = False
    """Beyond the transitions issue 15 names."""


def _dev(**changes: dict[str, Any] | None) -> dict[str, Any]:
    return {"tenants": tenants(DEV_TENANTS, **changes)}


L4 = {"accelerator": "nvidia-l4", "machine_type": "g2-standard-8", "max_nodes": 2}
PROD_POOL = {**L4, "driver_version": "LATEST"}
"""Pulumi.prod.yaml's gpu_* keys as a pool."""


def _pools(**pools: dict[str, Any]) -> dict[str, Any]:
    return {"gpu_count": 0, "gpu_pools": {name.replace("_", "-"): body for name, body in pools.items()}}


WITH_TASK = {"identity_mode": "gke", "task_service_account": {"roles": ["roles/storage.objectViewer"]}}

CORPUS: tuple[Transition, ...] = (
    Transition("identity mode gke -> federated", {}, _dev(etl_dev=_federated(f"{ASTRO}etl:worker")), CLEAN,
               why="one account `airflow-<tenant>-gsa` in both modes; its display name updates"),
    Transition("identity mode federated -> gke", {}, _dev(ext_dev={"identity_mode": "gke"}), CLEAN),
    Transition("identity mode astro -> gke", {}, _dev(
        ml_dev={**_without(DEV_TENANTS["ml-dev"], "airflow_service_account"), "identity_mode": "gke"}
    ), CLEAN),
    Transition("identity mode gke -> astro", {}, _dev(etl_dev=_astro(f"astro-etl{DOMAIN}")),
               CLEAN, why="the custom-role binding of the new e-mail is created, the old one deleted"),
    Transition("identity mode astro -> federated", {}, _dev(
        ml_dev={**_federated(f"{ASTRO}ml:worker", "airflow-ml-dev"), "quota_gpus": 1}
    ),
               CLEAN),
    Transition("identity mode federated -> astro", {}, _dev(ext_dev=_astro(f"astro-ext{DOMAIN}")),
               CLEAN, why="the pool and its provider are deleted with the last federated tenant"),
    Transition("cluster rename", {}, {"cluster_name": "kpo-lab"}, CLEAN,
               why="tenant accounts and grants keep their names; namespace objects are replaced onto the new cluster"),
    Transition("cluster rename, both names share the node account id", {"cluster_name": "kpo-analytics-cluster-eu1"},
               {"cluster_name": "kpo-analytics-cluster-eu2"}, CLEAN, invented=True,
               why="node identity is named by the node account id (the first 24 characters of the name)"),
    Transition("tenant rename, namespace and account kept",
               {}, _dev(etl_dev=None, etl_renamed={"identity_mode": "gke", "namespace": "etl-dev",
                                                   "airflow_gsa_name": "airflow-etl-dev"}), CLEAN),
    Transition("tenant rename, namespace kept, account derived", {},
               _dev(etl_dev=None, etl_renamed={"identity_mode": "gke", "namespace": "etl-dev"}), CLEAN,
               why="a new account `airflow-etl-renamed`; the namespace objects stay"),
    Transition("tenant added", {}, _dev(new_team={"identity_mode": "gke"}), CLEAN),
    Transition("tenant removed", {}, _dev(etl_dev=None), CLEAN),
    Transition("tenant removed on a protected stack", {}, {"tenants": tenants(PROD_TENANTS, other_team=_astro(
        "astro-other@acme-airflow-prod.iam.gserviceaccount.com"), airflow_prod=None)}, PROTECTED_DELETE, stack="prod",
               why="the namespace is protected: `pulumi state unprotect` it first (printed by make plan)"),
    Transition("task account added", {}, _dev(etl_dev=WITH_TASK), CLEAN),
    Transition("task account removed", {}, _dev(ml_dev=_without(DEV_TENANTS["ml-dev"], "task_service_account")), CLEAN),
    Transition("federation added", _dev(ext_dev=None), {}, CLEAN),
    Transition("federation removed", {}, _dev(ext_dev=None), CLEAN),
    Transition("task account id changed", {}, _dev(ml_dev={**DEV_TENANTS["ml-dev"], "task_service_account": {
        "roles": ["roles/storage.objectViewer"], "account_id": "task-ml-renamed"}}), CLEAN, invented=True),
    Transition("task role added and removed", {}, _dev(ml_dev={**DEV_TENANTS["ml-dev"], "task_service_account": {
        "roles": ["roles/bigquery.dataViewer"]}}), CLEAN, invented=True),
    Transition("custom_role_id changed", {"custom_role_id": "kpo_launcher"}, {"custom_role_id": "kpo_launcher_v2"},
               CLEAN, invented=True, why="a new role id: the bindings are replaced onto it"),
    Transition("cluster rename, custom_role_id kept", {"custom_role_id": "kpo_launcher"},
               {"custom_role_id": "kpo_launcher", "cluster_name": "kpo-lab"}, CLEAN, invented=True,
               why="the role is named by its id, so it stays; bindings stay"),
    Transition("federation issuer changed", {}, _dev(ext_dev=_federated(issuer=OTHER_ISSUER)), CLEAN, invented=True,
               why="a new provider (its id is the issuer's digest); the old one is soft-deleted"),
    Transition("federation subject removed", {}, _dev(ext_dev=_federated()), CLEAN, invented=True),
    Transition("federated account id changed", {}, _dev(ext_dev=_federated(account_id="airflow-ext-v2")), CLEAN,
               invented=True),
    Transition("astro e-mail changed", {}, _dev(ml_dev={**DEV_TENANTS["ml-dev"],
                                                       "airflow_service_account": f"astro-ml-v2{DOMAIN}"}),
               CLEAN, invented=True),
    Transition("namespace renamed", {}, _dev(etl_dev={"identity_mode": "gke", "namespace": "etl-new"}), CLEAN,
               invented=True, why="new namespace objects; the old namespace is deleted with what runs in it"),
    Transition("namespace renamed on a protected stack", {}, {"tenants": tenants(PROD_TENANTS, airflow_prod={
        **PROD_TENANTS["airflow-prod"], "namespace": "airflow-tasks"})}, PROTECTED_DELETE, stack="prod", invented=True),
    Transition("two tenants swap namespaces", {}, _dev(ml_dev={**DEV_TENANTS["ml-dev"], "namespace": "etl-dev"},
                                                     etl_dev={"identity_mode": "gke", "namespace": "ml-dev"}),
               CLEAN, invented=True, why="each namespace keeps its logical name; its labels and RoleBinding update"),
    Transition("airflow account id taken over by the task account", {},
               _dev(etl_dev={"airflow_service_account": f"astro-etl{DOMAIN}",
                             "task_service_account": {"roles": ["roles/storage.objectViewer"],
                                                      "account_id": "airflow-etl-dev"}}),
               CLEAN, invented=True, why="one account, one logical name: only its display name changes"),
    Transition("GPU accelerator changed on a protected stack", {}, {"gpu_accelerator": "nvidia-tesla-t4",
                                                                    "gpu_machine_type": "n1-standard-8"},
               PROTECTED_REPLACE, stack="prod", invented=True,
               why="the GPU pool is replaced: unprotect it first (printed by make plan)"),
    Transition("one-pool stack moved to gpu_pools", {}, _pools(gpu=PROD_POOL), CLEAN, stack="prod", invented=True,
               why="the README's upgrade step: the pool keeps its name `gpu`, so nothing changes"),
    Transition("GPU pool added", {}, _pools(gpu=PROD_POOL, l4_flex={**L4, "capacity": "flex-start"}), CLEAN,
               stack="prod", invented=True),
    Transition("Spot pool with an on-demand fallback added", {},
               _pools(gpu=PROD_POOL, l4_spot={**L4, "capacity": "spot", "fallback": "gpu"}), CLEAN, stack="prod",
               invented=True, why="the fallback pool gains the compute-class label and taint in place"),
    Transition("GPU pool capacity changed on a protected stack", {},
               _pools(gpu={**PROD_POOL, "capacity": "flex-start"}), PROTECTED_REPLACE, stack="prod", invented=True,
               why="flexStart and reservationAffinity force a new pool: unprotect it first (printed by make plan)"),
    Transition("GPU pool removed", _pools(gpu=PROD_POOL, l4_flex={**L4, "capacity": "flex-start"}),
               _pools(gpu=PROD_POOL), PROTECTED_DELETE, stack="prod", invented=True,
               why="the pool is protected with the cluster: unprotect it first (printed by make plan)"),
)  # fmt: skip


def _verdicts(transition: Transition) -> str:
    return ", ".join(sorted(verdict.value for verdict in transition.expected))


def readme_table() -> str:
    rows = [
        f"| {t.title}{' (invented)' if t.invented else ''} | {t.stack} | {_verdicts(t)} | {t.why} |" for t in CORPUS
    ]
    return "\n".join(["| transition | stack | verdict | why |", "| --- | --- | --- | --- |", *rows])
