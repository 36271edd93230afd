from __future__ import annotations

import json
from pathlib import Path

import pytest

from gke_kpo.outputs import GPU, OUTPUT_NAMES
from gke_kpo.plan.__main__ import main
from gke_kpo.plan.capture import ProgramError, known_stacks, run_program
from tests.stacks import free_stack_name


@pytest.mark.parametrize("stack", known_stacks())
def test_plan_prints_plan_verdicts_and_writes_the_airflow_files(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--stack", stack, "--build-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert f"== plan for stack {stack}" in printed
    assert "gcp:container/cluster:Cluster" in printed
    assert "== policies PASSED" in printed
    written = json.loads((tmp_path / stack / "outputs.json").read_text())
    assert set(written) | {GPU} == set(OUTPUT_NAMES)
    assert (tmp_path / stack / "airflow" / "dags" / "remote_kpo.py").read_text().startswith("# MOCK: ")


def test_unknown_stack_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = free_stack_name()
    assert main(["--stack", missing, "--build-dir", str(tmp_path)]) == 2
    assert f"Pulumi.{missing}.yaml" in capsys.readouterr().err


def test_the_real_program_refuses_what_gke_would_refuse_before_declaring_anything() -> None:
    overrides = {"gke-kpo:private_endpoint": True, "gke-kpo:gpu_accelerator": "nvidia-l4-gpu"}
    with pytest.raises(ProgramError) as caught:
        run_program("prod", overrides)
    message = str(caught.value)
    assert [resource.type for resource in caught.value.plan.resources if resource.type.startswith("gcp:")] == []
    assert "gke-kpo:master_authorized_networks: 198.51.100.16/29 is not an internal range" in message
    assert "gke-kpo:gpu_accelerator: 'nvidia-l4-gpu' is not a GKE accelerator type. Fix: use nvidia-l4" in message
