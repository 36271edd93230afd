"""Which subjects a Workload Identity provider's attribute condition (CEL) pins, read conservatively.

A condition pins subjects when it is a conjunction (``&&``, no top-level ``||``) of which at least
one clause is ``assertion.sub`` or ``google.subject`` compared to literals: ``== "s"`` or
``in ["s1", "s2"]``. Anything else (``startsWith``, ``matches``, a disjunction, a namespace-only
test) is not a pin: it admits subjects nobody listed.
"""

from __future__ import annotations

import re
from typing import Final

SUBJECT_ATTRIBUTES: Final = ("assertion.sub", "google.subject")
_STRING: Final = r"""(?:"(?:[^"\\]|\\.)+"|'(?:[^'\\]|\\.)+')"""
_PIN: Final = re.compile(
    rf"^\(?\s*(?:{'|'.join(re.escape(a) for a in SUBJECT_ATTRIBUTES)})\s*"
    rf"(?:==\s*(?P<one>{_STRING})|in\s*\[\s*(?P<many>{_STRING}(?:\s*,\s*{_STRING})*)\s*,?\s*\])\s*\)?$"
)
_LITERAL: Final = re.compile(_STRING)


def _top_level_split(expression: str, operator: str) -> list[str]:
    """Split on ``operator`` outside brackets, parentheses and string literals."""
    parts, depth, quote, start, index = [], 0, "", 0, 0
    while index < len(expression):
        char = expression[index]
        if quote:
            if char == quote:
                quote = ""
            index += 2 if char == "\\" else 1
            continue
        if char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0 and expression.startswith(operator, index):
            parts.append(expression[start:index])
            start = index + len(operator)
            index = start
            continue
        index += 1
    parts.append(expression[start:])
    return [part.strip() for part in parts]


def pinned_subjects(condition: str) -> list[str] | None:
    """The literal subjects the condition restricts to, or None when it does not pin subjects."""
    if len(_top_level_split(condition, "||")) > 1:
        return None
    for clause in _top_level_split(condition, "&&"):
        match = _PIN.match(clause)
        if match:
            literals = match.group("one") or match.group("many")
            return [literal[1:-1] for literal in _LITERAL.findall(literals)]
    return None
