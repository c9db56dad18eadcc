"""Developer tasks: `nox -s lint`, `nox -s tests`, `nox -s typecheck`."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and format check."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "benchmarks")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy on the package."""
    session.install("-e", ".", "mypy")
    session.run("mypy")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (set NUPORTAL_DATA to the data directory)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)
