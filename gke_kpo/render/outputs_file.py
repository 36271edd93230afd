"""Read the outputs file ``make render`` starts from, with one error per way it can be wrong.

Each error names the command that writes a good file, because every bad file seen in practice came from a
different command: an empty file (a failed redirection), a shell that writes UTF-16 (Windows PowerShell's ``>``),
a cut-off or non-JSON file, or outputs exported without ``--show-secrets``, where the Pulumi CLI prints each
secret output as the string ``[secret]`` (Pulumi docs, "Secrets": the CLI shows ``[secret]`` unless
``--show-secrets`` is given).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gke_kpo.render.validate import OutputsError

GOOD_OUTPUTS_COMMAND = "pulumi stack output --json --show-secrets > outputs.json"
REDACTED = "[secret]"


class OutputsFileError(OutputsError):
    """The file itself is unusable (missing, empty, not JSON, redacted): the fix is to write it again."""


def _redacted(value: Any, path: str = "") -> Iterator[str]:
    if value == REDACTED:
        yield path or "(the whole file)"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _redacted(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _redacted(item, f"{path}[{index}]")


def _fail(path: Path, problem: str) -> OutputsFileError:
    return OutputsFileError(f"{path}: {problem}; write it with `{GOOD_OUTPUTS_COMMAND}`")


def load_outputs(path: Path) -> dict[str, Any]:
    """The outputs as one JSON object; ``OutputsFileError`` naming the fix otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except IsADirectoryError:
        # Not a bad file to write again: the variable names the wrong thing (often the folder the file is in).
        raise OutputsFileError(
            f"--outputs (make: OUTPUTS) {path} is a folder, not the outputs file; point it at the file "
            f"`{GOOD_OUTPUTS_COMMAND}` writes"
        ) from None
    except OSError as error:
        raise _fail(path, f"cannot be read ({error.strerror})") from None
    if not data.strip():
        raise _fail(path, "is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problem = "is not UTF-8 text (Windows PowerShell's `>` writes UTF-16: use a shell that writes UTF-8)"
        raise _fail(path, problem) from None
    try:
        outputs = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(path, f"is not JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    if not isinstance(outputs, dict):
        raise _fail(path, f"must hold one JSON object of stack outputs, got a JSON {type(outputs).__name__}")
    hidden = list(_redacted(outputs))
    if hidden:
        raise _fail(
            path,
            f"{', '.join(hidden)} {'is' if len(hidden) == 1 else 'are'} {REDACTED!r}: the outputs were exported "
            "without --show-secrets",
        )
    return outputs
