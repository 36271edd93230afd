"""Day-2 transitions (gke_kpo/plan/transitions.py): every transition of the corpus gets its expected verdict from
two mock runs, a deployed stack upgrades to the stable names without re-creating anything, and each check fails
when the thing it guards is broken."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from gke_kpo.cloud import replacement as types
from gke_kpo.cloud.identity import rule_for
from gke_kpo.plan.diff import diff_inventories
from gke_kpo.plan.inventory import golden_path, inventory
from gke_kpo.plan.transitions import Finding, Verdict, day2_findings, identity, verdicts
from tests.stack.conftest import PlanFor
from tests.stack.day2_corpus import CORPUS, Transition
from tests.stack.plan_run import run_plan

REPOSITORY = "projects/acme-images/locations/europe-west4/repositories/tasks"
BEFORE_STABLE_NAMES = Path(__file__).parent / "transitions"


def planned(plan_for: PlanFor, stack: str, overrides: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    plan = plan_for(stack, **overrides)
    providers = {r.name: r.provider.split("::")[-2] for r in plan.resources if r.custom and r.provider}
    return inventory(plan), providers


def check(plan_for: PlanFor, stack: str, before: list[dict[str, Any]], after: dict[str, Any]) -> list[Finding]:
    entries, providers = planned(plan_for, stack, after)
    return day2_findings(before, entries, diff_inventories(before, entries, providers), stack)


@pytest.mark.parametrize("transition", CORPUS, ids=[t.title for t in CORPUS])
def test_each_transition_gets_its_verdict(plan_for: PlanFor, transition: Transition) -> None:
    before, _ = planned(plan_for, transition.stack, transition.before)
    findings = check(plan_for, transition.stack, before, transition.after)
    assert verdicts(findings) == transition.expected, findings


def test_the_corpus_names_ten_invented_transitions_and_every_verdict_it_can_reach() -> None:
    assert sum(t.invented for t in CORPUS) >= 10
    assert {v for t in CORPUS for v in t.expected} == {
        Verdict.CLEAN,
        Verdict.PROTECTED_DELETE,
        Verdict.PROTECTED_REPLACE,
    }


def _before_stable_names(stack: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(
        (BEFORE_STABLE_NAMES / f"{stack}-before-stable-names.yaml").read_text()
    )
    return entries


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_stack_deployed_before_the_stable_names_moves_by_alias(plan_for: PlanFor, stack: str) -> None:
    """The goldens as they were before logical names followed identity (no URNs recorded: matched by type and
    name): every renamed resource answers to its old name, so nothing is created, deleted or refused."""
    before = _before_stable_names(stack)
    entries, providers = planned(plan_for, stack, {})
    changes = diff_inventories(before, entries, providers)
    # The tenants' network fences came after those goldens: each is created, and its namespace gains the egress
    # label (an in-place update); nothing else differs.
    added = {(change.type, change.op.verb) for change in changes if change.op.verb != "same"}
    assert added == {(types.NETWORK_POLICY, "create"), (types.NAMESPACE, "update")}
    assert sum(1 for change in changes if change.was) >= 7
    assert day2_findings(before, entries, changes, stack) == []


def test_without_the_aliases_the_upgrade_collides_and_revokes_grants(plan_for: PlanFor) -> None:
    """Can fail: the same upgrade with the aliases left out is what issue 15 found (409 on the accounts, grants
    revoked by the delete of their old logical name)."""
    before = _before_stable_names("dev")
    entries, providers = planned(plan_for, "dev", {})
    stripped = [{key: value for key, value in entry.items() if key != "aliases"} for entry in entries]
    findings = day2_findings(before, stripped, diff_inventories(before, stripped, providers), "dev")
    assert verdicts(findings) == {Verdict.COLLISION, Verdict.GRANT_REMOVED}
    collided = {finding.what for finding in findings if finding.verdict is Verdict.COLLISION}
    assert "Account acme-airflow-dev airflow-etl-dev" in collided
    assert "Namespace etl-dev" in collided
    revoked = {f.what for f in findings if f.verdict is Verdict.GRANT_REMOVED}
    assert any("roles/storage.objectViewer serviceAccount:task-ml-dev@" in what for what in revoked)


def test_an_identity_moved_without_alias_collides_and_a_grant_is_revoked(plan_for: PlanFor) -> None:
    """Can fail: the check itself, on a planned inventory whose account and binding get new logical names."""
    before, providers = planned(plan_for, "dev", {})
    after = copy.deepcopy(before)
    for entry in after:
        if entry["name"] in ("airflow-etl-dev-gsa", "airflow-etl-dev@acme-airflow-dev-binding"):
            entry["urn"] = entry["urn"].replace(entry["name"], f"renamed-{entry['name']}")
            entry["name"] = f"renamed-{entry['name']}"
            entry.pop("aliases", None)
    findings = day2_findings(before, after, diff_inventories(before, after, providers), "dev")
    assert [(f.verdict, f.what.split()[0]) for f in findings] == [
        (Verdict.GRANT_REMOVED, "IAMMember"),
        (Verdict.COLLISION, "Account"),
    ]


def test_every_declared_type_has_an_identity_and_distinct_resources_have_distinct_ones(plan_for: PlanFor) -> None:
    for stack in ("dev", "prod"):
        entries, _ = planned(plan_for, stack, {"artifact_registry_repositories": [REPOSITORY]})
        keys = [identity(entry, {}) for entry in entries if rule_for(entry["type"]) is not None]
        assert len(keys) == len(set(keys)) and None not in keys


def test_make_plan_fails_with_4_on_a_protected_delete_and_prints_the_commands(tmp_path: Path) -> None:
    """A protected resource the compared inventory holds and the plan no longer declares."""
    entries: list[dict[str, Any]] = yaml.safe_load(golden_path("prod").read_text())
    (namespace,) = [e for e in entries if e["type"] == "kubernetes:core/v1:Namespace"]
    gone = {**copy.deepcopy(namespace), "name": "old-team-namespace", "aliases": []}
    gone["urn"] = namespace["urn"].replace(namespace["name"], "old-team-namespace")
    gone["inputs"]["metadata"]["name"] = "old-team"
    golden = tmp_path / "deployed.yaml"
    golden.write_text(yaml.safe_dump([*entries, gone]))
    result = run_plan("--stack", "prod", "--golden", str(golden), "--build-dir", str(tmp_path))
    assert result.returncode == 4, result.stdout + result.stderr
    assert f"Day-2 check FAILED against {golden}" in result.stdout
    assert f"pulumi state unprotect --stack prod '{gone['urn']}'" in result.stdout
    assert "then pulumi up --stack prod" in result.stdout


def test_make_plan_fails_with_4_on_a_collision_and_names_the_fix(tmp_path: Path) -> None:
    entries: list[dict[str, Any]] = yaml.safe_load(golden_path("dev").read_text())
    for entry in entries:
        if entry["name"] == "airflow-etl-dev-gsa":
            entry["urn"] = entry["urn"].replace("::airflow-etl-dev-gsa", "::kpo-dev-etl-dev-airflow-gsa-old")
            entry["name"] = "kpo-dev-etl-dev-airflow-gsa-old"
    golden = tmp_path / "deployed.yaml"
    golden.write_text(yaml.safe_dump(entries))
    result = run_plan("--stack", "dev", "--golden", str(golden), "--build-dir", str(tmp_path))
    assert result.returncode == 4, result.stdout + result.stderr
    assert "collision: Account acme-airflow-dev airflow-etl-dev" in result.stdout
    assert "409 / AlreadyExists" in result.stdout
    assert (
        "aliases=['urn:pulumi:dev::gke-kpo::gke-kpo:index:Tenant$gcp:serviceaccount/account:Account::" in result.stdout
    )
