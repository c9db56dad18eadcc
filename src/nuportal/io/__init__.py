"""Event files: Parquet (primary), NuHepMC 1.0 / HepMC3 ASCII and HEPEVT text.

Every writer refuses NaN or negative weights, never replaces an existing file unless
``overwrite=True``, and writes into a temporary file that is renamed only when complete.
The streaming writers (:class:`ParquetEventWriter`, :class:`HepMC3EventWriter`,
:class:`HepevtEventWriter`) take one batch at a time; :func:`write_events` writes one batch
in a format chosen by name.
"""

from __future__ import annotations

import os
from typing import Any

from nuportal.errors import NuportalError, unknown_name_message
from nuportal.generator.events import Events
from nuportal.io._common import EventWriter
from nuportal.io.hepevt import HepevtEventWriter, read_hepevt, write_hepevt
from nuportal.io.hepmc import HepMC3EventWriter, read_hepmc, write_hepmc
from nuportal.io.parquet import ParquetEventWriter, read_metadata, read_parquet, write_parquet

__all__ = [
    "FORMATS",
    "WRITERS",
    "EventWriter",
    "HepMC3EventWriter",
    "HepevtEventWriter",
    "ParquetEventWriter",
    "open_writer",
    "read_hepevt",
    "read_hepmc",
    "read_metadata",
    "read_parquet",
    "write_events",
    "write_hepevt",
    "write_hepmc",
    "write_parquet",
]

#: format name -> writer of one batch
FORMATS = {"parquet": write_parquet, "hepmc3": write_hepmc, "hepevt": write_hepevt}
#: format name -> streaming writer class
WRITERS: dict[str, type[EventWriter]] = {
    "parquet": ParquetEventWriter,
    "hepmc3": HepMC3EventWriter,
    "hepevt": HepevtEventWriter,
}


def open_writer(
    path: str | os.PathLike[str], format: str = "parquet", **options: Any
) -> EventWriter:
    """A streaming writer for ``format``: ``with open_writer(p, "hepmc3") as w: w.write(b)``.

    ``options`` go to the writer class (``overwrite`` for all, ``unweighted=True`` for
    HEPEVT, ``row_group_size``/``compression`` for Parquet, ``processes`` for HepMC3). The
    writer counts ``n_events`` and ``sum_weights``.

    Raises
    ------
    NuportalError
        Unknown format or option, or an existing file without ``overwrite=True``.
    """
    try:
        cls = WRITERS[format]
    except KeyError:
        raise NuportalError(unknown_name_message("event format", str(format), WRITERS)) from None
    try:
        return cls(path, **options)
    except TypeError as exc:
        raise NuportalError(f"invalid option for the {format} writer: {exc}") from None


def write_events(
    events: Events, path: str | os.PathLike[str], format: str = "parquet", **options: Any
) -> None:
    """Write ``events`` to ``path`` in ``format`` (``parquet``, ``hepmc3`` or ``hepevt``).

    ``options`` go to the format's writer (``overwrite`` for all, ``unweighted=True`` for
    HEPEVT, ``row_group_size``/``compression`` for Parquet).

    Raises
    ------
    NuportalError
        Unknown format, or whatever the format's writer refuses.
    """
    try:
        writer = FORMATS[format]
    except KeyError:
        raise NuportalError(unknown_name_message("event format", str(format), FORMATS)) from None
    try:
        writer(events, path, **options)
    except TypeError as exc:
        raise NuportalError(f"invalid option for the {format} writer: {exc}") from None
