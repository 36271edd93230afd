"""Say a violation in the terms the user edits: the stack config key, and the policy config that relaxes it.

The engine runs the pack with PULUMI_STACK set and the pack folder as working directory, so the stack's
files are known here; without them (unit tests, another caller) the messages say ``<stack>``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from gke_kpo.config.problems import CONFIG_NAMESPACE
from gke_kpo.repo import policy_config_file as stack_policy_config
from gke_kpo.repo import stack_file

PACK_DIR: Final = Path(__file__).resolve().parent.parent


def stack_name() -> str:
    return os.environ.get("PULUMI_STACK") or "<stack>"


def config_key(name: str) -> str:
    return f"{CONFIG_NAMESPACE}:{name}"


def set_key(name: str, value: str) -> str:
    """``set gke-kpo:<name> to <value> in Pulumi.<stack>.yaml``."""
    return f"set {config_key(name)} to {value} in {stack_file(stack_name()).name}"


def _policy_config_path() -> Path:
    return stack_policy_config(stack_name(), PACK_DIR.parent)


def policy_config_file() -> str:
    """The stack's policy config as the user finds it from the repository root: policies/config/<stack>.json."""
    return _policy_config_path().relative_to(PACK_DIR.parent).as_posix()


def relax(policy: str, prop: str, value: Any) -> str:
    """Where the stack's policy config changes this rule, as the JSON to write."""
    return f'"{policy}": {{"{prop}": {json.dumps(value)}}} in {policy_config_file()}'


def _file_sets(policy: str, prop: str) -> bool:
    try:
        settings = json.loads(_policy_config_path().read_text())
    except (OSError, ValueError):
        return False
    entry = settings.get(policy) if isinstance(settings, dict) else None
    return isinstance(entry, Mapping) and prop in entry


def limit(policy: str, prop: str, value: Any) -> str:
    """A limit with its value and where it is set: the stack's policy config, or the pack's default."""
    where = policy_config_file() if _file_sets(policy, prop) else "the pack default, policies/kpo_policies/settings.py"
    return f"{policy}.{prop} = {json.dumps(value)} ({where})"
