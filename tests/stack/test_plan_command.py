from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
import yaml

from gke_kpo.cloud import gpu_catalog
from gke_kpo.cloud.gpu_cost import stack_ceiling, stack_idle
from gke_kpo.cloud.replacement import CLUSTER, KUBERNETES_PROVIDER, NODE_POOL, ROLLING_NODES
from gke_kpo.config.gpu_cost import pool_costs
from gke_kpo.contract.outputs import GPU, OUTPUT_NAMES, TASK_SERVICE_ACCOUNT, TENANTS
from gke_kpo.plan.inventory import golden_path
from gke_kpo.plan.report import DEFAULT_WIDTH, wrap
from gke_kpo.plan.summary import short_type
from gke_kpo.preview.capture import ProgramError, run_program
from gke_kpo.repo import REPO_ROOT, known_stacks
from tests.stack.plan_run import operations, plan_edited, run_plan
from tests.stack.test_deployer_coverage import settings_of

MAX_LINES = 67
"""A screen: the tree (one row per resource: dev's three tenants each with a fence row), the diff summary, the
reachability verdict (one line per consumer group), the GPU quota line (regional GPU quota is often 0 in a new
project) and the GPU cost line, the verdicts."""


@pytest.mark.parametrize("stack", known_stacks())
def test_plan_prints_a_tree_the_verdict_and_where_the_files_are(stack: str, tmp_path: Path) -> None:
    result = run_plan("--stack", stack, "--build-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    printed = result.stdout
    assert f"Plan for stack {stack} from Pulumi.{stack}.yaml" in printed
    assert ("gcp:Cluster", _cluster_name(stack)) in operations(printed)
    golden = golden_path(stack).relative_to(REPO_ROOT)
    if (REPO_ROOT / golden).is_file():
        assert f"no changes against {golden}" in printed
    else:  # a stack from `make stack`: nothing to compare with until `make golden STACK=<name>`
        assert f"no {golden} to compare with, so all are shown as create" in printed
    assert "Policies PASSED" in printed
    assert "derived from MOCK outputs" in printed
    assert str(tmp_path / stack / "plan.yaml") in printed
    assert "\033[" not in printed, "colour only on a terminal"
    written = json.loads((tmp_path / stack / "outputs.json").read_text())
    assert set(written) | {GPU} == set(OUTPUT_NAMES)
    for tenant, entry in written[TENANTS].items():
        assert (tmp_path / stack / "airflow" / tenant / "dags" / "remote_kpo.py").read_text().startswith("# MOCK: ")
        assert TASK_SERVICE_ACCOUNT in entry, "a None inside an object stays (as null) in the outputs"
    assert {path.name for path in (tmp_path / stack / "airflow").iterdir()} == set(written[TENANTS])
    assert set(operations(printed).values()) == ({""} if (REPO_ROOT / golden).is_file() else {"+"})


def _cluster_name(stack: str) -> str:
    for line in (REPO_ROOT / f"Pulumi.{stack}.yaml").read_text().splitlines():
        if "gke-kpo:cluster_name:" in line:
            return line.split(":", 2)[2].strip()
    return "kpo"


@pytest.mark.xdist_group("make-venv")  # see tests/stack/test_new_stack.py
def test_make_plan_dev_fits_a_screen_and_lists_every_resource() -> None:
    result = subprocess.run(["make", "--no-print-directory", "plan", "STACK=dev"], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    printed_by_make = [line for line in lines if line.startswith(".venv/bin/python")]
    assert len(lines) - len(printed_by_make) < MAX_LINES, result.stdout
    planned = {(entry["type"], entry["name"]) for entry in _golden_entries("dev")}
    shown = operations(result.stdout)
    assert len(shown) == len(planned), "one row per resource of the inventory"
    assert (
        "GPU quota needed: PREEMPTIBLE_NVIDIA_T4_GPUS >= 1 in us-central1; check: python -m gke_kpo.deployer"
        in result.stdout
    )
    assert ("gcp:Cluster", _cluster_name("dev")) in shown
    (cost,) = pool_costs(settings_of("dev", {}))
    assert f"GPU cost (estimate, {gpu_catalog.read_on()} list prices): {cost.line()}" in lines


def test_a_plan_prices_every_gpu_pool_and_their_total(tmp_path: Path) -> None:
    pools = {
        "t4": {"accelerator": "nvidia-tesla-t4", "machine_type": "n1-standard-4", "max_nodes": 2},
        "t4-spot": {"accelerator": "nvidia-tesla-t4", "machine_type": "n1-standard-4", "capacity": "spot",
                    "fallback": "t4", "max_nodes": 3},
    }  # fmt: skip
    edit = {"gke-kpo:gpu_count: 1": f"gke-kpo:gpu_count: 0\n  gke-kpo:gpu_pools: {json.dumps(pools)}"}
    result = plan_edited(tmp_path, "dev", edit)
    assert result.returncode == 0, result.stdout + result.stderr
    costs = pool_costs(settings_of("dev", {"gpu_count": 0, "gpu_pools": pools}))
    assert f"all GPU pools idle {stack_idle(costs):.2f}, at most {stack_ceiling(costs):.2f} USD/h" in result.stdout
    assert all(f"  {cost.line()}" in result.stdout.splitlines() for cost in costs)


def _golden_entries(stack: str) -> list[dict[str, str]]:
    entries: list[dict[str, str]] = yaml.safe_load(golden_path(stack).read_text())
    return entries


def test_zone_edit_replaces_the_cluster_its_pools_and_everything_on_its_kubernetes_provider(tmp_path: Path) -> None:
    result = plan_edited(tmp_path, "dev", {"gke-kpo:zone: us-central1-a": "gke-kpo:zone: us-central1-b"})
    assert result.returncode == 0, result.stderr
    ops = operations(result.stdout)
    # The zone reaches the cluster's and the pools' location (ForceNew) and the provider's clusterIdentifier
    # (gke_kpo/spec/cluster_identity.py), whose replacement takes every Kubernetes object on it along.
    golden = _golden_entries("dev")
    expected = {
        (short_type(entry["type"]), entry["name"])
        for entry in golden
        if entry["type"] in (CLUSTER, NODE_POOL, KUBERNETES_PROVIDER) or entry["type"].startswith("kubernetes:")
    }
    assert {("gcp:NodePool", "kpo-dev-system"), ("gcp:NodePool", "kpo-dev-gpu")} <= expected
    assert {type_ for type_, _ in expected} >= {"provider:kubernetes", "k8s:Namespace", "k8s:RoleBinding"}
    assert {key: op for key, op in ops.items() if op} == dict.fromkeys(expected, "+-")
    assert "location: us-central1-a -> us-central1-b  [forces replacement]" in result.stdout
    assert "clusterIdentifier: gke_acme-airflow-dev_us-central1-a_kpo-dev-" in result.stdout
    for provider in (entry["name"] for entry in golden if entry["type"] == KUBERNETES_PROVIDER):
        assert f"replaced because its provider {provider} is replaced" in result.stdout
    assert f"{len(expected)} to replace against tests/golden/dev.yaml" in result.stdout


def test_cluster_name_edit_makes_a_new_cluster_and_keeps_the_tenant_accounts(tmp_path: Path) -> None:
    """What cluster_name names is new (cluster, pools, network, node account, derived role and pool ids); tenant
    accounts keep their logical names (gke_kpo/spec/stable_names.py), and the namespace objects are replaced onto
    the new cluster by their provider's new clusterIdentifier. The day-2 check finds nothing to refuse."""
    result = plan_edited(tmp_path, "dev", {"gke-kpo:cluster_name: kpo-dev": "gke-kpo:cluster_name: kpo-lab"})
    assert result.returncode == 0, result.stdout + result.stderr
    ops = operations(result.stdout)
    assert (ops[("gcp:Cluster", "kpo-lab")], ops[("gcp:Cluster", "kpo-dev")]) == ("+", "-")
    assert (ops[("gcp:NodePool", "kpo-lab-system")], ops[("gcp:NodePool", "kpo-dev-system")]) == ("+", "-")
    assert ops[("gcp:Account", "airflow-etl-dev-gsa")] == ""
    assert ops[("k8s:Namespace", "etl-dev-namespace")] == "+-"
    assert "replaced because it moves from provider kpo-dev-kubernetes to kpo-lab-kubernetes" in result.stdout
    assert "Day-2 check" not in result.stdout


def test_machine_type_edit_updates_the_pool_by_rolling_its_nodes(tmp_path: Path) -> None:
    edit = {"gke-kpo:system_machine_type: e2-standard-2": "gke-kpo:system_machine_type: e2-standard-4"}
    result = plan_edited(tmp_path, "dev", edit)
    assert result.returncode == 0, result.stderr
    ops = operations(result.stdout)
    assert {key: op for key, op in ops.items() if op} == {("gcp:NodePool", "kpo-dev-system"): "~"}
    assert f"nodeConfig.machineType: e2-standard-2 -> e2-standard-4  ({ROLLING_NODES})" in result.stdout
    assert "rolling node re-creation" in ROLLING_NODES
    assert "1 to update against" in result.stdout


@pytest.mark.parametrize(("edit", "cidr"), [("moved", "10.12.0.0/20"), ("shrunk", "10.10.0.0/21")])
def test_a_moved_or_shrunk_node_range_replaces_the_subnetwork_and_the_cluster_on_it(
    tmp_path: Path, edit: str, cidr: str
) -> None:
    result = plan_edited(tmp_path, "dev", {}, append=f"  gke-kpo:subnet_cidr: {cidr}\n")
    assert result.returncode == 0, result.stderr
    ops = operations(result.stdout)
    assert ops[("gcp:Subnetwork", "kpo-dev-subnet")] == "+-", edit
    assert f"ipCidrRange: 10.10.0.0/20 -> {cidr}  [forces replacement]" in result.stdout
    # The cluster names its subnetwork by id, unknown until the subnetwork is re-created, and that input is ForceNew.
    assert "subnetwork: kpo-dev-subnet-id -> (known after replace)  [forces replacement]" in result.stdout
    assert ops[("gcp:Cluster", "kpo-dev")] == "+-"
    assert ops[("gcp:NodePool", "kpo-dev-system")] == "+-"


def test_a_widened_node_range_updates_the_subnetwork_in_place(tmp_path: Path) -> None:
    result = plan_edited(tmp_path, "dev", {}, append="  gke-kpo:subnet_cidr: 10.10.0.0/19\n")
    assert result.returncode == 0, result.stderr
    ops = operations(result.stdout)
    assert {key: op for key, op in ops.items() if op} == {("gcp:Subnetwork", "kpo-dev-subnet"): "~"}
    assert "ipCidrRange: 10.10.0.0/20 -> 10.10.0.0/19  (in place only when widened)" in result.stdout


def test_quota_edit_is_an_update_in_place(tmp_path: Path) -> None:
    result = plan_edited(tmp_path, "dev", {"gke-kpo:quota_pods: 10": "gke-kpo:quota_pods: 12"})
    assert result.returncode == 0, result.stderr
    ops = operations(result.stdout)
    # The stack-level key is every tenant's default: every tenant's quota changes, nothing else.
    for tenant in ("etl-dev", "ext-dev", "ml-dev"):
        assert ops[("k8s:ResourceQuota", f"{tenant}-quota")] == "~"
    assert "spec.hard.pods: 10 -> 12" in result.stdout
    assert "3 to update against" in result.stdout
    assert [op for op in ops.values() if op] == ["~", "~", "~"]


def test_a_stack_without_golden_inventory_shows_everything_as_create(tmp_path: Path) -> None:
    result = plan_edited(tmp_path, "dev", {}, golden=tmp_path / "absent.yaml")
    assert result.returncode == 0, result.stderr
    assert f"no {tmp_path / 'absent.yaml'} to compare with, so all are shown as create" in result.stdout
    ops = operations(result.stdout)
    assert ops and set(ops.values()) == {"+"}


def test_a_mandatory_policy_violation_exits_1_and_is_listed_first(tmp_path: Path) -> None:
    # A stack without policies/config/<stack>.json gets the pack's strict defaults: dev's deletion_protection=false
    # then violates the mandatory hardening policy.
    stack_file = tmp_path / "Pulumi.scratch.yaml"
    stack_file.write_text((REPO_ROOT / "Pulumi.dev.yaml").read_text())
    result = run_plan("--stack", "scratch", "--stack-file", str(stack_file), "--build-dir", str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    policies = result.stdout[result.stdout.index("Policies FAILED") :].splitlines()
    entries = [index for index, line in enumerate(policies) if line.startswith("  ") and line[2] != " "]
    first = entries[1]  # after the pack's line, whose continuation (if wrapped) is indented further
    assert policies[entries[0]].startswith("  pack ") and policies[first].startswith("  mandatory gke-hardening @")
    assert "deletion protection" in "\n".join(policies[first + 1 : first + 3])
    assert (tmp_path / "scratch" / "policies.txt").read_text().count("[mandatory]") >= 1


def test_help_documents_the_exit_codes() -> None:
    result = run_plan("--help")
    assert result.returncode == 0
    for code in ("0  planned", "1  planned, but a mandatory", "2  usage or configuration error", "3  the program"):
        assert code in result.stdout


def _plan_on_a_terminal(tmp_path: Path, no_color: bool, columns: int = 120) -> str:
    env = {key: value for key, value in os.environ.items() if key not in {"NO_COLOR", "COLUMNS"}} | {"TERM": "xterm"}
    if no_color:
        env["NO_COLOR"] = "1"
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    args = ["--stack", "dev", "--build-dir", str(tmp_path)]
    with subprocess.Popen(
        [sys.executable, "-m", "gke_kpo.plan", *args], cwd=REPO_ROOT, env=env, stdout=terminal
    ) as run:
        os.close(terminal)
        printed = b""
        while chunk := _read(controller):
            printed += chunk
        assert run.wait(timeout=120) == 0
    os.close(controller)
    return printed.decode().replace("\r\n", "\n")


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end closed
        return b""


def test_colour_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    assert "\033[32mPASSED\033[0m" in _plan_on_a_terminal(tmp_path, no_color=False)
    assert "\033[" not in _plan_on_a_terminal(tmp_path, no_color=True)


def test_the_real_program_refuses_what_gke_would_refuse_before_declaring_anything() -> None:
    overrides = {"gke-kpo:private_endpoint": True, "gke-kpo:gpu_accelerator": "nvidia-l4-gpu"}
    with pytest.raises(ProgramError) as caught:
        run_program("prod", overrides)
    message = str(caught.value)
    assert [resource.type for resource in caught.value.plan.resources if resource.type.startswith("gcp:")] == []
    assert "gke-kpo:master_authorized_networks: 198.51.100.16/29 is not an internal range" in message
    assert "gke-kpo:gpu_accelerator: 'nvidia-l4-gpu' is not a GKE accelerator type. Fix: use nvidia-l4" in message


@pytest.mark.parametrize("columns", [100, 200])
def test_the_printout_fits_the_terminal_width(columns: int, tmp_path: Path) -> None:
    printed = _plan_on_a_terminal(tmp_path, no_color=True, columns=columns)
    rows = [line for line in printed.splitlines() if re.match(r"^\s+(?:[~+-]+\s+)?(?:gcp|k8s):", line)]
    assert rows and all(len(line) <= columns for line in rows)
    assert any(line.endswith("...") for line in rows) == (columns == 100), "wider terminals show whole details"


def test_a_line_that_says_what_to_do_is_wrapped_not_cut() -> None:
    command = "python -m gke_kpo.deployer --gpu-quota-for a-stack-with-a-long-name-of-forty-letters"
    line = f"GPU quota needed: PREEMPTIBLE_NVIDIA_T4_GPUS >= 1 in us-central1; check: {command}"
    wrapped = wrap(line)
    assert len(wrapped) == 2 and all(len(part) <= DEFAULT_WIDTH for part in wrapped)
    assert wrapped[1].startswith("    ") and " ".join(part.strip() for part in wrapped) == line
