"""What the identity that runs `pulumi up` needs: the APIs to enable and its IAM roles, stated once.

The command line over ``gke_kpo.cloud.deployer_roles`` (the facts and their sources) and a stack's settings: the
README's tables (``--table``), the APIs (``--apis``, ``--missing-apis``) and, per stack, the grants its config needs
(``--roles-for``), its project, node account and projectIamAdmin condition, and whether the deployer's current
condition still admits every role the stack grants (``--condition-admits``, the deploy workflow's check).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from gke_kpo.cloud import gpu_quota, names
from gke_kpo.cloud.deployer_permissions import Need, Scope, known_types, needs_of
from gke_kpo.cloud.deployer_roles import (
    GRANTS,
    Grant,
    Needed,
    condition_over,
    markdown_tables,
    missing_apis,
    project_iam_roles,
    required_apis,
    roles_in_condition,
)
from gke_kpo.cloud.names import node_account_id
from gke_kpo.cloud.predefined_roles import role_permissions
from gke_kpo.config.settings import Settings
from gke_kpo.repo import stack_file


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m gke_kpo.deployer", description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--apis", action="store_true", help="print the APIs to enable, one per line")
    action.add_argument(
        "--missing-apis", action="store_true", help="read enabled API names on stdin; list the missing ones, exit 1"
    )
    action.add_argument("--table", action="store_true", help="print the README tables")
    action.add_argument(
        "--roles-for", metavar="STACK", help="print the grants a stack's config needs: role, where, why"
    )
    action.add_argument("--project-of", metavar="STACK", help="print the project id of a stack file")
    action.add_argument("--condition-for", metavar="STACK", help="print the projectIamAdmin condition of a stack")
    action.add_argument(
        "--condition-admits",
        metavar="STACK",
        help="read the project's IAM policy (gcloud projects get-iam-policy PROJECT --format=json) on stdin; exit 1 "
        "naming the roles the stack grants that the condition of its deployer_member's projectIamAdmin does not admit",
    )
    action.add_argument("--node-account-of", metavar="STACK", help="print the node service account of a stack")
    action.add_argument(
        "--gpu-quota-for", metavar="STACK", help="print the GPU quota a stack needs at its ceiling and how to check it"
    )
    return parser.parse_args(argv)


class DeployerInputError(Exception):
    """A stack file or a standard input the command cannot use; the message says which and how to fix it."""


def _stack_settings(stack: str) -> Settings:
    # Imported here: --apis and --missing-apis must not need PyYAML.
    from gke_kpo.config.parse import settings_of_stack
    from gke_kpo.config.problems import ConfigError
    from gke_kpo.config.stack_file import StackFileError, shown

    try:
        return settings_of_stack(stack)
    except StackFileError as error:
        raise DeployerInputError(str(error)) from None
    except ConfigError as error:
        raise DeployerInputError(f"{shown(stack_file(stack))}: {error}") from None


def iam_policy(text: str) -> dict[str, Any]:
    try:
        policy = json.loads(text)
    except json.JSONDecodeError:
        policy = None
    bindings = policy.get("bindings") if isinstance(policy, dict) else None
    if not isinstance(bindings, list) or not bindings or not all(map(_is_binding, bindings)):
        raise DeployerInputError(
            "standard input is not a project IAM policy in JSON: pipe in "
            "`gcloud projects get-iam-policy <project> --format=json`"
        )
    return dict(policy)


def _is_binding(binding: Any) -> bool:
    if not isinstance(binding, dict):
        return False
    condition = binding.get("condition", {})
    readable = isinstance(condition, dict) and isinstance(condition.get("expression", ""), str)
    return isinstance(binding.get("role"), str) and isinstance(binding.get("members"), list) and readable


def node_account(settings: Settings) -> str:
    return names.service_account_email(node_account_id(settings.cluster.name), settings.project)


def needed(settings: Settings) -> frozenset[Needed]:
    """What the stack's config calls for, in the terms the grant table states its conditions in."""
    found = {Needed.ALWAYS, Needed.CREATED_NETWORK if settings.network.create else Needed.EXISTING_NETWORK}
    if settings.artifact_registry_repositories:
        found.add(Needed.REPOSITORIES)
    if settings.federated_tenants:
        found.add(Needed.FEDERATED_TENANT)
    return frozenset(found)


