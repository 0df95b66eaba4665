"""The mistakes a user can make, each shown as one line and exit status 2 (never a
traceback). Internal errors are anything else: one line, exit 3, `--debug` for the trace."""


class UsageError(Exception):
    """A mistake in how routerlint was called (bad path, bad option, bad settings)."""


class TargetPythonError(UsageError):
    """The target interpreter could not be asked for its sys.path (bad --python path)."""
