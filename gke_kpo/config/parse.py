"""The config pipeline, in one direction: stack file → typed values → stack and tenant settings → cross-checks.

Each stage reads only what the stage before it produced and records its problems; ``parse_settings`` raises one
``ConfigError`` with every problem at once, before any resource is declared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from gke_kpo.config.cross_checks import cross_check
from gke_kpo.config.gpu_pool_fields import GPU_POOLS_KEY
from gke_kpo.config.problems import CONFIG_NAMESPACE, ConfigError, Problem
from gke_kpo.config.settings import Settings
from gke_kpo.config.stack import stack_settings
from gke_kpo.config.stack_file import existing_stack_file, read_config
from gke_kpo.config.tenants import TENANTS_KEY, parse_tenant, read_tenant_inputs
from gke_kpo.config.values import (
    as_cli_string,
    namespace_problems,
    project_keys,
    resolve,
    stack_file_problems,
    usable_config,
)

T = TypeVar("T")


def parse_settings(raw_values: dict[str, str], stack: str) -> Settings:
    """The project's keys (names without the namespace, values as the CLI hands them) to ``Settings``."""
    stack_values = {key: value for key, value in raw_values.items() if key not in (TENANTS_KEY, GPU_POOLS_KEY)}
    values, problems = resolve(stack_values)
    settings = stack_settings(stack, values, set(stack_values), raw_values.get(GPU_POOLS_KEY), problems)
    inputs = read_tenant_inputs(raw_values.get(TENANTS_KEY), problems)
    pools = tuple(pool.name for pool in settings.gpu_pools)
    tenants = tuple(parse_tenant(tenant, values, settings.project, pools, problems) for tenant in inputs)
    settings = replace(settings, tenants=tenants)
    warnings = cross_check(settings, inputs, set(stack_values), problems)
    if problems:
        raise ConfigError(problems)
    return replace(settings, warnings=tuple(warnings))


def parse_all(all_config: dict[str, Any], parse: Callable[[dict[str, str]], T]) -> T:
    """Parse the project's keys out of the engine's full config map; problems with keys in a mistyped namespace
    are reported in the same error as the values' problems."""
    stray = namespace_problems(all_config)
    try:
        parsed = parse(project_keys(all_config))
    except ConfigError as error:
        raise ConfigError(stray + error.problems) from None
    if stray:
        raise ConfigError(stray)
    return parsed


def engine_settings(all_config: dict[str, Any], stack: str) -> Settings:
    """What ``__main__.py`` runs on the engine's config map."""
    return parse_all(all_config, lambda keys: parse_settings(keys, stack))


def validate(config: dict[str, Any], stack: str) -> None:
    """Every problem of the file at once: what the CLI refuses (types, keys without a namespace) together with
    what the program refuses (values, keys in a mistyped namespace), checked on the values the CLI would accept."""
    problems = stack_file_problems(config)
    try:
        engine_settings(usable_config(config), stack)
    except ConfigError as error:
        reported = {problem.key for problem in problems}
        problems += [problem for problem in error.problems if not _follows_from(problem, reported)]
    if problems:
        raise ConfigError(problems)


def _follows_from(problem: Problem, refused_keys: set[str]) -> bool:
    """The program checked the file without the keys the CLI refuses (their defaults apply): a problem on such a key,
    or one that tells to set it (``key: value``, ``gke-kpo:key``), follows from that refusal and would mislead (one
    problem per mistake). A key's name as a plain word (``project`` in "at project level") is not a reference."""
    told = f"{problem.message} {problem.fix}"
    return problem.key in refused_keys or any(
        re.search(rf"(?<![\w.-]){re.escape(key)}:|{CONFIG_NAMESPACE}:{re.escape(key)}\b", told) for key in refused_keys
    )


def stack_config(stack: str, path: Path | None = None) -> dict[str, str]:
    """The stack file's config as the CLI hands it to the program (values as strings); raises StackFileError for
    a file that is missing or no stack file, ConfigError for what the CLI would refuse in it."""
    config = read_config(existing_stack_file(stack, path))
    problems = stack_file_problems(config)
    if problems:
        raise ConfigError(problems)
    return {key: as_cli_string(value) for key, value in config.items()}


def settings_of_stack(stack: str, path: Path | None = None) -> Settings:
    """A stack file's settings, as the program would see them under the real CLI."""
    return engine_settings(stack_config(stack, path), stack)
