"""The files render shares with the user: it owns one part of each, found and set without touching the rest.

``requirements.txt``: the lines of render's packages. ``airflow_settings.yaml``: the connection with render's
``conn_id``. A ``Part`` finds render's part in a file's text (``extract``) and sets it (``put``); every other file is
render's whole (no ``Part``). place.py compares these parts, not whole files, with what render wrote last time.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

_PACKAGE_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Part:
    extract: Callable[[str], str | None]
    """Render's part in a file's text, None when the file has none."""
    put: Callable[[str, str], str | None]
    """The file's text with render's part set (added when absent); None when that would change the user's text."""


def _package(line: str) -> str | None:
    """The normalised project name a requirements line installs (PEP 503), or None for comments/options."""
    if line.lstrip().startswith(("#", "-")):
        return None
    match = _PACKAGE_NAME.match(line)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def requirements_part(ours: str) -> Part:
    """Render's lines by package: a user's line for one of them is that package's pin, whoever wrote it."""
    packages = {name for line in ours.splitlines() if (name := _package(line))}

    def extract(text: str) -> str | None:
        lines = [line for line in text.splitlines() if _package(line) in packages]
        return "\n".join(lines) + "\n" if lines else None

    def put(text: str, part: str) -> str:
        wanted = {_package(line): line for line in part.splitlines()}
        kept = [wanted.pop(name, line) if (name := _package(line)) in packages else line for line in text.splitlines()]
        return "\n".join(kept + list(wanted.values())) + "\n"

    return Part(extract, put)


def _settings(text: str) -> Any:
    try:
        return _round_trip().load(text)
    except YAMLError:
        return None


def _round_trip(mapping: int = 2, sequence: int = 2, offset: int = 0) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never fold a long conn_extra (nor a user's long line) across lines
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, document: Any) -> str:
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


_INDENTS = [(mapping, *sequence) for mapping in (2, 4, 3) for sequence in ((4, 2), (2, 0), (3, 1), (4, 0))]
"""Block styles to try: Astro's own template is 2/4/2 (astro-cli pkg/airflowrt/include/airflow3/settingsyml.yml)."""


def _faithful(text: str) -> YAML | None:
    """The emitter settings under which this file round-trips byte for byte, if any."""
    for indent in _INDENTS:
        yaml = _round_trip(*indent)
        if _dump(yaml, yaml.load(text)) == text:
            return yaml
    return None


def _connections(document: Any) -> list[Any]:
    airflow = document.get("airflow") if isinstance(document, dict) else None
    connections = airflow.get("connections") if isinstance(airflow, dict) else None
    return connections if isinstance(connections, list) else []


def _entry_text(entry: Any) -> str:
    return json.dumps(entry, sort_keys=True) + "\n"


_KEY_ORDER = ("conn_id", "conn_description", "conn_type", "conn_extra")


def _entry_span(document: CommentedMap, index: int, line_count: int) -> range:
    """The lines of ``airflow.connections[index]``: up to the next entry or the next key after ``connections``."""
    airflow, connections = document["airflow"], document["airflow"]["connections"]
    start = connections.lc.item(index)[0]
    if index + 1 < len(connections):
        return range(start, connections.lc.item(index + 1)[0])
    keys = list(airflow)
    after = keys[keys.index("connections") + 1 :]
    return range(start, airflow.lc.key(after[0])[0] if after else line_count)


def _only_within(before: str, after: str, span: range) -> bool:
    """Every line of ``before`` outside ``span`` is still in ``after``, in order, unchanged."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    changed = [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("delete", "replace")]
    return all(span.start <= i1 and i2 <= span.stop for i1, i2 in changed)


def settings_part(ours: str) -> Part:
    """The connection render writes, by ``conn_id``, set with a round-trip YAML library: the user's comments, order,
    quoting and layout, and their other connections, pools and variables, stay byte for byte."""
    [our_entry] = _connections(_settings(ours))
    conn_id = our_entry["conn_id"]

    def index_in(document: Any) -> int | None:
        ids = [c.get("conn_id") if isinstance(c, dict) else None for c in _connections(document)]
        return ids.index(conn_id) if conn_id in ids else None

    def extract(text: str) -> str | None:
        document = _settings(text)
        index = index_in(document)
        return None if index is None else _entry_text(_connections(document)[index])

    def put(text: str, part: str) -> str | None:
        wanted = json.loads(part)
        if not text.strip():
            return ours
        yaml = _faithful(text)
        if yaml is None:
            return None  # this library cannot re-emit the file as written: it is not ours to reshape
        document = yaml.load(text)
        if not isinstance(document, CommentedMap) or not isinstance(document.get("airflow"), CommentedMap | None):
            return None  # not an Astro settings mapping
        airflow = document.setdefault("airflow", CommentedMap())
        if airflow.get("connections") is None:
            airflow["connections"] = CommentedSeq()
        if not isinstance(airflow["connections"], CommentedSeq):
            return None
        index = index_in(document)
        lines = len(text.splitlines())
        span = range(lines, lines) if index is None else _entry_span(document, index, lines)
        if index is None:
            airflow["connections"].append(CommentedMap())
            index = len(airflow["connections"]) - 1
        entry = airflow["connections"][index]
        # Set in place, key by key: a comment the library attached to the entry's last key stays where it was.
        for key in [key for key in entry if key not in wanted]:
            del entry[key]
        for key in sorted(wanted, key=lambda key: (*_KEY_ORDER, key).index(key)):
            entry[key] = wanted[key]
        merged = _dump(yaml, document)
        return merged if _only_within(text, merged, span) else None

    return Part(extract, put)
