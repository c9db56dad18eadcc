"""The one exception type for invalid user input, and helpers to build its messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class NuportalError(ValueError):
    """Invalid input or a missing resource.

    The message says what was wrong and what is allowed. The command-line interface prints
    it without a traceback and exits with a non-zero status.
    """


class DataFileNotFoundError(NuportalError, FileNotFoundError):
    """A file of the data directory is missing (the message names it and where to get it)."""


def unknown_name_message(kind: str, name: str, allowed: Iterable[str]) -> str:
    """Return "unknown <kind> 'name'; did you mean 'x'? Allowed: ..." for a bad name."""
    options = sorted(allowed)
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"unknown {kind} {name!r}.{hint} Allowed: {', '.join(options)}."
