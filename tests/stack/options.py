"""Resource options as the program declares them, recorded during a mock run.

Pulumi's mocks see only inputs, so a stack transformation records each resource's ResourceOptions. It is
registered right after the mock runtime exists (``set_mocks`` creates the root stack), by wrapping the
``set_mocks`` call of ``gke_kpo.preview.capture`` for the duration of one run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from unittest import mock

import pulumi

from gke_kpo.preview.capture import Plan, run_program


@dataclass(frozen=True)
class DeclaredOptions:
    protect: bool
    delete_before_replace: bool
    ignore_changes: tuple[str, ...]
    depends_on: tuple[str, ...]
    """Logical names of the resources listed in depends_on."""
    aliases: tuple[str, ...] = ()
    """Alias URNs the stack declares as strings (the SDK's own Alias objects, older RBAC versions, left out)."""


def _declared(args: pulumi.ResourceTransformationArgs) -> DeclaredOptions:
    opts = args.opts
    depends_on = opts.depends_on if isinstance(opts.depends_on, list) else []
    return DeclaredOptions(
        protect=bool(opts.protect),
        delete_before_replace=bool(opts.delete_before_replace),
        ignore_changes=tuple(opts.ignore_changes or ()),
        depends_on=tuple(getattr(resource, "_name", "?") for resource in depends_on),
        aliases=tuple(alias for alias in opts.aliases or () if isinstance(alias, str)),
    )


Recorded = dict[tuple[str, str], DeclaredOptions]
"""Keyed by (type, logical name): a component and its main resource may share a name."""


def run_recording_options(stack: str, overrides: dict[str, Any]) -> tuple[Plan, Recorded]:
    recorded: Recorded = {}

    def record(args: pulumi.ResourceTransformationArgs) -> None:
        recorded[(args.type_, args.name)] = _declared(args)

    set_mocks = pulumi.runtime.set_mocks

    def set_mocks_then_record(*args: Any, **kwargs: Any) -> None:
        set_mocks(*args, **kwargs)
        pulumi.runtime.register_stack_transformation(record)

    with mock.patch.object(pulumi.runtime, "set_mocks", set_mocks_then_record):
        plan = run_program(stack, overrides)
    return plan, recorded
