"""YAML the way ``yaml.safe_dump`` and ``yaml.safe_load`` do it, through libyaml when PyYAML was built with it.

Same text and values, about ten to twenty times faster: with a hundred tenants ``make plan`` reads a stack file of
some 20 kB several times, and writes a kubeconfig and an airflow_settings.yaml per tenant and an inventory of some
900 resources (benchmarks/tenant_scale.py).
"""

from __future__ import annotations

from typing import Any

import yaml

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_dump(value: Any, **options: Any) -> str:
    text: str = yaml.dump(value, Dumper=_DUMPER, **options)
    return text


def safe_load(text: str) -> Any:
    """Broken YAML is parsed again by PyYAML's own parser, so errors keep its wording and positions."""
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping holds a key twice; YAML libraries keep the last one silently, so a second ``project:`` wins."""


def _unique_keys(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    class UniqueKeyLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            first_line: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, str | int | bool | float) and key in first_line:
                    raise DuplicateKeyError(
                        problem=f"{key!r} is set twice: at line {first_line[key] + 1} and here; delete one",
                        problem_mark=key_node.start_mark,
                    )
                first_line.setdefault(key, key_node.start_mark.line)
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return mapping

    return UniqueKeyLoader


_UNIQUE_LOADER = _unique_keys(_LOADER)
_UNIQUE_PURE_LOADER = _unique_keys(yaml.SafeLoader)


def load_unique_keys(text: str) -> Any:
    """``safe_load`` that refuses a key set twice in one mapping, naming both lines."""
    try:
        return yaml.load(text, Loader=_UNIQUE_LOADER)
    except DuplicateKeyError:
        raise
    except yaml.YAMLError:
        return yaml.load(text, Loader=_UNIQUE_PURE_LOADER)
