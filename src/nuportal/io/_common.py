"""What every writer shares: input checks, atomic output files, the file-level description.

* :func:`check_events` refuses what must never be written (NaN or negative weights).
* :class:`EventWriter` is the streaming base class: a context manager that writes into a
  hidden temporary file next to the target and renames it only when the writing finished
  without error, so an interrupted run never leaves a file that looks complete; an existing
  file is replaced only with ``overwrite=True``.
* :func:`file_description` is the JSON-able description stored in every file that can hold
  one (run card, process labels, weight definition, units, the numbers of the new states).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

import nuportal
from nuportal import constants
from nuportal.errors import NuportalError
from nuportal.generator.events import (
    EVENT_COLUMNS,
    PARTICLE_COLUMNS,
    STATUS_BEAM,
    STATUS_DECAYED,
    STATUS_FINAL,
    STATUS_TARGET,
    VERTEX_COORDINATES,
    VERTEX_VIEWS,
    WEIGHT_DEFINITION,
    Events,
)

#: version of the layout of nuportal's own files (Parquet schema, HepMC3 attributes)
FORMAT_VERSION = 1

#: NuHepMC 1.0 (arXiv:2310.13211, P.R.1) particle status of the target. Status 11-19 are
#: reserved for future NuHepMC standards; 11 was the target status of NuHepMC 0.9.
NUHEPMC_STATUS_TARGET = 20

#: the per-event columns of the files: those of the record and the scalar interaction and
#: decay vertices
FILE_EVENT_COLUMNS: dict[str, Any] = {**EVENT_COLUMNS, **dict.fromkeys(VERTEX_VIEWS, np.float64)}

#: the particle columns of the files: the production vertex of each row (x, y, z, t)
#: instead of the index into the event's vertices
FILE_PARTICLE_COLUMNS: dict[str, Any] = {
    **{k: t for k, t in PARTICLE_COLUMNS.items() if k != "vertex"},
    **dict.fromkeys(VERTEX_COORDINATES, np.float64),
}

#: unit of every column of the event record
UNITS: dict[str, str] = {
    "weight": "expected events",
    "process": "label",
    "helicity": "1",
    "enu": "GeV",
    "q2": "GeV^2",
    **{f"{kind}_{c}": "cm" for kind in ("vertex", "decay") for c in "xyz"},
    "vertex_t": "ns",
    "decay_t": "ns",
    "pdg": "PDG MC number",
    "status": "NuHepMC status code",
    "mother": "index within the event",
    **{c: "GeV" for c in ("px", "py", "pz", "e")},
    **{c: "cm" for c in "xyz"},
    "t": "ns",
}

#: meaning of every column of the event record
DESCRIPTIONS: dict[str, str] = {
    "weight": "expected number of events for the run's exposure (see weight_definition)",
    "process": "process label of the event",
    "helicity": "helicity of the produced heavy lepton (+1 or -1)",
    "enu": "energy of the incoming neutrino",
    "q2": "four-momentum transfer squared to the target, Q^2 = -(P_target - P_recoil)^2",
    "vertex_x": "interaction vertex x (detector centre at the origin, beam along +z)",
    "vertex_y": "interaction vertex y",
    "vertex_z": "interaction vertex z",
    "vertex_t": "interaction time",
    "decay_x": "decay vertex x of the heavy lepton",
    "decay_y": "decay vertex y of the heavy lepton",
    "decay_z": "decay vertex z of the heavy lepton",
    "decay_t": "decay time of the heavy lepton",
    "pdg": "particle identity",
    "status": "4 incoming beam, 11 target (20 in NuHepMC 1.0 files), 1 final, 2 decayed",
    "mother": "row of the mother within the event, -1 for the beam and the target",
    "px": "momentum x",
    "py": "momentum y",
    "pz": "momentum z",
    "e": "energy",
    "x": "production vertex x (the interaction vertex for beam, target and primaries)",
    "y": "production vertex y",
    "z": "production vertex z",
    "t": "production time",
}

#: particle status codes of the in-memory record and their meaning
STATUS_CODES: dict[int, tuple[str, str]] = {
    STATUS_FINAL: ("UndecayedPhysical", "final-state particle"),
    STATUS_DECAYED: ("DecayedPhysical", "unstable particle that decayed in the event"),
    STATUS_BEAM: ("IncomingBeam", "incoming neutrino"),
    STATUS_TARGET: ("Target", "target nucleus or nucleon"),
}

#: nuportal's numbers for the new states: number -> (name, description)
NEW_PARTICLES: dict[int, tuple[str, str]] = {
    constants.PDG_N4: ("N4", "heavy neutral lepton N4 (lightest)"),
    constants.PDG_N5: ("N5", "heavy neutral lepton N5"),
    constants.PDG_N6: ("N6", "heavy neutral lepton N6"),
    constants.PDG_ZPRIME: ("Zprime", "dark photon / dark gauge boson Z'"),
    constants.PDG_DARK_SCALAR: ("hprime", "dark scalar h'"),
    constants.PDG_HADRONIC_SYSTEM: ("hadrons", "inclusive hadronic system (four-momentum only)"),
    **{
        pdg: (f"psi{i}", f"dark fermion psi_{i} of a dark sector (Majorana, numbered by mass)")
        for i, pdg in enumerate(constants.PDG_DARK_FERMIONS, start=1)
    },
}


def check_events(events: Events) -> None:
    """Raise :class:`NuportalError` unless ``events`` may be written.

    An :class:`~nuportal.generator.events.Events` batch whose weights are all finite and
    non-negative is accepted (DESIGN: no NaN or negative weight is ever written).
    """
    if not isinstance(events, Events):
        raise NuportalError(
            f"expected a nuportal.generator.events.Events batch, got {type(events).__name__}"
        )
    weight = events.event["weight"]
    bad = ~(np.isfinite(weight) & (weight >= 0))
    if np.any(bad):
        first = int(np.argmax(bad))
        raise NuportalError(
            f"{int(bad.sum())} event(s) have a NaN, infinite or negative weight (the first is "
            f"event {first} with weight {weight[first]!r}); weights must be finite and >= 0"
        )


def to_json(value: Any) -> str:
    """Compact JSON of ``value``; numpy scalars and arrays become numbers and lists."""

    def default(obj: Any) -> Any:
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        if isinstance(obj, Path):
            return str(obj)
        raise TypeError(f"metadata value of type {type(obj).__name__} cannot be written")

    try:
        return json.dumps(value, default=default, separators=(",", ":"), allow_nan=True)
    except TypeError as exc:
        raise NuportalError(f"event metadata cannot be stored as JSON: {exc}") from None


def file_description(
    metadata: dict[str, Any], processes: tuple[str, ...] | list[str]
) -> dict[str, Any]:
    """The self-description written into every file (JSON-able dict)."""
    return {
        "format_version": FORMAT_VERSION,
        "nuportal_version": nuportal.__version__,
        "metadata": metadata,
        "processes": list(processes),
        "weight_definition": WEIGHT_DEFINITION,
        "units": UNITS,
        "columns": {"event": list(FILE_EVENT_COLUMNS), "particles": list(FILE_PARTICLE_COLUMNS)},
        "status_codes": {str(k): v[1] for k, v in STATUS_CODES.items()},
        "new_particles": {
            str(k): {"name": v[0], "description": v[1]} for k, v in NEW_PARTICLES.items()
        },
    }


def merge_processes(labels: list[str], index: dict[str, int], batch: Events) -> np.ndarray:
    """Extend the running label table with ``batch.processes``; the batch's codes remapped."""
    remap = np.array([index.setdefault(p, len(index)) for p in batch.processes], np.int32)
    labels[:] = list(index)
    codes = batch.event["process"]
    if len(codes) and (codes.min() < 0 or codes.max() >= len(remap)):
        raise NuportalError(
            f"event process codes must index the batch's {len(remap)} process labels; "
            f"found codes from {codes.min()} to {codes.max()}"
        )
    return remap[codes] if len(remap) else codes.astype(np.int32)


