"""The Jinja environment over the repository's ``airflow/`` templates."""

from __future__ import annotations

import json
from typing import Any

import jinja2

from gke_kpo.repo import REPO_ROOT

TEMPLATE_DIR = REPO_ROOT / "airflow"


def python_literal(value: str | dict[str, str]) -> str:
    """A double-quoted Python literal (the style ruff format writes) for a string or a str map.

    Every JSON string escape is also a Python one, so JSON text is a valid literal here.
    """
    if isinstance(value, dict) and not all(isinstance(v, str) for v in [*value, *value.values()]):
        raise TypeError(f"only str -> str maps render as Python literals, got {value!r}")
    if not isinstance(value, str | dict):
        raise TypeError(f"only strings and str maps render as Python literals, got {value!r}")
    return json.dumps(value)


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the render, not the DAG
        autoescape=False,  # the output is Python, YAML and a Dockerfile, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["py"] = python_literal
    return environment


_ENVIRONMENT = _environment()


def render_template(name: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(name).render(**context)
