from __future__ import annotations

import json
from pathlib import Path

import pytest

from gke_kpo.outputs import GPU, OUTPUT_NAMES, TASK_SERVICE_ACCOUNT, TENANTS
from gke_kpo.plan.__main__ import main
from gke_kpo.plan.capture import known_stacks


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
    for tenant, entry in written[TENANTS].items():
        assert (tmp_path / stack / "airflow" / tenant / "dags" / "remote_kpo.py").is_file()
        assert TASK_SERVICE_ACCOUNT in entry, "a None inside an object stays (as null) in the outputs"
    assert {path.name for path in (tmp_path / stack / "airflow").iterdir()} == set(written[TENANTS])


def test_unknown_stack_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "staging", "--build-dir", str(tmp_path)]) == 2
    assert "Pulumi.staging.yaml" in capsys.readouterr().err
