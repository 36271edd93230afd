"""Build the pod of every task in a DAG folder with the real KubernetesPodOperator; print them as JSON.

Run as a script (``python pod_probe.py DAGS_FOLDER``) with the rendered connection in ``AIRFLOW_CONN_<ID>``, so the
pods are what KPO would send (``build_pod_request_obj``: the XCom sidecar comes from the connection) and the test
process never imports Airflow. ``--seed`` adds the seed document's task as the seed wrote it (``ubuntu:latest``,
XCom on, nothing else), the control an independent checker must fail.
"""

from __future__ import annotations

import json
import sys
from typing import Any

SEED_TASK = "seed"


def _seed_pod(conn_id: str | None, namespace: str | None) -> Any:
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

    seed = KubernetesPodOperator(
        task_id=SEED_TASK,
        kubernetes_conn_id=conn_id,
        namespace=namespace,
        image="ubuntu:latest",
        cmds=["echo"],
        arguments=["External KPO is working!"],
        name="example-pod",
        in_cluster=False,
        do_xcom_push=True,
    )
    return seed.build_pod_request_obj()


def main(dags_folder: str, seed: bool) -> None:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    from kubernetes.client import ApiClient

    bag = DagBag(dag_folder=dags_folder)
    assert not bag.import_errors, bag.import_errors
    tasks = [task for dag in bag.dags.values() for task in dag.tasks]
    assert all(isinstance(task, KubernetesPodOperator) for task in tasks), tasks
    operators = [task for task in tasks if isinstance(task, KubernetesPodOperator)]
    api = ApiClient()
    pods = {task.task_id: api.sanitize_for_serialization(task.build_pod_request_obj()) for task in operators}
    if seed:
        first = operators[0]
        pods[SEED_TASK] = api.sanitize_for_serialization(_seed_pod(first.kubernetes_conn_id, first.namespace))
    print(json.dumps(pods, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], "--seed" in sys.argv[2:])
