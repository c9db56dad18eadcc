"""Locating the data directory (fluxes, data releases, limit curves).

The data directory is found, in order, from

1. an explicit ``data_dir`` argument (the CLI's ``--data-dir``),
2. the ``NUPORTAL_DATA`` environment variable,
3. the ``data_dir`` key of the user configuration file
   ``$XDG_CONFIG_HOME/nuportal/config.toml`` (default ``~/.config/nuportal/config.toml``).

Its layout is that of ``shared/data/`` of the nuportal project (``fluxes/``,
``miniboone/``, ``microboone/``, ``limits/``, ``detectors/``), described in its README.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nuportal.errors import DataFileNotFoundError, NuportalError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ENV_VAR = "NUPORTAL_DATA"

#: Where users obtain the data directory (said in every missing-file message).
WHERE_TO_GET = (
    "the nuportal data directory (the 'shared/data' folder distributed with nuportal); "
    f"point to it with --data-dir, the {ENV_VAR} environment variable, or 'data_dir' "
    "in ~/.config/nuportal/config.toml"
)


def config_file() -> Path:
    """Path of the user configuration file (it need not exist)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "nuportal" / "config.toml"


def find_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Return the data directory, or ``None`` if none is configured.

    Raises
    ------
    NuportalError
        If a directory is configured but does not exist.
    """
    source = "--data-dir"
    chosen: str | os.PathLike[str] | None = data_dir
    if chosen is None and os.environ.get(ENV_VAR):
        chosen, source = os.environ[ENV_VAR], f"${ENV_VAR}"
    if chosen is None and config_file().is_file():
        with config_file().open("rb") as fh:
            value = tomllib.load(fh).get("data_dir")
        if value is not None:
            chosen, source = str(value), str(config_file())
    if chosen is None:
        return None
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise NuportalError(f"the data directory {str(path)!r} (from {source}) does not exist")
    return path


def data_file(relative: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Absolute path of ``relative`` (e.g. ``"fluxes/bnb_miniboone_numode.txt"``).

    Raises
    ------
    DataFileNotFoundError
        If no data directory is configured or the file is not in it; the message names the
        file and where to obtain it.
    """
    root = find_data_dir(data_dir)
    if root is None:
        raise DataFileNotFoundError(
            f"the data file {relative!r} is needed but no data directory is configured; "
            f"it is part of {WHERE_TO_GET}"
        )
    path = root / relative
    if not path.is_file():
        raise DataFileNotFoundError(
            f"the data file {relative!r} is missing from the data directory {str(root)!r}; "
            f"it is part of {WHERE_TO_GET}"
        )
    return path


def read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """Read a data-directory ``.txt`` table: ``#`` comments, one header line, then rows.

    Returns the column names and the rows as lists of strings (the caller converts).
    """
    header: list[str] | None = None
    rows: list[list[str]] = []
    with path.open() as fh:
        for line in fh:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if header is None:
                header = text.split()
            else:
                rows.append(text.split())
    if header is None:
        raise NuportalError(f"the data file {str(path)!r} has no header line")
    return header, rows
