"""The Jinja environment over the repository's ``airflow/`` templates."""

from __future__ import annotations

import json
from typing import Any, Final

import jinja2

from gke_kpo.repo import REPO_ROOT

TEMPLATE_DIR = REPO_ROOT / "airflow"


Literal = str | bool | int | dict[str, "Literal"] | list["Literal"]

ONE_LINE: Final = 88
"""A dict longer than this on one line is written one item a line, as ruff format would."""


def python_literal(value: Literal, indent: str = "") -> str:
    """A Python literal in the style ruff format writes (double quotes, trailing commas when split).

    Every JSON string escape is also a Python one, so a string's JSON text is a valid literal here.
    """
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, str | int):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(item, indent) for item in value) + "]"
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise TypeError(f"only strings, booleans, integers, lists and str-keyed maps render, got {value!r}")
    one_line = "{" + ", ".join(f"{json.dumps(k)}: {python_literal(v)}" for k, v in value.items()) + "}"
    if len(indent) + len(one_line) <= ONE_LINE or not value:
        return one_line
    inner = indent + "    "
    lines = [f"{inner}{json.dumps(k)}: {python_literal(v, inner)}," for k, v in value.items()]
    return "{\n" + "\n".join(lines) + "\n" + indent + "}"


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
