"""The manifest records whom a folder is rendered for; another tenant's render is refused unless asked to switch,
and nothing at all is written while a folder is refused or something is in the way."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from gke_kpo.contract import outputs as names
from gke_kpo.render.files import write_files
from gke_kpo.render.manifest import (
    MANIFEST_PATH,
    Manifest,
    RenderedFor,
    read_manifest,
    rendered_for,
    tenant_folders,
)
from gke_kpo.render.obstacles import Obstacle, Problem
from gke_kpo.render.place import Project, TenantSwitch, place_projects

from .conftest import TENANT, load_gpu_xcom_outputs, one_tenant_files

OTHER = "team-b"


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _project(root: Path, tenant: str = TENANT, **options: Any) -> Project:
    outputs = load_gpu_xcom_outputs()
    return Project(root, rendered_for(outputs, tenant), one_tenant_files(outputs, **options))


def test_the_cluster_is_named_as_its_kubeconfig_context() -> None:
    outputs = load_gpu_xcom_outputs()
    context = f"gke_{outputs[names.PROJECT]}_{outputs[names.LOCATION]}_{outputs[names.CLUSTER_NAME]}"
    assert rendered_for(outputs, TENANT) == RenderedFor(TENANT, context)
    assert str(RenderedFor(TENANT, context)) == f"tenant {TENANT} of cluster {context}"


def test_the_manifest_records_the_tenant_and_cluster(tmp_path: Path) -> None:
    project = _project(tmp_path)

    assert not place_projects([project]).blocked

    manifest = json.loads((tmp_path / MANIFEST_PATH).read_text())
    assert (manifest["tenant"], manifest["cluster"]) == (TENANT, project.rendered_for.cluster)
    assert read_manifest(tmp_path).rendered_for == project.rendered_for


def test_another_tenant_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    place_projects([_project(tmp_path)])
    before = _tree(tmp_path)
    other = _project(tmp_path, OTHER, conn_id="other")

    outcome = place_projects([other])

    assert outcome.other_tenant == [
        TenantSwitch(tmp_path, rendered_for(load_gpu_xcom_outputs(), TENANT), other.rendered_for)
    ]
    assert outcome.switched == []
    assert _tree(tmp_path) == before


def test_switch_tenant_renders_it_and_records_the_new_tenant(tmp_path: Path) -> None:
    place_projects([_project(tmp_path)])
    other = _project(tmp_path, OTHER, conn_id="other")

    outcome = place_projects([other], switch_tenant=True)

    assert outcome.other_tenant == [] and [switch.wanted for switch in outcome.switched] == [other.rendered_for]
    assert read_manifest(tmp_path).rendered_for == other.rendered_for
    assert 'CONN_ID = "other"' in (tmp_path / "dags" / "remote_kpo.py").read_text()


def test_a_switch_is_reported_as_would_be_under_dry_run_and_not_at_all_when_refused(tmp_path: Path) -> None:
    place_projects([_project(tmp_path)])
    (tmp_path / "dags" / "remote_kpo.py").write_text("# mine\n")
    before = _tree(tmp_path)
    other = _project(tmp_path, OTHER, conn_id="other")

    dry = place_projects([other], switch_tenant=True, dry_run=True)
    refused = place_projects([other], switch_tenant=True)

    assert [switch.wanted for switch in dry.switched] == [other.rendered_for]
    assert refused.refused and refused.switched == []
    assert _tree(tmp_path) == before


def test_the_same_tenant_of_another_cluster_is_no_switch(tmp_path: Path) -> None:
    """A re-created cluster (say a new cluster_name) keeps its tenants: their folders follow it."""
    place_projects([_project(tmp_path)])
    moved = Project(tmp_path, RenderedFor(TENANT, "gke_p_us-east1_new"), _project(tmp_path).files)

    outcome = place_projects([moved])

    assert outcome.other_tenant == [] and outcome.switched == []
    assert read_manifest(tmp_path).rendered_for == moved.rendered_for


def test_a_manifest_from_before_tenants_were_recorded_takes_the_tenant_from_now_on(tmp_path: Path) -> None:
    place_projects([_project(tmp_path)])
    manifest = tmp_path / MANIFEST_PATH
    old = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({"about": old["about"], "files": old["files"]}, indent=2) + "\n")
    assert read_manifest(tmp_path) == Manifest(old["files"], None)

    outcome = place_projects([_project(tmp_path, OTHER)])

    assert outcome.other_tenant == [] and outcome.switched == []
    assert read_manifest(tmp_path).rendered_for == rendered_for(load_gpu_xcom_outputs(), OTHER)


def test_tenant_folders_are_the_ones_a_render_of_every_tenant_left(tmp_path: Path) -> None:
    place_projects([_project(tmp_path / TENANT), _project(tmp_path / "copy-of-b", OTHER)])
    (tmp_path / "notes").mkdir()

    assert tenant_folders(tmp_path, [TENANT, OTHER, "absent"]) == [TENANT]
    assert tenant_folders(tmp_path / TENANT, [TENANT, OTHER]) == []


def test_an_unchanged_render_rewrites_not_even_the_manifest(tmp_path: Path) -> None:
    place_projects([_project(tmp_path)])
    manifest = tmp_path / MANIFEST_PATH
    os.utime(manifest, ns=(0, 0))  # a rewrite, even of the same bytes, would set its time to now

    outcome = place_projects([_project(tmp_path)])

    assert not outcome.pending and manifest.stat().st_mtime_ns == 0


def test_one_folder_refused_or_blocked_keeps_every_folder_untouched(tmp_path: Path) -> None:
    place_projects([_project(tmp_path / OTHER)])  # team-b's folder holds team-a's render
    (tmp_path / "c").write_text("")  # a file where the third folder must be
    before = _tree(tmp_path)
    projects = [_project(tmp_path / TENANT), _project(tmp_path / OTHER, OTHER), _project(tmp_path / "c" / "x")]

    outcome = place_projects(projects)

    assert [switch.root for switch in outcome.other_tenant] == [tmp_path / OTHER]
    assert outcome.blocked == [Obstacle(tmp_path / "c", Problem.FILE_IN_THE_WAY)]
    assert _tree(tmp_path) == before and not (tmp_path / TENANT).exists()


def test_a_write_that_fails_midway_is_picked_up_by_the_next_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No check foresees a full disk: the manifests are written last, so what was written counts as render's."""
    place_projects([_project(tmp_path)])

    def disk_full_after_the_first_file(files: dict[str, str], root: Path) -> None:
        first, *rest = sorted(files)
        write_files({first: files[first]}, root)
        if rest:
            raise OSError(errno.ENOSPC, "No space left on device", str(root / rest[0]))

    monkeypatch.setattr("gke_kpo.render.place.write_files", disk_full_after_the_first_file)
    with pytest.raises(OSError, match="No space left"):
        place_projects([_project(tmp_path, conn_id="remote_gke")])
    monkeypatch.undo()

    again = place_projects([_project(tmp_path, conn_id="remote_gke")])

    verbs = {line.split()[1].removeprefix(f"{tmp_path}/"): line.split()[0] for line in again.lines}
    assert verbs["airflow_settings.yaml"] == "unchanged"  # written before the failure (first in order)
    assert (verbs["connection.env"], verbs["dags/remote_kpo.py"]) == ("updated", "updated")
    assert "conflict" not in verbs.values() and not again.refused
