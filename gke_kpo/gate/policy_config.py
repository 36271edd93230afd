"""The stack's policy config file, reconciled with the pack's defaults as the engine does it.

Mirrors ``ReconcilePolicyPackConfig`` (pulumi sdk/go/common/resource/analyzer/config.go): start from
each policy's default level and schema defaults, apply ``"all"``, then each policy's entry, then
validate every policy's properties against its JSON schema. The same file is what
``pulumi preview --policy-pack-config`` reads. Stricter than the CLI on purpose: an option a policy does not declare,
and any option under ``"all"``, are refused here, where the CLI would ignore them (a misspelt limit).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import jsonschema  # type: ignore[import-untyped]
from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import analyzer_pb2

from gke_kpo.gate.launch import PACK_DIR
from gke_kpo.repo import policy_config_file

LEVELS: Final = ("advisory", "mandatory", "remediate", "disabled")
ALL: Final = "all"
LEVEL_KEY: Final = "enforcementLevel"


class PolicyConfigError(ValueError):
    """The stack has no policy config file, or the file does not fit the pack."""


@dataclass
class PolicySetting:
    level: str
    properties: dict[str, Any] = field(default_factory=dict)


def config_file(stack: str) -> Path:
    return policy_config_file(stack, PACK_DIR.parent)


def config_source(stack: str) -> str:
    """Where the stack's levels come from, in words for the verdict printout."""
    path = config_file(stack)
    shown = path.relative_to(PACK_DIR.parent)
    if path.is_file():
        return f"policy config {shown}"
    # Like `pulumi preview --policy-pack` without --policy-pack-config: the pack's own (strictest) defaults.
    return f"no {shown}: the pack's default levels apply; add that file to set this stack's levels"


def level_name(level: int) -> str:
    return str(analyzer_pb2.EnforcementLevel.Name(level)).lower()


def _nearest(word: str, choices: list[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1)
    return close[0] if close else None


def _level_problem(name: str, level: Any) -> str:
    nearest = _nearest(level, list(LEVELS)) if isinstance(level, str) else None
    hint = f"did you mean {nearest!r}? " if nearest else ""
    return f"{name}: {level!r} is not an enforcement level. Fix: {hint}use one of {', '.join(LEVELS)}"


def _name_problem(pack: str, name: str, known: list[str]) -> str:
    nearest = _nearest(name, known)
    hint = f"did you mean {nearest!r}? " if nearest else ""
    names = ", ".join(sorted(known))
    return f"{name}: no such policy in pack {pack!r}. Fix: {hint}use the pack's names ({names}) or {ALL!r}"


def _option_problems(name: str, entry: dict[str, Any], options: list[str]) -> list[str]:
    """Options the policy does not declare would be ignored: a misspelt limit would silently not apply."""
    unknown = [key for key in entry if key != LEVEL_KEY and key not in options]
    problems = []
    for key in unknown:
        nearest = _nearest(key, options)
        hint = f"did you mean {nearest!r}? " if nearest else ""
        takes = f"its options: {', '.join(options)}" if options else "it takes only enforcementLevel"
        problems.append(f"{name}: {key!r} is not an option of the policy. Fix: {hint}{takes}")
    return problems


def _entry_problems(pack: str, name: str, value: Any, schemas: dict[str, dict[str, Any]]) -> list[str]:
    """Every problem of one file entry: its policy name, its shape, its level, its option names."""
    known = list(schemas)
    problems = [] if name in schemas or name == ALL else [_name_problem(pack, name, known)]
    if isinstance(value, str):
        return problems + ([] if value in LEVELS else [_level_problem(name, value)])
    if not isinstance(value, dict):
        shape = f'{name}: must be a level or an object, got {value!r}. Fix: write "mandatory" (say), or '
        return [*problems, shape + '{"enforcementLevel": "mandatory", ...options}']
    if LEVEL_KEY in value and value[LEVEL_KEY] not in LEVELS:
        problems.append(_level_problem(name, value[LEVEL_KEY]))
    if name in schemas or name == ALL:
        options = list(schemas[name].get("properties", {})) if name in schemas else []
        problems += _option_problems(name, value, options)
    return problems


def reconcile(info: analyzer_pb2.AnalyzerInfo, file_config: dict[str, Any]) -> dict[str, PolicySetting]:
    """Every problem of the file at once (PolicyConfigError), or each policy's level and options."""
    schemas = {policy.name: json_format.MessageToDict(policy.configSchema) for policy in info.policies}
    problems = [p for name, value in file_config.items() for p in _entry_problems(info.name, name, value, schemas)]
    if problems:
        raise PolicyConfigError(_joined(problems))
    result = {
        policy.name: PolicySetting(
            level_name(policy.enforcementLevel),
            {
                key: spec["default"]
                for key, spec in schemas[policy.name].get("properties", {}).items()
                if "default" in spec
            },
        )
        for policy in info.policies
    }
    every = file_config.get(ALL)
    every_level = every if isinstance(every, str) else (every or {}).get(LEVEL_KEY)
    if every_level:
        for setting in result.values():
            setting.level = every_level
    for name, entry in file_config.items():
        if name == ALL:
            continue
        if isinstance(entry, str):
            result[name].level = entry
        else:
            result[name].level = entry.get(LEVEL_KEY, result[name].level)
            result[name].properties.update({k: v for k, v in entry.items() if k != LEVEL_KEY})
    invalid = [_schema_problem(name, setting, schemas[name]) for name, setting in result.items()]
    if any(invalid):
        raise PolicyConfigError(_joined([problem for problem in invalid if problem]))
    return result


def _schema_problem(name: str, setting: PolicySetting, schema: dict[str, Any]) -> str | None:
    try:
        jsonschema.validate(setting.properties, {"type": "object", **schema})
    except jsonschema.ValidationError as error:
        return f"policy {name!r}: {error.message}"
    return None


def _joined(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return f"{len(problems)} problems:\n" + "\n".join(f"  - {problem}" for problem in problems)


def load_stack_settings(stack: str, info: analyzer_pb2.AnalyzerInfo) -> dict[str, PolicySetting]:
    """Errors name the file (``policies/config/<stack>.json``), as the stack file's errors do."""
    path = config_file(stack)
    if not path.is_file():
        return reconcile(info, {})
    shown = path.relative_to(PACK_DIR.parent)
    text = path.read_text()
    if not text.strip():
        raise PolicyConfigError(f"{shown}: is empty. Fix: write {{}} for the pack's default levels, or delete it")
    try:
        file_config = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise PolicyConfigError(f"{shown}: not JSON ({error.msg} at {where}). Fix: correct the JSON there") from error
    if not isinstance(file_config, dict):
        raise PolicyConfigError(f"{shown}: must be a JSON object of policy name -> level or settings")
    try:
        return reconcile(info, file_config)
    except PolicyConfigError as error:
        raise PolicyConfigError(f"{shown}: {error}") from error


def configure_request(settings: dict[str, PolicySetting]) -> analyzer_pb2.ConfigureAnalyzerRequest:
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, setting in settings.items():
        properties = struct_pb2.Struct()
        properties.update(setting.properties)
        request.policyConfig[name].CopyFrom(
            analyzer_pb2.PolicyConfig(
                enforcementLevel=analyzer_pb2.EnforcementLevel.Value(setting.level.upper()),
                properties=properties,
            )
        )
    return request
