"""Load a DAG folder with Airflow's own DagBag in a clean interpreter; print what it found as JSON.

Run as a script (``python dagbag_probe.py DAGS_FOLDER``) so the test process never imports or
configures Airflow itself.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _task_view(task: Any) -> dict[str, Any]:
    resources = task.container_resources
    return {
        "conn_id": task.kubernetes_conn_id,
        "namespace": task.namespace,
        "in_cluster": task.in_cluster,
        "get_logs": task.get_logs,
        "do_xcom_push": task.do_xcom_push,
        "image": task.image,
        "gpu_limit": (resources.limits or {}).get("nvidia.com/gpu") if resources else None,
        "tolerations": [t.to_dict() for t in task.tolerations],
        "node_selector": task.node_selector,
        "startup_timeout_seconds": task.startup_timeout_seconds,
        "schedule_timeout_seconds": task.schedule_timeout_seconds,
        "deferrable": task.deferrable,
        "reattach_on_restart": task.reattach_on_restart,
        "on_finish_action": task.on_finish_action.value,
        "retries": task.retries,
        "retry_exponential_backoff": bool(task.retry_exponential_backoff),
        "retry_delay_seconds": task.retry_delay.total_seconds(),
        "max_retry_delay_seconds": task.max_retry_delay.total_seconds() if task.max_retry_delay else None,
    }


def main(dags_folder: str) -> None:
    from airflow.dag_processing.dagbag import DagBag

    # DagBag records every warning raised while importing each file (deprecations included).
    bag = DagBag(dag_folder=dags_folder)
    report = {
        "import_errors": bag.import_errors,
        "captured_warnings": {path: list(lines) for path, lines in bag.captured_warnings.items()},
        "dags": {dag_id: {t.task_id: _task_view(t) for t in dag.tasks} for dag_id, dag in bag.dags.items()},
    }
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1])
