"""What one run is asked to do: the command line and the settings, merged by the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Sequence, Tuple

from routerlint.project.discover import DEFAULT_EXCLUDES


@dataclass
class Options:
    paths: Sequence[str] = (".",)
    python: Optional[str] = None  # interpreter whose environment third-party imports use
    src: Sequence[str] = ()  # source roots, relative to the project root
    app: Optional[str] = None  # "module:attr" entry point; auto-detected when None
    exclude: Sequence[str] = ()  # added to `excludes`
    excludes: Sequence[str] = DEFAULT_EXCLUDES
    # (code, path) -> reported?  From the configuration; None reports every rule.
    enabled: Optional[Callable[[str, str], bool]] = None
    target_version: Optional[Tuple[int, int]] = None  # default: the interpreter's version
    configured_python: Optional[str] = None  # [tool.routerlint] python
    verbose: bool = False
    cache: bool = True  # read and write <project root>/.routerlint_cache/
    jobs: Optional[int] = None  # parsing processes; None: all cores, when the pool pays
    report_unused_suppressions: bool = False  # RL900 for suppressions that silenced nothing
    progress: bool = False  # a progress line on stderr while parsing (the CLI decides: a TTY)
    max_file_bytes: Optional[int] = None  # larger files skip LibCST (facts/largefile.py); None: 512 KB
    # The effective settings as text: with it, a run whose `enabled` is set may use the
    # report cache (a callable cannot be fingerprinted, its settings can).
    settings_key: Optional[str] = None
    # Environment variables the server starts with ([tool.routerlint] env, then --env); a
    # `.env` file the app loads with load_dotenv() fills in the rest. Others are unset.
    environ: Dict[str, str] = field(default_factory=dict)
