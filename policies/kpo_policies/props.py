"""Reading resource properties the way the engine sends them.

Properties arrive wrapped in ``unknown_checking_proxy``: touching a value that is unknown during
preview raises ``UnknownValueError``. These helpers never swallow that error; ``verdicts`` decides
what an unknown means. Absent and null are the same thing here: the provider default applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def lookup(value: Any, *path: str) -> Any:
    """The value at ``path``, or ``None`` when any step is absent."""
    current = value
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def items(value: Any) -> list[Any]:
    """The elements of a list property (``[]`` when absent)."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [value[index] for index in range(len(value))]
    return []


def strings(value: Any) -> list[str]:
    return [str(element) for element in items(value)]


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def is_true(value: Any) -> bool:
    return value is True


def is_false(value: Any) -> bool:
    return value is False


def number(value: Any) -> float | None:
    """Numbers travel as protobuf doubles; ``bool`` is not a number here."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)
