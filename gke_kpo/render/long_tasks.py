"""How the rendered DAG runs hours-long GPU work, and the render options a user may flip."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

GPU_STARTUP_TIMEOUT_SECONDS: Final = 1800
"""A scale-up from zero, driver included: the cluster autoscaler waits up to 15 min for a new node
(``max-node-provision-time``, kubernetes/autoscaler FAQ) and a Ready GPU node can take up to 15 min
more to report ``nvidia.com/gpu`` allocatable while GKE installs the driver
(kubernetes/autoscaler ``cluster-autoscaler/utils/gpu/gpu.go``): 15 + 15 min."""

KPO_DEFAULT_STARTUP_TIMEOUT_SECONDS: Final = 120
"""``KubernetesPodOperator``'s own default (provider 10.25.0), which a cold GPU pool outlasts."""


GPU_RETRIES: Final = 3
"""A GPU task's tries after the first: a Spot preemption (the node's graceful shutdown fails the pod, phase Failed,
reason Terminated) or a full tenant GPU quota (ResourceQuota admission refuses the pod with 403 at creation) fails a
try; the next one starts a fresh pod."""
GPU_RETRY_DELAY_SECONDS: Final = 300
"""First wait; Airflow doubles it per try (retry_exponential_backoff), so 5, 10, 20 min: about 35 min in all."""
GPU_MAX_RETRY_DELAY_SECONDS: Final = 3600


@dataclass(frozen=True)
class DagOptions:
    """Render-time choices for the long-task settings (``LONG_TASK`` in the rendered DAG)."""

    deferrable: bool = True
    """On by default: Astro Deployments and ``astro dev`` run a triggerer; without one, render with
    ``deferrable=False`` or deferred tasks never resume."""
    keep_failed_pods: bool = False
    gpu_startup_timeout_seconds: int = GPU_STARTUP_TIMEOUT_SECONDS
    gpu_retries: int = GPU_RETRIES
    gpu_retry_delay_seconds: int = GPU_RETRY_DELAY_SECONDS
    """Shortened only by tests (a real retry waits for quota or capacity to come back)."""

    def __post_init__(self) -> None:
        timeout = self.gpu_startup_timeout_seconds
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
            raise ValueError(f"gpu_startup_timeout_seconds must be a positive whole number of seconds, got {timeout!r}")

    @property
    def startup_timeout_is_derived(self) -> bool:
        return self.gpu_startup_timeout_seconds == GPU_STARTUP_TIMEOUT_SECONDS

    @property
    def on_finish_action(self) -> str:
        # KPO's own spellings: delete_succeeded_pod keeps failed pods for `kubectl describe`/logs.
        return "delete_succeeded_pod" if self.keep_failed_pods else "delete_pod"


DEFAULT_DAG_OPTIONS: Final = DagOptions()
