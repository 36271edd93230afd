from __future__ import annotations

from gke_kpo.config_schema import markdown_table
from gke_kpo.plan.capture import REPO_ROOT


def test_readme_config_table_is_generated_from_pulumi_yaml() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme.split("<!-- config-table:start -->\n")[1].split("<!-- config-table:end -->")[0]
    assert table.strip() == markdown_table(), "regenerate it with: .venv/bin/python -m gke_kpo.config_schema"
