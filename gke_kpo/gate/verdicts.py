"""What the gate found, and how ``make plan`` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from pulumi.runtime.proto import analyzer_pb2

MANDATORY: Final = "mandatory"
ADVISORY: Final = "advisory"
PREVIEW_NOTE_MARKER: Final = "can't run policy"
"""Start of the SDK's advisory note for a policy that read a value unknown during preview."""


@dataclass(frozen=True)
class Verdict:
    policy: str
    level: str
    resource: str
    """The URN the diagnostic names (resource policies: the analyzed resource), or "" for the stack."""
    message: str

    @property
    def is_preview_note(self) -> bool:
        return self.message.startswith(PREVIEW_NOTE_MARKER)


def verdicts_from(response: analyzer_pb2.AnalyzeResponse, analyzed_urn: str | None = None) -> list[Verdict]:
    """Like the engine: an Analyze diagnostic belongs to the analyzed resource, a stack one to its own URN."""
    return [
        Verdict(
            policy=diagnostic.policyName,
            level=str(analyzer_pb2.EnforcementLevel.Name(diagnostic.enforcementLevel)).lower(),
            resource=analyzed_urn if analyzed_urn is not None else diagnostic.urn,
            message=diagnostic.message,
        )
        for diagnostic in response.diagnostics
    ]


@dataclass
class GateResult:
    stack: str
    pack: str
    config: str
    """Where the levels came from: the stack's policy config file, or the pack's defaults."""
    levels: dict[str, str]
    """Each policy's effective enforcement level after the stack's config was applied."""
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def mandatory_failures(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.level == MANDATORY]

    @property
    def passed(self) -> bool:
        return not self.mandatory_failures

    def format(self) -> str:
        lines = [f"== policy pack {self.pack} on stack {self.stack} ({self.config})"]
        lines += [f"   {name}: {level}" for name, level in sorted(self.levels.items())]
        for verdict in sorted(self.verdicts, key=lambda v: (v.level != MANDATORY, v.policy, v.resource)):
            where = verdict.resource.rsplit("::", 1)[-1] if verdict.resource else "(stack)"
            lines.append(f"[{verdict.level}] {verdict.policy} @ {where} ({verdict.resource or 'stack'})")
            lines += [f"    {line}" for line in verdict.message.splitlines()]
        failures = len(self.mandatory_failures)
        advisories = len(self.verdicts) - failures
        outcome = "PASSED" if self.passed else "FAILED"
        lines.append(f"== policies {outcome}: {failures} mandatory, {advisories} advisory/preview notes")
        return "\n".join(lines)
