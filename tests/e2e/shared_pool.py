"""What a shared GPU pool does to a task, as the API server shows it: quota refusals and Spot preemptions.

A tenant whose GPU quota another pod holds gets its GPU pod refused at creation by ResourceQuota admission: HTTP 403
with Kubernetes' own Status (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go,
``exceeded quota: %s, requested: %s, used: %s, limited: %s``). A Spot node reclaimed mid-run shuts down gracefully:
the kubelet fails its pods with reason ``Terminated`` and message ``Pod was terminated in response to imminent node
shutdown.`` (pkg/kubelet/nodeshutdown, nodeShutdownReason and nodeShutdownMessage).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from gke_kpo.spec.tenant import QUOTA_NAME

from .cold_gpu import ColdGpuWorkload

QUOTA_RESOURCE = "requests.nvidia.com/gpu"
SHUTDOWN_REASON = "Terminated"
SHUTDOWN_MESSAGE = "Pod was terminated in response to imminent node shutdown."


def quota_refusal(pod: str) -> dict[str, Any]:
    used = f"{QUOTA_RESOURCE}=1"
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f'pods "{pod}" is forbidden: exceeded quota: {QUOTA_NAME}, requested: {used}, '
        f"used: {used}, limited: {used}",
        "reason": "Forbidden",
        "details": {"name": pod, "kind": "pods"},
        "code": 403,
    }


@dataclass
class SharedPool:
    """``quota_held_seconds``: another pod of the tenant holds its one GPU that long from the first GPU pod's
    creation;
    ``preempted_pods``: that many GPU pods (the first ones admitted) lose their Spot node mid-run."""

    workload: ColdGpuWorkload
    quota_held_seconds: float = 0.0
    preempted_pods: int = 0
    first_attempt: float | None = None
    refusals: int = 0
    admitted: int = 0

    def admit(self, pod: str) -> tuple[dict[str, Any] | None, ColdGpuWorkload]:
        """(the 403 Status, or None) and the workload the admitted pod runs."""
        now = time.time()
        self.first_attempt = self.first_attempt or now
        if now - self.first_attempt < self.quota_held_seconds:
            self.refusals += 1
            return quota_refusal(pod), self.workload
        self.admitted += 1
        if self.admitted <= self.preempted_pods:
            return None, PreemptedWorkload(self.workload.pending_seconds, self.workload.run_seconds)
        return None, self.workload


@dataclass(frozen=True)
class PreemptedWorkload(ColdGpuWorkload):
    """Runs for one second, then its node shuts down: the pod ends Failed, reason Terminated."""

    def phase_at(self, elapsed: float) -> str:
        if not self.is_scheduled(elapsed):
            return "Pending"
        return "Running" if elapsed < self.pending_seconds + 1 else "Failed"

    @property
    def failure(self) -> tuple[str, str]:
        return SHUTDOWN_REASON, SHUTDOWN_MESSAGE
