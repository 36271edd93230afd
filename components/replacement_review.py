"""Day-2 review: which inputs of each declared resource force the provider to replace it, and which config keys
reach them. Plain data, read by the credential-free plan (replace markers against the golden inventory) and by
the cluster identity the Kubernetes provider is keyed on.

Source of every row: the Terraform google provider's schema (``ForceNew``) that pulumi-gcp 10.2.0 bridges, and
pulumi-kubernetes' replace rules; each row's ``source`` names the file or page it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputReview:
    resource_type: str
    """Pulumi type token, as in the plan inventory (e.g. ``gcp:container/cluster:Cluster``)."""
    path: str
    """Dotted input path in the inventory's camelCase spelling (``nodeConfig.machineType``); a change at or below
    it is judged by this row."""
    replaces: bool
    """True when a change forces the resource to be deleted and created again."""
    config_keys: tuple[str, ...]
    """Config keys (without the ``gke-kpo:`` namespace) whose value reaches this input; empty when constant."""
    source: str


REVIEW: tuple[InputReview, ...] = (
    InputReview(
        "gcp:container/cluster:Cluster",
        "location",
        True,
        ("region", "zone"),
        "terraform-provider-google resource_container_cluster.go: location ForceNew",
    ),
    InputReview(
        "gcp:container/cluster:Cluster",
        "name",
        True,
        ("cluster_name",),
        "terraform-provider-google resource_container_cluster.go: name ForceNew",
    ),
)


def rows_for(resource_type: str) -> tuple[InputReview, ...]:
    return tuple(row for row in REVIEW if row.resource_type == resource_type)


def governing_row(resource_type: str, changed_path: str) -> InputReview | None:
    """The most specific row whose path is ``changed_path`` or one of its parents."""
    candidates = [
        row
        for row in rows_for(resource_type)
        if changed_path == row.path
        or changed_path.startswith(f"{row.path}.")
        or changed_path.startswith(f"{row.path}[")
    ]
    return max(candidates, key=lambda row: len(row.path), default=None)


def forces_replacement(resource_type: str, changed_path: str) -> bool:
    row = governing_row(resource_type, changed_path)
    return row is not None and row.replaces
