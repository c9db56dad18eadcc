"""The in-memory event record shared by the generator and every writer.

A batch of ``n`` events is columnar (numpy arrays, no Python object per event):

* per-event arrays of length ``n`` (:attr:`Events.event`: weight, process, helicity, ν
  energy, Q², and views of the interaction and decay vertices);
* the vertices of every event, :attr:`Events.vertices`, shape (n, V, 4): (x, y, z, t) of
  vertex k of event i at [i, k]. Vertex 0 is the interaction vertex, vertex 1 the decay
  vertex of the heavy lepton (of the first unstable primary), further decay vertices follow
  in the order of the particle rows; unused slots of events with fewer vertices are NaN;
* one flat particle table for all events, with ``offsets`` (length ``n + 1``): the
  particles of event ``i`` are rows ``offsets[i]:offsets[i + 1]``, in a fixed order within
  each event: incoming neutrino, target, outgoing recoil, the heavy lepton, then its decay
  products (and theirs) in production order.

Particle rows carry the PDG number, a status code of the NuHepMC 1.0 convention
(arXiv:2310.13211, G.R.10 / P.R.1: 4 incoming beam particle, 20 target, 1 final state,
2 decayed; 11–19 are reserved in 1.0), the index of the mother *within the event* (−1
for the beam and the target; the recoil and the heavy lepton have the neutrino as mother),
the four-momentum (GeV) and the index of the production vertex *within the event* (0 for
the beam, the target and the primaries, the decay vertex of the mother otherwise);
:meth:`Events.positions` gives the production vertex of every row.

A row costs 39 bytes and a vertex 32: the default benchmark (8 rows, 3 vertices) holds
445 bytes per event.

Units: GeV, cm, ns. The weight of an event is a number of expected events for the stated
exposure (see :data:`WEIGHT_DEFINITION`); the sum of weights is the expected count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np

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
    "vertex": np.int8,
}

#: the coordinates of a vertex, in the last axis of :attr:`Events.vertices`
VERTEX_COORDINATES = ("x", "y", "z", "t")

#: per-event views of :attr:`Events.vertices` in :attr:`Events.event`: name → (vertex, axis)
VERTEX_VIEWS: Mapping[str, tuple[int, int]] = {
    f"{kind}_{c}": (k, j)
    for k, kind in enumerate(("vertex", "decay"))
    for j, c in enumerate(VERTEX_COORDINATES)
}

#: default of :attr:`Events.vertices`: build them from per-row positions
_FROM_POSITIONS = np.empty((0, 0, 0))

#: the per-event columns and their dtypes
EVENT_COLUMNS: Mapping[str, Any] = {
    "weight": np.float64,
    "process": np.int32,
    "helicity": np.int8,
    "enu": np.float64,
    "q2": np.float64,
}


@dataclass
class Events:
    """A batch of events (see the module docstring for the layout and units).

    Attributes
    ----------
    event : dict[str, numpy.ndarray]
        Per-event columns of :data:`EVENT_COLUMNS`: ``weight`` (expected events),
        ``process`` (index into :attr:`processes`), ``helicity`` of the heavy lepton (±1),
        ``enu`` (GeV), ``q2`` (GeV²); and the views :data:`VERTEX_VIEWS` of the interaction
        vertex ``vertex_*`` and the decay vertex of the heavy lepton ``decay_*`` (cm, ns).
    particles : dict[str, numpy.ndarray]
        The flat particle table, columns of :data:`PARTICLE_COLUMNS`. Given without
        ``vertices``, it must hold the production vertex of every row as columns ``x, y, z,
        t`` instead of ``vertex``; the rows of an event with the same (x, y, z, t) then share
        a vertex, numbered in the order of the rows.
    offsets : numpy.ndarray
        int64, length n + 1, ``offsets[0] == 0``.
    processes : tuple[str, ...]
        Process labels, e.g. ``"numu C12 coherent -> N4(-) ; N4 -> nu_mu e- e+"``.
    metadata : dict
        Run description (model parameters, experiment, seed, version, total rate, units).
    vertices : numpy.ndarray
        (n, V, 4), V ≥ 2: x, y, z (cm), t (ns) of the vertices of each event.
    """

    event: dict[str, np.ndarray]
    particles: dict[str, np.ndarray]
    offsets: np.ndarray
    processes: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    vertices: np.ndarray = field(default_factory=lambda: _FROM_POSITIONS)

    def __post_init__(self) -> None:
        self.event, self.particles = dict(self.event), dict(self.particles)
        n = len(self.offsets) - 1
        if n < 0 or self.offsets[0] != 0 or np.any(np.diff(self.offsets) < 0):
            raise ValueError("offsets must start at 0 and not decrease")
        for name, dtype in EVENT_COLUMNS.items():
            self.event[name] = np.asarray(self.event[name], dtype=dtype)
            if self.event[name].shape != (n,):
                raise ValueError(f"event column {name!r} must have length {n}")
        if self.vertices is _FROM_POSITIONS:
            missing = [c for c in VERTEX_COORDINATES if c not in self.particles]
            if missing:
                raise ValueError(f"without vertices the particle table needs columns {missing}")
            positions = [np.asarray(self.particles.pop(c), float) for c in VERTEX_COORDINATES]
            self.vertices, self.particles["vertex"] = _vertex_table(self.offsets, positions)
        rows = int(self.offsets[-1])
        for name, dtype in PARTICLE_COLUMNS.items():
            self.particles[name] = np.asarray(self.particles[name], dtype=dtype)
            if self.particles[name].shape != (rows,):
                raise ValueError(f"particle column {name!r} must have length {rows}")
        self.vertices = np.asarray(self.vertices, np.float64)
        if self.vertices.ndim != 3 or self.vertices.shape[::2] != (n, 4):
            raise ValueError(f"vertices must have shape ({n}, V, 4)")
        if self.vertices.shape[1] < 2 or self.vertices.shape[1] > np.iinfo(np.int8).max:
            raise ValueError("an event has at least 2 and at most 127 vertex slots")
        for name, (k, j) in VERTEX_VIEWS.items():
            self.event[name] = self.vertices[:, k, j]

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

    def positions(self) -> dict[str, np.ndarray]:
        """The production vertex of every particle row: columns ``x, y, z`` (cm), ``t`` (ns)."""
        owner = np.repeat(np.arange(len(self)), self.multiplicity)
        where = self.vertices[owner, self.particles["vertex"]]
        return {c: where[:, j] for j, c in enumerate(VERTEX_COORDINATES)}

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
            {k: self.event[k][keep] for k in EVENT_COLUMNS},
            {k: v[rows] for k, v in self.particles.items()},
            offsets,
            self.processes,
            dict(self.metadata),
            self.vertices[keep],
        )


def _vertex_table(
    offsets: np.ndarray, positions: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (n, V, 4) and the vertex index of every row from per-row positions
    (x, y, z, t): rows of an event at the same position share a vertex, numbered in the order
    of their first row. An event with one vertex gets it twice (its decay at the interaction
    point)."""
    n, rows = len(offsets) - 1, int(offsets[-1])
    if rows == 0:
        return np.zeros((n, 2, 4)), np.zeros(0, np.int8)
    owner = np.repeat(np.arange(n), np.diff(offsets))
    pos = np.stack(positions, axis=1)
    order = np.lexsort((*pos.T[::-1], owner))
    new = np.ones(rows, bool)
    new[1:] = (owner[order][1:] != owner[order][:-1]) | np.any(
        pos[order][1:] != pos[order][:-1], axis=1
    )
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1  # per sorted row
    first_row = np.minimum.reduceat(order, starts)
    group_event = owner[order][starts]
    ranked = np.lexsort((first_row, group_event))
    per_event = np.bincount(group_event, minlength=n)
    rank = np.empty(len(starts), np.int64)
    rank[ranked] = np.arange(len(starts)) - (np.cumsum(per_event) - per_event)[group_event[ranked]]
    vertex = np.empty(rows, np.int64)
    vertex[order] = rank[group]
    table = np.full((n, max(2, int(per_event.max())), 4), np.nan)
    table[group_event, rank] = pos[order][starts]
    single = per_event == 1
    table[single, 1] = table[single, 0]
    return table, vertex.astype(np.int8)


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
        size = max(events, 1) + 1  # the per-event columns and the offsets
        self._event = {k: np.empty(size, t) for k, t in EVENT_COLUMNS.items()}
        self._event["offsets"] = np.zeros(size, np.int64)
        self._event["vertices"] = np.empty((size, 2, 4))
        self._particles = {k: np.empty(max(rows, 1), t) for k, t in PARTICLE_COLUMNS.items()}
        self._n = self._rows = 0
        self._labels: dict[str, int] = {}
        self._metadata: dict[str, Any] | None = None

    def append(self, batch: Events) -> None:
        """Copy ``batch`` in (its process codes are mapped onto the merged label table)."""
        n, rows = len(batch), int(batch.offsets[-1])
        self._event = _room(self._event, self._n + n + 1)
        self._particles = _room(self._particles, self._rows + rows)
        vertices = self._event["vertices"]
        slots = batch.vertices.shape[1]
        if slots > vertices.shape[1]:  # more vertices per event than so far
            wider = np.full((len(vertices), slots, 4), np.nan)
            wider[: self._n, : vertices.shape[1]] = vertices[: self._n]
            vertices = self._event["vertices"] = wider
        vertices[self._n : self._n + n, :slots] = batch.vertices
        vertices[self._n : self._n + n, slots:] = np.nan
        remap = np.array([self._labels.setdefault(p, len(self._labels)) for p in batch.processes])
        for k in EVENT_COLUMNS:
            value = batch.event[k]
            self._event[k][self._n : self._n + n] = (
                remap[value] if k == "process" and remap.size else value
            )
        for k, column in self._particles.items():
            column[self._rows : self._rows + rows] = batch.particles[k]
        self._event["offsets"][self._n + 1 : self._n + n + 1] = batch.offsets[1:] + self._rows
        self._n, self._rows = self._n + n, self._rows + rows
        if self._metadata is None:
            self._metadata = dict(batch.metadata)

    def result(self) -> Events:
        """The collected events (views of the buffer's columns, no copy)."""
        return Events(
            {k: self._event[k][: self._n] for k in EVENT_COLUMNS},
            {k: v[: self._rows] for k, v in self._particles.items()},
            self._event["offsets"][: self._n + 1],
            tuple(self._labels),
            self._metadata or {},
            self._event["vertices"][: self._n],
        )


