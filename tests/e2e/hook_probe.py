"""Build a KubernetesHook from ``AIRFLOW_CONN_<ID>`` in a clean interpreter; print its client as JSON.

Run as a script (``python hook_probe.py CONN_ID``) so the test process never configures Airflow.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(conn_id: str) -> None:
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    hook = KubernetesHook(conn_id=conn_id)
    configuration = hook.api_client.configuration
    report = {
        "host": configuration.host,
        "ca_pem": Path(configuration.ssl_ca_cert).read_text(),
        # The header the client will send, whatever key the client version stores it under.
        "authorization": configuration.auth_settings()["BearerToken"]["value"],
        "namespace": hook.get_namespace(),
        "in_cluster": hook.is_in_cluster,
    }
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1])
