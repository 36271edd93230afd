"""The pack through the analyzer gRPC protocol, driven by the gate as the engine drives it."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import pytest
from pulumi.output import UNKNOWN
from pulumi.runtime.proto import analyzer_pb2

from gke_kpo.gate import AnalyzerSession, PolicyConfigError, run_gate
from gke_kpo.gate.launch import PACK_DIR, pack_python
from gke_kpo.gate.policy_config import config_file, level_name, load_stack_settings, reconcile
from gke_kpo.preview.capture import Plan, PlannedResource
from policies.kpo_policies import resource_types as t
from policies.kpo_policies.pack import POLICIES
from tests.stacks import free_stack_name

STACK_POLICIES = {
    "custom-role-least-privilege",
    "no-project-wide-pod-access",
    "rbac-least-privilege",
    "namespace-guardrails",
    "stack-complete",
    "tenant-isolation",
    "tenant-network-fence",
    "gpu-cost-guard",
}


def _resource(type_: str, name: str, inputs: dict[str, Any]) -> PlannedResource:
    urn = f"urn:pulumi:prod::gke-kpo::{type_}::{name}"
    return PlannedResource(type_, name, urn, inputs, None, "", [], False, True)


def test_pack_is_started_like_the_engine_starts_it(analyzer: AnalyzerSession) -> None:
    assert analyzer.pack.command == [str(pack_python()), "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."]
    assert analyzer.pack.pack_dir == PACK_DIR
    assert pack_python() == PACK_DIR / "venv" / "bin" / "python" or pack_python().samefile(sys.executable)


def test_analyzer_info_describes_every_policy(analyzer: AnalyzerSession) -> None:
    info = analyzer.info
    assert info.name == "gke-kpo"
    assert [p.name for p in info.policies] == [p.name for p in POLICIES]
    for policy in info.policies:
        assert policy.description and policy.remediation_steps
        assert policy.severity != analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED
        expected = (
            analyzer_pb2.POLICY_TYPE_STACK if policy.name in STACK_POLICIES else analyzer_pb2.POLICY_TYPE_RESOURCE
        )
        assert policy.policy_type == expected


def test_stack_config_sets_levels(analyzer: AnalyzerSession) -> None:
    dev = run_gate(Plan("dev"), "dev", analyzer).levels
    prod = run_gate(Plan("prod"), "prod", analyzer).levels
    assert set(dev.values()) == {"advisory"}
    assert {name for name, level in prod.items() if level != "mandatory"} == {"no-project-wide-pod-access"}


def test_missing_config_falls_back_to_the_pack_defaults(analyzer: AnalyzerSession) -> None:
    missing = free_stack_name()
    result = run_gate(Plan(missing), missing, analyzer)
    defaults = {policy.name: level_name(policy.enforcementLevel) for policy in analyzer.info.policies}
    assert result.levels == defaults
    assert "mandatory" in result.levels.values()
    assert f"no policies/config/{missing}.json" in result.format()


@pytest.mark.parametrize(
    ("file_config", "error"),
    [
        ({"gpu-cost-guard": {"maxGpuNodes": "many"}}, "'many' is not of type 'integer'"),
        ({"gke-hardening": "strict"}, "not an enforcement level"),
        ({"gke-hardening": "mandatry"}, "not an enforcement level. Fix: did you mean 'mandatory'"),
        ({"gke-hardening": {"enforcementLevel": 1}}, "1 is not an enforcement level. Fix: use one of advisory"),
        ({"gke-hardening": 3}, "must be a level or an object, got 3"),
        ({"no-such-policy": "mandatory"}, "no-such-policy: no such policy in pack"),
        ({"gke-hardning": "advisory"}, r"no such policy in pack 'gke-kpo'\. Fix: did you mean 'gke-hardening'\? use"),
        ({"gpu-cost-guard": {"maxGpuNode": 2}}, r"'maxGpuNode' is not an option of the policy\. Fix: did you mean"),
        ({"all": {"enforcementLevel": "advisory", "maxGpuNodes": 2}}, "it takes only enforcementLevel"),
        ({"gke-hardening": {"enforcementLevel": None}}, "None is not an enforcement level"),
    ],
)
def test_invalid_config_is_rejected(analyzer: AnalyzerSession, file_config: dict[str, Any], error: str) -> None:
    with pytest.raises(PolicyConfigError, match=error):
        reconcile(analyzer.info, file_config)


def test_every_problem_of_the_file_is_reported_at_once(analyzer: AnalyzerSession) -> None:
    file_config = {"no-broad-role": "mandatroy", "gke-hardening": {"enforcementLevel": "advisroy"}}
    with pytest.raises(PolicyConfigError) as caught:
        reconcile(analyzer.info, file_config)
    lines = str(caught.value).splitlines()
    assert lines[0] == "3 problems:" and len(lines) == 4
    assert "did you mean 'no-broad-roles'" in lines[1] and "did you mean 'mandatory'" in lines[2]
    assert "gke-hardening: 'advisroy' is not an enforcement level" in lines[3]


def test_all_then_specific_levels(analyzer: AnalyzerSession) -> None:
    settings = reconcile(analyzer.info, {"all": "disabled", "stack-complete": "mandatory"})
    assert {name: s.level for name, s in settings.items() if s.level != "disabled"} == {"stack-complete": "mandatory"}
    assert settings["gpu-cost-guard"].properties == {"maxGpuNodes": 4, "maxHourlyUsd": 0}


def test_disabled_policy_stays_silent(analyzer: AnalyzerSession) -> None:
    key = _resource(t.SERVICE_ACCOUNT_KEY, "key", {"serviceAccountId": "x"})
    analyzer.configure(reconcile(analyzer.info, {"no-broad-roles": "disabled"}))
    assert [v for v in analyzer.analyze([key]) if v.policy == "no-broad-roles"] == []
    analyzer.configure(reconcile(analyzer.info, {}))
    assert [v.level for v in analyzer.analyze([key]) if v.policy == "no-broad-roles"] == ["mandatory"]


def test_unknown_value_yields_violation_and_preview_note(analyzer: AnalyzerSession) -> None:
    cluster = _resource(t.CLUSTER, "kpo", {"enableLegacyAbac": True, "workloadIdentityConfig": UNKNOWN})
    result = run_gate(Plan("prod", [cluster]), "prod", analyzer)
    hardening = [v for v in result.verdicts if v.policy == "gke-hardening"]
    assert any(v.level == "mandatory" and "legacy ABAC is on" in v.message for v in hardening)
    notes = [v for v in hardening if v.is_preview_note]
    assert len(notes) == 1 and notes[0].level == "advisory" and ".workloadIdentityConfig" in notes[0].message
    assert all(v.resource == cluster.urn for v in hardening)


@pytest.mark.parametrize(
    ("text", "said"),
    [("", "is empty. Fix: write {}"), ('{"a": 1,}', "not JSON (Expecting property name enclosed in double quotes at")],
)
def test_an_empty_or_broken_policy_config_names_the_file_and_the_fix(
    analyzer: AnalyzerSession, text: str, said: str
) -> None:
    stack = f"{free_stack_name()}-{os.getpid()}"
    path = config_file(stack)
    path.write_text(text)
    try:
        with pytest.raises(PolicyConfigError, match=re.escape(f"policies/config/{stack}.json: {said}")):
            load_stack_settings(stack, analyzer.info)
    finally:
        path.unlink()
