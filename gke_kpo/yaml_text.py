"""YAML the way ``yaml.safe_dump`` and ``yaml.safe_load`` do it, through libyaml when PyYAML was built with it.

Same text and values, about ten to twenty times faster: with a hundred tenants ``make plan`` reads a stack file of
some 20 kB several times, and writes a kubeconfig and an airflow_settings.yaml per tenant and an inventory of some
900 resources (benchmarks/tenant_scale.py).
"""

from __future__ import annotations

from typing import Any

import yaml

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_dump(value: Any, **options: Any) -> str:
    text: str = yaml.dump(value, Dumper=_DUMPER, **options)
    return text


def safe_load(text: str) -> Any:
    """Broken YAML is parsed again by PyYAML's own parser, so errors keep its wording and positions."""
    try:
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)