def _room(columns: dict[str, np.ndarray], size: int) -> dict[str, np.ndarray]:
    """``columns`` (of equal length) with room for ``size`` entries along their first axis
    (at least doubled when they grow)."""
    capacity = len(next(iter(columns.values())))
    if size <= capacity:
        return columns
    length = max(size, 2 * capacity)
    grown = {k: np.empty((length, *v.shape[1:]), v.dtype) for k, v in columns.items()}
    for k, v in columns.items():
        grown[k][:capacity] = v
    return grown


def vertex_places(
    places: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """The vertices (n, V, 4) of events with the same rows, row j made at ``places[j]`` =
    (position (n, 3) in cm, time (n,) in ns), and the vertex index of each row: rows with
    equal positions and times in every event share a vertex (a prompt decay shares its
    parent's production vertex), numbered in the order of the rows."""
    unique: list[tuple[np.ndarray, np.ndarray]] = []
    index = []
    for position, time in places:
        for k, (p, t) in enumerate(unique):
            if (p is position and t is time) or (
                np.array_equal(p, position) and np.array_equal(t, time)
            ):
                index.append(k)
                break
        else:
            index.append(len(unique))
            unique.append((position, time))
    vertices = np.empty((len(unique[0][1]), max(len(unique), 2), 4))
    for k, (position, time) in enumerate(unique):
        vertices[:, k, :3] = position
        vertices[:, k, 3] = time
    if len(unique) == 1:
        vertices[:, 1] = vertices[:, 0]
    return vertices, np.array(index, np.int8)


def momentum_columns(momenta: list[np.ndarray]) -> dict[str, np.ndarray]:
    """The four-momentum columns ``e, px, py, pz`` of the particle table of ``n`` events with
    the same rows, row j having four-momentum ``momenta[j]`` (n, 4): one compiled pass over
    the events, in blocks that stay in cache (a stack of strided column views is about twice
    as slow)."""
    block = np.stack(momenta)  # (rows, n, 4)
    out = {k: np.empty(block.shape[0] * block.shape[1]) for k in ("e", "px", "py", "pz")}
    _fill_rows(block, out["e"], out["px"], out["py"], out["pz"])
    return out


@numba.njit(cache=True)
def _fill_rows(
    block: np.ndarray, e: np.ndarray, px: np.ndarray, py: np.ndarray, pz: np.ndarray
) -> None:  # pragma: no cover - compiled
    m, n = block.shape[0], block.shape[1]
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        for j in range(m):
            for i in range(start, stop):
                r = i * m + j
                e[r], px[r], py[r], pz[r] = (
                    block[j, i, 0],
                    block[j, i, 1],
                    block[j, i, 2],
                    block[j, i, 3],
                )
