"""The command line: parse options, call one engine function, render, return an exit code.

Exit codes (a tested contract, README "Exit codes"):
  0  success, nothing to change
  1  error: bad config, bad usage, AWS error, did not converge
  2  changes pending (``plan --detailed-exitcode``)
  3  refused by a safety rail (replacement, users in the pool, no terminal to confirm)
130  interrupted
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from poolsync import __version__
from poolsync.errors import ConfigError, PoolsyncError, SafetyRefusal, UsageError

if TYPE_CHECKING:
    from poolsync.aws import AwsSession
    from poolsync.model import Config, Plan

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


@dataclass
class State:
    debug: bool = False
    profile: str | None = None
    region: str | None = None
    stats: bool = False
    rate_share: float = 0.8
    secrets: set[str] = field(default_factory=set)
    # The seam tests replace to record or fake AWS (never a patch of an import path).
    session_factory: Callable[[str | None], AwsSession] | None = None
    sessions: list[AwsSession] = field(default_factory=list)

    def redact(self, text: str) -> str:
        """Known secrets (in any escaped form) and values of secret keys, as in logs."""
        from poolsync.logs import redact

        return redact(text, self.secrets)


def _use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _session(state: State) -> AwsSession:
    if state.session_factory is not None:
        session = state.session_factory(state.profile)
    else:
        from poolsync.aws import AwsSession  # boto3 only when a command needs AWS

        session = AwsSession(profile=state.profile, share=state.rate_share or None)
    state.sessions.append(session)
    return session


def _stats(state: State) -> dict[str, dict[str, int]] | None:
    if not state.sessions:
        return None
    merged: dict[str, dict[str, int]] = {}
    for session in state.sessions:
        for category, row in session.stats().items():
            total = merged.setdefault(category, dict.fromkeys(row, 0))
            for key, value in row.items():
                total[key] += value
    return merged


paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(dir_okay=True, file_okay=True)
)


prune_option = click.option(
    "--prune", is_flag=True,
    help="Delete live clients, providers, groups and resource servers that are not in "
         "the file (in the collections the file manages).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="poolsync")
@click.option("--debug", is_flag=True, help="Show tracebacks and botocore's debug log.")
@click.option("--profile", help="AWS profile (default: the standard credential chain).")
@click.option("--region", help="Region of pools whose files name none.")
@click.option("--stats", is_flag=True,
              help="Print calls, retries and throttles per Cognito quota category.")
@click.option("--rate-share", type=click.FloatRange(0, 1, min_open=True), default=0.8,
              show_default=True,
              help="Share of each Cognito request-rate quota poolsync may use (the quotas "
                   "are shared with every tool in the account).")
@click.pass_context
def cli(ctx: click.Context, debug: bool, profile: str | None, region: str | None,
        stats: bool, rate_share: float) -> None:
    """Amazon Cognito user pools as code: validate, plan, apply."""
    state = ctx.ensure_object(State)
    state.debug, state.profile, state.region = debug, profile, region
    state.stats, state.rate_share = stats, rate_share
    if debug:  # botocore's debug log on stderr, every secret redacted (logs.py)
        from poolsync.logs import debug_logging

        ctx.with_resource(debug_logging(lambda: state.secrets))


@cli.command()
@paths_argument
@click.pass_obj
def validate(state: State, paths: tuple[str, ...]) -> int:
    """Check the configuration offline (schema and rules). No AWS calls."""
    from poolsync import engine

    config = engine.validate(paths, state.region)
    click.echo(f"{len(config.pools)} pool(s) in {len(config.files)} file(s): valid.")
    return EXIT_OK


output_option = click.option(
    "--output", "-o", type=click.Choice(["text", "json", "markdown"]), default="text",
    show_default=True, help="Format of what goes to stdout.")
marker_option = click.option(
    "--marker", metavar="NAME",
    help="Name in the markdown's hidden marker line (default: the paths), e.g. the "
         "environment, so CI can find and update its comment.")


def _load(state: State, paths: tuple[str, ...], prune: bool = False) -> Config:
    """Config for commands that talk to AWS: ``${env:...}`` resolved, secrets known."""
    from poolsync import engine

    config = engine.load(paths, os.environ, state.region)
    state.secrets.update(engine.secrets(config))
    return engine.with_prune(config) if prune else config


allow_replace_option = click.option(
    "--allow-replace", "allow_replace", multiple=True, metavar="ADDRESS",
    help="Allow replacing this (empty) pool, or a sub-resource by address "
         "(e.g. POOL/clients/web). Repeatable.")


@cli.command()
@paths_argument
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 2 when there are changes or unmanaged objects, 0 when there are "
                   "none.")
@output_option
@click.option("--out", "out_file", metavar="FILE",
              help="Also write the JSON plan here (for apply --plan; no secret in it).")
@marker_option
@prune_option
@allow_replace_option
@click.pass_obj
def plan(state: State, paths: tuple[str, ...], detailed_exitcode: bool, output: str,
         out_file: str | None, marker: str | None, prune: bool,
         allow_replace: tuple[str, ...]) -> int:
    """Read the live pools and show what apply would change. Exits 3 when apply would
    refuse the plan (an object that cannot be applied, a replacement not allowed)."""
    from poolsync import engine, planfile

    config = _load(state, paths, prune)
    result = engine.plan(config, _session(state))
    click.echo(_render_plan(result, output, paths, marker, _stats(state)), nl=False)
    if out_file:
        planfile.write_plan(result, out_file, _stats(state))
    _warn_unused(state, engine.unused_allowances(result, allow_replace))
    refusals = engine.blocked(result, allow_replace, config)
    if refusals:
        _report(state, "error: apply would refuse this plan:\n" + "\n".join(refusals))
        return EXIT_REFUSED
    pending = result.has_changes or any(o.unmanaged for o in result.objects)
    return EXIT_CHANGES if detailed_exitcode and pending else EXIT_OK


def _render_plan(result: Plan, output: str, paths: tuple[str, ...], marker: str | None,
                 stats: dict[str, Any] | None) -> str:
    from poolsync import planfile
    from poolsync.markdown import render_markdown
    from poolsync.render import render_text

    if output == "json":
        return planfile.render_json(result, stats)
    if output == "markdown":
        return render_markdown(result, marker or " ".join(paths), " ".join(paths))
    return render_text(result, color=_use_color(), digest=planfile.checksum(result))


@cli.command()
@paths_argument
@allow_replace_option
@click.option("--plan", "plan_file", metavar="FILE",
              help="Apply only if the fresh plan is this reviewed plan (from plan --out).")
@click.option("--checksum", metavar="SHA",
              help="Apply only if the fresh plan has this checksum (printed by plan).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="json: one document on stdout with the plan and what was applied.")
@prune_option
@click.pass_obj
def apply(state: State, paths: tuple[str, ...], allow_replace: tuple[str, ...],
          plan_file: str | None, checksum: str | None, yes: bool, output: str,
          prune: bool) -> int:
    """Plan again, check it (pinned plan, safety rails), make the changes, verify."""
    from poolsync import engine
    from poolsync.render import render_sign_in_urls, render_text

    if plan_file and checksum:
        raise UsageError("give --plan or --checksum, not both")
    config = _load(state, paths, prune)
    session = _session(state)
    planned = engine.plan(config, session)
    click.echo(render_text(planned, color=_use_color()), nl=False, err=output == "json")
    pinned = plan_file is not None or checksum is not None
    if pinned:
        engine.check_pinned(planned, plan_file=plan_file, checksum=checksum)
    if not planned.has_changes:
        _apply_report(output, planned, "nothing to do", engine.ApplyResult(planned))
        return EXIT_OK
    _warn_unused(state, engine.unused_allowances(planned, allow_replace))
    engine.check_apply(planned, session, allow_replace, config)
    _confirm(yes or pinned)
    try:
        with _stop_on_signals() as stop_requested:
            result = engine.execute(planned, session, stop_requested, config)
    except engine.ApplyIncomplete as exc:
        status = "interrupted" if exc.interrupted else "failed"
        _apply_report(output, planned, status, exc.result)
        raise
    final = engine.verify(config, session, result)
    _apply_report(output, planned, "applied", result)
    if output == "text":
        click.echo(f"Apply complete: {len(result.applied)} call(s) made; the pools match "
                   "the configuration.")
        for pool in final.pools:
            for line in render_sign_in_urls(pool):
                click.echo(line.strip())
    return EXIT_OK


def _warn_unused(state: State, addresses: list[str]) -> None:
    for address in addresses:
        _report(state, f"warning: --allow-replace {address} names no replacement in this "
                       "plan (addresses look like POOL or POOL/clients/NAME)")


def _apply_report(output: str, planned: Plan, status: str, result: Any) -> None:
    """The JSON apply report: the plan, and exactly which calls were and were not made."""
    if output != "json":
        return
    import json

    from poolsync import planfile

    document = {"status": status, "plan": planfile.plan_document(planned), **result.to_dict()}
    click.echo(json.dumps(document, indent=2, default=str))


@cli.command()
@paths_argument
@output_option
@marker_option
@click.pass_obj
def drift(state: State, paths: tuple[str, ...], output: str, marker: str | None) -> int:
    """Report, read-only, how the live pools differ from the files (exit 2 on drift)."""
    import json

    from poolsync import engine
    from poolsync.drift import drift_report
    from poolsync.markdown import render_drift_markdown
    from poolsync.render import render_drift_text

    report = drift_report(engine.plan(_load(state, paths), _session(state)), " ".join(paths))
    if output == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    elif output == "markdown":
        click.echo(render_drift_markdown(report, marker or " ".join(paths)), nl=False)
    else:
        click.echo(render_drift_text(report), nl=False)
    return EXIT_CHANGES if report.has_drift else EXIT_OK


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[Callable[[], bool]]:
    """Ctrl-C and SIGTERM during apply: let the call in flight finish, then stop and
    report what was applied (exit 130). A second signal stops at once."""
    requested: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if requested:
            raise KeyboardInterrupt
        requested.append(signum)
        click.echo("stopping after the call in flight...", err=True)

    if threading.current_thread() is not threading.main_thread():
        yield lambda: False  # signals reach only the main thread
        return
    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield lambda: bool(requested)
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _confirm(yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise SafetyRefusal(
            "apply needs confirmation but stdin is not a terminal; review the plan and "
            "run again with --yes"
        )
    if not click.confirm("Apply these changes?", default=False, err=True):
        raise SafetyRefusal("apply cancelled; nothing was changed")


@cli.command("export")
@click.option("--region", "export_region", metavar="REGION",
              help="Region of the pools (default: the global --region).")
@click.option("--pool-id", metavar="ID", help="Export the pool with this id.")
@click.option("--name", metavar="NAME", help="Export the pool with this name.")
@click.option("--all", "all_pools", is_flag=True, help="Export every pool of the region.")
@click.option("--pin-ids", is_flag=True,
              help="Write each pool's id, so plan finds the pool by id, not by name.")
@click.option("--out", "out_file", metavar="FILE", help="Write the YAML here, not to stdout.")
@click.option("--only", "only", metavar="PART",
              help="Export one part of the pool: settings, mfa, domain, or an item such "
                   "as clients/web (what drift offers to accept).")
@click.pass_obj
def export_command(state: State, export_region: str | None, pool_id: str | None,
                   name: str | None, all_pools: bool, pin_ids: bool,
                   out_file: str | None, only: str | None) -> int:
    """Write live pools as configuration YAML that plans clean (secrets as ${env:...})."""
    from poolsync import engine
    from poolsync.export import export_pools, render_export, select

    region = export_region or state.region
    if region is None:
        raise UsageError("export needs --region")
    if sum((pool_id is not None, name is not None, all_pools)) != 1:
        raise UsageError("export needs exactly one of --pool-id, --name or --all")
    pools = engine.read_for_export(_session(state), region, pool_id=pool_id, name=name)
    result = export_pools(pools, region, pin_ids=pin_ids)
    state.secrets.update(result.withheld)
    if only:
        try:
            result = select(result, only)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    text = render_export(result)
    if out_file:
        with open(out_file, "w", encoding="utf-8") as stream:
            stream.write(text)
        click.echo(f"Wrote {len(result.document['pools'])} pool(s) to {out_file}.", err=True)
    else:
        click.echo(text, nl=False)
    if result.variables:
        click.echo("Set these environment variables before plan or apply:", err=True)
        for variable in result.variables:
            click.echo(f"  {variable}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    return EXIT_OK


@cli.command("iam-policy")
@click.option("--for", "use", type=click.Choice(["plan", "apply", "drift", "export"]),
              default="apply", show_default=True,
              help="What the credentials will run: plan, drift and export only read.")
def iam_policy(use: str) -> int:
    """Print the least-privilege IAM policy (JSON) for running poolsync."""
    from poolsync.iam import policy_json

    click.echo(policy_json(use), nl=False)
    return EXIT_OK


@cli.command()
def schema() -> int:
    """Print the JSON Schema of the configuration format."""
    from poolsync.schema import schema_text

    click.echo(schema_text(), nl=False)
    return EXIT_OK


@cli.command()
def demo() -> int:
    """Run the whole product against an embedded local Cognito (no AWS account)."""
    from poolsync.demo import run_demo

    return run_demo(click.echo)


def _report(state: State, message: str) -> None:
    click.echo(state.redact(message), err=True)


def run(
    argv: Iterable[str] | None = None,
    session_factory: Callable[[str | None], AwsSession] | None = None,
) -> int:
    """Run the CLI and return its exit code; the one place errors become exit codes."""
    state = State(session_factory=session_factory)
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(state, args)
    finally:
        if state.stats:
            _report(state, _render_stats(_stats(state) or {}))


def _render_stats(stats: dict[str, dict[str, int]]) -> str:
    lines = ["Cognito calls per quota category (attempts, retries, throttles):"]
    for category, row in stats.items():
        lines.append(f"  {category:<24} {row['calls']:>6} {row['retries']:>6} "
                     f"{row['throttles']:>6}")
    return "\n".join(lines)


def _run(state: State, args: list[str]) -> int:
    try:
        result = cli.main(args=args, prog_name="poolsync", standalone_mode=False, obj=state)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        _report(state, "aborted")
        return EXIT_INTERRUPTED
    except click.ClickException as exc:  # usage errors exit 1: 2 always means "changes"
        _report(state, f"error: {exc.format_message()}")
        return EXIT_ERROR
    except ConfigError as exc:
        _report(state, f"{exc}\n{len(exc.problems)} problem(s) found; nothing was changed.")
        return EXIT_ERROR
    except UsageError as exc:
        _report(state, f"error: {exc}")
        return EXIT_ERROR
    except PoolsyncError as exc:
        if state.debug:
            _report(state, traceback.format_exc())
        _report(state, f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _report(state, "interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so plainly; the traceback only with --debug
        if state.debug:
            _report(state, traceback.format_exc())
        _report(state, f"internal error (a bug in poolsync, please report it): "
                       f"{type(exc).__name__}: {exc}. Run with --debug for the traceback.")
        return EXIT_ERROR
    return int(result) if isinstance(result, int) else EXIT_OK


def main(argv: Iterable[str] | None = None) -> None:
    sys.exit(run(argv))


