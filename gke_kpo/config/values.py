"""Stage 1 of the config pipeline: raw stack-file values to typed values, as the Pulumi CLI and Pulumi.yaml's
declarations would have them (types, defaults, keys without or in a mistyped namespace, unknown and removed keys)."""

from __future__ import annotations

import difflib
import json
import math
from typing import Any

from gke_kpo.config.keys import ConfigValue, KeySpec, key_specs, nearest_key
from gke_kpo.config.problems import CONFIG_NAMESPACE, Problem
from gke_kpo.config.tenant_fields import REMOVED_STACK_KEYS

_YAML_TYPES: dict[str, type] = {"string": str, "integer": int, "boolean": bool, "array": list}


def stack_file_problems(config: dict[str, Any]) -> list[Problem]:
    """What the Pulumi CLI refuses in a stack file: a key without a namespace, a value whose YAML type is not the
    declared one ("10" is no integer, 8 is no string)."""
    specs, prefix = key_specs(), f"{CONFIG_NAMESPACE}:"
    problems = []
    for key, value in config.items():
        if ":" not in key:
            name = nearest_key(key) or key
            problems.append(Problem(name, f"is written `{key}:` without a namespace, which the Pulumi CLI refuses",
                                    f"write it as {prefix}{name}"))  # fmt: skip
            continue
        spec = specs.get(key.removeprefix(prefix)) if key.startswith(prefix) else None
        if spec is not None and not has_declared_type(value, spec.type):
            problems.append(Problem(spec.name, *wrong_type(value, spec.type)))
    return problems


def usable_config(config: dict[str, Any]) -> dict[str, str]:
    """The values the CLI would hand the program: namespaced, and of the declared type where one is declared."""
    specs, prefix = key_specs(), f"{CONFIG_NAMESPACE}:"
    usable = {}
    for key, value in config.items():
        spec = specs.get(key.removeprefix(prefix)) if key.startswith(prefix) else None
        if ":" in key and (spec is None or has_declared_type(value, spec.type)):
            usable[key] = as_cli_string(value)
    return usable


def namespace_problems(all_config: dict[str, Any]) -> list[Problem]:
    """Keys in a namespace that is a near miss of the project's (``gke_kpo:zone``): Pulumi hands them over but the
    program would never read them, so a mistyped zone key would quietly make the cluster regional."""
    problems = []
    for key in sorted(all_config):
        namespace, _, name = key.partition(":")
        if _near_project_namespace(namespace):
            suggestion = f"{CONFIG_NAMESPACE}:{nearest_key(name) or name}"
            problems.append(
                Problem(
                    nearest_key(name) or name,
                    f"is written `{key}`, a namespace this project does not read, so it would be ignored",
                    f"did you mean {suggestion}? rename the key",
                )
            )
    return problems


def _near_project_namespace(namespace: str) -> bool:
    spelled = namespace.lower().replace("_", "-")
    if namespace == CONFIG_NAMESPACE:
        return False
    same_letters = spelled.replace("-", "") == CONFIG_NAMESPACE.replace("-", "")
    return same_letters or difflib.SequenceMatcher(None, spelled, CONFIG_NAMESPACE).ratio() >= 0.7


def has_declared_type(value: Any, declared: str) -> bool:
    if declared == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, _YAML_TYPES[declared])


TYPE_FIXES = {"integer": "write a whole number, e.g. 10", "boolean": "write true or false"}
"""The fix for a value the CLI hands over as text that does not parse as the declared type."""


def yaml_fix(declared: str) -> str:
    examples = {"integer": "write it unquoted, e.g. 10", "boolean": "write true or false, unquoted",
                "array": "write a YAML list"}  # fmt: skip
    return examples[declared]


def wrong_type(value: Any, declared: str) -> tuple[str, str]:
    """(message, fix) for a value of another YAML type; an empty ``key:`` is YAML null, not a wrongly typed value."""
    if value is None:
        return "is empty (YAML null)", "give it a value, or delete the line"
    if declared == "string":
        return _not_a_string(value)
    if declared == "integer" and isinstance(value, float):
        return f"{value!r} is not a whole number", f"write a whole number, e.g. {math.ceil(value)}"
    if declared == "integer" and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return f"{value!r} is a quoted string", f"write it unquoted: {value.strip()}"
    fix = "write a YAML mapping" if declared == "object" else yaml_fix(declared)
    return f"{value!r} is not a YAML {declared}", fix


def _not_a_string(value: Any) -> tuple[str, str]:
    """YAML reads an unquoted number, yes/no/on/off/true/false, [..] or {..} as something else than text."""
    if isinstance(value, bool):
        return (
            f"is read as the boolean {str(value).lower()}, not a string (YAML reads unquoted yes, no, on, off, true "
            "and false so)",
            "quote the value you meant",
        )
    if isinstance(value, int | float):
        return f"{value} is a number, not a string", f'quote it: "{value}"'
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return f"{value!r} is a list, not a string", f"write the value without brackets: {value[0]}"
    kind = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__
    return f"{value!r} is {kind}, not a string", "write one value, quoted if in doubt"


def as_cli_string(value: Any) -> str:
    """How the Pulumi CLI hands a stack-file value to the program: strings as is, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def coerce(spec: KeySpec, raw: str) -> ConfigValue:
    """Turn the CLI's string form into the declared type; raises ValueError with a readable reason."""
    if spec.type == "string":
        return raw
    if spec.type == "boolean":
        if raw.lower() not in ("true", "false"):
            raise ValueError(f"expected true or false, got {raw!r}")
        return raw.lower() == "true"
    if spec.type == "integer":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
    return _coerce_string_list(raw)


def _coerce_string_list(raw: str) -> list[str]:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(f"expected a list of strings, got {raw!r}") from None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of strings, got {raw!r}")
    return value


def resolve(raw_values: dict[str, str]) -> tuple[dict[str, ConfigValue], list[Problem]]:
    """Apply defaults and types to the project's keys (names without the namespace)."""
    specs = key_specs()
    values: dict[str, ConfigValue] = {}
    problems = [_unknown_key(key) for key in sorted(set(raw_values) - set(specs))]
    for name, spec in specs.items():
        if name not in raw_values:
            if spec.default is None:
                problems.append(Problem(name, "is required", f"pulumi config set {CONFIG_NAMESPACE}:{name} <value>"))
            else:
                values[name] = spec.default
            continue
        try:
            values[name] = coerce(spec, raw_values[name])
        except ValueError as reason:
            problems.append(Problem(name, str(reason), TYPE_FIXES.get(spec.type, f"give a value of type {spec.type}")))
    return values, problems


def _unknown_key(key: str) -> Problem:
    if key in REMOVED_STACK_KEYS:
        message, fix = REMOVED_STACK_KEYS[key]
        return Problem(key, message, fix)
    nearest = nearest_key(key)
    if nearest:
        return Problem(key, "unknown key", f"did you mean {CONFIG_NAMESPACE}:{nearest}? rename the key")
    return Problem(key, "unknown key", "remove it or use one of the keys declared in Pulumi.yaml")


def project_keys(all_config: dict[str, Any]) -> dict[str, str]:
    """The project's own keys out of the engine's full config map (which also holds gcp:*, etc.)."""
    prefix = f"{CONFIG_NAMESPACE}:"
    return {key[len(prefix) :]: as_cli_string(value) for key, value in all_config.items() if key.startswith(prefix)}
