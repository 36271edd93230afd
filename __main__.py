"""gke-kpo: a least-privilege GKE cluster for Airflow KubernetesPodOperator tasks."""

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from components.stack import deploy
from gke_kpo.config.parse import engine_settings
from gke_kpo.config.problems import ConfigError

try:
    settings = engine_settings({**get_config_env(), **CONFIG.get()}, pulumi.get_stack())
except ConfigError as error:
    # RunError prints just the message: every bad key with its fix, and nothing was declared.
    raise pulumi.RunError(str(error)) from None

for name, value in deploy(settings).items():
    pulumi.export(name, value)
