"""The command line: parse options, call one engine function, render, return an exit code.

Exit codes (a tested contract, README "Exit codes"):
  0  success, nothing to change
  1  error: bad config, bad usage, AWS error, did not converge, apply declined at its
     prompt (as terraform: "Apply cancelled.", exit 1), a smoke step failed
  2  changes pending (``plan --detailed-exitcode``)
  3  refused by a safety rail (replacement, users in the pool, no terminal to confirm,
     smoke on a pool that would send a code poolsync cannot read)
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
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from poolsync import __version__
from poolsync.errors import (
    ApplyCancelled,
    ConfigError,
    OutputError,
    PoolsyncError,
    SafetyRefusal,
    UsageError,
)
from poolsync.model import as_given
from poolsync.streams import check_out_path, guarded_output, writing

if TYPE_CHECKING:
    from poolsync.aws import AwsSession
    from poolsync.config import RegionFallback
    from poolsync.logs import SecretSet
    from poolsync.model import Config, Plan
    from poolsync.outputs import Outputs
    from poolsync.progress import Progress
    from poolsync.smoke.run import Clock

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_REFUSED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _secret_set() -> SecretSet:
    from poolsync.logs import SecretSet

    return SecretSet()


@dataclass
class State:
    # Global options (_GLOBAL_OPTIONS), given before or after the command's name.
    debug: bool = False
    debug_logging: bool = False
    profile: str | None = None
    region: str | None = None
    stats: bool = False
    quiet: bool = False
    verbose: bool = False
    rate_share: float = 0.8
    # Every value no output may show, and the fields whose values logs redact
    # (logs.SecretSet): filled as the config loads, read by every redaction.
    secrets: SecretSet = field(default_factory=lambda: _secret_set())
    # The seam tests replace to record or fake AWS (never a patch of an import path).
    session_factory: Callable[[str | None], AwsSession] | None = None
    # The seam tests replace to let smoke's wait for a fresh TOTP code pass without
    # waiting (smoke.run.Clock); None: the system clock.
    clock: Clock | None = None
    sessions: list[AwsSession] = field(default_factory=list)

    def redact(self, text: str) -> str:
        """Known secrets and values of secret keys, as in logs: a long secret in any
        escaped form, a short one where it stands quoted (logs.redact)."""
        from poolsync.logs import redact

        return redact(text, self.secrets)


def _use_color(stream: Any = None) -> bool:
    """Colour on ``stream`` (stdout when None): only on a terminal that is not ``dumb``,
    and not when ``NO_COLOR`` is set to anything but the empty string (no-color.org:
    "when present and not an empty string"; ``TERM=dumb`` is the terminfo entry of a
    terminal without escape sequences, as Emacs' shell sets it)."""
    target = sys.stdout if stream is None else stream
    try:
        terminal = bool(target.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False
    return terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


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


pool_option = click.option(
    "--pool", "pools", multiple=True, metavar="NAME",
    help="Only the pools of this name: a name, a glob (app-*) or REGION/NAME; "
         "repeatable. Other pools are neither read nor changed.")


def _region_fallback(state: State) -> RegionFallback:
    """The region of pools whose files name none (config.py, "Regions"): --region, then
    AWS_REGION, AWS_DEFAULT_REGION, the profile's region; looked up only if needed."""
    from poolsync.config import RegionFallback

    return RegionFallback(option=state.region, environ=os.environ, profile=state.profile)


def _arguments(paths: tuple[str, ...], pools: tuple[str, ...]) -> str:
    """The paths and --pool options, as a command printed for the user repeats them,
    quoted for a POSIX shell."""
    import shlex

    return shlex.join([*paths, *(word for p in sorted(set(pools)) for word in ("--pool", p))])


prune_option = click.option(
    "--prune", is_flag=True,
    help="Delete live clients, providers, groups and resource servers that are not in "
         "the file (in the collections the file manages).")


# --- Options checked before any work: a clear error (exit 1), never a traceback -------


def _region_option(ctx: click.Context, param: click.Parameter, value: str | None
                   ) -> str | None:
    """``--region``: an AWS region name (regions.py), checked before any call."""
    from poolsync.regions import region_problem

    problem = None if value is None else region_problem(value)
    if problem is not None:
        raise click.BadParameter(f"'{as_given(str(value))}' is {problem}")
    return value


def _rate_share_option(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """``--rate-share``: a finite number from pacing.MIN_SHARE to 1. A smaller share
    paces a single call minutes apart (1e-6 waited forever, 1e-300 overflowed)."""
    from poolsync.pacing import MIN_SHARE, check_share

    try:
        check_share(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a share from {MIN_SHARE:g} to 1 (e.g. "
                                 "0.5 for half of each quota)") from None
    return value


# Characters a --marker cannot hold: it is written into an HTML comment and a markdown
# heading (markdown.py), where "<", ">" and "&" end or alter them and a newline splits
# them; control and format characters are invisible there.
_MARKER_LIMIT = 200


def _marker_option(ctx: click.Context, param: click.Parameter, value: str | None
                   ) -> str | None:
    if value is None:
        return None
    bad = any(c in "<>&" or not c.isprintable() for c in value)
    if bad or not value.strip() or len(value) > _MARKER_LIMIT:
        raise click.BadParameter(
            f"'{as_given(value)}' cannot be a marker: give 1 to {_MARKER_LIMIT} printable "
            "characters other than < > & (e.g. the environment's name)")
    return value


# A plan file is a few hundred kilobytes at most; anything larger is not one.
_MAX_PLAN_BYTES = 64 * 2**20


def _plan_file_option(ctx: click.Context, param: click.Parameter, value: str | None
                      ) -> str | None:
    """``apply --plan FILE``: a regular, readable file of plausible size that reads as a
    plan (``planfile.read_plan``: JSON, a checksum, a format this poolsync reads),
    checked before any AWS call. A FIFO would block the read forever and ``/dev/zero``
    fill memory. Whether it is the fresh plan is decided after planning."""
    import stat

    if value is None:
        return None
    try:
        info = os.stat(value)
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"cannot read '{as_given(value)}': "
                                 f"{getattr(exc, 'strerror', None) or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise click.BadParameter(f"'{as_given(value)}' is {kind}; give the file that "
                                 "plan --out wrote")
    if info.st_size > _MAX_PLAN_BYTES:
        raise click.BadParameter(f"'{as_given(value)}' is {info.st_size} bytes: too large "
                                 "to be a plan made by plan --out")
    if not os.access(value, os.R_OK):
        raise click.BadParameter(f"cannot read '{as_given(value)}': permission denied")
    from poolsync.planfile import read_plan

    read_plan(value)  # JSON, a checksum, a format this poolsync reads: else UsageError
    return value


def _checksum_option(ctx: click.Context, param: click.Parameter, value: str | None
                     ) -> str | None:
    """``apply --checksum``: ``sha256:`` and 64 hex digits, as plan prints it."""
    import re

    if value is not None and not re.fullmatch(r"sha256:[0-9a-f]{64}", value, re.ASCII):
        raise click.BadParameter(f"'{as_given(value)}' is not a plan checksum (sha256: and "
                                 "64 hex digits, as plan prints it)")
    return value


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a global option's value in the run's State when the user gave it, before or
    after the subcommand (``poolsync plan f.yaml --region eu-west-1`` as the AWS CLI
    takes it). Given twice, the later one wins, as click does within one command."""
    source = ctx.get_parameter_source(param.name or "")
    if value is None or source in (None, ParameterSource.DEFAULT):
        return value
    state = ctx.ensure_object(State)
    setattr(state, param.name or "", value)
    if param.name == "debug" and value and not state.debug_logging:
        # botocore's debug log on stderr, every secret redacted (logs.py)
        from poolsync.logs import debug_logging

        state.debug_logging = True
        ctx.find_root().with_resource(debug_logging(lambda: state.secrets))
    if state.quiet and state.verbose:
        raise click.UsageError("give -q/--quiet or -v/--verbose, not both")
    return value


def _checked_region(ctx: click.Context, param: click.Parameter, value: str | None
                    ) -> str | None:
    region: str | None = _store(ctx, param, _region_option(ctx, param, value))
    return region


def _checked_rate_share(ctx: click.Context, param: click.Parameter, value: float | None
                        ) -> float | None:
    if value is None:
        return None
    share: float = _store(ctx, param, _rate_share_option(ctx, param, value))
    return share


# Options every command takes, before or after its name; each is declared once here and
# kept in State by _store. Their help is the same on `poolsync --help` and on each command.
_GLOBAL_OPTIONS = (
    click.option("--profile", metavar="NAME", expose_value=False, callback=_store,
                 help="AWS profile (default: the standard credential chain)."),
    click.option("--region", metavar="REGION", expose_value=False, callback=_checked_region,
                 help="Region of pools whose files name none (then AWS_REGION, "
                      "AWS_DEFAULT_REGION, the profile's region)."),
    click.option("--rate-share", type=float, metavar="SHARE", expose_value=False, callback=_checked_rate_share,
                 help="Share of each Cognito request-rate quota poolsync may use, from 0.01 "
                      "to 1 (the quotas are shared with every tool in the account). "
                      "[default: 0.8]"),
    click.option("--stats", is_flag=True, expose_value=False, callback=_store,
                 help="Print calls, retries and throttles per Cognito quota category."),
    click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_store,
                 help="No progress and no notes on stderr; errors and warnings only."),
    click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_store,
                 help="Also say on stderr what each step does."),
    click.option("--debug", is_flag=True, expose_value=False, callback=_store,
                 help="Show tracebacks and botocore's debug log (secrets redacted)."),
)

F = TypeVar("F", bound=Callable[..., Any])


def global_options(command: F) -> F:
    """Decorate a command (or the group) with every global option."""
    for option in reversed(_GLOBAL_OPTIONS):
        command = option(command)
    return command


def _print_version(ctx: click.Context) -> None:
    """``--version``: poolsync's, and the botocore and Python it runs on (what a bug
    report needs: Cognito's API model comes with botocore); exit 0."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    try:
        botocore = version("botocore")
    except PackageNotFoundError:
        botocore = "not installed"
    click.echo(f"poolsync {__version__}\nbotocore {botocore}\n"
               f"Python {platform.python_version()} ({platform.python_implementation()})")
    ctx.exit(0)


class _Group(click.Group):
    """The poolsync group: global options on every command, help on a bare ``poolsync``,
    each command's whole first sentence as its summary in ``poolsync --help``."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        for option in _GLOBAL_OPTIONS:  # on a Command, each option is appended in turn
            option(cmd)
        if cmd.short_help is None and cmd.help:
            cmd.short_help = _first_sentence(cmd.help)
        super().add_command(cmd, name)


def _first_sentence(text: str) -> str:
    """A command's summary: its help's first sentence, whole. click would cut a longer
    one to the terminal's width ("make the..."); a ``short_help`` is wrapped instead."""
    import re

    flat = " ".join(text.split())
    found = re.match(r".+?[.!?](?=\s|$)", flat)
    return found.group() if found else flat


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, param, value: _print_version(ctx) if value else None,
              help="Show poolsync's, botocore's and Python's versions and exit.")
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Amazon Cognito user pools as code: validate, plan, apply."""
    ctx.ensure_object(State)
    if ctx.invoked_subcommand is None:  # a bare `poolsync`: help, exit 0 (as git does)
        click.echo(ctx.get_help())


@cli.command()
@paths_argument
@click.option("--output", "-o", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True,
              help="json: one document on stdout, also when the files are not valid; "
                   "github: one ::error annotation per problem, for GitHub Actions.")
@click.pass_obj
def validate(state: State, paths: tuple[str, ...], output: str) -> int:
    """Check the configuration offline (schema and rules). No AWS calls."""
    from poolsync import annotations, engine

    try:
        config = engine.validate(paths, _region_fallback(state))
    except PoolsyncError as exc:
        # A machine format gets its document on stdout all the same; cli.run's one
        # handler then prints the problems on stderr and exits 1.
        if output != "text":
            click.echo(annotations.render_validation(
                output, None, _files_named(paths), annotations.problems_of(exc)), nl=False)
        raise
    _notes(state, config)
    click.echo(annotations.render_validation(output, config, config.files, ()), nl=False)
    return EXIT_OK


def _files_named(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The files ``paths`` name, for ``validate -o json`` of files that are not valid;
    a path that cannot be read names none (its problem says so)."""
    from poolsync.config import collect_files

    files: dict[str, None] = {}
    for path in paths:
        with contextlib.suppress(ConfigError):
            files.update(dict.fromkeys(collect_files([path])))
    return tuple(files)


output_option = click.option(
    "--output", "-o", type=click.Choice(["text", "json", "markdown"]), default="text",
    show_default=True, help="Format of what goes to stdout.")
marker_option = click.option(
    "--marker", metavar="NAME", callback=_marker_option,
    help="Name in the markdown's hidden marker line (default: the paths), e.g. the "
         "environment, so CI can find and update its comment.")


def _load(state: State, paths: tuple[str, ...], prune: bool = False,
          pools: tuple[str, ...] = ()) -> Config:
    """Config for commands that talk to AWS: ``${env:...}`` resolved, secrets known,
    narrowed to the ``--pool`` targets (every file is read and checked all the same).
    From here to the command's end, stdout and stderr redact every long secret
    (logs.redacted_output: the last line behind the masking of masking.py)."""
    from poolsync import engine

    config = engine.load(paths, os.environ, _region_fallback(state))
    _redact_from_here(state, config)
    _notes(state, config)
    config = engine.target(config, pools)
    return engine.with_prune(config) if prune else config


def _redact_from_here(state: State, config: Config) -> None:
    """From here to the command's end, stdout and stderr redact the config's secrets
    and the --debug log the values of the fields they stand in."""
    from poolsync import engine
    from poolsync.logs import redacted_output
    from poolsync.masking import secret_fields

    state.secrets.update(engine.secrets(config))
    state.secrets.fields.update(secret_fields(config))
    click.get_current_context().with_resource(redacted_output(lambda: state.secrets))


def _notes(state: State, config: Config) -> None:
    """The files a directory walk skipped (config.py), one line each on stderr; none
    with ``--quiet``."""
    for note in () if state.quiet else config.notes:
        _report(state, f"note: {note}")


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
@pool_option
@click.pass_obj
def plan(state: State, paths: tuple[str, ...], detailed_exitcode: bool, output: str,
         out_file: str | None, marker: str | None, prune: bool,
         allow_replace: tuple[str, ...], pools: tuple[str, ...]) -> int:
    """Read the live pools and show what apply would change. Exits 3 when apply would
    refuse the plan (an object that cannot be applied, a replacement not allowed)."""
    from poolsync import engine, planfile

    if out_file:
        check_out_path(out_file)
    config = _load(state, paths, prune, pools)
    session = _session(state)
    with _progress(state, session, output) as progress:
        result = engine.plan(config, session, progress)
    command = _apply_command(state, paths, prune, pools)
    refusals = engine.blocked(result, allow_replace, config, command)
    unused = engine.unused_allowances(result, allow_replace)
    given = engine.with_allowances(command, [a for a in allow_replace if a not in unused])
    click.echo(_render_plan(result, output, paths, marker, _stats(state), given,
                            bool(refusals), state.verbose), nl=False)
    if out_file:
        with writing(out_file):
            planfile.write_plan(result, out_file, _stats(state))
    _warn_unused(state, unused)
    if refusals:
        _report(state, "error: apply would refuse this plan:\n" + "\n".join(refusals))
        return EXIT_REFUSED
    pending = result.has_changes or any(o.unmanaged for o in result.objects)
    return EXIT_CHANGES if detailed_exitcode and pending else EXIT_OK


def _apply_command(state: State, paths: tuple[str, ...], prune: bool,
                   pools: tuple[str, ...]) -> str:
    """The apply command that makes the plan of this run, to paste (engine.blocked adds
    its --allow-replace flags): the paths and --pool options as given, --prune, and the
    options that chose the account and region; each word quoted for a POSIX shell."""
    import shlex

    flags = [*(["--prune"] if prune else []), *_account_options(state)]
    return " ".join(["poolsync apply", _arguments(paths, pools), *map(shlex.quote, flags)])


def _render_plan(result: Plan, output: str, paths: tuple[str, ...], marker: str | None,
                 stats: dict[str, Any] | None, command: str, blocked: bool,
                 verbose: bool = True) -> str:
    """``command``: the apply command that makes this plan (``_apply_command`` and the
    ``--allow-replace`` flags given); ``blocked``: whether apply would refuse it."""
    from poolsync import planfile
    from poolsync.markdown import render_markdown
    from poolsync.render import render_text

    if output == "json":
        return planfile.render_json(result, stats)
    if output == "markdown":
        return render_markdown(result, marker or " ".join(paths), " ".join(paths),
                               command=command, blocked=blocked)
    return render_text(result, color=_use_color(), digest=planfile.checksum(result),
                       verbose=verbose)


@cli.command()
@paths_argument
@allow_replace_option
@click.option("--plan", "plan_file", metavar="FILE", callback=_plan_file_option,
              help="Apply only if the fresh plan is this reviewed plan (from plan --out).")
@click.option("--checksum", metavar="SHA", callback=_checksum_option,
              help="Apply only if the fresh plan has this checksum (printed by plan).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="json: one document on stdout with the plan, what was applied and the "
                   "outputs (also when apply refuses).")
@prune_option
@pool_option
@click.pass_obj
def apply(state: State, paths: tuple[str, ...], allow_replace: tuple[str, ...],
          plan_file: str | None, checksum: str | None, yes: bool, output: str,
          prune: bool, pools: tuple[str, ...]) -> int:
    """Plan again, check it (pinned plan, safety rails), make the changes, verify."""
    from poolsync import engine
    from poolsync.errors import NotConverged
    from poolsync.render import render_text

    if plan_file and checksum:
        raise UsageError("give --plan or --checksum, not both")
    config = _load(state, paths, prune, pools)
    if plan_file:  # another --pool than the plan's cannot match it: refused unread
        from poolsync.planfile import check_targets

        check_targets(plan_file, config.targets)
    session = _session(state)
    with _progress(state, session, output) as progress:
        planned = engine.plan(config, session, progress)
    # Filled as calls are made: whatever stops the run, the report says what was applied.
    result = engine.ApplyResult(planned)
    try:
        shown_on = sys.stderr if output == "json" else sys.stdout
        click.echo(render_text(planned, color=_use_color(shown_on), verbose=state.verbose),
                   nl=False,
                   err=output == "json")
        pinned = plan_file is not None or checksum is not None
        if pinned:
            engine.check_pinned(planned, plan_file=plan_file, checksum=checksum)
        if not planned.has_changes:
            outputs = _outputs_after_apply(config, planned)
            _apply_report(output, planned, "nothing to do", result, outputs=outputs)
            if output == "text":
                click.echo(_render_outputs_block(outputs), nl=False)
            return EXIT_OK
        _warn_unused(state, engine.unused_allowances(planned, allow_replace))
        engine.check_apply(planned, session, allow_replace, config,
                           _apply_command(state, paths, prune, pools))
        _confirm(yes or pinned)
    except SafetyRefusal as exc:  # a rail, a stale pin, no confirmation: nothing written
        _apply_report(output, planned, "refused", result, reason=str(exc))
        raise
    except ApplyCancelled as exc:  # the user said no: nothing written
        _apply_report(output, planned, "cancelled", result, reason=str(exc))
        raise
    except (KeyboardInterrupt, click.Abort):  # before the first call: the report all the same
        _apply_report(output, planned, "interrupted", result)
        raise engine.ApplyIncomplete(result, "interrupted before any call was made",
                                     interrupted=True) from None
    try:
        with (_progress(state, session, output) as progress,
              _stop_on_signals(_say(progress)) as stop_requested):
            try:
                engine.execute(planned, session, stop_requested, config, result, progress)
                final = engine.verify(config, session, result, stop_requested, progress)
            except KeyboardInterrupt:  # a second signal outside the engine's calls
                raise engine.ApplyIncomplete(result, "interrupted again", interrupted=True
                                             ) from None
    except engine.ApplyIncomplete as exc:
        _apply_report(output, planned, exc.status, exc.result,
                      reason=str(exc).split("\n", 1)[0])
        raise
    except NotConverged as exc:
        _apply_report(output, planned, "not converged", result,
                      reason=str(exc).split("\n", 1)[0])
        raise
    outputs = _outputs_after_apply(config, final)
    _apply_report(output, planned, "applied", result, outputs=outputs)
    for event in result.events:  # what the run did beyond its plan: shown even with -q
        _report(state, f"warning: {event}")
    if output == "text":
        click.echo(f"Apply complete: {len(result.applied)} call(s) made; the pools match "
                   "the configuration.")
        click.echo(_render_outputs_block(outputs), nl=False)
    return EXIT_OK


def _outputs_after_apply(config: Config, final: Plan) -> Outputs:
    """The outputs of the pools apply converged to (outputs.py), from the reads that
    verified them: no further call."""
    from poolsync import outputs

    return outputs.from_apply(config, final)


def _render_outputs_block(found: Outputs) -> str:
    """The text outputs after apply, under "Outputs:" as terraform prints them."""
    from poolsync.outputs import render_text

    text = render_text(found)
    return f"\nOutputs:\n\n{text}" if text else ""


def _warn_unused(state: State, addresses: list[str]) -> None:
    for address in addresses:
        _report(state, f"warning: --allow-replace {as_given(address)} names no "
                       "replacement in this plan (addresses look like POOL or POOL/clients/NAME)")


def _apply_report(output: str, planned: Plan, status: str, result: Any, *,
                  reason: str | None = None, outputs: Outputs | None = None) -> None:
    """The JSON apply report: the plan, and exactly which calls were and were not made
    (``ApplyResult.to_dict``), whatever ended the run: ``status`` is applied, nothing to
    do, failed, refused, cancelled, interrupted, not verified or not converged; ``reason`` why it
    did not apply (the error's first line; a refusal's whole message), else null;
    ``outputs`` the pools' outputs (``Outputs.to_dict``) when it applied or had nothing
    to do, else null. In text, the same report is the error's message
    (``ApplyIncomplete``)."""
    if output != "json":
        return
    import json

    from poolsync import planfile

    document = {"status": status, "reason": reason, "plan": planfile.plan_document(planned),
                **result.to_dict(),
                "outputs": outputs.to_dict() if outputs is not None else None}
    click.echo(json.dumps(document, indent=2, default=str))


@cli.command()
@paths_argument
@output_option
@marker_option
@pool_option
@click.pass_obj
def drift(state: State, paths: tuple[str, ...], output: str, marker: str | None,
          pools: tuple[str, ...]) -> int:
    """Report, read-only, how the live pools differ from the files (exit 2 on drift)."""
    import json

    from poolsync import engine
    from poolsync.drift import drift_report
    from poolsync.markdown import render_drift_markdown
    from poolsync.render import render_drift_text

    config, session = _load(state, paths, pools=pools), _session(state)
    with _progress(state, session, output) as progress:
        report = drift_report(engine.plan(config, session, progress),
                              _arguments(paths, pools), _account_options(state))
    if output == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    elif output == "markdown":
        click.echo(render_drift_markdown(report, marker or " ".join(paths)), nl=False)
    else:
        click.echo(render_drift_text(report), nl=False)
    return EXIT_CHANGES if report.has_drift else EXIT_OK


@cli.command("check")
@paths_argument
@click.option("--output", "-o", type=click.Choice(["text", "json", "sarif", "github"]),
              default="text", show_default=True,
              help="json: one document; sarif: SARIF 2.1.0 for GitHub code scanning "
                   "(also when the files cannot be checked); github: one annotation per "
                   "finding.")
@click.option("--fail-on", type=click.Choice(["low", "medium", "high", "critical"]),
              default="high", show_default=True,
              help="Exit 1 when a finding of this severity or above remains.")
@click.option("--profile-rules", "profile_rules", type=click.Choice(["baseline", "strict"]),
              default="baseline", show_default=True,
              help="baseline: AWS Security Hub's defaults; strict: the stricter reading "
                   "where scanners differ (Prowler's), and tighter poolsync policies.")
@click.option("--mfa-optional", type=click.Choice(["pass", "fail"]), default=None,
              help="Whether MFA OPTIONAL passes (Security Hub Cognito.5 asks for MFA "
                   "enabled) or fails (Prowler asks for ON). Default: pass with baseline, "
                   "fail with strict.")
@click.option("--live", is_flag=True,
              help="Check the live pools the files name (read-only AWS calls) instead of "
                   "the files; ${env:...} values are needed only for a pool's region or "
                   "id, and a pool that does not exist fails the check.")
@pool_option
@click.pass_obj
def check_command(state: State, paths: tuple[str, ...], output: str, fail_on: str,
                  profile_rules: str, mfa_optional: str | None, live: bool,
                  pools: tuple[str, ...]) -> int:
    """Check the pools' security posture against rules with stable ids (docs/check.md).

    Offline from the files (a member the file does not write at Cognito's default), or
    the live pools with --live. Exits 1 when a finding at or above --fail-on remains."""
    from dataclasses import replace as replaced
    from datetime import UTC, datetime

    from poolsync import engine
    from poolsync.check import formats
    from poolsync.check.live import live_config
    from poolsync.check.model import Severity
    from poolsync.check.rules import ALL_RULES, PROFILES
    from poolsync.check.run import check_files, check_live

    profile = PROFILES[profile_rules]
    if mfa_optional is not None:
        profile = replaced(profile, mfa_on_required=mfa_optional == "fail")
    today = datetime.now(UTC).date()
    try:
        if live:
            # The files as validate reads them: --live reads no value the files take
            # from the environment, except a pool's region and id (check.live).
            config = live_config(engine.validate(paths, _region_fallback(state)),
                                 os.environ)
            _redact_from_here(state, config)
            _notes(state, config)
            config = engine.target(config, pools)
            session = _session(state)
            with _progress(state, session, output) as progress:
                found = engine.read_for_check(config, session, progress)
            report = check_live(config, found, profile, Severity(fail_on), today)
        else:
            config = engine.target(engine.validate(paths, _region_fallback(state)), pools)
            _notes(state, config)
            report = check_files(config, profile, Severity(fail_on), today)
    except PoolsyncError as exc:
        # The machine formats print their document all the same (the CI step that
        # uploads it has a file); cli.run's one handler reports the error and exits 1.
        from poolsync.annotations import problems_of

        if output == "json":
            click.echo(formats.json_for_problems(problems_of(exc)), nl=False)
        elif output == "sarif":
            click.echo(formats.sarif_for_problems(problems_of(exc), ALL_RULES), nl=False)
        raise
    if output == "json":
        click.echo(formats.render_json(report, ALL_RULES), nl=False)
    elif output == "sarif":
        click.echo(formats.render_sarif(report, ALL_RULES), nl=False)
    elif output == "github":
        click.echo(formats.render_github(report), nl=False)
    else:
        click.echo(formats.render_text(report, verbose=state.verbose), nl=False)
    return EXIT_ERROR if report.failed else EXIT_OK


@cli.command("output")
@paths_argument
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Format of what goes to stdout.")
@pool_option
@click.pass_obj
def output_command(state: State, paths: tuple[str, ...], output: str,
                   pools: tuple[str, ...]) -> int:
    """Print, read-only, what the next stacks need: pool ids, ARNs, issuer, JWKS, clients."""
    import json

    from poolsync import engine
    from poolsync.errors import LiveStateError
    from poolsync.outputs import from_live, missing_message, render_text

    config, session = _load(state, paths, pools=pools), _session(state)
    # Outputs come from the pools and their clients and domain: the kinds with their own
    # reads (risk configuration, branding, ...) print nothing here, so they are not read.
    config = replace(config, pools=tuple(replace(p, parts={}) for p in config.pools))
    with _progress(state, session, output) as progress:
        found = from_live(config, engine.read_live(config, session, progress=progress))
    if output == "json":
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(found), nl=False)
    if found.absent:
        raise LiveStateError(missing_message(found.absent))
    return EXIT_OK


@cli.command("smoke")
@paths_argument
@pool_option
@click.option("--client", metavar="NAME",
              help="Sign in through this app client (default: the first client, the "
                   "file's first, that allows SRP or password sign-in).")
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Format of what goes to stdout.")
@click.pass_obj
def smoke_command(state: State, paths: tuple[str, ...], pools: tuple[str, ...],
                  client: str | None, output: str) -> int:
    """Sign a throwaway user up and in on each live pool, verify its tokens, delete it.

    Exit 0 when every step passed (skipped steps are listed), 1 when one failed, 3 when
    a pool's policy would send the user a code poolsync cannot read (nothing created),
    130 when interrupted (the user is deleted all the same)."""
    import json

    from poolsync.annotations import problems_of
    from poolsync.smoke import error_document, refused_document, render_text, run_smoke

    try:
        config, session = _load(state, paths, pools=pools), _session(state)
        with _stop_on_signals(lambda _: click.echo(
                "stopping after the step in progress, then deleting the throwaway user "
                "(again to stop without waiting)...", err=True)) as stop_requested:
            report = run_smoke(config, session, client=client, keep=state.secrets.add,
                               stop_requested=stop_requested, clock=state.clock)
    except SafetyRefusal as exc:
        if output == "json":
            click.echo(json.dumps(refused_document(str(exc)), indent=2))
        raise
    except PoolsyncError as exc:
        # -o json prints one document whatever happens (as check and validate do); the
        # error itself goes to stderr from cli.run's one handler (exit 1).
        if output == "json":
            reason = (f"the files are not valid ({len(exc.problems)} problem(s)): no user "
                      "was created" if isinstance(exc, ConfigError) else str(exc))
            click.echo(json.dumps(error_document(reason, problems_of(exc)), indent=2,
                                  ensure_ascii=False))
        raise
    if output == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report), nl=False)
    if report.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.passed else EXIT_ERROR


