"""Every way a stack file can be wrong is one clear error and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gke_kpo.preview.capture import ProgramError, run_program
from gke_kpo.repo import REPO_ROOT, known_stacks
from tests.stack.plan_run import run_plan

DEV = (REPO_ROOT / "Pulumi.dev.yaml").read_text()


def _plan_file(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    stack_file = tmp_path / "Pulumi.scratch.yaml"
    stack_file.write_text(text)
    return run_plan("--stack", "scratch", "--stack-file", str(stack_file), "--build-dir", str(tmp_path / "build"))


def _refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == "", "nothing is planned from a bad file"
    return result.stderr


CASES = {
    "broken YAML": (
        "config:\n  gke-kpo:project: acme\n   gke-kpo:zone: us-central1-a\n",
        ["Pulumi.scratch.yaml:3:16: broken YAML: mapping values are not allowed here"],
    ),
    "unterminated quote": (
        'config:\n  gke-kpo:project: "acme\n',
        ["Pulumi.scratch.yaml:3:1: broken YAML", "quoted scalar", "starts at line 2, column 20"],
    ),
    "empty file": ("", ["Pulumi.scratch.yaml is empty", "config:"]),
    "no config wrapper": (
        "gke-kpo:project: acme\ngke-kpo:zone: us-central1-a\n",
        ["has no top-level `config:` key, so Pulumi would ignore 'gke-kpo:project'", "indented by two spaces"],
    ),
    "config not a mapping": ("config:\n  - gke-kpo:project\n", ["`config:` must be a mapping"]),
    "foreign namespace": (
        DEV.replace("gke-kpo:zone:", "gke_kpo:zone:"),
        ["is written `gke_kpo:zone`", "did you mean gke-kpo:zone?"],
    ),
    "misspelled key": (DEV.replace("gke-kpo:zone:", "gke-kpo:zoen:"), ["gke-kpo:zoen: unknown key", "gke-kpo:zone?"]),
    "federated tenant without issuer": (
        'config:\n  gke-kpo:project: acme\n  gke-kpo:project_number: "123456789012"\n  gke-kpo:tenants:\n'
        "    ext:\n      identity_mode: federated\n      federation:\n        preset: eks\n"
        "        subjects: [system:serviceaccount:airflow:worker]\n",
        ["gke-kpo:tenants.ext.federation.issuer: is missing. Fix: set it to the https:// OIDC issuer"],
    ),
    "accelerator without its machine type": (
        DEV.replace("gke-kpo:gpu_accelerator: nvidia-tesla-t4", "gke-kpo:gpu_accelerator: nvidia-l4").replace(
            "  gke-kpo:gpu_machine_type: n1-standard-4\n", ""
        ),
        [
            "gke-kpo:gpu_machine_type: 'n1-standard-4' cannot carry nvidia-l4",
            "nvidia-l4 (n1-standard-4 is the default: gpu_machine_type is not set)",
        ],
    ),
    "default GPU quota above the pool": (
        "config:\n  gke-kpo:project: acme\n  gke-kpo:zone: us-central1-a\n  gke-kpo:gpu_count: 1\n"
        "  gke-kpo:gpu_max_nodes: 1\n  gke-kpo:tenants:\n    ml:\n"
        "      airflow_service_account: a@acme.iam.gserviceaccount.com\n",
        ["gke-kpo:quota_gpus: 2, the default (quota_gpus is not set), is more than the GPU pool can ever hold (1)"],
    ),
    "key without namespace": (DEV.replace("gke-kpo:zone:", "zone:"), ["`zone:` without a namespace", "gke-kpo:zone"]),
    "a misspelt accelerator key leaves the default, which the chosen machine cannot carry": (
        DEV.replace("gke-kpo:gpu_accelerator: nvidia-tesla-t4", "gke-kpo:gpu_accelerater: nvidia-l4").replace(
            "gke-kpo:gpu_machine_type: n1-standard-4", "gke-kpo:gpu_machine_type: g2-standard-8"
        ),
        [
            "gke-kpo:gpu_accelerater: unknown key. Fix: did you mean gke-kpo:gpu_accelerator?",
            "gke-kpo:gpu_accelerator: is not set, so its default nvidia-tesla-t4 applies, which g2-standard-8",
            "Fix: set gpu_accelerator: nvidia-l4",
        ],
    ),
    "a stack key set twice": (
        "config:\n  gke-kpo:project: acme-one\n  gke-kpo:zone: us-central1-a\n  gke-kpo:project: acme-two\n",
        ["Pulumi.scratch.yaml:4:3: 'gke-kpo:project' is set twice: at line 2 and here; delete one"],
    ),
    "a tenant declared twice": (
        DEV.replace("    etl-dev:\n", "    ml-dev:\n"),
        ["'ml-dev' is set twice: at line", "delete one"],
    ),
}


def test_a_stack_file_that_is_not_utf8_is_one_clear_error(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.scratch.yaml"
    stack_file.write_bytes(DEV.encode("utf-16"))
    result = run_plan("--stack", "scratch", "--stack-file", str(stack_file), "--build-dir", str(tmp_path / "build"))
    assert "Pulumi.scratch.yaml: is not UTF-8 text" in _refused(result)


@pytest.mark.parametrize("case", CASES)
def test_a_bad_stack_file_is_one_clear_error(case: str, tmp_path: Path) -> None:
    text, expected = CASES[case]
    printed = _refused(_plan_file(tmp_path, text))
    for part in expected:
        assert part in printed


def test_a_tenant_name_that_is_no_dns_label_is_reported_once(tmp_path: Path) -> None:
    """Its namespace defaults to the name; the one fix is the name, not a second, contradicting one."""
    printed = _refused(_plan_file(tmp_path, DEV.replace("    ml-dev:\n", "    ML_Dev:\n")))

    assert printed.count("gke-kpo:tenants.ML_Dev:") == 1, printed
    assert "name the tenant with a DNS-1123 label" in printed


def test_a_wrong_yaml_type_is_reported_with_every_other_problem(tmp_path: Path) -> None:
    text = (
        DEV.replace("gke-kpo:quota_pods: 10", 'gke-kpo:quota_pods: "10"')
        .replace("      identity_mode: gke\n", "      identity_mode: gke\n      namespace: Not_A_Label\n")
        .replace("gke-kpo:gpu_spot:", "gke-kpo:gpu_spott:")
        .replace("gke-kpo:zone:", "gke_kpo:zone:")
    )
    printed = _refused(_plan_file(tmp_path, text))
    assert "(5 problem(s))" in printed
    for key in (
        "gke-kpo:quota_pods: '10' is a quoted string. Fix: write it unquoted: 10",
        "gke-kpo:tenants.etl-dev.namespace:",
        "gke-kpo:gpu_spot?",
        "gke_kpo:zone",
        # Without its zone the cluster is regional, and 2 system nodes cannot hold its first node in each of 3 zones.
        "gke-kpo:system_max_nodes: 2 is below the 3 nodes",
    ):
        assert key in printed


def test_a_fraction_where_a_whole_number_belongs_is_named_with_one(tmp_path: Path) -> None:
    printed = _refused(_plan_file(tmp_path, DEV.replace("gke-kpo:quota_pods: 10", "gke-kpo:quota_pods: 2.5")))
    assert "gke-kpo:quota_pods: 2.5 is not a whole number. Fix: write a whole number, e.g. 3" in printed
    assert f"error: {tmp_path}" in printed, "the error names the stack file"


def test_a_missing_stack_names_the_existing_ones_and_how_to_create_it(tmp_path: Path) -> None:
    name = "no-such-stack-" + tmp_path.name.lower().replace("_", "-")
    printed = _refused(run_plan("--stack", name, "--build-dir", str(tmp_path)))
    assert f"no stack file Pulumi.{name}.yaml; existing stacks: {', '.join(known_stacks())}" in printed
    assert f"make stack NAME={name}" in printed


def test_make_plan_with_an_empty_stack_says_what_to_type() -> None:
    result = subprocess.run(["make", "--no-print-directory", "plan", "STACK="], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode != 0
    assert "error: no stack given: run `make plan STACK=<stack>`; existing stacks:" in result.stderr
    assert "usage:" not in result.stderr


def test_the_program_itself_reports_a_foreign_namespace_as_the_cli_runs_it() -> None:
    """Under the real CLI the program gets its config from the engine: the same check runs in __main__.py."""
    with pytest.raises(ProgramError) as caught:
        run_program("dev", {"gke_kpo:zone": "us-central1-b"})
    assert "did you mean gke-kpo:zone?" in str(caught.value)
    assert caught.value.plan.resources == []
