"""What the identity that runs `pulumi up` needs: the APIs to enable and its IAM roles, stated once.

The command line over ``gke_kpo.cloud.deployer_roles`` (the facts and their sources) and a stack's settings: the
README's tables (``--table``), the APIs (``--apis``, ``--missing-apis``) and, per stack, its project, node account
and projectIamAdmin condition.
"""

from __future__ import annotations

import argparse
import sys

from gke_kpo.cloud import gpu_quota, names
from gke_kpo.cloud.deployer_roles import markdown_tables, missing_apis, project_iam_condition, required_apis
from gke_kpo.cloud.names import node_account_id
from gke_kpo.config.settings import Settings


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m gke_kpo.deployer", description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--apis", action="store_true", help="print the APIs to enable, one per line")
    action.add_argument(
        "--missing-apis", action="store_true", help="read enabled API names on stdin; list the missing ones, exit 1"
    )
    action.add_argument("--table", action="store_true", help="print the README tables")
    action.add_argument("--project-of", metavar="STACK", help="print the project id of a stack file")
    action.add_argument("--condition-for", metavar="STACK", help="print the projectIamAdmin condition of a stack")
    action.add_argument("--node-account-of", metavar="STACK", help="print the node service account of a stack")
    action.add_argument(
        "--gpu-quota-for", metavar="STACK", help="print the GPU quota a stack needs at its ceiling and how to check it"
    )
    return parser.parse_args(argv)


def _stack_settings(stack: str) -> Settings:
    # Imported here: --apis and --missing-apis must not need PyYAML.
    from gke_kpo.config.parse import settings_of_stack

    return settings_of_stack(stack)


def node_account(settings: Settings) -> str:
    return names.service_account_email(node_account_id(settings.cluster.name), settings.project)


def gpu_quota_lines(settings: Settings) -> list[str]:
    """The regional and global GPU quota the GPU pool needs when it has scaled to gpu_max_nodes (the pool's total)."""
    gpu = settings.gpu
    if gpu is None:
        return [f"stack {settings.stack} has no GPU pool (gpu_count 0): it needs no GPU quota"]
    gpus = gpu.count * gpu.max_nodes
    return gpu_quota.check_lines(settings.project, gpu.accelerator, gpus, gpu.spot, settings.region)


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    if arguments.missing_apis:
        missing = missing_apis(sys.stdin.read().split())
        for name in missing:
            print(f"not enabled: {name} (gcloud services enable {name})")
        return 1 if missing else 0
    if arguments.project_of:
        print(_stack_settings(arguments.project_of).project)
    elif arguments.condition_for:
        settings = _stack_settings(arguments.condition_for)
        task_roles = (
            role
            for tenant in settings.tenants
            if tenant.task_service_account
            for role in tenant.task_service_account.roles
        )
        print(project_iam_condition(settings.project, settings.custom_role_id, task_roles))
    elif arguments.node_account_of:
        print(node_account(_stack_settings(arguments.node_account_of)))
    elif arguments.gpu_quota_for:
        print("\n".join(gpu_quota_lines(_stack_settings(arguments.gpu_quota_for))))
    else:
        print("\n".join(required_apis()) if arguments.apis else markdown_tables())
    return 0


if __name__ == "__main__":
    sys.exit(main())
