from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gke_kpo.config import gpu_pool_fields
from gke_kpo.config import tenant_fields as tenant_schema
from gke_kpo.config.keys import markdown_table
from gke_kpo.config.settings import IdentityMode
from gke_kpo.contract import outputs
from gke_kpo.repo import REPO_ROOT
from tests.stack import day2_corpus


@pytest.mark.parametrize(
    ("marker", "table", "command"),
    [
        ("config-table", markdown_table, "python -m gke_kpo.config.keys"),
        ("tenant-table", tenant_schema.markdown_table, "python -m gke_kpo.config.tenant_fields"),
        ("gpu-pool-table", gpu_pool_fields.markdown_table, "python -m gke_kpo.config.gpu_pool_fields"),
        (
            "day2-table",
            day2_corpus.readme_table,
            "python -c 'from tests.stack import day2_corpus as c; print(c.readme_table())'",
        ),
    ],
)
def test_readme_tables_are_generated(marker: str, table: object, command: str) -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split(f"<!-- {marker}:start -->\n")[1].split(f"<!-- {marker}:end -->")[0]
    assert callable(table)
    assert section.strip() == table(), f"regenerate it with: .venv/bin/python {command.removeprefix('python ')}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _headings(text: str) -> list[str]:
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return re.findall(r"^#{1,6} (.+)$", prose, flags=re.MULTILINE)


def test_readme_and_docs_links_resolve() -> None:
    for document in [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]:
        text = document.read_text()
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith("http"):
                continue
            path, _, anchor = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            assert linked.exists(), f"{document.name}: broken link {target}"
            if anchor:
                assert anchor in {_slug(h) for h in _headings(linked.read_text())}, f"{document.name}: no #{anchor}"


def test_readme_starts_with_the_two_commands_then_the_path_then_reference_and_troubleshooting() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    top_level = re.findall(r"^## (.+)$", re.sub(r"```.*?```", "", readme, flags=re.DOTALL), flags=re.MULTILINE)
    assert top_level == ["The two commands", "From zero to a running task", "Reference", "Troubleshooting"]
    first_screen = "\n".join(readme.splitlines()[:25])
    assert "make plan" in first_screen and "make test" in first_screen
    for symptom in ("403", "time out", "plugin not found", "Pending"):
        assert symptom in readme.split("## Troubleshooting")[1], symptom


def test_every_make_command_the_readme_shows_exists() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    makefile = (REPO_ROOT / "Makefile").read_text()
    [phony] = re.findall(r"^\.PHONY:(.*)$", makefile, flags=re.MULTILINE)
    shown = set(re.findall(r"`make ([a-z][a-z-]*)", readme)) | set(re.findall(r"^make ([a-z][a-z-]*)", readme, re.M))
    assert shown and shown <= set(phony.split()), shown - set(phony.split())


def test_the_readme_outputs_table_names_every_output_tenant_field_and_identity_mode() -> None:
    section = (REPO_ROOT / "README.md").read_text().split("### Stack outputs (the contract)")[1].split("\n### ")[0]
    rows = re.findall(r"^\| `([^|]+)` \|(.*)\|$", section, flags=re.MULTILINE)
    named = {name.strip() for first, _ in rows for name in first.split("`, `")}
    assert set(outputs.OUTPUT_NAMES) <= named, set(outputs.OUTPUT_NAMES) - named
    tenant_rows = {f"tenants.<t>.{field}" for field in outputs.TENANT_FIELDS}
    assert tenant_rows <= named, tenant_rows - named
    [modes] = [shape for first, shape in rows if first == "tenants.<t>.identity_mode"]
    assert all(f"`{mode}`" in modes for mode in IdentityMode), modes


README_REFERENCE = re.compile(r"""(?<!webhook )\bREADME(?:\.md)?(?:'s)?,? \(?"?([A-Z][^",);\n]*)""")
"""A README section named in any tracked text file (with or without quotes): where a message sends a user."""


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    paths = [REPO_ROOT / name for name in listed.splitlines() if name != "README.md"]
    return [path for path in paths if path.suffix in {".py", ".md", ".yaml", ".yml", ".j2", ".txt", ""}]


def test_every_readme_section_named_elsewhere_exists() -> None:
    headings = [heading.replace("`", "") for heading in _headings((REPO_ROOT / "README.md").read_text())]
    missing = []
    for path in _tracked_text_files():
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for named in README_REFERENCE.findall(line):
                if not any(heading.startswith(named.strip()) for heading in headings):
                    missing.append(f"{path.relative_to(REPO_ROOT)}:{number}: README section {named.strip()!r}")
    assert not missing, "\n".join(missing)
