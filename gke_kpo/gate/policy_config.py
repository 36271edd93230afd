"""The stack's policy config file, reconciled with the pack's defaults as the engine does it.

Mirrors ``ReconcilePolicyPackConfig`` (pulumi sdk/go/common/resource/analyzer/config.go): start from
each policy's default level and schema defaults, apply ``"all"``, then each policy's entry, then
validate every policy's properties against its JSON schema. The same file is what
``pulumi preview --policy-pack-config`` reads.
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

CONFIG_DIR: Final = PACK_DIR / "config"
LEVELS: Final = ("advisory", "mandatory", "remediate", "disabled")
ALL: Final = "all"


class PolicyConfigError(ValueError):
    """The stack has no policy config file, or the file does not fit the pack."""


@dataclass
class PolicySetting:
    level: str
    properties: dict[str, Any] = field(default_factory=dict)


def config_file(stack: str) -> Path:
    return CONFIG_DIR / f"{stack}.json"


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


def _level_error(name: str, level: Any) -> PolicyConfigError:
    nearest = _nearest(level, list(LEVELS)) if isinstance(level, str) else None
    hint = f"did you mean {nearest!r}? " if nearest else ""
    return PolicyConfigError(
        f"{name}: {level!r} is not an enforcement level. Fix: {hint}use one of {', '.join(LEVELS)}"
    )


def _parse_entry(name: str, value: Any) -> PolicySetting | dict[str, Any]:
    """A file entry: a level string, or an object with an optional enforcementLevel."""
    if isinstance(value, str):
        if value not in LEVELS:
            raise _level_error(name, value)
        return PolicySetting(value)
    if isinstance(value, dict):
        level = value.get("enforcementLevel")
        if level is not None and level not in LEVELS:
            raise _level_error(name, level)
        return value
    raise PolicyConfigError(
        f'{name}: must be a level or an object, got {value!r}. Fix: write "mandatory" (say), or '
        '{"enforcementLevel": "mandatory", ...properties}'
    )


def _unknown_policies_error(pack: str, unknown: list[str], known: list[str]) -> PolicyConfigError:
    def named(name: str) -> str:
        nearest = _nearest(name, known)
        return f"{name!r} (did you mean {nearest!r}?)" if nearest else repr(name)

    return PolicyConfigError(
        f"no such policies in pack {pack!r}: {', '.join(map(named, unknown))}. Fix: use the pack's names "
        f"({', '.join(sorted(known))}) or {ALL!r}"
    )


def reconcile(info: analyzer_pb2.AnalyzerInfo, file_config: dict[str, Any]) -> dict[str, PolicySetting]:
    schemas = {policy.name: json_format.MessageToDict(policy.configSchema) for policy in info.policies}
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
    entries = {name: _parse_entry(name, value) for name, value in file_config.items()}
    unknown = sorted(set(entries) - set(result) - {ALL})
    if unknown:
        raise _unknown_policies_error(info.name, unknown, list(result))
    every = entries.get(ALL)
    if isinstance(every, PolicySetting):
        for setting in result.values():
            setting.level = every.level
    for name, entry in entries.items():
        if name == ALL:
            continue
        if isinstance(entry, PolicySetting):
            result[name].level = entry.level
        else:
            result[name].level = entry.get("enforcementLevel", result[name].level)
            result[name].properties.update({k: v for k, v in entry.items() if k != "enforcementLevel"})
    for name, setting in result.items():
        schema = {"type": "object", **schemas[name]}
        try:
            jsonschema.validate(setting.properties, schema)
        except jsonschema.ValidationError as error:
            raise PolicyConfigError(f"policy {name!r}: {error.message}") from error
    return result


def load_stack_settings(stack: str, info: analyzer_pb2.AnalyzerInfo) -> dict[str, PolicySetting]:
    """Errors name the file (``policies/config/<stack>.json``), as the stack file's errors do."""
    path = config_file(stack)
    if not path.is_file():
        return reconcile(info, {})
    shown = path.relative_to(PACK_DIR.parent)
    try:
        file_config = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise PolicyConfigError(f"{shown}: not JSON: {error}") from error
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
