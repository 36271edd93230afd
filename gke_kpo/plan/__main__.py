"""``make plan STACK=<stack>``: the credential-free preview. Shows what the stack declares, per component, and what
changed against the reviewed inventory tests/golden/<stack>.yaml (create, update, replace, delete), runs the policy
pack, and writes build/<stack>/: plan.yaml (every input), outputs.json and airflow/ (from MOCK outputs)."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

import pulumi

from gke_kpo import yaml_text
from gke_kpo.config.parse import settings_of_stack, validate
from gke_kpo.config.problems import ConfigError
from gke_kpo.config.stack_file import StackFileError, existing_stack_file, placeholder_keys, read_config, shown
from gke_kpo.gate import PolicyConfigError
from gke_kpo.gate.alongside import GateAlongside
from gke_kpo.plan.access import access_lines
from gke_kpo.plan.diff import diff_inventories
from gke_kpo.plan.inventory import golden_path, inventory, inventory_yaml
from gke_kpo.plan.report import Report, print_report, use_colour
from gke_kpo.plan.transitions import day2_findings
from gke_kpo.preview.capture import Plan, ProgramError, run_program
from gke_kpo.render import render_files, write_files
from gke_kpo.repo import REPO_ROOT, stack_name

BUILD_DIR = REPO_ROOT / "build"
EXIT_OK, EXIT_POLICY, EXIT_CONFIG, EXIT_PROGRAM, EXIT_DAY2 = 0, 1, 2, 3, 4
EXIT_CODES = f"""exit status:
  {EXIT_OK}  planned, no mandatory policy violation (advisory notes do not fail)
  {EXIT_POLICY}  planned, but a mandatory policy is violated
  {EXIT_CONFIG}  usage or configuration error: missing or broken stack file, bad config values, bad policy config
  {EXIT_PROGRAM}  the program itself failed on a valid config (a bug: please report it)
  {EXIT_DAY2}  planned, policies pass, but `pulumi up` from the compared inventory would fail or revoke a grant
     (an identity moving to another logical name without an alias, a protected resource deleted or replaced);
     the report says which and how to proceed (README, Day-2 changes)
  (`make plan` exits 2 on any failure and prints this status as "Error <n>")

examples:
  make plan                                    # the dev stack
  make plan STACK=prod
  python -m gke_kpo.plan --stack dev --golden /tmp/deployed.yaml   # day-2 check against what is deployed
  make stack NAME=staging && make plan STACK=staging
  python -m gke_kpo.plan --stack dev --stack-file /tmp/Pulumi.dev.yaml   # try an edit without touching the repo"""


def _write_build(plan: Plan, planned: list[dict[str, Any]], out_dir: Path) -> list[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    # What `pulumi stack output --json --show-secrets` prints: the Python SDK drops None-valued exports.
    printed = {name: value for name, value in plan.outputs.items() if value is not None}
    (out_dir / "outputs.json").write_text(json.dumps(printed, indent=2, sort_keys=True) + "\n")
    (out_dir / "plan.yaml").write_text(inventory_yaml(plan, planned))
    files = render_files(plan.outputs)
    write_files(files, out_dir / "airflow")
    return sorted(files)


def _report(plan: Plan, planned: list[dict[str, Any]], stack_file: Path, golden: Path) -> Report:
    """The stack's settings are parsed again from the same file (milliseconds) for the reachability verdict."""
    golden_entries = yaml_text.safe_load(golden.read_text()) if golden.is_file() else None
    providers = {r.name: r.provider.split("::")[-2] for r in plan.resources if r.custom and r.provider}
    changes = diff_inventories(golden_entries, planned, providers)
    access = access_lines(settings_of_stack(plan.stack, stack_file))
    findings = day2_findings(golden_entries, planned, changes, plan.stack)
    return Report(plan, stack_file, golden, golden_entries, planned, changes, use_colour(sys.stdout), access, findings)


def _warn_placeholders(path: Path) -> None:
    leftover = placeholder_keys(read_config(path))
    if leftover:
        print(
            f"warning: {shown(path)} still holds `make stack` placeholders in {', '.join(leftover)}:\n"
            "  replace them before `make preview` (README, From zero to a running task, step 1)"
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gke_kpo.plan",
        description=__doc__,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # nargs="?": `make plan STACK=` passes a bare --stack, answered with the list of stacks, not an argparse dump.
    parser.add_argument("--stack", nargs="?", const="", default="", help="stack name: Pulumi.<stack>.yaml")
    parser.add_argument(
        "--stack-file",
        type=Path,
        help="read the config from this file instead of Pulumi.<stack>.yaml (the stack name, by default taken from "
        "this file's name, still picks the policy config and the golden inventory)",
    )
    parser.add_argument("--golden", type=Path, help="inventory to compare with (default tests/golden/<stack>.yaml)")
    parser.add_argument("--build-dir", type=Path, default=BUILD_DIR, help="where <stack>/ is written")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Every failure a user can meet is a message and an exit code; anything else is a bug of ours, reported
    as one (exit 3) with the trace in a file, never a traceback on the terminal."""
    try:
        return _plan(argv)
    except Exception:  # the last resort: what no handler below foresaw
        trace = Path(tempfile.gettempdir()) / "gke-kpo-plan-trace.txt"
        trace.write_text(traceback.format_exc())
        error = sys.exc_info()[1]
        print(
            f"error: make plan failed unexpectedly ({type(error).__name__}: {error}); this is a bug in gke-kpo,",
            file=sys.stderr,
        )
        print(f"  please report it with {trace}, which holds the full trace", file=sys.stderr)
        return EXIT_PROGRAM


def _plan(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if not args.stack and args.stack_file:
        args.stack = stack_name(args.stack_file) or ""
    try:
        path = existing_stack_file(args.stack, args.stack_file)
    except StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        validate(read_config(path), args.stack)
    except StackFileError as error:  # names the file itself
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except ConfigError as error:
        print(f"error: {shown(path)}: {error}", file=sys.stderr)
        return EXIT_CONFIG
    with GateAlongside(args.stack) as gate:
        try:
            plan = run_program(args.stack, path=path, observe=gate.see)
            gate.judge(plan)
        except (StackFileError, ConfigError, PolicyConfigError) as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_CONFIG
        except ProgramError as error:
            print(f"error: {error}", file=sys.stderr)
            return EXIT_CONFIG if isinstance(error.__cause__, pulumi.RunError) else EXIT_PROGRAM
        build = args.build_dir / args.stack
        planned = inventory(plan)
        airflow_files = _write_build(plan, planned, build)
        report = _report(plan, planned, path, args.golden or golden_path(args.stack))
        verdicts = gate.result()
    (build / "policies.txt").write_text(verdicts.format() + "\n")
    print_report(report.lines(verdicts, build, airflow_files))
    _warn_placeholders(path)
    if not verdicts.passed:
        return EXIT_POLICY
    return EXIT_DAY2 if report.findings else EXIT_OK


if __name__ == "__main__":
    # A one-shot process: no cyclic collection at all, as in run_program, also while judging and rendering; nor at
    # exit, where the interpreter's own collections over the SDKs' types and the run's objects took 0.5 s (one
    # tenant) to 0.8 s (100 tenants) after the report was printed (benchmarks/tenant_scale.py).
    gc.disable()
    status = main()
    gc.freeze()
    sys.exit(status)
