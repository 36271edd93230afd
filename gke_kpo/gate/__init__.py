"""The credential-free policy gate: the policy pack run over a mock-run plan through the analyzer protocol."""

from gke_kpo.gate.policy_config import PolicyConfigError
from gke_kpo.gate.run import engine_context, run_gate
from gke_kpo.gate.session import AnalyzerSession
from gke_kpo.gate.verdicts import GateResult, Verdict

__all__ = ["AnalyzerSession", "GateResult", "PolicyConfigError", "Verdict", "engine_context", "run_gate"]
