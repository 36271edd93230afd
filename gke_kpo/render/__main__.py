"""``python -m gke_kpo.render --outputs FILE --out DIR [--tenant NAME] [--force | --beside | --check] [options]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gke_kpo.cloud.control_plane import ControlPlaneAccess
from gke_kpo.cloud.federation import CREDENTIALS_PATH_IN_IMAGE
from gke_kpo.contract import outputs as names
from gke_kpo.render import DEFAULT_CONN_ID, DagOptions, OutputsError, render_files
from gke_kpo.render.astro import is_astro_project
from gke_kpo.render.dockerfile import runtime_note, runtime_problem
from gke_kpo.render.long_tasks import GPU_STARTUP_TIMEOUT_SECONDS
from gke_kpo.render.manifest import MANIFEST_PATH, read_manifest, rendered_for, tenant_folders
from gke_kpo.render.mock_marks import is_mock_endpoint, mock_what
from gke_kpo.render.obstacles import Obstacle, Problem
from gke_kpo.render.outputs_file import GOOD_OUTPUTS_COMMAND, OutputsFileError, load_outputs
from gke_kpo.render.place import Project, Resolution, TenantSwitch, place_projects
from gke_kpo.render.validate import UnknownTenantError, check_conn_id

EXAMPLES = """\
examples:
  pulumi stack output --stack dev --json --show-secrets > outputs.json
  make render OUTPUTS=outputs.json OUT=~/astro                       # every tenant, each into ~/astro/<tenant>/
  make render OUTPUTS=outputs.json OUT=~/ml-dev TENANT=ml-dev        # only ml-dev, into ~/ml-dev/ (its Astro project)
  make render OUTPUTS=outputs.json OUT=~/astro CHECK=1               # only say what would change (exit 1 if any)
  make render OUTPUTS=outputs.json OUT=~/astro BESIDE=1              # conflicts: new versions next to yours
  make render OUTPUTS=outputs.json OUT=~/astro FORCE=1               # conflicts: replace yours, keeping a backup
  make render OUTPUTS=outputs.json OUT=~/astro DEFERRABLE=0          # a deployment without a triggerer
  make render OUTPUTS=outputs.json OUT=~/ml TENANT=ml2 SWITCH_TENANT=1 # ~/ml, rendered for tenant ml: switch it to ml2
  python -m gke_kpo.render --outputs build/dev/outputs.json --out /tmp/mock --conn-id remote_gke

what happens to each file (one line per file is always printed; .gke-kpo/manifest.json records what render wrote):
  written / would write   it did not exist
  unchanged               it already holds exactly this
  updated / would update  render wrote it and you have not edited it since: the new version replaces it
  merged / would merge    requirements.txt: render's pin set, your lines kept;
                          airflow_settings.yaml: the connection set by conn_id, your other entries kept
  kept                    you edited it and this render brings nothing new for it: yours stays
  conflict                you edited it (or it was there before render) and this render differs: nothing at all
                          is written (exit 1), the diff of yours against this render is printed
  beside / replaced       a conflict with --beside (yours kept, <file>.gke-kpo-new written next to it) or --force
                          (yours backed up to <file>.gke-kpo-backup, then replaced)
exit codes: 0 done (or nothing to change), 1 a conflict refused or --check found changes, 2 bad outputs, --conn-id,
  --tenant, one tenant's folder (an Astro project) as --out without --tenant, the folder of a render of every tenant
  as --out with --tenant, an unsupported FROM (Airflow), mock outputs into your project, a file or a dangling symlink
  (or no write permission) where --out or a file of it must be, a folder rendered for another tenant
  (.gke-kpo/manifest.json records it) without --switch-tenant
