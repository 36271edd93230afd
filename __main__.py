"""gke-kpo: a least-privilege GKE cluster for Airflow KubernetesPodOperator tasks."""

import pulumi
from pulumi.runtime.config import CONFIG, get_config_env

from components.stack import deploy
from gke_kpo.config_schema import parse_all
from gke_kpo.errors import ConfigError
from gke_kpo.parse_settings import parse_settings

try:
    settings = parse_all({**get_config_env(), **CONFIG.get()}, lambda keys: parse_settings(keys, pulumi.get_stack()))
except ConfigError as error:
    # RunError prints just the message: every bad key with its fix, and nothing was declared.
    raise pulumi.RunError(str(error)) from None

for name, value in deploy(settings).items():
    pulumi.export(name, value)
