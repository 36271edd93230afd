"""The plan printout: a preview-like tree per component, the policy verdicts, and where the details are."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

from gke_kpo.cloud import gpu_capacity, gpu_catalog, gpu_cost, gpu_quota
from gke_kpo.cloud.control_plane import ControlPlaneAccess
from gke_kpo.cloud.replacement import NODE_POOL
from gke_kpo.config.problems import listed
from gke_kpo.config.stack_file import shown
from gke_kpo.contract import outputs as names
from gke_kpo.gate import GateResult
from gke_kpo.gate.verdicts import MANDATORY, Verdict
from gke_kpo.plan.condition_drift import condition_drift
from gke_kpo.plan.diff import InputChange, Op, ResourceChange
from gke_kpo.plan.summary import key_inputs, pool_size, short_type, size_change
from gke_kpo.plan.transitions import Finding
from gke_kpo.plan.transitions import Verdict as Day2Verdict
from gke_kpo.preview.capture import Plan, PlannedResource
from gke_kpo.spec.kubeconfig import api_server

DEFAULT_WIDTH = 120
"""Lines are cut at the terminal's width, and at this one when the output is no terminal."""
NARROWEST = 80
DETAILS_PER_RESOURCE = 3
ADVISORIES_SHOWN = 5
_COLOURS = {Op.CREATE: "32", Op.UPDATE: "33", Op.REPLACE: "35", Op.DELETE: "31", "fail": "1;31", "pass": "32"}


def use_colour(stream: TextIO) -> bool:
    """Colour on a terminal only, and never when NO_COLOR is set (no-color.org) or the terminal is dumb."""
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


