"""HEPEVT text files as read by LArSoft's ``TextFileGen`` (SBND, MicroBooNE, ICARUS, DUNE).

Format (``larsim`` ``EventGenerator/TextFileGen_module.cc``: its documentation and its
reader, ``readNextHepEvt``, which parses each particle line with ``>>`` in this order and
builds ``simb::MCParticle(i, pdg, "primary", firstMother, mass, status)`` with the position
and momentum as one trajectory point). Per event one line ``event_number n_particles``,
then one line per particle with 15 fields::

    status pdg mother1 mother2 daughter1 daughter2 px py pz E m x y z t

* momenta, energy and mass in GeV; positions in cm; time in ns (LArSoft's units);
* mothers and daughters are 1-based rows within the event, 0 for none: products of the
  primary interaction have mother1 = beam and mother2 = target, decay products mother1 =
  the decayed particle and mother2 = 0; daughter1/daughter2 are the first and last
  daughter;
* status: NuHepMC 1.0 codes, 4 incoming beam, 20 target, 2 decayed, 1 final state. Only
  status 1 is tracked by LArSoft/Geant4 (TextFileGen's rule), so the beam, the target and
  the decayed heavy lepton are kept as documentation;
* ``m`` is the invariant mass sqrt(E² - p²) of the written four-momentum (0 if negative);
* numbers are written with 15 significant digits in fixed-width columns; magnitudes below
  1e-99 are written as 0.

HEPEVT has no weights: only **unweighted** samples may be written, with all weights equal
(unweight first, e.g. by accept-reject on weight / max weight), and the caller confirms it
with ``unweighted=True``. The common weight (each event's share of the expected count) is
not in the file; keep the run's total rate (Parquet or HepMC3 file, run card) with it.

Writing is vectorised (digits computed with integer arithmetic on numpy arrays, no Python
loop over particles).
"""

from __future__ import annotations

import os
from typing import IO

import numpy as np

from nuportal.errors import NuportalError
from nuportal.generator.events import STATUS_BEAM, STATUS_TARGET, Events
from nuportal.io._common import NUHEPMC_STATUS_TARGET, EventWriter, parent_ranges

#: significant digits of floating-point fields
DIGITS = 15
#: events formatted at once (bounds the memory of the formatter)
BLOCK = 20_000
_POW10 = 10 ** np.arange(19, dtype=np.int64)
_SPACE, _NEWLINE = ord(" "), ord("\n")
#: relative spread of the weights accepted as "all equal"
WEIGHT_RTOL = 1e-12


