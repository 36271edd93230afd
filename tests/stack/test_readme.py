from __future__ import annotations

import pytest

from gke_kpo import tenant_schema
from gke_kpo.config_schema import markdown_table
from gke_kpo.plan.capture import REPO_ROOT


@pytest.mark.parametrize(
    ("marker", "table", "command"),
    [
        ("config-table", markdown_table, "python -m gke_kpo.config_schema"),
        ("tenant-table", tenant_schema.markdown_table, "python -m gke_kpo.tenant_schema"),
    ],
)
def test_readme_tables_are_generated(marker: str, table: object, command: str) -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split(f"<!-- {marker}:start -->\n")[1].split(f"<!-- {marker}:end -->")[0]
    assert callable(table)
    assert section.strip() == table(), f"regenerate it with: .venv/bin/python {command.removeprefix('python ')}"
