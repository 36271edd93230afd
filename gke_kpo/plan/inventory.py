"""What a stack would create, as plain YAML-able data: the plan printout and the golden files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gke_kpo.preview.capture import Plan, PlannedResource
from gke_kpo.repo import REPO_ROOT
from gke_kpo.yaml_text import safe_dump

GOLDEN_DIR = REPO_ROOT / "tests" / "golden"


def _plain(value: Any) -> Any:
    """Protobuf carries every number as a double; show whole numbers as integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _plain(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _inputs(resource: PlannedResource) -> dict[str, Any]:
    inputs = dict(resource.inputs)
    if "kubeconfig" in inputs:
        # The endpoint and CA are shown once, in the outputs; here only the shape matters.
        inputs["kubeconfig"] = "<exec-plugin kubeconfig built from the cluster endpoint and CA>"
    plain: dict[str, Any] = _plain(inputs)
    return plain


def _short_urn(urn: str | None) -> str | None:
    return urn.split("::")[-1] if urn else None


def inventory(plan: Plan) -> list[dict[str, Any]]:
    entries = [
        {"type": r.type, "name": r.name, "parent": _short_urn(r.parent), "inputs": _inputs(r)}
        for r in plan.resources
        if r.custom
    ]
    return sorted(entries, key=lambda entry: (entry["type"], entry["name"]))


def inventory_yaml(plan: Plan) -> str:
    return safe_dump(inventory(plan), sort_keys=False, width=120)


def golden_path(stack: str) -> Path:
    return GOLDEN_DIR / f"{stack}.yaml"


def write_golden(plan: Plan) -> Path:
    path = golden_path(plan.stack)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(inventory_yaml(plan))
    return path