class EventWriter:
    """Streaming writer base: ``with Writer(path) as w: w.write(batch)`` for each chunk.

    The output goes to a hidden temporary file in the target's directory; on a clean exit
    it is renamed to ``path`` (an atomic replace on POSIX), on an exception it is deleted.

    Parameters
    ----------
    path : str or os.PathLike
        Output file.
    overwrite : bool
        Replace an existing ``path``; without it an existing file is an error.
    """

    #: short name of the format (used in messages)
    format_name = "events"

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        self.path = Path(path)
        self.overwrite = bool(overwrite)
        self._check_target()
        if not self.path.parent.is_dir():
            raise NuportalError(
                f"cannot write {self.path}: directory {self.path.parent} does not exist"
            )
        token = secrets.token_hex(4)
        self.tmp_path = self.path.with_name(f".{self.path.name}.{token}.part{self.path.suffix}")
        self.n_events = 0
        self.sum_weights = 0.0
        self._open = False
        self._closed = False

    def _check_target(self) -> None:
        if self.path.exists() and not self.overwrite:
            raise NuportalError(
                f"{self.path} exists; pass overwrite=True (--overwrite) to replace it"
            )

    # --- hooks for the formats -------------------------------------------------------
    def _start(self, first: Events) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _write(self, batch: Events) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _finish(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _release(self) -> None:
        """Close open handles without finishing the file (after an error)."""

    # --- public API ----------------------------------------------------------------------
    def write(self, batch: Events) -> None:
        """Append a batch of events (checked: finite, non-negative weights)."""
        if self._closed:
            raise NuportalError(f"the {self.format_name} writer for {self.path} is closed")
        check_events(batch)
        try:
            if not self._open:
                self._start(batch)
                self._open = True
            self._write(batch)
        except BaseException:
            self.abort()
            raise
        self.n_events += len(batch)
        self.sum_weights += batch.total_weight

    def close(self) -> None:
        """Finish the file and move it into place (at least one, possibly empty, batch needed)."""
        if self._closed:
            return
        try:
            if not self._open:
                raise NuportalError(f"no events were written to {self.path}")
            self._finish()
            self._closed = True
            self._check_target()
            os.replace(self.tmp_path, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Discard the output: close handles and delete the temporary file."""
        self._closed = True
        try:
            self._release()
        finally:
            self.tmp_path.unlink(missing_ok=True)

    def __enter__(self) -> EventWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def parent_ranges(batch: Events) -> np.ndarray:
    """HEPEVT-style parent ranges (row, 2), 0-based within each event.

    Every event has exactly two incoming particles in adjacent rows: a beam (status 4) and
    a target (status 20), as in neutrino scattering, or two beams, as in e⁺e⁻ collisions.
    Products of the primary interaction (mother = the first beam) get the range of the two,
    so that both enter the primary vertex; others get (mother, mother); incoming ones -1.
    """
    n = len(batch)
    status = batch.particles["status"]
    mother = batch.particles["mother"]
    event_of_row = np.repeat(np.arange(n), batch.multiplicity)
    local = np.arange(len(status)) - batch.offsets[event_of_row]
    incoming = np.flatnonzero((status == STATUS_BEAM) | (status == STATUS_TARGET))
    beams = np.bincount(event_of_row[status == STATUS_BEAM], minlength=n)
    if (
        len(incoming) != 2 * n
        or np.any(beams < 1)
        or (n and np.any(event_of_row[incoming[0::2]] != np.arange(n)))
        or (n and np.any(event_of_row[incoming[1::2]] != np.arange(n)))
    ):
        raise NuportalError(
            "every event needs exactly two incoming particles: a beam (status 4) and a "
            "target (status 20), or two beams"
        )
    beam, target = local[incoming[0::2]], local[incoming[1::2]]
    if np.any(target - beam != 1):
        raise NuportalError("the two incoming particles must be adjacent rows of each event")
    parents = np.stack([mother, mother], axis=1).astype(np.int32)
    has_mother = mother >= 0
    mother_global = np.where(has_mother, batch.offsets[event_of_row] + mother, 0)
    primary = has_mother & (status[mother_global] == STATUS_BEAM)
    ev = event_of_row[primary]
    parents[primary, 0] = np.minimum(beam, target)[ev]
    parents[primary, 1] = np.maximum(beam, target)[ev]
    if np.any(has_mother & ~primary & (status[mother_global] != STATUS_DECAYED)):
        raise NuportalError("a particle's mother must be the beam or a decayed particle")
    return parents
