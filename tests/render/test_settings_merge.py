"""The connection render owns in airflow_settings.yaml is set without changing a byte of anything else."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
import yaml

from gke_kpo.render.merge import settings_part

from .conftest import DATA, GPU_XCOM_OUTPUTS_FILE, one_tenant_files

ASTRO_DEV_INIT = (DATA / "astro_dev_init_airflow_settings.yaml").read_text()
"""What `astro dev init` writes for Airflow 3 (astronomer/astro-cli pkg/airflowrt/include/airflow3/settingsyml.yml
at ed93cc59): comments, a placeholder entry of each kind, 2-space mappings and sequences indented by 4."""

USER_SETTINGS = """\
# Local connections for the team (reviewed in PR #12)
airflow:
  connections:
    - conn_id: warehouse   # the analytics database
      conn_type: postgres
      conn_host: "db.internal"
      conn_port: 5432
    # the one below is render's
    - conn_id: gke_kpo
      conn_type: kubernetes
      conn_extra: '{}'
    # keep this one last
    - conn_id: s3
      conn_type: aws
  pools:
    - pool_name: gpu
      pool_slot: 2
  variables: []
"""


def _ours(conn_id: str = "gke_kpo") -> str:
    return one_tenant_files(json.loads(GPU_XCOM_OUTPUTS_FILE.read_text()), conn_id=conn_id)["airflow_settings.yaml"]


def _removed_lines(before: str, after: str) -> list[str]:
    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    return [line[2:] for line in diff if line.startswith("- ")]


def _set(text: str, ours: str) -> str | None:
    part = settings_part(ours)
    wanted = part.extract(ours)
    assert wanted is not None
    return part.put(text, wanted)


def test_adding_to_astro_dev_init_keeps_every_line_and_adds_only_the_connection() -> None:
    merged = _set(ASTRO_DEV_INIT, _ours())

    assert merged is not None
    assert _removed_lines(ASTRO_DEV_INIT, merged) == []
    added = [line for line in difflib.ndiff(ASTRO_DEV_INIT.splitlines(), merged.splitlines()) if line[0] == "+"]
    assert [line[2:].strip().split(":")[0] for line in added] == ["- conn_id", "conn_type", "conn_extra"]
    connections = yaml.safe_load(merged)["airflow"]["connections"]
    assert [c["conn_id"] for c in connections] == [None, "gke_kpo"]
    assert json.loads(connections[1]["conn_extra"])["in_cluster"] is False


def test_updating_changes_only_the_connections_own_lines() -> None:
    merged = _set(USER_SETTINGS, _ours())

    assert merged is not None
    assert _removed_lines(USER_SETTINGS, merged) == ["      conn_extra: '{}'"]
    assert "    # keep this one last\n    - conn_id: s3\n" in merged  # a comment before the next entry stays
    assert "- conn_id: warehouse   # the analytics database" in merged and 'conn_host: "db.internal"' in merged
    again = _set(merged, _ours())
    assert again == merged, "idempotent"


@pytest.mark.parametrize("indent", [2, 4])
def test_other_indentation_styles_are_kept(indent: int) -> None:
    pad = " " * indent
    text = f"airflow:\n{pad}connections:\n{pad}- conn_id: a\n{pad}  conn_type: http\n{pad}pools: []\n"

    merged = _set(text, _ours())

    assert merged is not None and _removed_lines(text, merged) == []
    assert f"\n{pad}- conn_id: gke_kpo\n" in merged


def test_a_file_the_library_cannot_re_emit_as_written_is_not_reshaped() -> None:
    spaced = "airflow:\n  connections:\n    - conn_id:    warehouse\n      conn_type: postgres\n"

    assert _set(spaced, _ours()) is None  # the extra spaces after a colon would be lost: a conflict instead


def test_an_empty_file_or_one_without_connections_gets_the_connection() -> None:
    assert _set("", _ours()) == _ours()
    merged = _set("# pools only\nairflow:\n  pools: []\n", _ours())
    assert merged is not None and merged.startswith("# pools only\nairflow:\n  pools: []\n")
    assert [c["conn_id"] for c in yaml.safe_load(merged)["airflow"]["connections"]] == ["gke_kpo"]


def test_a_commented_astro_project_file_merges_through_the_cli(tmp_path: Path) -> None:
    from gke_kpo.render.__main__ import main

    (tmp_path / "airflow_settings.yaml").write_text(ASTRO_DEV_INIT)

    assert main(["--outputs", str(GPU_XCOM_OUTPUTS_FILE), "--out", str(tmp_path), "--tenant", "team-a"]) == 0

    merged = (tmp_path / "airflow_settings.yaml").read_text()
    assert _removed_lines(ASTRO_DEV_INIT, merged) == []
    assert merged.startswith(ASTRO_DEV_INIT.split("  pools:")[0])