def grants_for(settings: Settings) -> list[Grant]:
    """The deployer grants this stack needs, and no other."""
    calls_for = needed(settings)
    return [grant for grant in GRANTS if grant.needed in calls_for]


def project_roles(settings: Settings) -> list[str]:
    """The roles the stack grants at project level, which the deployer's projectIamAdmin condition must admit."""
    task_roles = (role for t in settings.tenants if t.task_service_account for role in t.task_service_account.roles)
    return project_iam_roles(settings.project, settings.custom_role_id, task_roles)


def _held(settings: Settings) -> dict[Scope, frozenset[str]]:
    held: dict[Scope, frozenset[str]] = {}
    for grant in grants_for(settings):
        held[grant.on] = held.get(grant.on, frozenset()) | role_permissions(grant.role)
    return held


def _covered(need: Need, held: dict[Scope, frozenset[str]], settings: Settings) -> bool:
    """A project grant reaches the project's own service accounts, and the subnetwork when the stack creates it."""
    reached_from_project = {Scope.PROJECT, Scope.NODE_ACCOUNT} | (
        {Scope.SUBNETWORK} if settings.network.create else set()
    )
    in_project = need.on in reached_from_project and need.permission in held.get(Scope.PROJECT, frozenset())
    return in_project or need.permission in held.get(need.on, frozenset())


