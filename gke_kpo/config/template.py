"""The commented stack template `make stack` copies, and the placeholders a user must replace in it.

Standard library only: `make stack` runs with the system Python, before any venv exists.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from gke_kpo.repo import REPO_ROOT, policy_config_file, stack_file

TEMPLATES = REPO_ROOT / "templates"


PLACEHOLDER = "replace-me"
"""Marks the values of templates/Pulumi.stack.yaml a user must replace; `make plan` names the ones left."""


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and PLACEHOLDER in value


def tenant_name(stack: str) -> str:
    """The template's one tenant, named after the stack as far as a DNS-1123 label allows (My_Stack: my-stack)."""
    return re.sub(r"[^a-z0-9-]", "-", stack.lower())[:63].strip("-") or "airflow"


def stack_files(name: str, root: Path, policy: bool) -> dict[Path, str]:
    """The files to create, with their text."""
    template = Template((TEMPLATES / "Pulumi.stack.yaml").read_text())
    files = {stack_file(name, root): template.substitute(name=name, tenant=tenant_name(name))}
    if policy:
        files[policy_config_file(name, root)] = (TEMPLATES / "policy-config.json").read_text()
    return files
