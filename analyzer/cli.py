"""Command line: `routerlint scan`, `routerlint rules`, `routerlint rule CODE`.

Exit codes follow ruff: 0 clean, 1 findings, 2 usage or configuration error; and 3 for an
internal error of routerlint's own.
"""

from __future__ import annotations

import os
import sys

import click

from routerlint import __version__


INTERNAL_ERROR = 3
BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command killed by it


class _Group(click.Group):
    """Turns user mistakes into one clear line and exit code 2, and routerlint's own faults
    into one line and exit code 3 (the traceback with --debug): never a traceback by default,
    and never exit 1, which means "findings"."""

    def invoke(self, ctx):
        from routerlint.errors import UsageError

        try:
            return super().invoke(ctx)
        except UsageError as exc:  # TargetPythonError too
            click.echo(f"routerlint: error: {exc}", err=True)
            ctx.exit(2)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `routerlint rules | head`: the reader left; so do we
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(BROKEN_PIPE)
        except Exception as exc:  # noqa: BLE001 — a bug of ours, reported as one
            if ctx.params.get("debug") or os.environ.get("ROUTERLINT_DEBUG"):
                raise
            click.echo(f"routerlint: internal error: {type(exc).__name__}: {exc} — this is a "
                       "bug in routerlint, not in your code; please report it with "
                       "`routerlint --debug ...`'s traceback", err=True)
            ctx.exit(INTERNAL_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="routerlint")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def main(debug: bool) -> None:
    """Predicts which FastAPI routers would fail to load at start-up, and why —
    without running the app."""


def _codes(value):
    return [c.strip().upper() for c in value.split(",") if c.strip()] if value else None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "--output-format", "output_format", default="text",
              type=click.Choice(["text", "json", "github", "sarif"]), show_default=True,
              help="How to print the findings.")
@click.option("--config", "config_file", metavar="FILE", type=click.Path(),
              help="Settings file (default: [tool.routerlint] of the project's pyproject.toml).")
@click.option("--select", metavar="CODES", help="Comma-separated codes or prefixes to report.")
@click.option("--ignore", metavar="CODES", help="Comma-separated codes or prefixes to skip.")
@click.option("--extend-select", metavar="CODES", help="Codes or prefixes to add to select.")
@click.option("--python", "python", metavar="PATH",
              help="Interpreter whose environment third-party imports are resolved against "
                   "(default: [tool.routerlint] python, else an in-project .venv/venv, else "
                   "$VIRTUAL_ENV, else the one running routerlint).")
@click.option("--target-version", metavar="pyXY",
              help="Python version for `sys.version_info` branches, evaluated annotations "
                   "and syntax (default: the target interpreter's). Syntax is compiled by an "
                   "interpreter of that version: --python's, else python3.X on PATH.")
@click.option("--src", multiple=True, metavar="DIR",
              help="A source root, relative to the project root (repeatable).")
@click.option("--app", metavar="MODULE[:ATTR]",
              help="The app's entry point (default: the module that creates FastAPI()).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Folder or file names to skip.")
@click.option("--env", "environ", multiple=True, metavar="NAME=VALUE",
              help="An environment variable the server starts with, for `if os.getenv(...)` "
                   "branches at import time (repeatable; default: unset).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error",
              show_default=True,
              help="Exit 1 on errors only, or on warnings too (like ESLint's --max-warnings 0).")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write any cache (.routerlint_cache/: facts, installed "
                   "packages' names, whole reports).")
@click.option("--no-daemon", is_flag=True,
              help="Run in this process even when a daemon (`routerlint daemon start`) runs.")
@click.option("--daemon", "use_daemon", is_flag=True,
              help="Start a daemon for the scans after this one when none runs (not when "
                   "CI is set); for pre-commit hooks and editors.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Parse cache misses in N processes (default: all cores, when it pays).")
@click.option("-v", "--verbose", is_flag=True,
              help="Say on stderr which interpreter's environment is used, and why.")
@click.option("--statistics", is_flag=True, help="Print how many findings each code has.")
@click.option("--quiet", "-q", is_flag=True,
              help="Text format: print only the summary line, and nothing when clean.")
@click.option("--output-file", "-o", metavar="FILE", type=click.Path(),
              help="Write the output to FILE instead of stdout.")
@click.option("--baseline", metavar="FILE", type=click.Path(),
              help="Report only findings not recorded in FILE.")
@click.option("--write-baseline", metavar="FILE", type=click.Path(),
              help="Record today's findings in FILE (then exit 0).")
@click.option("--report-unused-suppressions", is_flag=True, default=None,
              help="Report (RL900) `# noqa: RL...` / `# routerlint: ignore[...]` comments "
                   "that silenced nothing (a bare `# noqa` is never reported).")
