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


_SCALARS = yaml.representer.SafeRepresenter()
"""PyYAML's own scalar representations (floats, dates): only mappings and sequences are built below."""


def _node(value: Any) -> yaml.Node:
    if isinstance(value, dict):
        pairs = [(_node(key), _node(item)) for key, item in value.items()]
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, flow_style=False)
    if isinstance(value, list):
        return yaml.SequenceNode("tag:yaml.org,2002:seq", [_node(item) for item in value], flow_style=False)
    if isinstance(value, str):
        return yaml.ScalarNode("tag:yaml.org,2002:str", value)
    node: yaml.Node = _SCALARS.represent_data(value)
    return node


def tree_dump(value: Any, width: int) -> str:
    """``safe_dump(value, sort_keys=False, width=width)`` of a tree that shares no dict or list (so needs no anchors),
    without PyYAML's Python representer: the same text, several times faster for large inventories."""
    text: str = yaml.serialize(_node(value), Dumper=_DUMPER, width=width)
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
