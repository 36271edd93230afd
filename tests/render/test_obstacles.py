"""What stops render from writing a file, found before it writes anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from gke_kpo.render.obstacles import Obstacle, Problem, obstacle, obstacles

from .conftest import unwritable


def test_missing_folders_under_a_writable_one_are_no_obstacle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert obstacle(tmp_path / "out" / "team-a" / "dags" / "remote_kpo.py") is None
    monkeypatch.chdir(tmp_path)
    assert obstacle(Path("relative-out") / "kubeconfig.yaml") is None  # OUT=relative-out


def test_an_existing_file_render_replaces_is_no_obstacle(tmp_path: Path) -> None:
    (tmp_path / "kubeconfig.yaml").write_text("old\n")
    assert obstacle(tmp_path / "kubeconfig.yaml") is None


def test_a_file_where_the_output_folder_must_be(tmp_path: Path) -> None:
    out = tmp_path / "outputs.json"
    out.write_text("{}\n")

    assert obstacle(out / "kubeconfig.yaml") == Obstacle(out, Problem.FILE_IN_THE_WAY)
    assert obstacle(out / "team-a" / "dags" / "remote_kpo.py") == Obstacle(out, Problem.FILE_IN_THE_WAY)


def test_a_file_above_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "notes").write_text("")
    assert obstacle(tmp_path / "notes" / "out" / "kubeconfig.yaml") == Obstacle(
        tmp_path / "notes", Problem.FILE_IN_THE_WAY
    )


def test_a_dangling_link_where_a_folder_must_be_says_where_it_points(tmp_path: Path) -> None:
    (tmp_path / "dags").symlink_to("../gone")

    found = obstacle(tmp_path / "dags" / "remote_kpo.py")

    assert found == Obstacle(tmp_path / "dags", Problem.DANGLING_LINK, "../gone")
    assert found.what == "is a symlink to ../gone, which does not exist"


def test_a_dangling_link_in_the_place_of_a_file_is_an_obstacle_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "kubeconfig.yaml").symlink_to("../gone/kubeconfig.yaml")

    found = obstacle(tmp_path / "kubeconfig.yaml")

    assert found == Obstacle(tmp_path / "kubeconfig.yaml", Problem.DANGLING_LINK, "../gone/kubeconfig.yaml")


def test_a_link_to_a_folder_is_that_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real")
    assert obstacle(tmp_path / "out" / "dags" / "remote_kpo.py") is None


def test_a_folder_where_a_file_must_be(tmp_path: Path) -> None:
    (tmp_path / "kubeconfig.yaml").mkdir()
    assert obstacle(tmp_path / "kubeconfig.yaml") == Obstacle(tmp_path / "kubeconfig.yaml", Problem.FOLDER_IN_THE_WAY)


def test_a_folder_nobody_may_write_blocks_what_would_be_created_in_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with unwritable(out):
        assert obstacle(out / "kubeconfig.yaml") == Obstacle(out, Problem.NOT_WRITABLE)
        assert obstacle(out / "team-a" / "dags" / "remote_kpo.py") == Obstacle(out, Problem.NOT_WRITABLE)


def test_a_file_nobody_may_write_blocks_replacing_it(tmp_path: Path) -> None:
    (tmp_path / "kubeconfig.yaml").write_text("old\n")
    with unwritable(tmp_path / "kubeconfig.yaml"):
        assert obstacle(tmp_path / "kubeconfig.yaml") == Obstacle(tmp_path / "kubeconfig.yaml", Problem.NOT_WRITABLE)


def test_one_obstacle_in_the_way_of_many_files_is_reported_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "kubeconfig.yaml").mkdir()
    targets = [out / tenant / name for tenant in ("team-a", "team-b") for name in ("kubeconfig.yaml", "dags/x.py")]

    found = obstacles([*targets, tmp_path / "b" / "kubeconfig.yaml", tmp_path / "b" / "fine.txt"])

    assert found == [
        Obstacle(tmp_path / "b" / "kubeconfig.yaml", Problem.FOLDER_IN_THE_WAY),
        Obstacle(out, Problem.FILE_IN_THE_WAY),
    ]
