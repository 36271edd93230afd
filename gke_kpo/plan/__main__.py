"""``make plan STACK=<stack>``: the credential-free preview — plan, policy verdicts, rendered Airflow files."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from gke_kpo import outputs
from gke_kpo.errors import ConfigError
from gke_kpo.gate import AnalyzerSession, GateResult, PolicyConfigError, engine_context, run_gate
from gke_kpo.plan.capture import REPO_ROOT, Plan, ProgramError, run_program, stack_config
from gke_kpo.plan.inventory import inventory_yaml
from gke_kpo.render import render_files, write_files

BUILD_DIR = REPO_ROOT / "build"


def _print_plan(plan: Plan) -> None:
    custom = [r for r in plan.resources if r.custom]
    print(f"== plan for stack {plan.stack}: {len(custom)} resources (+{len(plan.resources) - len(custom)} components)")
    print(inventory_yaml(plan))
    print(f"== outputs of stack {plan.stack}")
    shown = {name: value for name, value in plan.outputs.items() if name != outputs.KUBECONFIG}
    print(yaml.safe_dump(shown, sort_keys=False, width=120))
    kubeconfig_lines = plan.outputs[outputs.KUBECONFIG].splitlines()
    print(f"{outputs.KUBECONFIG}: |\n" + "".join(f"  {line}\n" for line in kubeconfig_lines))


def _write_build(plan: Plan, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    # What `pulumi stack output --json --show-secrets` prints: the Python SDK drops None-valued exports.
    printed = {name: value for name, value in plan.outputs.items() if value is not None}
    (out_dir / "outputs.json").write_text(json.dumps(printed, indent=2, sort_keys=True) + "\n")
    (out_dir / "plan.yaml").write_text(inventory_yaml(plan))
    airflow_dir = out_dir / "airflow"
    files = render_files(plan.outputs)
    write_files(files, airflow_dir)
    print(f"== wrote {out_dir}/outputs.json, plan.yaml and airflow/: {', '.join(sorted(files))}")


def _plan_and_judge(stack: str) -> tuple[Plan, GateResult]:
    """The pack boots on the other core while the program runs, as the engine also starts it up front."""
    stack_config(stack)
    with ThreadPoolExecutor(max_workers=1) as pool:
        starting = pool.submit(AnalyzerSession, engine_context(stack))
        try:
            plan = run_program(stack)
        finally:
            session = starting.result()
    with session:
        return plan, run_gate(plan, stack, session)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make plan", description=__doc__)
    parser.add_argument("--stack", required=True)
    parser.add_argument("--build-dir", type=Path, default=BUILD_DIR, help="where <stack>/ is written")
    args = parser.parse_args(argv)
    try:
        plan, verdicts = _plan_and_judge(args.stack)
    except (ConfigError, ProgramError, FileNotFoundError, PolicyConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _print_plan(plan)
    _write_build(plan, args.build_dir / args.stack)
    print(verdicts.format())
    return 0 if verdicts.passed else 1


if __name__ == "__main__":
    # A one-shot process: no cyclic collection at all, as in run_program, also while judging and rendering.
    gc.disable()
    sys.exit(main())