@dataclass
class Report:
    plan: Plan
    stack_file: Path
    golden: Path
    golden_entries: list[dict[str, Any]] | None
    planned: list[dict[str, Any]]
    """The plan's inventory entries (plain values, as in plan.yaml)."""
    changes: list[ResourceChange]
    colour: bool
    access: list[str] = field(default_factory=list)
    """Who reaches the control plane by which path, and the config's warnings (gke_kpo.plan.access)."""
    findings: list[Finding] = field(default_factory=list)
    """What `pulumi up` from the compared inventory would fail on or lose (gke_kpo.plan.transitions)."""

    def paint(self, text: str, style: Op | str) -> str:
        return f"\033[{_COLOURS[style]}m{text}\033[0m" if self.colour and style in _COLOURS else text

    def lines(self, verdicts: GateResult, build: Path, airflow_files: list[str]) -> list[str]:
        header = f"Plan for stack {self.plan.stack} from {shown(self.stack_file)} (Pulumi mock runtime: no cloud calls)"
        return [
            header,
            *self._tree(),
            self._diff_summary(),
            *self._day2(),
            *condition_drift(self.golden_entries, self.planned, shown(self.golden)),
            *self._gpu_quota(),
            *self._gpu_cost(),
            *self.access,
            *self._policies(verdicts, build),
            *_pointers(build, airflow_files, self.plan.outputs),
        ]

    def _tree(self) -> list[str]:
        by_key = {(change.type, change.name): change for change in self.changes}
        groups = _groups(self.plan)
        deleted = self._deleted_by_parent({group.component.name for group in groups})
        width = _widths(self.changes)
        lines: list[str] = []
        for group in groups:
            note = "  (declares nothing with this config)" if group.empty else ""
            kind, name = group.component.type.rpartition(":")[2], group.component.name
            lines.append(f"{'  ' * group.depth}{kind} {name}{note}")
            rows = [by_key[(r.type, r.name)] for r in group.members] + deleted.pop(name, [])
            lines += [line for row in rows for line in self._resource(row, group.depth + 1, width)]
        orphans = [row for rows in deleted.values() for row in rows]
        if orphans:
            lines.append(f"(no longer declared, from {shown(self.golden)})")
            lines += [line for row in orphans for line in self._resource(row, 1, width)]
        return lines

    def _deleted_by_parent(self, component_names: set[str]) -> dict[str | None, list[ResourceChange]]:
        """Deleted resources go under the component of their golden parent's name, when it still exists."""
        parents = {(entry["type"], entry["name"]): entry.get("parent") for entry in self.golden_entries or []}
        grouped: dict[str | None, list[ResourceChange]] = {}
        for change in self.changes:
            if change.op is Op.DELETE:
                parent = parents.get((change.type, change.name))
                grouped.setdefault(parent if parent in component_names else None, []).append(change)
        return grouped

    def _resource(self, change: ResourceChange, depth: int, width: tuple[int, int]) -> list[str]:
        lead = "  " * depth
        row = f"{short_type(change.type):<{width[0]}} {change.name:<{width[1]}}"
        summary = key_inputs(change.type, self._inputs_of(change))
        verb = f"{change.op.verb}: " if change.op in (Op.REPLACE, Op.DELETE, Op.UPDATE) else ""
        # Clipped before painting, so escape codes never count against the width.
        text = _clip(f"{lead}{change.op.value:<2} {row}  {verb}{summary}".rstrip())[len(lead) + 2 :]
        line = f"{lead}{self.paint(f'{change.op.value:<2}', change.op)}{text}"
        indent = "  " * (depth + 2)
        forcing_first = sorted(change.changes, key=lambda item: not item.replaces)
        details = [_clip(f"{indent}{_detail(item)}") for item in forcing_first[:DETAILS_PER_RESOURCE]]
        if len(change.changes) > DETAILS_PER_RESOURCE:
            details.append(f"{indent}... {len(change.changes) - DETAILS_PER_RESOURCE} more changed inputs")
        if change.was:
            details.insert(0, _clip(f"{indent}moved from {change.was} by its alias (nothing is re-created)"))
        if change.cause:
            details.append(f"{indent}replaced because {change.cause}")
        resized = size_change(self._golden_inputs.get((change.type, change.name), {}), self._inputs_of(change))
        if change.type == NODE_POOL and change.op is Op.UPDATE and resized:
            details.append(_clip(f"{indent}{resized}"))
        return [line, *details]

    def _inputs_of(self, change: ResourceChange) -> dict[str, Any]:
        key = (change.type, change.name)
        return self._planned_inputs[key] if key in self._planned_inputs else self._golden_inputs.get(key, {})

    @cached_property
    def _planned_inputs(self) -> dict[tuple[str, str], dict[str, Any]]:
        return _inputs_by_key(self.planned)

    @cached_property
    def _golden_inputs(self) -> dict[tuple[str, str], dict[str, Any]]:
        return _inputs_by_key(self.golden_entries or [])

    def _day2(self) -> list[str]:
        """Each finding with what would happen and the way out; the commands are never clipped."""
        if not self.findings:
            return []
        lines = [
            self.paint(f"Day-2 check FAILED against {shown(self.golden)}", "fail")
            + f": `pulumi up` would stop or lose access ({len(self.findings)}; README, Day-2 changes)"
        ]
        for finding in self.findings:
            lines.append(f"  {self.paint(finding.verdict.value, 'fail')}: {finding.what}")
            lines += [
                f"    {line}"
                for line in textwrap.wrap(_CONSEQUENCE[finding.verdict].format(f=finding), 112, break_long_words=False)
            ]
            lines += [f"    fix: {line}" for line in finding.fix]
        return lines

    def _gpu_quota(self) -> list[str]:
        """A new project often has 0 GPU quota: the plan says which quota the GPU pool needs at its ceiling."""
        lines = []
        command = f"python -m gke_kpo.deployer --gpu-quota-for {self.plan.stack}"
        for entry in self.planned:
            inputs = entry.get("inputs", {})
            size = pool_size(inputs) if entry["type"] == NODE_POOL else None
            if size is None:
                continue
            node = inputs.get("nodeConfig", {})
            for gpu in node.get("guestAccelerators", []):
                preemptible = gpu_quota.uses_preemptible_quota(gpu_capacity.capacity_of(node))
                metric = gpu_quota.regional_metric(str(gpu.get("type")), preemptible)
                region = gpu_quota.region_of(str(inputs.get("location", "")))
                gpus = int(gpu.get("count") or 0) * size.most
                lines += wrap(f"GPU quota needed: {metric} >= {gpus} in {region}; check: {command}")
        return lines

    def _gpu_cost(self) -> list[str]:
        """Each GPU pool's hourly price, idle and at its ceiling, and the stack's total: estimates, dated."""
        costs = []
        for entry in self.planned:
            inputs = entry.get("inputs", {})
            size = pool_size(inputs) if entry["type"] == NODE_POOL else None
            shape = size and gpu_cost.shape_of_node_pool(str(inputs.get("name")), inputs, (size.least, size.most))
            if shape:
                costs.append(gpu_cost.pool_cost(shape))
        if not costs:
            return []
        header = f"GPU cost (estimate, {gpu_catalog.read_on()} list prices):"
        if len(costs) == 1:
            return wrap(f"{header} {costs[0].line()}")
        idle, ceiling = gpu_cost.stack_idle(costs), gpu_cost.stack_ceiling(costs)
        total = "unknown" if idle is None or ceiling is None else f"idle {idle:.2f}, at most {ceiling:.2f} USD/h"
        return [f"{header} all GPU pools {total}", *(line for cost in costs for line in wrap(f"  {cost.line()}"))]

    def _diff_summary(self) -> str:
        count = sum(1 for r in self.plan.resources if r.custom)
        components = len(self.plan.resources) - count
        total = f"{count} resources in {components} components"
        if self.golden_entries is None:
            return f"{total}; no {shown(self.golden)} to compare with, so all are shown as create"
        tally = {op: sum(1 for c in self.changes if c.op is op) for op in Op if op is not Op.SAME}
        moved = sum(1 for change in self.changes if change.was)
        total += f" ({moved} moved to a new logical name by an alias)" if moved else ""
        if not any(tally.values()):
            return f"{total}: no changes against {shown(self.golden)}"
        counted = ", ".join(self.paint(f"{n} to {op.verb}", op) for op, n in tally.items() if n)
        return f"{total}: {counted} against {shown(self.golden)}"

    def _policies(self, result: GateResult, build: Path) -> list[str]:
        outcome = self.paint("PASSED", "pass") if result.passed else self.paint("FAILED", "fail")
        levels: dict[str, int] = {}
        for level in result.levels.values():
            levels[level] = levels.get(level, 0) + 1
        counts = ", ".join(f"{n} {level}" for level, n in sorted(levels.items()))
        failures = len(result.mandatory_failures)
        lines = [
            f"Policies {outcome}: {failures} mandatory violation(s), {len(result.verdicts) - failures} other note(s)",
            *wrap(f"  pack {result.pack}, levels {counts}: {result.config}"),
        ]
        ordered = sorted(result.verdicts, key=lambda v: (v.level != MANDATORY, v.policy, v.resource))
        mandatory = [v for v in ordered if v.level == MANDATORY]
        shown_verdicts = mandatory + [v for v in ordered if v.level != MANDATORY][:ADVISORIES_SHOWN]
        lines += [line for verdict in shown_verdicts for line in self._verdict(verdict)]
        if len(shown_verdicts) < len(result.verdicts):
            lines.append(f"  ... {len(result.verdicts) - len(shown_verdicts)} more")
        if result.verdicts:
            lines.append(f"  full messages: {shown(build / 'policies.txt')}")
        return lines

    def _verdict(self, verdict: Verdict) -> list[str]:
        """The specific finding: the SDK puts the policy's description on the first line and the finding after it;
        a mandatory failure shows every finding line, an advisory note its first."""
        where = verdict.resource.rsplit("::", 1)[-1] if verdict.resource else "(stack)"
        mandatory = verdict.level == MANDATORY
        level = self.paint(verdict.level, "fail") if mandatory else verdict.level
        lines = verdict.message.splitlines() or [""]
        findings = lines[1:] or lines
        head = f"  {level} {verdict.policy} @ {where}: "
        if not mandatory:
            return [_clip(head + findings[0])]
        wrapped = textwrap.wrap(" ".join(findings), line_width() - 6, break_on_hyphens=False)
        return [head.rstrip(), *(f"      {line}" for line in wrapped)]


