"""The in-memory event record shared by the generator and every writer.

A batch of ``n`` events is columnar (numpy arrays, no Python object per event):

* per-event arrays of length ``n`` (:attr:`Events.weight`, :attr:`Events.process`, the
  interaction and decay vertices, ...);
* one flat particle table for all events, with ``offsets`` (length ``n + 1``): the
  particles of event ``i`` are rows ``offsets[i]:offsets[i + 1]``, in a fixed order within
  each event: incoming neutrino, target, outgoing recoil, the heavy lepton, then its decay
  products (and theirs) in production order.

Particle rows carry the PDG number, a status code of the NuHepMC 1.0 convention
(arXiv:2310.13211, G.R.10 / P.R.1: 4 incoming beam particle, 20 target, 1 final state,
2 decayed; 11–19 are reserved in 1.0), the index of the mother *within the event* (−1
for the beam and the target; the recoil and the heavy lepton have the neutrino as mother),
the four-momentum
(GeV) and the production vertex (x, y, z in cm, t in ns; the interaction vertex for the
primary particles, the decay vertex of the mother otherwise).

Units: GeV, cm, ns. The weight of an event is a number of expected events for the stated
exposure (see :data:`WEIGHT_DEFINITION`); the sum of weights is the expected count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np
from numba.typed import List

#: events per block of the compiled row filling (a block of every row stays in cache)
_BLOCK = 512

#: NuHepMC status codes used by nuportal
STATUS_FINAL = 1
STATUS_DECAYED = 2
STATUS_BEAM = 4
STATUS_TARGET = 20

#: what a weight includes (written into every output file)
WEIGHT_DEFINITION = (
    "expected number of events for the exposure (POT) of the run: flux x cross section x "
    "number of targets x POT, times the branching ratios of the simulated decay chain (from "
    "the full decay tables, never renormalised), times the probability that each unstable "
    "particle decays where its decay vertex is placed (the decay-in-volume probability when "
    "decays are forced into the detector); no detector efficiency"
)

#: the particle-table columns and their dtypes
PARTICLE_COLUMNS: Mapping[str, Any] = {
    "pdg": np.int32,
    "status": np.int8,
    "mother": np.int8,
    "px": np.float64,
    "py": np.float64,
    "pz": np.float64,
    "e": np.float64,
    "x": np.float64,
    "y": np.float64,
    "z": np.float64,
    "t": np.float64,
}

#: the per-event columns and their dtypes
EVENT_COLUMNS: Mapping[str, Any] = {
    "weight": np.float64,
    "process": np.int32,
    "helicity": np.int8,
    "enu": np.float64,
    "q2": np.float64,
    "vertex_x": np.float64,
    "vertex_y": np.float64,
    "vertex_z": np.float64,
    "vertex_t": np.float64,
    "decay_x": np.float64,
    "decay_y": np.float64,
    "decay_z": np.float64,
    "decay_t": np.float64,
}


@dataclass
class Events:
    """A batch of events (see the module docstring for the layout and units).

    Attributes
    ----------
    event : dict[str, numpy.ndarray]
        Per-event columns of :data:`EVENT_COLUMNS`: ``weight`` (expected events),
        ``process`` (index into :attr:`processes`), ``helicity`` of the heavy lepton (±1),
        ``enu`` (GeV), ``q2`` (GeV²), the interaction vertex ``vertex_*`` and the decay
        vertex of the heavy lepton ``decay_*`` (cm, ns).
    particles : dict[str, numpy.ndarray]
        The flat particle table, columns of :data:`PARTICLE_COLUMNS`.
    offsets : numpy.ndarray
        int64, length n + 1, ``offsets[0] == 0``.
    processes : tuple[str, ...]
        Process labels, e.g. ``"numu C12 coherent -> N4(-) ; N4 -> nu_mu e- e+"``.
    metadata : dict
        Run description (model parameters, experiment, seed, version, total rate, units).
    """

    event: dict[str, np.ndarray]
    particles: dict[str, np.ndarray]
    offsets: np.ndarray
    processes: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.offsets) - 1
        if n < 0 or self.offsets[0] != 0 or np.any(np.diff(self.offsets) < 0):
            raise ValueError("offsets must start at 0 and not decrease")
        for name, dtype in EVENT_COLUMNS.items():
            self.event[name] = np.asarray(self.event[name], dtype=dtype)
            if self.event[name].shape != (n,):
                raise ValueError(f"event column {name!r} must have length {n}")
        rows = int(self.offsets[-1])
        for name, dtype in PARTICLE_COLUMNS.items():
            self.particles[name] = np.asarray(self.particles[name], dtype=dtype)
            if self.particles[name].shape != (rows,):
                raise ValueError(f"particle column {name!r} must have length {rows}")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def multiplicity(self) -> np.ndarray:
        """Number of particles in each event."""
        return np.diff(self.offsets)

    @property
    def total_weight(self) -> float:
        """Σ weights: the expected number of events."""
        return float(np.sum(self.event["weight"]))

    @classmethod
    def concatenate(cls, batches: list[Events]) -> Events:
        """One batch from several (processes are merged; metadata of the first is kept)."""
        if not batches:
            raise ValueError("nothing to concatenate")
        buffer = EventBuffer(sum(len(b) for b in batches), sum(int(b.offsets[-1]) for b in batches))
        for b in batches:
            buffer.append(b)
        return buffer.result()

    def select(self, mask: np.ndarray) -> Events:
        """The events where ``mask`` (length n) is true."""
        keep = np.asarray(mask, bool)
        counts = self.multiplicity[keep]
        rows = np.repeat(keep, self.multiplicity)
        offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return Events(
            {k: v[keep] for k, v in self.event.items()},
            {k: v[rows] for k, v in self.particles.items()},
            offsets,
            self.processes,
            dict(self.metadata),
        )


class EventBuffer:
    """Batches appended into preallocated columns: the peak memory of collecting a sample is
    the sample plus one batch (a concatenation of the batches would hold both in full).

    The capacities are upper bounds; pages of the columns that are never written are not
    resident, so generous bounds cost address space only. A batch beyond them grows the
    columns (doubling).

    Parameters
    ----------
    events, rows : int
        Expected numbers of events and of particle rows.
    """

    def __init__(self, events: int, rows: int) -> None:
        self._event = {k: np.empty(max(events, 1), t) for k, t in EVENT_COLUMNS.items()}
        self._particles = {k: np.empty(max(rows, 1), t) for k, t in PARTICLE_COLUMNS.items()}
        self._offsets = np.zeros(max(events, 1) + 1, np.int64)
        self._n = self._rows = 0
        self._labels: dict[str, int] = {}
        self._metadata: dict[str, Any] | None = None

    def append(self, batch: Events) -> None:
        """Copy ``batch`` in (its process codes are mapped onto the merged label table)."""
        n, rows = len(batch), int(batch.offsets[-1])
        self._event = _room(self._event, self._n + n)
        self._offsets = _room({"": self._offsets}, self._n + n + 1)[""]
        self._particles = _room(self._particles, self._rows + rows)
        remap = np.array([self._labels.setdefault(p, len(self._labels)) for p in batch.processes])
        for k, column in self._event.items():
            value = batch.event[k]
            column[self._n : self._n + n] = remap[value] if k == "process" and remap.size else value
        for k, column in self._particles.items():
            column[self._rows : self._rows + rows] = batch.particles[k]
        self._offsets[self._n + 1 : self._n + n + 1] = batch.offsets[1:] + self._rows
        self._n, self._rows = self._n + n, self._rows + rows
        if self._metadata is None:
            self._metadata = dict(batch.metadata)

    def result(self) -> Events:
        """The collected events (views of the buffer's columns, no copy)."""
        return Events(
            {k: v[: self._n] for k, v in self._event.items()},
            {k: v[: self._rows] for k, v in self._particles.items()},
            self._offsets[: self._n + 1],
            tuple(self._labels),
            self._metadata or {},
        )


def _room(columns: dict[str, np.ndarray], size: int) -> dict[str, np.ndarray]:
    """``columns`` with room for ``size`` entries (at least doubled when they grow)."""
    capacity = len(next(iter(columns.values())))
    if size <= capacity:
        return columns
    return {k: np.resize(v, max(size, 2 * capacity)) for k, v in columns.items()}


def row_columns(
    momenta: list[np.ndarray], places: list[tuple[np.ndarray, np.ndarray]]
) -> dict[str, np.ndarray]:
    """The float columns ``e, px, py, pz, x, y, z, t`` of the particle table of ``n`` events
    with the same rows: row j has four-momentum ``momenta[j]`` (n, 4) and production vertex
    ``places[j]`` = (position (n, 3) in cm, time (n,) in ns). Rows may share a place (the
    same arrays). One compiled pass over the events, in blocks that stay in cache."""
    index: dict[int, int] = {}
    unique: list[tuple[np.ndarray, np.ndarray]] = []
    for place in places:
        if index.setdefault(id(place[0]), len(unique)) == len(unique):
            unique.append(place)
    which = np.array([index[id(position)] for position, _ in places], np.int64)
    positions = List([np.ascontiguousarray(p, np.float64) for p, _ in unique])
    times = List([np.ascontiguousarray(t, np.float64) for _, t in unique])
    rows = List([np.ascontiguousarray(m, np.float64) for m in momenta])
    size = len(momenta[0]) * len(momenta)
    out = {k: np.empty(size) for k in ("e", "px", "py", "pz", "x", "y", "z", "t")}
    _fill_rows(rows, positions, times, which, *out.values())
    return out


@numba.njit(cache=True)
def _fill_rows(
    rows: List, positions: List, times: List, which: np.ndarray, *out: np.ndarray
) -> None:  # pragma: no cover - compiled
    e, px, py, pz, x, y, z, t = out
    m, n = len(rows), rows[0].shape[0]
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        for j in range(m):
            p, position, time = rows[j], positions[which[j]], times[which[j]]
            for i in range(start, stop):
                r = i * m + j
                e[r], px[r], py[r], pz[r] = p[i, 0], p[i, 1], p[i, 2], p[i, 3]
                x[r], y[r], z[r] = position[i, 0], position[i, 1], position[i, 2]
                t[r] = time[i]
