"""``make plan STACK=<stack>``: the credential-free preview — plan, policy verdicts, rendered Airflow files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from gke_kpo.plan.capture import REPO_ROOT, Plan, ProgramError, run_program
from gke_kpo.plan.inventory import inventory_yaml

BUILD_DIR = REPO_ROOT / "build"


def _print_plan(plan: Plan) -> None:
    custom = [r for r in plan.resources if r.custom]
    print(f"== plan for stack {plan.stack}: {len(custom)} resources (+{len(plan.resources) - len(custom)} components)")
    print(inventory_yaml(plan))
    print(f"== outputs of stack {plan.stack}")
    print(yaml.safe_dump(plan.outputs, sort_keys=False, width=120))


def _write_build(plan: Plan, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs_file = out_dir / "outputs.json"
    # The same shape `pulumi stack output --json --show-secrets` prints, so `make render` takes it as is.
    outputs_file.write_text(json.dumps(plan.outputs, indent=2, sort_keys=True) + "\n")
    (out_dir / "plan.yaml").write_text(inventory_yaml(plan))
    return outputs_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make plan", description=__doc__)
    parser.add_argument("--stack", required=True)
    args = parser.parse_args(argv)
    try:
        plan = run_program(args.stack)
    except (ProgramError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _print_plan(plan)
    out_dir = BUILD_DIR / args.stack
    print(f"== wrote {_write_build(plan, out_dir).relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