"""


def _positive_seconds(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number of seconds, got {text!r}")
    return int(text)


def _user_path(text: str) -> Path:
    return Path(text).expanduser()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gke_kpo.render",
        description="Render each tenant's Airflow files (kubeconfig, connection, Dockerfile, requirements, DAG) from "
        f"`{GOOD_OUTPUTS_COMMAND}` into <out>/<tenant>/; with --tenant, into <out> itself (that tenant's Astro "
        "project, say).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # expanduser: zsh (and sh) leave the ~ of `make render OUT=~/astro` to us; a literal ./~ folder would be a surprise.
    parser.add_argument("--outputs", required=True, type=_user_path, help="the stack outputs JSON file")
    parser.add_argument("--out", required=True, type=_user_path, help="the folder to write into (created if missing)")
    parser.add_argument("--conn-id", default=DEFAULT_CONN_ID, help=f"Airflow connection id (default {DEFAULT_CONN_ID})")
    parser.add_argument(
        "--tenant", help="render only this tenant, into <out> itself (default: every tenant, each in <out>/<tenant>/)"
    )
    parser.add_argument(
        "--credentials-path",
        default=CREDENTIALS_PATH_IN_IMAGE,
        help="federated tenants: where the image holds gcp-credentials.json (default: %(default)s)",
    )
    parser.add_argument(
        "--allow-mock",
        action="store_true",
        help="render mock outputs (`make plan`'s) into an Astro project anyway, marked MOCK (make: MOCK=1)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--force",
        action="store_true",
        help="conflicts: replace your file with this render's, keeping yours as <file>.gke-kpo-backup (make: FORCE=1)",
    )
    mode.add_argument(
        "--beside",
        action="store_true",
        help="conflicts: keep your file, write this render's next to it as <file>.gke-kpo-new (make: BESIDE=1)",
    )
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if any file would change")
    parser.add_argument(
        "--switch-tenant",
        action="store_true",
        help="a folder rendered for another tenant: render this one into it anyway, switching it (make: "
        "SWITCH_TENANT=1); without it, that is refused",
    )
    parser.add_argument(
        "--deferrable",
        action=argparse.BooleanOptionalAction,
        default=DagOptions.deferrable,
        help="long tasks wait in the triggerer (default); --no-deferrable for a deployment without one",
    )
    parser.add_argument(
        "--keep-failed-pods", action="store_true", help="keep failed pods for debugging (default: delete every pod)"
    )
    parser.add_argument(
        "--gpu-startup-timeout",
        type=_positive_seconds,
        default=GPU_STARTUP_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"how long a long task may wait to start (default {GPU_STARTUP_TIMEOUT_SECONDS}: a GPU pool from zero)",
    )
    return parser


def _dag_options(args: argparse.Namespace) -> DagOptions:
    return DagOptions(
        deferrable=args.deferrable,
        keep_failed_pods=args.keep_failed_pods,
        gpu_startup_timeout_seconds=args.gpu_startup_timeout,
    )


def _runtimes_fit(projects: list[Project]) -> bool:
    """Each existing Dockerfile's FROM runs an Airflow the rendered files support (say so when it cannot be read)."""
    fit = True
    for project in projects:
        path = project.root / "Dockerfile"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if problem := runtime_problem(text):
            print(f"error: {path}: {problem}", file=sys.stderr)
            fit = False
        elif note := runtime_note(text):
            print(f"note: {path}: {note}", file=sys.stderr)
    return fit


def _started_by_render(root: Path) -> bool:
    return not (root / ".astro").is_dir() and (root / MANIFEST_PATH).is_file()


def _one_tenant_out(args: argparse.Namespace, tenants: list[str]) -> str | None:
    """Without --tenant: an OUT that is one tenant's folder, which would get a folder per tenant inside it."""
    recorded = read_manifest(args.out).rendered_for
    astro = is_astro_project(args.out)
    if not (recorded or astro):
        return None
    what = "an Astro project" if astro else "a folder"
    if recorded:
        what += f" rendered for tenant {recorded.tenant} (its {MANIFEST_PATH} records it)"
    fix = (
        f"Render that tenant there: make render OUTPUTS={args.outputs} OUT={args.out} TENANT={recorded.tenant}"
        if recorded
        else f"Name the tenant this project is for: make render OUTPUTS={args.outputs} OUT={args.out} "
        f"TENANT=<{' | '.join(tenants)}>"
    )
    return (
        f"error: --out (make: OUT) {args.out} is {what}: without --tenant each tenant gets a folder of its own "
        f"inside it. {fix}"
    )


def _every_tenant_out(args: argparse.Namespace, tenants: list[str]) -> str | None:
    """With --tenant: an OUT a render of every tenant made, whose tenant folders that tenant's files would mix with."""
    if not tenant_folders(args.out, tenants):
        return None
    return (
        f"error: --out (make: OUT) {args.out} holds one folder per tenant from a render of every tenant; did you mean "
        f"OUT={args.out / args.tenant}? (Or leave TENANT out to render every tenant there.) Nothing was written."
    )


def _render(args: argparse.Namespace) -> list[Project] | None:
    """Each tenant's folder and files, or None after printing why not."""
    try:
        check_conn_id(args.conn_id)
    except OutputsError as error:
        print(f"error: --conn-id (make: CONN_ID): {error}", file=sys.stderr)
        return None
    try:
        outputs: dict[str, Any] = load_outputs(args.outputs)
        files = render_files(outputs, args.conn_id, args.tenant, _dag_options(args), args.credentials_path)
    except OutputsFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    except UnknownTenantError as error:
        print(f"error: --tenant (make: TENANT): {error}", file=sys.stderr)
        return None
    except OutputsError as error:
        print(f"error: {args.outputs}: {error}", file=sys.stderr)
        return None
    endpoint = str(outputs.get(names.ENDPOINT, ""))
    if is_mock_endpoint(endpoint):
        print(
            f"WARNING: {args.outputs} holds MOCK outputs (`make plan`'s: {_mock_what(outputs)}): every "
            f"file is marked MOCK and none can reach a cluster. Real files come from `{GOOD_OUTPUTS_COMMAND}`.",
            file=sys.stderr,
        )
    tenants = sorted(outputs[names.TENANTS])
    if mixed := _one_tenant_out(args, tenants) if args.tenant is None else _every_tenant_out(args, tenants):
        print(mixed, file=sys.stderr)
        return None
    by_tenant: dict[str, dict[str, str]] = {}
    for path, text in files.items():
        tenant, relative = path.split("/", 1)
        by_tenant.setdefault(tenant, {})[relative] = text
    # With --tenant, <out> is that tenant's folder: no <out>/<tenant>/ inside it.
    projects = [
        Project(args.out if args.tenant else args.out / tenant, rendered_for(outputs, tenant), tenant_files)
        for tenant, tenant_files in by_tenant.items()
    ]
    if not _runtimes_fit(projects):
        return None
    # A project of the user's: made by `astro dev init` (.astro/), or one render did not start (no manifest).
    real = [p.root for p in projects if is_astro_project(p.root) and not _started_by_render(p.root)]
    if is_mock_endpoint(endpoint) and real and not args.allow_mock:
        print(
            f"error: refusing to put MOCK connections into the Astro project {', '.join(map(str, real))}: render "
            f"from `{GOOD_OUTPUTS_COMMAND}`, or add --allow-mock (make: MOCK=1) to do it anyway (marked MOCK)",
            file=sys.stderr,
        )
        return None
    return projects