def _account_options(state: State) -> list[str]:
    """The global options that choose the account and region, as given: a command this
    run prints for the user to run next must reach the same pools."""
    return [word for option, value in (("--profile", state.profile), ("--region", state.region))
            if value is not None for word in (option, value)]


def stop_signals() -> list[signal.Signals]:
    """The signals that ask a run to stop: Ctrl-C (SIGINT), SIGTERM (``docker stop``,
    systemd, a cancelled CI job) and SIGHUP (the terminal closed, an SSH connection
    dropped; POSIX: "hangup detected on controlling terminal or death of controlling
    process"), each where the platform has it and unless it is ignored: ``nohup`` runs
    a command with SIGHUP ignored so that it outlives the terminal, and Python leaves an
    ignored SIGINT ignored (signal module: its handler is installed only "if the parent
    process has not changed it")."""
    found = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
             if hasattr(signal, name)]
    return [signum for signum in found if signal.getsignal(signum) is not signal.SIG_IGN]


@contextlib.contextmanager
def _stop_on_signals(say: Callable[[str], None] | None = None
                     ) -> Iterator[Callable[[], bool]]:
    """Ctrl-C, SIGTERM and SIGHUP (``stop_signals``) during apply: let the call in
    flight finish, then stop and report what was applied (exit 130), even when that
    call was the last one. A second signal stops without waiting (KeyboardInterrupt,
    which the engine turns into the same report, listing the call it cut short as in
    flight). ``say`` writes the line that says so (above the progress bar, when one is
    drawn); a stderr that cannot be written any more (the terminal of a SIGHUP is gone)
    does not turn the handler into an error raised wherever the run happens to be."""
    requested: list[int] = []

    def handler(signum: int, frame: object) -> None:
        if requested:
            raise KeyboardInterrupt
        requested.append(signum)
        with contextlib.suppress(OutputError, OSError, ValueError):
            (say or partial(click.echo, err=True))(
                "stopping after the call in flight (again to stop without waiting)...")

    if threading.current_thread() is not threading.main_thread():
        yield lambda: False  # signals reach only the main thread
        return
    previous = {s: signal.signal(s, handler) for s in stop_signals()}
    try:
        yield lambda: bool(requested)
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _confirm(yes: bool) -> None:
    """Ask on the terminal unless ``yes``. No terminal to ask on is a safety refusal
    (exit 3: it would otherwise hang); answering anything but yes is ApplyCancelled."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise SafetyRefusal(
            "apply needs confirmation but stdin is not a terminal; review the plan and "
            "run again with --yes"
        )
    if not click.confirm("Apply these changes?", default=False, err=True):
        raise ApplyCancelled("apply cancelled: nothing was changed")


@cli.command("export")
@click.option("--pool-id", metavar="ID", help="Export the pool with this id.")
@click.option("--name", metavar="NAME", help="Export the pool with this name.")
@click.option("--all", "all_pools", is_flag=True, help="Export every pool of the region.")
@click.option("--pin-ids", is_flag=True,
              help="Write each pool's id, so plan finds the pool by id, not by name.")
@click.option("--out", "out_file", metavar="FILE", help="Write the YAML here, not to stdout.")
@click.option("--only", "only", metavar="KIND",
              help="Export one part of the pool: settings, mfa, domain, or an item such "
                   "as clients/web (what drift offers to accept).")
@pool_option
@click.pass_obj
def export_command(state: State, pool_id: str | None,
                   name: str | None, all_pools: bool, pin_ids: bool,
                   out_file: str | None, only: str | None, pools: tuple[str, ...]) -> int:
    """Write live pools as configuration YAML that plans clean (secrets as ${env:...})."""
    from poolsync import engine
    from poolsync.export import check_part, export_pools, render_export, select

    if sum((pool_id is not None, name is not None, all_pools, bool(pools))) != 1:
        raise UsageError("export needs exactly one of --pool-id, --name or --all (or "
                         "--pool, repeatable)")
    region = _export_region(state, pools)
    _check_export_names(region, pool_id, name)
    if only:
        try:
            check_part(only)  # before any AWS call
        except ValueError as exc:
            raise UsageError(as_given(str(exc), 300)) from exc
    if out_file:
        check_out_path(out_file)
    session = _session(state)
    with _progress(state, session) as progress:
        if pools:
            from poolsync.config import split_target

            names = [split_target(p)[1] for p in pools]
            live = engine.read_targets_for_export(session, region, names, progress)
        else:
            live = engine.read_for_export(session, region, pool_id=pool_id, name=name,
                                          progress=progress)
    result = export_pools(live, region, pin_ids=pin_ids)
    state.secrets.update(result.withheld)
    if only:
        try:
            result = select(result, only)
        except ValueError as exc:
            raise UsageError(as_given(str(exc), 2000)) from exc
    text = render_export(result)
    if out_file:
        with writing(out_file), open(out_file, "w", encoding="utf-8") as stream:
            stream.write(text)
        click.echo(f"Wrote {len(result.document['pools'])} pool(s) to {out_file}.", err=True)
    else:
        click.echo(text, nl=False)
    if result.variables:
        click.echo("Set these environment variables before plan or apply:", err=True)
        for variable in result.variables:
            click.echo(f"  {variable}", err=True)
    for note in result.notes:  # what was left out of the export: shown even with -q
        _report(state, f"warning: {note}")
    return EXIT_OK


def _export_region(state: State, pools: tuple[str, ...]) -> str:
    """The one region export reads: the ``REGION/`` of its --pool patterns, else the
    fallback (--region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region)."""
    from poolsync.config import split_target
    from poolsync.regions import region_problem

    given = {r for r in (split_target(p)[0] for p in pools) if r is not None}
    for region in sorted(given):
        problem = region_problem(region)
        if problem is not None:
            raise UsageError(f"--pool '{as_given(region)}/...': '{as_given(region)}' is "
                             f"{problem} (export takes REGION/NAME with one region, no glob)")
    found = None
    if not given or any(split_target(p)[0] is None for p in pools):
        found = _region_fallback(state).resolve()
    regions = given | ({found.region} if found is not None else set())
    if len(regions) > 1:
        raise UsageError(f"export writes the pools of one region, and these --pool options "
                         f"name {', '.join(sorted(regions))}: export each region on its own")
    if not regions:
        raise UsageError("export needs a region: --region, --pool REGION/NAME, AWS_REGION "
                         "or AWS_DEFAULT_REGION, or a region in the AWS profile")
    return regions.pop()


# botocore's model: UserPoolIdType and UserPoolNameType (1 to 55 and 1 to 128
# characters; \w and \s are ASCII, as in the Java patterns). A pool id starts with its
# region and an underscore (us-east-1_EXAMPLE in the API reference's examples).
_POOL_ID = r"[\w-]+_[0-9a-zA-Z]+"
_POOL_NAME = r"[\w\s+=,.@-]+"


def _check_export_names(region: str, pool_id: str | None, name: str | None) -> None:
    import re

    if pool_id is not None:
        if not (len(pool_id) <= 55 and re.fullmatch(_POOL_ID, pool_id, re.ASCII)):
            raise UsageError(f"--pool-id '{as_given(pool_id)}' is not a user pool id (such "
                             "as eu-west-1_AbCdEfGhI)")
        if pool_id.rpartition("_")[0] != region:
            raise UsageError(f"--pool-id {pool_id} is a pool of "
                             f"{pool_id.rpartition('_')[0]}, not of {region}: give "
                             f"--region {pool_id.rpartition('_')[0]}")
    if name is not None and not (len(name) <= 128 and re.fullmatch(_POOL_NAME, name,
                                                                    re.ASCII)):
        raise UsageError(f"--name '{as_given(name)}' is not a user pool name (1 to 128 "
                         "letters, digits, spaces and _ + = , . @ -)")


@cli.command("iam-policy")
@click.option("--for", "use",
              type=click.Choice(["plan", "apply", "drift", "export", "output", "smoke"]),
              default="apply", show_default=True,
              help="What the credentials will run: plan, drift, export and output only "
                   "read; smoke creates, signs in and deletes one throwaway user.")
def iam_policy(use: str) -> int:
    """Print the least-privilege IAM policy (JSON) for running poolsync."""
    from poolsync.iam import policy_json

    click.echo(policy_json(use), nl=False)
    return EXIT_OK


@cli.command()
@click.option("--plan", "of_plan", is_flag=True,
              help="The schema of the JSON plan (plan --out, plan -o json) instead.")
def schema(of_plan: bool) -> int:
    """Print the JSON Schema of the configuration format."""
    if of_plan:
        from importlib.resources import files

        click.echo(files("poolsync").joinpath(PLAN_SCHEMA).read_text(encoding="utf-8"),
                   nl=False)
        return EXIT_OK
    from poolsync.schema import schema_text

    click.echo(schema_text(), nl=False)
    return EXIT_OK


# The plan document's schema, shipped in the package (a link to schema/plan.schema.json).
PLAN_SCHEMA = "plan.schema.json"


@cli.command()
def demo() -> int:
    """Run the whole product against a local Cognito (no AWS account).

    Needs the demo extra: pip install 'poolsync[demo]'."""
    from poolsync.demo import run_demo

    return run_demo(click.echo)


@contextlib.contextmanager
def _progress(state: State, session: AwsSession, output: str = "text"
              ) -> Iterator[Progress]:
    """What the engine reports while it reads and writes AWS, shown on stderr
    (progress.py): a bar redrawn in place when stderr is a terminal and the output is
    text, not with -q, --debug (its log would tear the line) or TERM=dumb; a line per
    stage, pool read and call made with -v, terminal or not. Otherwise nothing, at no
    cost (NO_PROGRESS). Every line is redacted and escaped as ``_report``'s are."""
    from poolsync.progress import NO_PROGRESS, TerminalProgress
    from poolsync.render import printable

    stream = sys.stderr
    bar = (output == "text" and not (state.quiet or state.debug) and stream is not None
           and stream.isatty() and os.environ.get("TERM") != "dumb")
    if not (bar or (state.verbose and stream is not None)):
        yield NO_PROGRESS
        return
    with TerminalProgress(stream, session.activity, lambda text: printable(state.redact(text)),
                          bar=bar, verbose=state.verbose) as progress:
        yield progress