@dataclass(frozen=True)
class _Group:
    component: PlannedResource
    depth: int
    members: list[PlannedResource]
    """The custom resources it parents directly."""
    empty: bool
    """Declares nothing at all, not even through a child component."""


def _inputs_by_key(entries: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(type, name) -> inputs; the first entry of a key wins, as a scan in order would find it."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        found.setdefault((entry["type"], entry["name"]), entry.get("inputs", {}))
    return found


def _groups(plan: Plan) -> list[_Group]:
    """Components depth-first, siblings sorted by name."""
    components = {r.urn: r for r in plan.resources if not r.custom}
    children: dict[str | None, list[PlannedResource]] = {}
    for resource in plan.resources:
        children.setdefault(resource.parent if resource.parent in components else None, []).append(resource)

    def walk(urn: str | None, depth: int) -> list[_Group]:
        found = []
        for component in sorted((r for r in children.get(urn, []) if not r.custom), key=lambda r: (r.name, r.type)):
            own = children.get(component.urn, [])
            members = sorted((r for r in own if r.custom), key=lambda r: (r.type, r.name))
            found.append(_Group(component, depth, members, empty=not own))
            found += walk(component.urn, depth + 1)
        return found

    return walk(None, 0)


_CONSEQUENCE = {
    Day2Verdict.COLLISION: "created as {f.after} while {f.before} still holds it (the engine deletes last): "
    "the create fails with 409 / AlreadyExists",
    Day2Verdict.GRANT_REMOVED: "granted again as {f.after} (a no-op in IAM), then revoked by the delete of {f.before}, "
    "which runs last: `pulumi up` succeeds and the access is gone",
    Day2Verdict.PROTECTED_DELETE: "{f.what} is protected: `pulumi up` refuses to delete it",
    Day2Verdict.PROTECTED_REPLACE: "{f.what} is protected: `pulumi up` refuses to replace it",
}


def _widths(changes: list[ResourceChange]) -> tuple[int, int]:
    return max((len(short_type(c.type)) for c in changes), default=0), max((len(c.name) for c in changes), default=0)


def _detail(change: InputChange) -> str:
    forced = "  [forces replacement]" if change.replaces else ""
    note = f"  ({change.note})" if change.note else ""
    return f"{change.path}: {_value(change.old)} -> {_value(change.new)}{forced}{note}"


def _value(value: Any) -> str:
    return "(none)" if value is None else str(value)


def line_width() -> int:
    """On a terminal its width; piped or captured output (CI logs, files) keeps the default, whatever COLUMNS a
    parent shell left in the environment."""
    return max(NARROWEST, shutil.get_terminal_size().columns) if sys.stdout.isatty() else DEFAULT_WIDTH


def wrap(line: str) -> list[str]:
    """A line that says what to do is wrapped, never cut: its continuation indented under its start."""
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.wrap(line, line_width(), subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def _clip(line: str) -> str:
    width = line_width()
    return line if len(line) <= width else line[: width - 3] + "..."


def _files_by_tenant(airflow_files: list[str]) -> list[tuple[list[str], list[str]]]:
    """Tenants with the same set of files share a line: a hundred tenants stay a few lines."""
    files: dict[str, list[str]] = {}
    for path in airflow_files:
        tenant, _, relative = path.partition("/")
        files.setdefault(f"{tenant}/", []).append(relative)
    groups: dict[tuple[str, ...], list[str]] = {}
    for tenant, relatives in files.items():
        groups.setdefault(tuple(relatives), []).append(tenant)
    return [(tenants, list(relatives)) for relatives, tenants in groups.items()]


def _mock_api_server(outputs: dict[str, Any]) -> str:
    """What the rendered files point at, as the renderer chooses it (the mock DNS name, or the mock IP and CA)."""
    access = ControlPlaneAccess(outputs.get(names.CONTROL_PLANE_ACCESS, ControlPlaneAccess.IP.value))
    ip, dns = str(outputs.get(names.ENDPOINT, "")), str(outputs.get(names.DNS_ENDPOINT, ""))
    host, ca = api_server(access, ip, dns, "")
    return f"endpoint {host}, " + ("no CA" if ca is None else "placeholder CA")


def _pointers(build: Path, airflow_files: list[str], outputs: dict[str, Any]) -> list[str]:
    airflow = build / "airflow"
    return [
        f"Airflow files in {shown(airflow)}/<tenant>/ are derived from MOCK outputs ({_mock_api_server(outputs)}):",
        "  for a real cluster render them from `pulumi stack output` with `make render`.",
        *(_clip(f"  {listed(tenants)}: {', '.join(files)}") for tenants, files in _files_by_tenant(airflow_files)),
        f"Full inventory: {shown(build / 'plan.yaml')}   outputs (MOCK): {shown(build / 'outputs.json')}",
    ]


def print_report(lines: list[str], stream: TextIO = sys.stdout) -> None:
    stream.write("\n".join(lines) + "\n")
