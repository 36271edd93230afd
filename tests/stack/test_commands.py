"""What a newcomer types first: make help, --help, and make preview/up without the Pulumi CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gke_kpo.plan.inventory import GOLDEN_DIR
from gke_kpo.repo import REPO_ROOT, known_stacks
from tests.stacks import free_stack_name

INTERNAL_TARGETS = {"cli-check", "render-check", "stack-check"}
"""Phony targets that are steps of others, not commands; every other one must be in `make help`."""


def _phony_targets() -> set[str]:
    makefile = (REPO_ROOT / "Makefile").read_text()
    [line] = re.findall(r"^\.PHONY:(.*)$", makefile, flags=re.MULTILINE)
    return set(line.split())


def test_make_help_lists_every_public_target_with_its_comment() -> None:
    result = subprocess.run(["make", "--no-print-directory", "help"], cwd=REPO_ROOT, capture_output=True, text=True)

    assert result.returncode == 0
    listed = set(re.findall(r"^make (\S+)$", result.stdout, flags=re.MULTILINE))
    assert listed == _phony_targets() - INTERNAL_TARGETS
    assert "FORCE=1" in result.stdout and "NAME=<name>" in result.stdout and "STACK=<name>" in result.stdout


def test_make_without_a_target_shows_help() -> None:
    result = subprocess.run(["make", "--no-print-directory"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and "make plan" in result.stdout


@pytest.mark.parametrize("module", ["gke_kpo.plan", "gke_kpo.render", "gke_kpo.plan.golden"])
def test_help_texts_carry_examples_and_only_print(module: str) -> None:
    goldens = {path: path.stat().st_mtime_ns for path in GOLDEN_DIR.glob("*.yaml")}
    result = subprocess.run([sys.executable, "-m", module, "--help"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    assert "examples:" in result.stdout and "make " in result.stdout
    assert {path: path.stat().st_mtime_ns for path in GOLDEN_DIR.glob("*.yaml")} == goldens, "--help wrote files"


def test_make_golden_for_a_stack_without_a_file_names_the_existing_ones() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "golden", f"STACK={free_stack_name()}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "wrote" not in result.stdout
    assert f"no stack file for {free_stack_name()}; existing stacks: {', '.join(known_stacks())}" in result.stderr


def _bare_repo(tmp_path: Path, tools: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """Only the Makefile and a PATH holding just the given tools: whatever runs, no venv can appear unnoticed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy2(REPO_ROOT / "Makefile", repo / "Makefile")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, script in tools.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{script}\n")
        (bin_dir / name).chmod(0o755)
    return repo, {"PATH": str(bin_dir), "HOME": str(tmp_path)}


@pytest.mark.parametrize("target", ["preview", "up"])
@pytest.mark.parametrize(
    ("tools", "hint"),
    [
        ({}, "get.pulumi.com"),
        ({"pulumi": "exit 0"}, "gcloud components install gke-gcloud-auth-plugin"),
    ],
)
def test_preview_and_up_check_the_cli_before_building_anything(
    tmp_path: Path, target: str, tools: dict[str, str], hint: str
) -> None:
    make = shutil.which("make")
    assert make is not None
    repo, env = _bare_repo(tmp_path, tools)

    result = subprocess.run([make, "--no-print-directory", target], cwd=repo, env=env, capture_output=True, text=True)

    assert result.returncode != 0
    assert hint in result.stderr
    assert sorted(path.name for path in repo.iterdir()) == ["Makefile"]  # no .venv, no policies/venv


@pytest.mark.parametrize("target", ["plan", "preview", "up"])
def test_an_empty_stack_name_is_a_usage_error_before_any_install(tmp_path: Path, target: str) -> None:
    make = shutil.which("make")
    assert make is not None
    repo, env = _bare_repo(tmp_path, {})
    (repo / "Pulumi.dev.yaml").write_text("config: {}\n")

    result = subprocess.run(
        [make, "--no-print-directory", target, "STACK="], cwd=repo, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert f"error: no stack given: run `make {target} STACK=<stack>`; existing stacks: dev" in result.stderr
    assert sorted(path.name for path in repo.iterdir()) == ["Makefile", "Pulumi.dev.yaml"]