def _say(progress: Progress) -> Callable[[str], None] | None:
    """A line the CLI writes while ``progress`` may be drawing (None: click.echo)."""
    from poolsync.progress import TerminalProgress

    return progress.echo if isinstance(progress, TerminalProgress) else None


def _report(state: State, message: str) -> None:
    """A message on stderr: secrets redacted, and control characters escaped except
    its own line breaks (a name from a file or a live pool cannot move the cursor or
    clear the screen)."""
    from poolsync.render import printable

    click.echo(printable(state.redact(message), keep="\n\t"), err=True)


def run(
    argv: Iterable[str] | None = None,
    session_factory: Callable[[str | None], AwsSession] | None = None,
    clock: Clock | None = None,
) -> int:
    """Run the CLI and return its exit code; the one place errors become exit codes."""
    state = State(session_factory=session_factory, clock=clock)
    args = list(sys.argv[1:] if argv is None else argv)
    with guarded_output():
        try:
            try:
                return _run(state, args)
            finally:
                if state.stats and state.sessions:  # a command that called AWS
                    _report(state, _render_stats(_stats(state) or {}))
        except OutputError:  # stderr itself cannot be written: nowhere left to say so
            return EXIT_ERROR


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
    """The ``poolsync`` process: ``run``, then an exit that a broken stdout or stderr
    cannot turn into a traceback or Python's exit status 120."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    code = run(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            code = code or EXIT_ERROR
            # Python flushes again at exit; the data cannot go anywhere now (Python
            # docs, signal module, "Note on SIGPIPE": point the stream at devnull).
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
    sys.exit(code)


