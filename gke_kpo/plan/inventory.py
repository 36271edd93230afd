"""What a stack would create, as plain YAML-able data: the plan printout and the golden files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gke_kpo.preview.capture import PROJECT_NAME, Plan, PlannedResource
from gke_kpo.repo import REPO_ROOT
from gke_kpo.yaml_text import tree_dump

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


ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def engine_urns(plan: Plan) -> dict[str, str]:
    """Each recorded URN -> the URN the real engine gives the same resource. The mock monitor prefixes only the
    parent's last type and keeps the root stack's; the engine chains every ancestor's type and leaves the stack out
    (pulumi/pulumi pkg/resource/deploy/deployment.go generateURN, sdk/go/common/resource/urn/urn.go New; read at
    1b594989). These are the URNs `pulumi state unprotect` and the ``aliases`` option take."""
    by_urn = {resource.urn: resource for resource in plan.resources}
    found: dict[str, str] = {}

    def chain(resource: PlannedResource) -> str:
        parent = by_urn.get(resource.parent or "")
        return f"{chain(parent)}${resource.type}" if parent is not None else resource.type

    for resource in plan.resources:
        found[resource.urn] = f"urn:pulumi:{plan.stack}::{PROJECT_NAME}::{chain(resource)}::{resource.name}"
    return found


def _explicit_provider(resource: PlannedResource) -> str | None:
    """The logical name of the provider a resource is managed through, unless it is the package's default one."""
    name = resource.provider.split("::")[-2] if resource.provider else ""
    return name if name and not name.startswith("default") else None


def inventory(plan: Plan) -> list[dict[str, Any]]:
    """Per custom resource: its type, logical name, parent component, engine URN, inputs; and only where set, the
    ``protect`` option, the ``aliases`` it answers to and its explicit provider (the day-2 check reads them)."""
    urns = engine_urns(plan)
    entries = []
    for r in plan.resources:
        if not r.custom:
            continue
        entry: dict[str, Any] = {"type": r.type, "name": r.name, "parent": _short_urn(r.parent), "urn": urns[r.urn]}
        if r.protect:
            entry["protect"] = True
        if r.aliases:
            entry["aliases"] = list(r.aliases)
        provider = _explicit_provider(r)
        if provider:
            entry["provider"] = provider
        entry["inputs"] = _inputs(r)
        entries.append(entry)
    return sorted(entries, key=lambda entry: (entry["type"], entry["name"]))


def inventory_yaml(plan: Plan, entries: list[dict[str, Any]] | None = None) -> str:
    """``entries``: the plan's inventory when already built (every dict and list in it is its own: no anchors)."""
    return tree_dump(inventory(plan) if entries is None else entries, width=120)


def golden_path(stack: str) -> Path:
    return GOLDEN_DIR / f"{stack}.yaml"


def write_golden(plan: Plan) -> Path:
    path = golden_path(plan.stack)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(inventory_yaml(plan))
    return path
