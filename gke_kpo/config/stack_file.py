"""Read ``Pulumi.<stack>.yaml`` as the Pulumi CLI would, turning every way it can be wrong into one clear error."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from gke_kpo import yaml_text
from gke_kpo.config.problems import CONFIG_NAMESPACE
from gke_kpo.config.template import is_placeholder
from gke_kpo.repo import known_stacks, stack_file, stack_name_problem

EXAMPLE = f"config:\n  {CONFIG_NAMESPACE}:project: my-project-id"


class StackFileError(Exception):
    """The stack file cannot be read as a stack file at all: missing, broken YAML, empty, wrong shape."""


class MissingStackError(StackFileError, FileNotFoundError):
    """No such stack file (a FileNotFoundError, which the gate answers with an empty engine config)."""


def shown(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def missing_stack_message(stack: str, path: Path, known: list[str]) -> str:
    existing = ", ".join(known) or "none"
    if not stack:
        return f"no stack given: run `make plan STACK=<stack>`; existing stacks: {existing}"
    missing = f"no stack file {shown(path)}; existing stacks: {existing}"
    if stack in known or path.name != stack_file(stack).name:
        return missing  # a --stack-file that is not there: nothing to create
    problem = stack_name_problem(stack)
    if problem:
        return f"{missing}; {problem}"
    return f"{missing}. To create stack {stack}: make stack NAME={stack} (a commented {path.name} to edit)"


def read_config(path: Path) -> dict[str, Any]:
    """The ``config:`` mapping of a stack file that exists."""
    try:
        document = yaml_text.load_unique_keys(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        # Windows PowerShell's `>` and some editors write UTF-16; the stack file is read as UTF-8.
        raise StackFileError(f"{shown(path)}: is not UTF-8 text; save it as UTF-8") from None
    except yaml_text.DuplicateKeyError as error:
        mark = error.problem_mark
        where = f"{shown(path)}:{mark.line + 1}:{mark.column + 1}" if mark else shown(path)
        raise StackFileError(f"{where}: {error.problem} (YAML would silently keep only the last)") from None
    except yaml.MarkedYAMLError as error:
        raise StackFileError(_yaml_error(path, error)) from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{shown(path)}: not valid YAML: {error}") from None
    if document is None:
        raise StackFileError(
            f"{shown(path)} is empty: a stack file holds its settings under `config:`, e.g.\n{EXAMPLE}"
        )
    if not isinstance(document, dict) or "config" not in document:
        raise StackFileError(_no_wrapper(path, document))
    config = document["config"]
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise StackFileError(f"{shown(path)}: `config:` must be a mapping of keys to values, e.g.\n{EXAMPLE}")
    return {str(key): value for key, value in config.items()}


def _yaml_error(path: Path, error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"{shown(path)}:{mark.line + 1}:{mark.column + 1}" if mark else shown(path)
    what = "; ".join(part for part in (error.context, error.problem) if part)
    if error.context_mark and mark is not error.context_mark:
        what += f" (the value starts at line {error.context_mark.line + 1}, column {error.context_mark.column + 1})"
    return f"{where}: broken YAML: {what}. Check the indentation and quoting on or just before that line"


def _no_wrapper(path: Path, document: Any) -> str:
    keys = list(document) if isinstance(document, dict) else []
    if any(str(key).partition(":")[1] for key in keys):
        return (
            f"{shown(path)} has no top-level `config:` key, so Pulumi would ignore {keys[0]!r} and the rest: "
            f"put the settings under `config:`, indented by two spaces, e.g.\n{EXAMPLE}"
        )
    return f"{shown(path)} has no top-level `config:` key: a stack file holds its settings under it, e.g.\n{EXAMPLE}"


def placeholder_keys(config: dict[str, Any]) -> list[str]:
    """Keys still holding a `make stack` placeholder: they plan fine under mocks but fail at the first real call."""

    def walk(path: str, value: Any) -> list[str]:
        if isinstance(value, dict):
            return [key for name, item in value.items() for key in walk(f"{path}.{name}", item)]
        if isinstance(value, list):
            return [key for item in value for key in walk(path, item)]
        return [path] if is_placeholder(value) else []

    return list(dict.fromkeys(key for name, value in config.items() for key in walk(name, value)))


def existing_stack_file(stack: str, path: Path | None = None) -> Path:
    path = path or stack_file(stack)
    if not stack or not path.is_file():
        raise MissingStackError(missing_stack_message(stack, path, known_stacks()))
    return path
