"""docs/architecture.md names every module of the folders it maps, and no module that does not exist."""

from __future__ import annotations

import re

import pytest

from gke_kpo.repo import REPO_ROOT

DOC = (REPO_ROOT / "docs" / "architecture.md").read_text()
FOLDERS = ("config", "cloud", "spec", "render", "plan", "gate", "preview", "contract")
MAPPED = [f"gke_kpo/{folder}" for folder in FOLDERS] + ["components"]


def _rows(folder: str) -> str:
    return " ".join(line for line in DOC.splitlines() if line.startswith("|") and f"`{folder}/`" in line)


@pytest.mark.parametrize("folder", MAPPED)
def test_every_module_of_the_folder_is_named_in_its_row(folder: str) -> None:
    row = _rows(folder)
    assert row, f"docs/architecture.md has no table row for {folder}/"
    short = folder.rsplit("/", 1)[-1]
    modules = sorted(p.name for p in (REPO_ROOT / folder).glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    unnamed = [name for name in modules if f"`{name}`" not in row and f"`{short}/{name}`" not in row]
    assert unnamed == [], f"add them to the {folder}/ row of docs/architecture.md"


def test_every_module_named_exists() -> None:
    named = set(re.findall(r"`(?:[a-z_]+/)*([a-z_]+\.py)`", DOC))
    existing = {
        path.name for path in REPO_ROOT.glob("**/*.py") if ".venv" not in path.parts and "venv" not in path.parts
    }
    assert named - existing == set()