@click.option("--show-settings", is_flag=True, help="Print the effective settings and exit.")
def scan(paths, output_format, config_file, select, ignore, extend_select, python,
         target_version, src, app, exclude, exit_zero, fail_on, statistics, quiet, output_file,
         baseline, write_baseline, report_unused_suppressions, show_settings, no_cache, jobs,
         verbose, environ, no_daemon, use_daemon) -> None:
    """Scan PATHS (default: the current folder) and report failing routers."""
    from pathlib import Path

    if use_daemon and (no_daemon or no_cache):
        raise click.UsageError(f"--daemon and {'--no-daemon' if no_daemon else '--no-cache'} "
                               "contradict each other (a daemon serves cached scans only); "
                               "drop one of them")

    from routerlint import settings as config
    from routerlint.engine import analyze
    from routerlint import baseline as baselines
    from routerlint.reporters.formats import FORMATS, summary_line, to_statistics

    paths = paths or (".",)
    if python is not None and not python.strip():
        raise click.BadParameter("an empty path; give the app's interpreter, e.g. "
                                 ".venv/bin/python", param_hint="--python")
    if config_file is not None:
        settings = config.load(Path(config_file), explicit=True)
    else:
        settings = config.load(config.find_config(paths))
    for key, value in (("select", _codes(select)), ("ignore", _codes(ignore)),
                       ("extend-select", _codes(extend_select))):
        if value is not None:
            config.check_codes(value, f"--{key}")
            setattr(settings, key.replace("-", "_"), value)
    if target_version:
        config.check_target(target_version, "--target-version")
        settings.target_version = target_version
    settings.python = python or settings.python
    settings.app = app or settings.app
    settings.src = list(src) or settings.src
    settings.extend_exclude = settings.extend_exclude + list(exclude)
    settings.env = {**settings.env, **config.parse_env(environ)}
    if report_unused_suppressions:
        settings.report_unused_suppressions = True
    if show_settings:
        click.echo(settings.show())
        return
    report = analyze(_options(
        paths, settings, python=python, verbose=verbose, cache=not no_cache, jobs=jobs,
        report_unused_suppressions=settings.report_unused_suppressions,
        progress=_progress_wanted(output_format, quiet), settings_key=settings.show()))
    if write_baseline:
        baselines.write(write_baseline, report.diagnostics)
        click.echo(f"routerlint: recorded {len(report.diagnostics)} findings in "
                   f"{write_baseline}", err=True)
        sys.exit(0)
    if baseline:
        report.diagnostics, report.baselined = baselines.apply(
            report.diagnostics, baselines.read(baseline))
    findings = bool(report.diagnostics)  # every failing router has one, unless silenced
    failing = any(d.severity == "error" or fail_on == "warning" for d in report.diagnostics)
    if statistics:
        text = to_statistics(report, as_json=output_format == "json")
    elif quiet and output_format == "text":
        text = summary_line(report) if findings else ""
    else:
        text = FORMATS[output_format](report)
    _emit(text, output_file)
    sys.exit(1 if failing and not exit_zero else 0)


def _options(paths, settings, **overrides):
    """Engine options from the effective settings (file values, overridden by flags)."""
    from routerlint.engine import Options

    return Options(paths=paths, configured_python=settings.python, src=settings.src,
                   app=settings.app, exclude=settings.extend_exclude,
                   max_file_bytes=(settings.max_file_kb * 1024
                                   if settings.max_file_kb is not None else None),
                   excludes=settings.exclude, enabled=settings.enabled,
                   target_version=settings.target, environ=dict(settings.env), **overrides)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "drawing", default="mermaid", show_default=True,
              type=click.Choice(["mermaid", "dot"]), help="Mermaid (renders on GitHub) or DOT.")
