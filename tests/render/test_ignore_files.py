"""The connection files stay out of the image and out of git: render's block in .dockerignore and .gitignore."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gke_kpo.render.__main__ import main
from gke_kpo.render.blocks import BEGIN, END, block, block_part
from gke_kpo.render.ignore_files import CONNECTION_FILES

from .conftest import GPU_XCOM_OUTPUTS_FILE, TENANT, load_gpu_xcom_outputs, one_tenant_files

ASTRO_DOCKERIGNORE = "astro\n.git\n.env\nairflow_settings.yaml\nlogs/\n.venv\nairflow.db\nairflow.cfg\n"
"""What `astro dev init` writes (astronomer/astro-cli pkg/airflowrt/include/dockerignore at ed93cc59)."""
USER_GITIGNORE = ".env\nairflow_settings.yaml\n# our own\n*.parquet\n"


def _render(project: Path, *extra: str) -> int:
    return main(["--outputs", str(GPU_XCOM_OUTPUTS_FILE), "--out", str(project), "--tenant", TENANT, *extra])


def test_every_connection_file_is_a_rendered_one() -> None:
    assert set(CONNECTION_FILES) <= set(one_tenant_files(load_gpu_xcom_outputs()))


def test_your_ignore_files_keep_every_line_and_gain_one_block(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text(ASTRO_DOCKERIGNORE)
    (tmp_path / ".gitignore").write_text(USER_GITIGNORE)

    assert _render(tmp_path) == 0

    dockerignore = (tmp_path / ".dockerignore").read_text()
    assert dockerignore.startswith(ASTRO_DOCKERIGNORE + BEGIN + "\n") and dockerignore.endswith(END + "\n")
    assert (tmp_path / ".gitignore").read_text().startswith(USER_GITIGNORE + BEGIN)
    for name in CONNECTION_FILES:
        assert f"\n{name}\n" in dockerignore
    before = {name: (tmp_path / name).read_bytes() for name in (".dockerignore", ".gitignore")}
    assert _render(tmp_path) == 0
    assert {name: (tmp_path / name).read_bytes() for name in before} == before


def test_a_block_you_moved_is_found_and_updated_where_it_is(tmp_path: Path) -> None:
    assert _render(tmp_path) == 0
    ours = (tmp_path / ".gitignore").read_text()
    moved = "# mine first\n" + ours + "# mine after it\n*.log\n"
    (tmp_path / ".gitignore").write_text(moved)

    assert _render(tmp_path) == 0
    assert (tmp_path / ".gitignore").read_text() == moved

    part = block_part()
    newer = block(["connection.env", "kubeconfig.yaml", "more.yaml"])
    updated = part.put(moved, newer)
    assert updated == "# mine first\n" + newer + "# mine after it\n*.log\n"
    assert part.extract(updated) == newer


def test_git_ignores_the_connection_files_and_backups_but_not_the_manifest(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert _render(tmp_path) == 0
    (tmp_path / "dags" / "remote_kpo.py.gke-kpo-backup").write_text("old\n")

    candidates = [*CONNECTION_FILES, "dags/remote_kpo.py.gke-kpo-backup", ".gke-kpo/manifest.json", "Dockerfile"]
    result = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", *candidates], capture_output=True, text=True, check=False
    )

    assert result.stdout.splitlines() == [*CONNECTION_FILES, "dags/remote_kpo.py.gke-kpo-backup"]