def _digit_table(width: int) -> np.ndarray:
    """uint8 table (10**width, width): the zero-padded decimal digits of every index."""
    index = np.arange(10**width, dtype=np.int64)
    return ((index[:, None] // _POW10[width - 1 :: -1]) % 10 + ord("0")).astype(np.uint8)


_LUT5 = _digit_table(5)
_POWERS = 10.0 ** np.arange(-130, 131)  # _POWERS[k + 130] = 10**k


def _float_chars(values: np.ndarray, out: np.ndarray) -> None:
    """Write ``values`` in fixed-width scientific notation ``-d.dd…de+XX`` into ``out``.

    ``out`` has ``DIGITS + 6`` columns; DIGITS = 15 significant digits are produced from
    an integer mantissa split into three 5-digit groups looked up in a table.
    """
    sig = DIGITS
    v = np.asarray(values, np.float64)
    if not np.all(np.isfinite(v)):
        raise NuportalError("HEPEVT fields must be finite; found NaN or infinity")
    a = np.abs(v)
    if np.any(a >= 1e100):
        raise NuportalError(f"HEPEVT field magnitude {a.max():g} is beyond 1e100")
    zero = a < 1e-99
    safe = np.where(zero, 1.0, a)
    exponent = np.floor(np.log10(safe)).astype(np.int64)
    mantissa = np.rint(safe * _POWERS[sig - 1 - exponent + 130]).astype(np.int64)
    high = mantissa >= _POW10[sig]
    mantissa[high] //= 10
    exponent[high] += 1
    low = mantissa < _POW10[sig - 1]
    exponent[low] -= 1
    mantissa[low] = np.rint(safe[low] * _POWERS[sig - 1 - exponent[low] + 130]).astype(np.int64)
    mantissa[zero] = 0
    exponent[zero] = 0
    groups = (
        _LUT5[mantissa // _POW10[10]],
        _LUT5[(mantissa // _POW10[5]) % _POW10[5]],
        _LUT5[mantissa % _POW10[5]],
    )
    out[:, 0] = np.where((v < 0) & ~zero, ord("-"), _SPACE)
    out[:, 1] = groups[0][:, 0]
    out[:, 2] = ord(".")
    out[:, 3:7] = groups[0][:, 1:]
    out[:, 7:12] = groups[1]
    out[:, 12:17] = groups[2]
    out[:, 17] = ord("e")
    out[:, 18] = np.where(exponent < 0, ord("-"), ord("+"))
    out[:, 19:21] = _LUT5[np.abs(exponent)][:, 3:]


def _int_chars(values: np.ndarray, width: int) -> np.ndarray:
    """Right-aligned decimal integers as uint8 rows of ``width`` characters."""
    v = np.asarray(values, np.int64)
    a = np.abs(v)
    groups = -(-width // 5)
    out = np.concatenate(
        [_LUT5[(a // _POW10[5 * g]) % _POW10[5]] for g in range(groups - 1, -1, -1)], axis=1
    )[:, 5 * groups - width :]
    ndigits = np.maximum(np.searchsorted(_POW10, a, side="right"), 1)
    out[np.arange(width)[None, :] < (width - ndigits)[:, None]] = _SPACE
    negative = np.flatnonzero(v < 0)
    out[negative, width - ndigits[negative] - 1] = ord("-")
    return out


def _width(values: np.ndarray) -> int:
    if len(values) == 0:
        return 1
    biggest = int(np.max(np.abs(values)))
    return len(str(biggest)) + int(np.any(values < 0))


def _fields(batch: Events) -> tuple[np.ndarray, list[np.ndarray]]:
    """The 6 integer and 9 float fields of every particle row (vectorised)."""
    part = batch.particles
    n_rows = len(part["pdg"])
    parents = parent_ranges(batch)
    event_of_row = np.repeat(np.arange(len(batch)), batch.multiplicity)
    base = batch.offsets[event_of_row]
    local = np.arange(n_rows) - base
    mother1 = parents[:, 0] + 1
    mother2 = np.where(parents[:, 1] != parents[:, 0], parents[:, 1] + 1, 0)
    first = np.full(n_rows, np.iinfo(np.int64).max)
    last = np.full(n_rows, -1)
    for col in (0, 1):
        has = parents[:, col] >= 0
        target_rows = base[has] + parents[has, col]
        np.minimum.at(first, target_rows, local[has])
        np.maximum.at(last, target_rows, local[has])
    has_daughters = last >= 0
    daughter1 = np.where(has_daughters, first + 1, 0)
    daughter2 = np.where(has_daughters, last + 1, 0)
    status = part["status"].astype(np.int64)
    status[status == STATUS_TARGET] = NUHEPMC_STATUS_TARGET
    px, py, pz, en = part["px"], part["py"], part["pz"], part["e"]
    mass = np.sqrt(np.maximum(en**2 - px**2 - py**2 - pz**2, 0.0))
    ints = np.stack([status, part["pdg"], mother1, mother2, daughter1, daughter2], axis=1)
    where = batch.positions()
    floats = [px, py, pz, en, mass, where["x"], where["y"], where["z"], where["t"]]
    return ints, floats


def _lines(int_cols: list[np.ndarray], float_cols: list[np.ndarray]) -> np.ndarray:
    """Rows of space-separated fields ending in a newline (uint8, one row per line)."""
    rows = len(int_cols[0])
    widths = [_width(c) for c in int_cols] + [DIGITS + 6] * len(float_cols)
    out = np.full((rows, sum(widths) + len(widths)), _SPACE, np.uint8)
    start = 0
    for col, width in zip(int_cols + float_cols, widths, strict=True):
        view = out[:, start : start + width]
        if col.dtype.kind == "f":
            _float_chars(col, view)
        else:
            view[:] = _int_chars(col, width)
        start += width + 1
    out[:, -1] = _NEWLINE
    return out


def format_hepevt(batch: Events, first_event: int = 0) -> bytes:
    """The HEPEVT text of a batch (event numbers from ``first_event``)."""
    n = len(batch)
    if n == 0:
        return b""
    ints, floats = _fields(batch)
    lines = _lines([ints[:, j] for j in range(ints.shape[1])], floats)
    numbers = np.arange(first_event, first_event + n, dtype=np.int64)
    header = _lines([numbers, batch.multiplicity.astype(np.int64)], [])
    at = np.repeat(batch.offsets[:-1] * lines.shape[1], header.shape[1])
    return np.insert(lines.ravel(), at, header.ravel()).tobytes()


class HepevtEventWriter(EventWriter):
    """Write unweighted events to one HEPEVT text file, batch by batch.

    Parameters
    ----------
    path : str or os.PathLike
        Output file (conventionally ``*.hepevt`` or ``*.txt``).
    unweighted : bool
        Must be ``True``: the caller confirms the events are unweighted. All weights of all
        batches must then be equal (relative spread below 1e-12).
    overwrite : bool
        Replace an existing file.
    """

    format_name = "HEPEVT"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        unweighted: bool = False,
        overwrite: bool = False,
    ) -> None:
        if not unweighted:
            raise NuportalError(
                "HEPEVT files carry no event weights: write only unweighted events (all "
                "weights equal) and confirm it with unweighted=True"
            )
        super().__init__(path, overwrite=overwrite)
        self._weight: float | None = None
        self._file: IO[bytes] | None = None

    def _start(self, first: Events) -> None:
        self._file = open(self.tmp_path, "wb")  # noqa: SIM115 - closed in _finish/_release

    def _write(self, batch: Events) -> None:
        weight = batch.event["weight"]
        if len(weight):
            reference = float(weight[0]) if self._weight is None else self._weight
            if np.any(np.abs(weight - reference) > WEIGHT_RTOL * max(abs(reference), 1e-300)):
                raise NuportalError(
                    f"HEPEVT needs unweighted events, but the weights differ (from "
                    f"{weight.min():.6g} to {weight.max():.6g}, first weight {reference:.6g}); "
                    "unweight the sample first"
                )
            self._weight = reference
        assert self._file is not None
        for start in range(0, len(batch), BLOCK):
            stop = min(start + BLOCK, len(batch))
            block = batch
            if start or stop < len(batch):
                mask = np.zeros(len(batch), bool)
                mask[start:stop] = True
                block = batch.select(mask)
            self._file.write(format_hepevt(block, self.n_events + start))

    def _finish(self) -> None:
        assert self._file is not None
        self._file.close()
        self._file = None

    def _release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def write_hepevt(
    events: Events,
    path: str | os.PathLike[str],
    *,
    unweighted: bool = False,
    overwrite: bool = False,
) -> None:
    """Write unweighted events as HEPEVT text for LArSoft's TextFileGen.

    Parameters
    ----------
    events : Events
        Unweighted events (all weights equal).
    path : str or os.PathLike
        Output file.
    unweighted : bool
        Must be ``True`` (confirms the sample is unweighted; checked).
    overwrite : bool
        Replace an existing file.

    Raises
    ------
    NuportalError
        ``unweighted`` not set, unequal weights, existing file, or non-finite fields.
    """
    with HepevtEventWriter(path, unweighted=unweighted, overwrite=overwrite) as out:
        out.write(events)


def read_hepevt(path: str | os.PathLike[str], *, weight: float = 1.0) -> Events:
    """Parse a HEPEVT file (as written by :func:`write_hepevt`) into :class:`Events`.

    HEPEVT holds only particles, so the per-event columns are rebuilt where the particles
    determine them: ``enu`` (beam energy) and the vertices (the distinct production
    vertices of the rows, in row order: the interaction, then the heavy-lepton decay, ...).
    ``weight`` is the ``weight`` argument, ``process`` 0 (label ``"hepevt"``), ``helicity``
    0 and ``q2`` NaN. Mothers are ``mother1 - 1``.
    """
    counts, columns = _parse(path)
    n = len(counts)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    status = columns["status"]
    status[status == NUHEPMC_STATUS_TARGET] = STATUS_TARGET
    mother = columns["mother"] - 1
    particles: dict[str, np.ndarray] = {
        "pdg": columns["pdg"],
        "status": status,
        "mother": mother,
        **{k: columns[k] for k in ("px", "py", "pz", "e", "x", "y", "z", "t")},
    }
    beam = np.flatnonzero(status == STATUS_BEAM)
    if len(beam) != n:
        raise NuportalError(f"{path}: every event needs exactly one beam particle (status 4)")
    event = {
        "weight": np.full(n, float(weight)),
        "process": np.zeros(n, np.int32),
        "helicity": np.zeros(n, np.int8),
        "enu": columns["e"][beam],
        "q2": np.full(n, np.nan),
    }
    return Events.from_table(event, particles, offsets, ("hepevt",), {})


#: columns kept by the reader: name → (field index on a particle line, dtype)
_READ_FIELDS: dict[str, tuple[int, type]] = {
    "status": (0, np.int32),
    "pdg": (1, np.int64),
    "mother": (2, np.int32),
    **{k: (6 + j, np.float64) for j, k in enumerate(("px", "py", "pz", "e"))},
    **{k: (11 + j, np.float64) for j, k in enumerate(("x", "y", "z", "t"))},
}
#: bytes of text parsed at once by the reader (bounds its memory besides the result)
READ_BLOCK = 1 << 25


def _parse(path: str | os.PathLike[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Particle counts per event and the kept particle columns of a HEPEVT file, parsed in
    blocks of :data:`READ_BLOCK` bytes (the event structure is followed per event, the
    numbers are converted per block by numpy)."""
    counts: list[int] = []
    pieces: dict[str, list[np.ndarray]] = {k: [] for k in _READ_FIELDS}
    pending = 0  # particle lines still to come in the current event
    line_no = 0
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, also on errors
    except FileNotFoundError:
        raise NuportalError(f"event file {path} does not exist") from None
    with stream:
        while lines := stream.readlines(READ_BLOCK):
            i, n_lines, skipped = 0, len(lines), 0
            while i < n_lines:
                if pending:
                    step = min(pending, n_lines - i)
                    i, pending = i + step, pending - step
                    continue
                fields = lines[i].split()
                if not fields and i == n_lines - 1:
                    lines[i], skipped = b"", skipped + 1  # a final empty line
                    break
                if len(fields) != 2 or not fields[1].isdigit():
                    raise NuportalError(
                        f"{path}: line {line_no + i + 1} is not an event header 'number count'"
                    )
                pending = int(fields[1])
                counts.append(pending)
                lines[i], skipped = b"", skipped + 1
                i += 1
            line_no += n_lines
            _convert(b"".join(lines), n_lines - skipped, path, pieces)
    if pending:
        raise NuportalError(f"{path}: the last event is truncated")
    return np.asarray(counts, np.int64), {
        k: np.concatenate(v) if v else np.zeros(0, _READ_FIELDS[k][1]) for k, v in pieces.items()
    }


def _convert(
    text: bytes, rows: int, path: str | os.PathLike[str], pieces: dict[str, list[np.ndarray]]
) -> None:
    """Append the kept columns of ``rows`` particle lines (``text``) to ``pieces``."""
    if not rows:
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(text.decode("ascii"), sep=" ")
        except (DeprecationWarning, ValueError, UnicodeDecodeError):
            values = np.zeros(0)
    if values.size != 15 * rows:
        raise NuportalError(f"{path}: particle lines must have 15 numeric fields")
    table = values.reshape(rows, 15)
    for name, (column, dtype) in _READ_FIELDS.items():
        pieces[name].append(table[:, column].astype(dtype))
