"""Command line: `routerlint scan`, `routerlint rules`, `routerlint rule CODE`.

Exit codes follow ruff: 0 clean, 1 findings, 2 usage or configuration error.
"""

from __future__ import annotations

import sys

import click

from routerlint import __version__


class _Group(click.Group):
    """Turns user mistakes into one clear line and exit code 2, never a traceback."""

    def invoke(self, ctx):
        from routerlint.discover import UsageError
        from routerlint.environment import EnvironmentError_

        try:
            return super().invoke(ctx)
        except (UsageError, EnvironmentError_) as exc:
            click.echo(f"routerlint: error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="routerlint")
def main() -> None:
    """Predicts which FastAPI routers would fail to load at start-up, and why —
    without running the app."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "--output-format", "output_format", default="text",
              type=click.Choice(["text", "json"]), show_default=True,
              help="How to print the findings.")
@click.option("--python", "python", metavar="PATH",
              help="Interpreter whose environment third-party imports are resolved against "
                   "(default: the one running routerlint).")
@click.option("--src", multiple=True, metavar="DIR",
              help="A source root, relative to the project root (repeatable).")
@click.option("--app", metavar="MODULE[:ATTR]",
              help="The app's entry point (default: the module that creates FastAPI()).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Folder or file names to skip.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the facts cache (.routerlint_cache/).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Parse cache misses in N processes (default: all cores, when it pays).")
def scan(paths, output_format, python, src, app, exclude, exit_zero, no_cache, jobs) -> None:
    """Scan PATHS (default: the current folder) and report failing routers."""
    from routerlint.engine import Options, analyze
    from routerlint.formats import FORMATS

    report = analyze(Options(paths=paths or (".",), python=python, src=src, app=app,
                             exclude=exclude, cache=not no_cache, jobs=jobs))
    click.echo(FORMATS[output_format](report))
    findings = bool(report.diagnostics) or bool(report.failing)
    sys.exit(1 if findings and not exit_zero else 0)


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
def clean(path) -> None:
    """Remove the cache (.routerlint_cache/) of the project holding PATH."""
    from pathlib import Path

    from routerlint.cache import clean as remove
    from routerlint.discover import find_root

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