@click.option("--python", metavar="PATH", help="As for `scan`.")
@click.option("--app", metavar="MODULE[:ATTR]", help="As for `scan`.")
@click.option("--config", "config_file", metavar="FILE", type=click.Path(), help="As for `scan`.")
@click.option("--src", multiple=True, metavar="DIR", help="As for `scan`.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="As for `scan`.")
@click.option("--target-version", metavar="pyXY", help="As for `scan`.")
@click.option("--migrations", is_flag=True,
              help="Draw the Alembic revision graph instead: each script folder's revisions, "
                   "heads, merges, branch labels and depends_on, revisions with RL4xx "
                   "findings marked.")
def graph(paths, drawing, python, app, config_file, src, exclude, target_version,
          migrations) -> None:
    """Draw the router graph: entry point, routers, and each failing router's chain of
    imports down to its root cause (failing ones marked); or, with --migrations, the
    Alembic revision graph."""
    from pathlib import Path

    from routerlint import settings as config
    from routerlint.engine import analyze
    from routerlint.errors import UsageError
    if migrations:
        from routerlint.reporters.migration_graph import DRAWINGS
    else:
        from routerlint.reporters.graph import DRAWINGS

    paths = paths or (".",)
    if config_file is not None:
        settings = config.load(Path(config_file), explicit=True)
    else:
        settings = config.load(config.find_config(paths))
    if target_version:
        config.check_target(target_version, "--target-version")
        settings.target_version = target_version
    settings.app = app or settings.app
    settings.src = list(src) or settings.src
    settings.extend_exclude = settings.extend_exclude + list(exclude)
    report = analyze(_options(paths, settings, python=python))
    if migrations and not report.migrations:
        raise UsageError(
            f"{report.root}: no Alembic script folder found (looked for script_location in "
            "alembic.ini files and [tool.alembic] of pyproject.toml, then for */versions/*.py "
            "revision files); give the project that holds alembic.ini, or drop --migrations "
            "to draw the routers")
    click.echo(DRAWINGS[drawing](report))


@main.group()
def daemon() -> None:
    """A background routerlint that keeps its imports and the decoded facts of every file
    between scans: `routerlint scan` hands it its work while it runs (one per user and
    routerlint version; it stops after an idle hour)."""
    from routerlint.daemon.channel import supported
    from routerlint.errors import UsageError

    if not supported():
        raise UsageError("the daemon needs Unix sockets, which this system lacks; "
                         "`routerlint scan` works without it")


@daemon.command("start")
@click.option("--idle", "idle_minutes", type=click.FloatRange(min=0.01), default=60,
              show_default=True, metavar="MINUTES", help="Stop after this long without a scan.")
def daemon_start(idle_minutes: float) -> None:
    """Start the daemon (nothing happens when it already runs)."""
    from routerlint.daemon.client import start
    from routerlint.errors import UsageError

    try:
        answer, path, started = start(idle_minutes)
    except OSError as exc:
        raise UsageError(f"cannot start the daemon: {exc}") from None
    state = "started" if started else "already running"
    click.echo(f"routerlint: daemon {state} (pid {answer['pid']}, socket {path}); "
               "`routerlint scan` uses it until `routerlint daemon stop`")


@daemon.command("stop")
def daemon_stop() -> None:
    """Stop the daemon."""
    from routerlint.daemon.client import stop

    answer = stop()
    click.echo("routerlint: daemon stopped" if answer is not None else
               "routerlint: no daemon was running")


@daemon.command("status")
def daemon_status() -> None:
    """Say whether the daemon runs (exit 0) or not (exit 1)."""
    from routerlint.daemon.client import status

    answer, path = status()
    if answer is None:
        click.echo("routerlint: no daemon is running")
        sys.exit(1)
    click.echo(f"routerlint: daemon running (pid {answer['pid']}, socket {path})")


def _progress_wanted(output_format: str, quiet: bool) -> bool:
    """A progress line only for a person watching: text output, not --quiet, stderr a TTY."""
    if output_format != "text" or quiet:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _emit(text: str, output_file) -> None:
    from routerlint.errors import UsageError

    if output_file is None:
        if text:
            click.echo(text)
        return
    try:
        with open(output_file, "w", encoding="utf-8") as handle:
            handle.write(text + "\n" if text else "")
    except OSError as exc:
        raise UsageError(f"--output-file {output_file}: cannot write: {exc.strerror}") from None


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
def clean(path) -> None:
    """Remove the cache (.routerlint_cache/) of the project holding PATH."""
    from pathlib import Path

    from routerlint.facts.cache import clean as remove
    from routerlint.project.discover import find_root

    root = find_root(Path(path).resolve())
    if remove(root):
        click.echo(f"removed {root / '.routerlint_cache'}")
    else:
        click.echo(f"no cache under {root}")


@main.command("rules")
def list_rules() -> None:
    """List every rule: code, name, summary."""
    from routerlint.rules import RULES

    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.name:<28} {rule.summary}")


@main.command("rule")
@click.argument("code")
def explain_rule(code: str) -> None:
    """Explain one rule, with a bad and a good example and the fix."""
    from routerlint.rules import RULES

    rule = RULES.get(code.upper()) or next(
        (r for r in RULES.values() if r.name == code.lower()), None)
    if rule is None:
        raise click.UsageError(f"unknown rule {code!r}; `routerlint rules` lists them")
    click.echo(f"{rule.code} {rule.name} ({rule.severity}, decided {rule.hook})\n")
    click.echo(rule.summary + "\n")
    click.echo(rule.explanation)
    click.echo(f"Fix: {rule.fix}")