REFUSED = (
    "refused: the files marked 'conflict' were edited by you (or were there before render) and this render differs,\n"
    "so nothing was written (the diffs above: yours against this render). To merge by hand, rerun with --beside\n"
    "(make: BESIDE=1): the new version lands next to yours as <file>.gke-kpo-new; merge it into your file and delete\n"
    "it, and later renders keep your file until the stack changes it again. Or rerun with --force (make: FORCE=1)\n"
    "to replace yours (kept as <file>.gke-kpo-backup)."
)


def _mock_what(outputs: dict[str, Any]) -> str:
    """What the files point at, as the renderer chose it (the DNS endpoint unless control_plane_access is ip)."""
    access = str(outputs.get(names.CONTROL_PLANE_ACCESS, ControlPlaneAccess.IP.value))
    dns = access != ControlPlaneAccess.IP.value and bool(outputs.get(names.DNS_ENDPOINT))
    host = str(outputs[names.DNS_ENDPOINT]) if dns else str(outputs.get(names.ENDPOINT, ""))
    return mock_what(host, ca_pinned=not dns)


def _obstacle_error(obstacle: Obstacle, out: Path) -> str:
    if obstacle.path == out:
        where = f"--out (make: OUT) {out}"
    elif obstacle.path in out.parents:
        where = f"--out (make: OUT) {out}: {obstacle.path}"
    else:
        where = str(obstacle.path)
    fix = {
        Problem.NOT_WRITABLE: "make it writable for you",
        Problem.DANGLING_LINK: "create the folder it points to or remove the link",
    }.get(obstacle.problem, "move it away")
    return (
        f"error: {where} {obstacle.what}; {fix}, or point OUT at another folder (render creates a missing one). "
        "Nothing was written."
    )


def _other_tenant_error(switch: TenantSwitch) -> str:
    recorded, wanted = switch.recorded.tenant, switch.wanted.tenant
    return (
        f"error: {switch.root} was rendered for {switch.recorded}, not for {wanted} (its {MANIFEST_PATH} records the "
        f"tenant): its connection and DAG would silently switch to {wanted}'s namespace. Nothing was written. Render "
        f"{recorded} there (TENANT={recorded}), {wanted} into a folder of its own (another OUT), or add "
        f"SWITCH_TENANT=1 (--switch-tenant) to switch this folder to {wanted}."
    )


def _stopped_by(error: OSError) -> str:
    """A failure no check before could foresee (a full disk, a file changed meanwhile): where, and that a rerun
    picks up, since the manifests are written last."""
    where = f"{error.filename}: " if error.filename else ""
    return (
        f"error: {where}{error.strerror or error}; render stopped there. Fix that and render again: files it "
        "wrote before show as `unchanged` then."
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    resolution = Resolution.FORCE if args.force else Resolution.BESIDE if args.beside else Resolution.REFUSE
    try:
        projects = _render(args)
        if projects is None:
            return 2
        outcome = place_projects(projects, resolution=resolution, dry_run=args.check, switch_tenant=args.switch_tenant)
    except OSError as error:
        print(_stopped_by(error), file=sys.stderr)
        return 2
    errors = [_obstacle_error(obstacle, args.out) for obstacle in outcome.blocked]
    errors += [_other_tenant_error(switch) for switch in outcome.other_tenant]
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    switched = "would switch" if args.check else "switched"
    for switch in outcome.switched:
        print(
            f"note: {switch.root}: {switched} from tenant {switch.recorded.tenant} to {switch.wanted.tenant}",
            file=sys.stderr,
        )
    print("\n".join(outcome.lines))
    if outcome.refused:
        print("".join(outcome.diffs), end="", file=sys.stderr)
        print(REFUSED, file=sys.stderr)
        return 1
    return 1 if args.check and outcome.pending else 0


if __name__ == "__main__":
    sys.exit(main())
