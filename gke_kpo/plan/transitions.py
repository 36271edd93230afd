"""Day-2 transitions: what `pulumi up` from the compared inventory (the golden, or ``--golden``) to the plan would do
that the preview shows as an ordinary create and delete, and which fails, or silently removes access, only when it
runs. Checked before anything runs, from the two inventories alone.

The engine's order: a resource the program registers under a new URN is created while the program runs; a URN the
program no longer registers is deleted afterwards, once the program has finished (pulumi/pulumi
pkg/resource/deploy/deployment_executor.go performPostSteps: "generates and schedules deletes ... after the source
program finished registering resources", read at 1b594989). ``delete_before_replace`` orders the two halves of a
replacement of one URN only; it never applies across two URNs. So when a physical identity
(gke_kpo/cloud/identity.py) moves from one URN to another without an alias:
- a NAMED resource's create meets the old one, which still exists: 409 / AlreadyExists, the update stops;
- a GRANT's create is a no-op (the member is in the policy already), and the old URN's delete then removes it:
  the update succeeds and the access the new grant stands for is gone.
And a protected resource stops the update when the change deletes or replaces it (the engine refuses to delete a
protected resource, step.go DeleteStep.Apply ``deleteProtectedError``, and to replace one unless the program or the
state has unprotected it, step_generator.go: ``new.Protect && old.Protect``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from gke_kpo.cloud.identity import KUBERNETES_OBJECT, Kind, rule_for
from gke_kpo.cloud.replacement import CLUSTER, KUBERNETES_PROVIDER
from gke_kpo.plan.diff import Op, ResourceChange
from gke_kpo.plan.logical import Entry, match

Identity = tuple[Any, ...]


class Verdict(Enum):
    CLEAN = "clean"
    COLLISION = "collision"
    GRANT_REMOVED = "grant removed"
    PROTECTED_DELETE = "protected delete"
    PROTECTED_REPLACE = "protected replace"


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    what: str
    """The identity (or the protected resource) in words."""
    before: str
    """The URN (or logical name) it had."""
    after: str
    """The URN it moves to; empty for a protected resource."""
    fix: tuple[str, ...]


def _value(inputs: dict[str, Any], path: str) -> Any:
    value: Any = inputs
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _clusters(entries: list[Entry]) -> dict[str, str]:
    """Kubernetes provider name -> the cluster it reaches (its clusterIdentifier: new whenever the cluster is)."""
    return {
        entry["name"]: str(entry.get("inputs", {}).get("clusterIdentifier"))
        for entry in entries
        if entry["type"] == KUBERNETES_PROVIDER
    }


def identity(entry: Entry, clusters: dict[str, str]) -> Identity | None:
    """The physical identity of an inventory entry; None for what has none (a provider)."""
    rule = rule_for(entry["type"])
    if rule is None:
        return None
    inputs = entry.get("inputs", {})
    values = tuple(_value(inputs, path) for path in rule.inputs)
    if rule is KUBERNETES_OBJECT:
        group = str(inputs.get("apiVersion", "")).rpartition("/")[0]
        # An inventory written before explicit providers were recorded has one Kubernetes provider.
        provider = entry.get("provider") or (next(iter(clusters)) if len(clusters) == 1 else "")
        return ("kubernetes", clusters.get(provider, ""), group, inputs.get("kind"), *values)
    return (entry["type"], *values)


def _where(entry: Entry) -> str:
    return str(entry.get("urn") or entry["name"])


def _described(key: Identity) -> str:
    if key[0] == "kubernetes":
        _, _, _, kind, namespace, name = key
        return f"{kind} {namespace + '/' if namespace else ''}{name}"
    type_, *values = key
    return f"{type_.rpartition(':')[2]} " + " ".join(str(value) for value in values if value not in (None, ""))


def _moves(before: list[Entry], after: list[Entry]) -> list[Finding]:
    matching = match(before, after)
    same = {id(new): old for old, new in matching.pairs}
    clusters_before, clusters_after = _clusters(before), _clusters(after)
    holders: dict[Identity, Entry] = {}
    for entry in before:
        key = identity(entry, clusters_before)
        if key is not None:
            holders.setdefault(key, entry)
    findings = []
    for entry in after:
        key = identity(entry, clusters_after)
        old = holders.get(key) if key is not None else None
        if old is None or same.get(id(entry)) is old:
            continue
        rule = rule_for(entry["type"])
        assert key is not None and rule is not None
        verdict = Verdict.GRANT_REMOVED if rule.kind is Kind.GRANT else Verdict.COLLISION
        findings.append(Finding(verdict, _described(key), _where(old), _where(entry), _alias_fix(old, entry)))
    return findings


def _alias_fix(old: Entry, new: Entry) -> tuple[str, ...]:
    return (
        f"keep its logical name stable, or give {new['name']} the alias "
        f"pulumi.ResourceOptions(aliases=['{_where(old)}']) (gke_kpo/spec/stable_names.py);",
        "or apply in two steps: first a config without it (the old one is deleted), then this one (it is created).",
    )


def _protected(before: list[Entry], after: list[Entry], changes: list[ResourceChange], stack: str) -> list[Finding]:
    matching = match(before, after)
    replaced = {(change.type, change.name) for change in changes if change.op is Op.REPLACE}
    findings = []
    for entry in matching.deleted:
        if entry.get("protect"):
            findings.append(
                Finding(Verdict.PROTECTED_DELETE, entry["name"], _where(entry), "", _unprotect(entry, stack))
            )
    for old, new in matching.pairs:
        if old.get("protect") and new.get("protect") and (new["type"], new["name"]) in replaced:
            findings.append(Finding(Verdict.PROTECTED_REPLACE, new["name"], _where(old), "", _unprotect(old, stack)))
    return findings


def _unprotect(entry: Entry, stack: str) -> tuple[str, ...]:
    """The engine's own advice (step.go deleteProtectedError), with this stack's URN; a cluster also refuses its
    delete in the provider while its deletion_protection input is true (terraform-provider-google
    resource_container_cluster.go: "Cannot destroy cluster because deletion_protection is set to true")."""
    steps = [f"pulumi state unprotect --stack {stack} '{_where(entry)}'", f"pulumi up --stack {stack}"]
    if entry["type"] == CLUSTER:
        return (
            f"set gke-kpo:deletion_protection: false in Pulumi.{stack}.yaml (this change aside), "
            f"pulumi up --stack {stack}; then make this change and pulumi up --stack {stack}; then set it back to true",
        )
    return (f"to proceed deliberately: {steps[0]}", f"then {steps[1]} (the program protects the new one again)")


def day2_findings(
    before: list[Entry] | None, after: list[Entry], changes: list[ResourceChange], stack: str
) -> list[Finding]:
    """Every way `pulumi up` from ``before`` to ``after`` would fail or remove access; empty when it is clean."""
    if before is None:
        return []
    return [*_moves(before, after), *_protected(before, after, changes, stack)]


def verdicts(findings: list[Finding]) -> set[Verdict]:
    return {finding.verdict for finding in findings} or {Verdict.CLEAN}