def uncovered(settings: Settings, declared: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """For each declared (type, name), custom resource or invoke, what the stack's deployer grants do not cover:
    permissions (with where they are checked), or the type itself when the permission table does not know it."""
    held, known = _held(settings), known_types()
    missing: dict[str, list[str]] = {}
    for resource_type, name in declared:
        if resource_type not in known:
            missing[f"{resource_type} {name}"] = ["type unknown to gke_kpo/cloud/deployer_permissions.py"]
            continue
        lacking = sorted(
            f"{n.permission} on {n.on}" for n in needs_of(resource_type) if not _covered(n, held, settings)
        )
        if lacking:
            missing[f"{resource_type} {name}"] = lacking
    return missing


def _where(grant: Grant, settings: Settings) -> str:
    if grant.on is Scope.NODE_ACCOUNT:
        return f"{node_account(settings)} only"
    if grant.on is Scope.SUBNETWORK:
        return f"subnetwork {settings.network.existing_subnetwork} (Shared VPC: in the host project)"
    if grant.on is Scope.REPOSITORIES:
        return "each of " + ", ".join(repository.path for repository in settings.artifact_registry_repositories)
    return f"project {settings.project}"


def _why(grant: Grant, settings: Settings) -> str:
    if grant.on is not Scope.NODE_ACCOUNT:
        return grant.why
    member = settings.cluster.deployer_member
    if member:
        return f"actAs for the cluster and node pools; the stack grants it to {member} itself (deployer_member)"
    return "actAs for the cluster and node pools; grant it by hand after the node account exists (README, two steps)"


def roles_lines(settings: Settings) -> list[str]:
    lines = [f"Deployer grants for stack {settings.stack} (role, where, why):"]
    for grant in grants_for(settings):
        lines += [f"{grant.role}", f"    on:  {_where(grant, settings)}", f"    why: {_why(grant, settings)}"]
    roles_condition = condition_over(project_roles(settings))
    lines += ["Condition on roles/resourcemanager.projectIamAdmin:", f"    {roles_condition}"]
    return lines


PROJECT_IAM_ADMIN = "roles/resourcemanager.projectIamAdmin"


def deployer_conditions(policy: dict[str, Any], member: str) -> list[str]:
    """The condition of each projectIamAdmin binding of ``member`` in a project IAM policy ("" for none)."""
    return [
        str(binding.get("condition", {}).get("expression", ""))
        for binding in policy.get("bindings", [])
        if binding.get("role") == PROJECT_IAM_ADMIN and member in binding.get("members", [])
    ]


def condition_admits(settings: Settings, conditions: list[str]) -> tuple[bool, list[str]]:
    """Whether the deployer's projectIamAdmin bindings (one condition each, "" for none) let it grant every role the
    stack grants at project level, and what to tell the operator."""
    roles = project_roles(settings)
    new_condition = condition_over(roles)
    if not conditions:
        return True, [
            f"warning: the deployer holds no {PROJECT_IAM_ADMIN} binding of its own on the project (a group's, or a "
            f"folder's?): its condition cannot be checked. The stack needs: {new_condition}"
        ]
    if any(not condition.strip() for condition in conditions):
        return True, [f"warning: the deployer's {PROJECT_IAM_ADMIN} is unconditional; narrow it to: {new_condition}"]
    admitted: set[str] = set()
    for condition in conditions:
        parsed = roles_in_condition(condition)
        if parsed is None:
            return False, [
                f"error: cannot read the deployer's projectIamAdmin condition {condition!r} (this check reads only "
                "a modifiedGrantsByRole hasOnly list): check by hand that it admits the stack's roles, or a project "
                "IAM admin replaces it with:",
                new_condition,
            ]
        admitted |= parsed
    missing = [role for role in roles if role not in admitted]
    if not missing:
        return True, []
    return False, [
        f"error: the deployer's projectIamAdmin condition does not admit {', '.join(missing)}: `pulumi up` would be "
        "refused when granting them. A project IAM admin must update the condition first, to:",
        new_condition,
    ]


def gpu_quota_lines(settings: Settings) -> list[str]:
    """The regional and global GPU quota the GPU pools need when all have scaled to max_nodes (each pool's total);
    pools drawing on the same quota metric add up."""
    if not settings.gpu_pools:
        return [f"stack {settings.stack} has no GPU pool: it needs no GPU quota"]
    needs: dict[tuple[str, bool], int] = {}
    for gpu in settings.gpu_pools:
        key = (gpu.accelerator, gpu_quota.uses_preemptible_quota(gpu.capacity.value))
        needs[key] = needs.get(key, 0) + gpu.count * gpu.max_nodes
    lines: list[str] = []
    for (accelerator, preemptible), gpus in needs.items():
        lines += gpu_quota.check_lines(settings.project, accelerator, gpus, preemptible, settings.region)
    return lines


def main(argv: list[str] | None = None) -> int:
    """Exit 2 for a stack file or input it cannot use (as ``make plan``), with one ``error:`` line."""
    arguments = _arguments(argv)
    try:
        return _answer(arguments)
    except DeployerInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _answer(arguments: argparse.Namespace) -> int:
    if arguments.missing_apis:
        missing = missing_apis(sys.stdin.read().split())
        for name in missing:
            print(f"not enabled: {name} (gcloud services enable {name})")
        return 1 if missing else 0
    if arguments.condition_admits:
        settings = _stack_settings(arguments.condition_admits)
        if not settings.cluster.deployer_member:
            print(
                f"error: stack {settings.stack} sets no gke-kpo:deployer_member to look up. Fix: set it in "
                f"{stack_file(settings.stack).name} to the identity that runs `pulumi up` (README, Deployer "
                "permissions)",
                file=sys.stderr,
            )
            return 2
        conditions = deployer_conditions(iam_policy(sys.stdin.read()), settings.cluster.deployer_member)
        admits, lines = condition_admits(settings, conditions)
        for line in lines:
            print(line, file=sys.stdout if admits else sys.stderr)
        return 0 if admits else 1
    if arguments.project_of:
        print(_stack_settings(arguments.project_of).project)
    elif arguments.roles_for:
        print("\n".join(roles_lines(_stack_settings(arguments.roles_for))))
    elif arguments.condition_for:
        print(condition_over(project_roles(_stack_settings(arguments.condition_for))))
    elif arguments.node_account_of:
        print(node_account(_stack_settings(arguments.node_account_of)))
    elif arguments.gpu_quota_for:
        print("\n".join(gpu_quota_lines(_stack_settings(arguments.gpu_quota_for))))
    else:
        print("\n".join(required_apis()) if arguments.apis else markdown_tables())
    return 0


if __name__ == "__main__":
    sys.exit(main())
