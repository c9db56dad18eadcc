"""The in-memory event record shared by the generator and every writer.

A batch of ``n`` events is columnar (numpy arrays, no Python object per event):

* per-event arrays of length ``n`` (:attr:`Events.event`: weight, process, helicity, ν
  energy, Q², and views of the interaction and decay vertices);
* the vertices of every event, :attr:`Events.vertices`, shape (n, V, 4): (x, y, z, t) of
  vertex k of event i at [i, k]. Vertex 0 is the interaction vertex, vertex 1 the decay
  vertex of the heavy lepton (of the first unstable primary), further decay vertices follow
  in the order of the particle rows; unused slots of events with fewer vertices are NaN;
* the particles of every event as rows in a fixed order: incoming neutrino, target,
  outgoing recoil, the heavy lepton, then its decay products (and theirs) in production
  order. :attr:`Events.particles` is the flat table of all rows, with :attr:`Events.offsets`
  (length ``n + 1``): the particles of event ``i`` are rows ``offsets[i]:offsets[i + 1]``.

Particle rows carry the PDG number, a status code of the NuHepMC 1.0 convention
(arXiv:2310.13211, G.R.10 / P.R.1: 4 incoming beam particle, 20 target, 1 final state,
2 decayed; 11–19 are reserved in 1.0), the index of the mother *within the event* (−1
for the beam and the target; the recoil and the heavy lepton have the neutrino as mother),
the four-momentum (GeV) and the index of the production vertex *within the event* (0 for
the beam, the target and the primaries, the decay vertex of the mother otherwise);
:meth:`Events.positions` gives the production vertex of every row.

Storage. Events of one kind share their rows' PDG numbers, statuses, mothers and vertex
indices, kept once in a :class:`Layout`; an event stores the index of its layout and only
the four-momenta that are independent. A layout computes every row's four-momentum as a
fixed linear combination of the event's stored momenta plus a constant: the generator
stores the neutrino and the final-state particles, and derives the target (at rest), each
decayed particle (the sum of its daughters) and the recoil (by four-momentum
conservation), so momentum conservation holds by construction. The flat table is built on
first access in one compiled pass. The default benchmark (8 rows, 4 stored momenta,
3 vertices) holds 255 bytes per event: 29 per-event, 2 layout index, 128 momenta, 96
vertices. Events read from files store every row (:meth:`Events.from_table`).

Units: GeV, cm, ns. The weight of an event is a number of expected events for the stated
exposure (see :data:`WEIGHT_DEFINITION`); the sum of weights is the expected count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numba
import numpy as np

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

#: the components of a stored four-momentum, in the last axis of :attr:`Events.momenta`
MOMENTUM_COMPONENTS = ("e", "px", "py", "pz")

#: the coordinates of a vertex, in the last axis of :attr:`Events.vertices`
VERTEX_COORDINATES = ("x", "y", "z", "t")

#: per-event views of :attr:`Events.vertices` in :attr:`Events.event`: name → (vertex, axis)
VERTEX_VIEWS: Mapping[str, tuple[int, int]] = {
    f"{kind}_{c}": (k, j)
    for k, kind in enumerate(("vertex", "decay"))
    for j, c in enumerate(VERTEX_COORDINATES)
}

#: the per-event columns and their dtypes
EVENT_COLUMNS: Mapping[str, Any] = {
    "weight": np.float64,
    "process": np.int32,
    "helicity": np.int8,
    "enu": np.float64,
    "q2": np.float64,
}

#: per-row attributes of a layout (PDG numbers, statuses, mothers or vertex indices)
Rows = Sequence[int] | np.ndarray

#: the row attributes a layout holds once for all its events
ROW_ATTRIBUTES = ("pdg", "status", "mother", "vertex")


@dataclass(frozen=True, eq=False)
class Layout:
    """The rows shared by the events of one kind, and how their four-momenta follow from the
    momenta an event stores.

    Attributes
    ----------
    pdg, status, mother, vertex : numpy.ndarray
        (m,) per row: PDG number, status, mother and production vertex within the event.
    combination : numpy.ndarray
        (m, s): the four-momentum of row r is Σ_j combination[r, j] × (stored momentum j)
        + constant[r].
    constant : numpy.ndarray
        (m, 4): constant four-momenta (e, px, py, pz) in GeV.
    """

    pdg: np.ndarray
    status: np.ndarray
    mother: np.ndarray
    vertex: np.ndarray
    combination: np.ndarray
    constant: np.ndarray

    def __post_init__(self) -> None:
        for name in ROW_ATTRIBUTES:
            value = np.asarray(getattr(self, name), PARTICLE_COLUMNS[name])
            if value.ndim != 1:
                raise ValueError(f"layout {name} must be one-dimensional")
            object.__setattr__(self, name, value)
        m = len(self.pdg)
        combination = np.asarray(self.combination, np.float64)
        constant = np.asarray(self.constant, np.float64)
        if any(len(getattr(self, k)) != m for k in ROW_ATTRIBUTES) or combination.shape[:1] != (m,):
            raise ValueError("the rows of a layout must all have the same length")
        if combination.ndim != 2 or constant.shape != (m, 4):
            raise ValueError(f"a layout of {m} rows needs combination (m, s) and constant (m, 4)")
        object.__setattr__(self, "combination", combination)
        object.__setattr__(self, "constant", constant)

    @classmethod
    def explicit(cls, pdg: Rows, status: Rows, mother: Rows, vertex: Rows) -> Layout:
        """Every row's four-momentum stored."""
        m = len(pdg)
        return cls(
            np.asarray(pdg),
            np.asarray(status),
            np.asarray(mother),
            np.asarray(vertex),
            np.eye(m),
            np.zeros((m, 4)),
        )

    @classmethod
    def decay_tree(
        cls,
        pdg: Rows,
        status: Rows,
        mother: Rows,
        vertex: Rows,
        target_mass: float,
        recoil: int,
    ) -> Layout:
        """The layout of an interaction beam + target → products followed by decays.

        Stored are the beam's four-momentum and those of the final-state rows except
        ``recoil``, in row order. The target is at rest with mass ``target_mass``, a decayed
        row (status 2) is the sum of its daughters, and the recoil follows from conservation
        at the interaction: beam + target − the beam's other daughters.
        """
        pdg, status, mother, vertex = (np.asarray(a) for a in (pdg, status, mother, vertex))
        m = len(status)
        (beam,), (target,) = (
            np.flatnonzero(status == STATUS_BEAM),
            np.flatnonzero(status == STATUS_TARGET),
        )
        stored = tree_stored_rows(status, recoil)
        combination = np.zeros((m, len(stored)))
        for j, r in enumerate(stored):
            rows: list[int] = [r]
            rows += [a for a in _ancestors(mother, r) if status[a] == STATUS_DECAYED]
            combination[rows, j] = 1.0
        if not all(combination[status == STATUS_DECAYED].any(axis=1)):
            raise ValueError("every decayed row of a layout needs final-state descendants")
        constant = np.zeros((m, 4))
        constant[[int(target), recoil], 0] = target_mass
        others = [r for r in range(m) if mother[r] == beam and r != recoil]
        combination[recoil] = combination[beam] - combination[others].sum(axis=0)
        return cls(pdg, status, mother, vertex, combination, constant)

    @property
    def rows(self) -> int:
        """Number of particle rows of an event."""
        return len(self.pdg)

    @property
    def stored(self) -> int:
        """Number of four-momenta an event stores."""
        return int(self.combination.shape[1])

    @cached_property
    def key(self) -> bytes:
        """Equal for equal layouts (for merging the layouts of several batches)."""
        parts = [getattr(self, k) for k in ROW_ATTRIBUTES] + [self.combination, self.constant]
        return b"|".join(np.ascontiguousarray(p).tobytes() + repr(p.shape).encode() for p in parts)


def tree_stored_rows(status: Rows, recoil: int) -> list[int]:
    """The rows whose four-momenta a :meth:`Layout.decay_tree` layout stores, in the order it
    stores them: the beam and the final-state rows except ``recoil``."""
    return [
        r
        for r, s in enumerate(np.asarray(status))
        if s == STATUS_BEAM or (s == STATUS_FINAL and r != recoil)
    ]


def _ancestors(mother: np.ndarray, r: int) -> list[int]:
    """The mother, grandmother, ... of row ``r``."""
    out = []
    while mother[r] >= 0:
        r = int(mother[r])
        out.append(r)
    return out


@dataclass
class Events:
    """A batch of events (see the module docstring for the layout, the storage and units).

    Attributes
    ----------
    event : dict[str, numpy.ndarray]
        Per-event columns of :data:`EVENT_COLUMNS`: ``weight`` (expected events),
        ``process`` (index into :attr:`processes`), ``helicity`` of the heavy lepton (±1),
        ``enu`` (GeV), ``q2`` (GeV²); and the views :data:`VERTEX_VIEWS` of the interaction
        vertex ``vertex_*`` and the decay vertex of the heavy lepton ``decay_*`` (cm, ns).
    momenta : numpy.ndarray
        (S, 4): the stored four-momenta (:data:`MOMENTUM_COMPONENTS`, GeV) of all events,
        those of event i contiguous and in the order of the events.
    layout : numpy.ndarray
        int16, length n: the index of each event's layout in :attr:`layouts`.
    layouts : tuple[Layout, ...]
        The layouts of the events.
    vertices : numpy.ndarray
        (n, V, 4), 2 ≤ V ≤ 127: x, y, z (cm), t (ns) of the vertices of each event.
    processes : tuple[str, ...]
        Process labels, e.g. ``"numu C12 coherent -> N4(-) ; N4 -> nu_mu e- e+"``.
    metadata : dict
        Run description (model parameters, experiment, seed, version, total rate, units).
    """

    event: dict[str, np.ndarray]
    momenta: np.ndarray
    layout: np.ndarray
    layouts: tuple[Layout, ...]
    vertices: np.ndarray
    processes: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.event = dict(self.event)
        self.layouts = tuple(self.layouts)
        self.layout = np.asarray(self.layout, np.int16)
        n = len(self.layout)
        if self.layout.ndim != 1 or (
            n and not 0 <= self.layout.min() <= self.layout.max() < len(self.layouts)
        ):
            raise ValueError(f"layout must hold indices into the {len(self.layouts)} layouts")
        for name, dtype in EVENT_COLUMNS.items():
            self.event[name] = np.asarray(self.event[name], dtype=dtype)
            if self.event[name].shape != (n,):
                raise ValueError(f"event column {name!r} must have length {n}")
        self.momenta = np.asarray(self.momenta, np.float64)
        stored = int(self._counts[1][self.layout].sum())
        if self.momenta.shape != (stored, 4):
            raise ValueError(
                f"the layouts of the events store {stored} four-momenta (shape ({stored}, 4))"
            )
        self.vertices = np.asarray(self.vertices, np.float64)
        if self.vertices.ndim != 3 or self.vertices.shape[::2] != (n, 4):
            raise ValueError(f"vertices must have shape ({n}, V, 4)")
        if not 2 <= self.vertices.shape[1] <= np.iinfo(np.int8).max:
            raise ValueError("an event has at least 2 and at most 127 vertex slots")
        for name, (k, j) in VERTEX_VIEWS.items():
            self.event[name] = self.vertices[:, k, j]

    @classmethod
    def from_table(
        cls,
        event: Mapping[str, np.ndarray],
        particles: Mapping[str, np.ndarray],
        offsets: np.ndarray,
        processes: Sequence[str] = (),
        metadata: Mapping[str, Any] | None = None,
        vertices: np.ndarray | None = None,
    ) -> Events:
        """Events from a flat particle table (every four-momentum stored).

        Parameters
        ----------
        event : mapping
            The per-event columns of :data:`EVENT_COLUMNS`.
        particles : mapping
            The columns of :data:`PARTICLE_COLUMNS`. Without ``vertices``, the production
            vertex of every row as columns ``x, y, z, t`` instead of ``vertex``: the rows of an
            event at the same (x, y, z, t) share a vertex, numbered in the order of the rows.
        offsets : numpy.ndarray
            Length n + 1, ``offsets[0] == 0``: the rows of event i are
            ``offsets[i]:offsets[i + 1]``.
        processes, metadata
            As the attributes.
        vertices : numpy.ndarray, optional
            (n, V, 4) vertex table the ``vertex`` column indexes.
        """
        offsets = np.asarray(offsets, np.int64)
        n = len(offsets) - 1
        if n < 0 or offsets[0] != 0 or np.any(np.diff(offsets) < 0):
            raise ValueError("offsets must start at 0 and not decrease")
        columns = dict(particles)
        if vertices is None:
            missing = [c for c in VERTEX_COORDINATES if c not in columns]
            if missing:
                raise ValueError(f"without vertices the particle table needs columns {missing}")
            positions = [np.asarray(columns.pop(c), float) for c in VERTEX_COORDINATES]
            vertices, columns["vertex"] = _vertex_table(offsets, positions)
        rows = int(offsets[-1])
        for name, dtype in PARTICLE_COLUMNS.items():
            columns[name] = np.asarray(columns[name], dtype=dtype)
            if columns[name].shape != (rows,):
                raise ValueError(f"particle column {name!r} must have length {rows}")
        layout, layouts = _explicit_layouts(offsets, columns)
        momenta = np.stack([columns[c] for c in MOMENTUM_COMPONENTS], axis=1)
        return cls(
            dict(event), momenta, layout, layouts, vertices, tuple(processes), dict(metadata or {})
        )

    def __len__(self) -> int:
        return len(self.layout)

    @cached_property
    def _counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows and stored momenta of each layout."""
        return (
            np.array([k.rows for k in self.layouts], np.int64),
            np.array([k.stored for k in self.layouts], np.int64),
        )

    @property
    def multiplicity(self) -> np.ndarray:
        """Number of particles in each event."""
        return self._counts[0][self.layout]

    @cached_property
    def offsets(self) -> np.ndarray:
        """int64, length n + 1: the rows of event i in :attr:`particles` are
        ``offsets[i]:offsets[i + 1]``."""
        return np.concatenate([[0], np.cumsum(self.multiplicity)]).astype(np.int64)

    @cached_property
    def particles(self) -> dict[str, np.ndarray]:
        """The flat particle table: columns of :data:`PARTICLE_COLUMNS`, rows of event i at
        ``offsets[i]:offsets[i + 1]`` (built on first access, in one compiled pass)."""
        rows, stored = self._counts
        size = max(1, len(self.layouts))
        m, s = max(rows, default=1), max(stored, default=1)
        attributes = np.zeros((size, m, len(ROW_ATTRIBUTES)), np.int32)
        combination = np.zeros((size, m, s))
        constant = np.zeros((size, m, 4))
        for k, lay in enumerate(self.layouts):
            for a, name in enumerate(ROW_ATTRIBUTES):
                attributes[k, : lay.rows, a] = getattr(lay, name)
            combination[k, : lay.rows, : lay.stored] = lay.combination
            constant[k, : lay.rows] = lay.constant
        total = int(self.offsets[-1])
        ints = np.empty((len(ROW_ATTRIBUTES), total), np.int32)
        four = np.empty((4, total))
        _fill_table(
            self.layout, rows, stored, attributes, combination, constant, self.momenta, ints, four
        )
        table = {
            name: ints[a].astype(PARTICLE_COLUMNS[name]) for a, name in enumerate(ROW_ATTRIBUTES)
        }
        table.update({c: four[j] for j, c in enumerate(MOMENTUM_COMPONENTS)})
        return {name: table[name] for name in PARTICLE_COLUMNS}

    @property
    def nbytes(self) -> int:
        """Bytes the events hold (per-event columns, layout indices, stored momenta,
        vertices; not the layouts, nor the flat table once built)."""
        arrays = [self.event[k] for k in EVENT_COLUMNS] + [self.layout, self.momenta]
        return sum(a.nbytes for a in arrays) + self.vertices.nbytes

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
        """One batch from several (processes and layouts are merged; metadata of the first
        is kept)."""
        if not batches:
            raise ValueError("nothing to concatenate")
        buffer = EventBuffer(sum(len(b) for b in batches), sum(len(b.momenta) for b in batches))
        for b in batches:
            buffer.append(b)
        return buffer.result()

    def select(self, mask: np.ndarray) -> Events:
        """The events where ``mask`` (length n) is true."""
        keep = np.asarray(mask, bool)
        stored = np.repeat(keep, self._counts[1][self.layout])
        return Events(
            {k: self.event[k][keep] for k in EVENT_COLUMNS},
            self.momenta[stored],
            self.layout[keep],
            self.layouts,
            self.vertices[keep],
            self.processes,
            dict(self.metadata),
        )


@numba.njit(cache=True)
def _fill_table(
    layout: np.ndarray,
    rows: np.ndarray,
    stored: np.ndarray,
    attributes: np.ndarray,
    combination: np.ndarray,
    constant: np.ndarray,
    momenta: np.ndarray,
    ints: np.ndarray,
    four: np.ndarray,
) -> None:  # pragma: no cover - compiled
    row = first = 0
    for i in range(len(layout)):
        k = layout[i]
        for r in range(rows[k]):
            for a in range(attributes.shape[2]):
                ints[a, row] = attributes[k, r, a]
            for c in range(4):
                value = constant[k, r, c]
                for j in range(stored[k]):
                    w = combination[k, r, j]
                    if w != 0.0:
                        value += w * momenta[first + j, c]
                four[c, row] = value
            row += 1
        first += stored[k]


def _explicit_layouts(
    offsets: np.ndarray, columns: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, tuple[Layout, ...]]:
    """The layout index of every event of a flat table and the layouts (every four-momentum
    stored): events with the same multiplicity and the same PDG numbers, statuses, mothers
    and vertex indices share one."""
    multiplicity = np.diff(offsets)
    index = np.empty(len(multiplicity), np.int64)
    layouts: list[Layout] = []
    for m in np.unique(multiplicity):
        events = np.flatnonzero(multiplicity == m)
        rows = offsets[events][:, None] + np.arange(m)
        pattern = np.concatenate(
            [columns[a][rows].astype(np.int64) for a in ROW_ATTRIBUTES], axis=1
        )
        first, inverse = _unique_rows(pattern)
        index[events] = len(layouts) + inverse
        layouts += [Layout.explicit(*np.split(pattern[i], len(ROW_ATTRIBUTES))) for i in first]
    if len(layouts) > np.iinfo(np.int16).max:
        raise ValueError(f"{len(layouts)} different kinds of events in one batch; at most 32767")
    return index, tuple(layouts)


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first occurrence of each distinct row of the int64 matrix ``rows`` and the index
    of every row among them. Rows are grouped by a 64-bit hash (a 1-d sort, much faster than
    sorting the rows) and checked against their group's first row; a hash collision (never
    seen) falls back to the row sort."""
    multipliers = np.random.default_rng(0).integers(1, 2**62, rows.shape[1]) | 1
    with np.errstate(over="ignore"):
        keys = (rows.astype(np.uint64) * multipliers.astype(np.uint64)).sum(axis=1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    if not np.array_equal(rows, rows[first[inverse]]):
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first, inverse.ravel()


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
    events, stored : int
        Expected numbers of events and of stored four-momenta.
    """

    def __init__(self, events: int, stored: int) -> None:
        size = max(events, 1)
        self._event = {k: np.empty(size, t) for k, t in EVENT_COLUMNS.items()}
        self._event["layout"] = np.empty(size, np.int16)
        self._event["vertices"] = np.empty((size, 2, 4))
        self._momenta = {"momenta": np.empty((max(stored, 1), 4))}
        self._n = self._stored = 0
        self._labels: dict[str, str] = {}
        self._layouts: dict[bytes, Layout] = {}
        self._metadata: dict[str, Any] | None = None

    def append(self, batch: Events) -> None:
        """Copy ``batch`` in (its process codes and layouts are mapped onto the merged
        tables)."""
        n, stored = len(batch), len(batch.momenta)
        self._event = _room(self._event, self._n + n)
        self._momenta = _room(self._momenta, self._stored + stored)
        vertices = self._event["vertices"]
        slots = batch.vertices.shape[1]
        if slots > vertices.shape[1]:  # more vertices per event than so far
            wider = np.full((len(vertices), slots, 4), np.nan)
            wider[: self._n, : vertices.shape[1]] = vertices[: self._n]
            vertices = self._event["vertices"] = wider
        new = slice(self._n, self._n + n)
        vertices[new, :slots] = batch.vertices
        vertices[new, slots:] = np.nan
        processes = _merge(self._labels, [(p, p) for p in batch.processes])
        layouts = _merge(self._layouts, [(lay.key, lay) for lay in batch.layouts])
        if len(self._layouts) > np.iinfo(np.int16).max:
            raise ValueError("more than 32767 kinds of events in one sample")
        for k in EVENT_COLUMNS:
            value = batch.event[k]
            self._event[k][new] = processes[value] if k == "process" and processes.size else value
        self._event["layout"][new] = layouts[batch.layout] if layouts.size else batch.layout
        self._momenta["momenta"][self._stored : self._stored + stored] = batch.momenta
        self._n, self._stored = self._n + n, self._stored + stored
        if self._metadata is None:
            self._metadata = dict(batch.metadata)

    def result(self) -> Events:
        """The collected events (views of the buffer's columns, no copy)."""
        return Events(
            {k: self._event[k][: self._n] for k in EVENT_COLUMNS},
            self._momenta["momenta"][: self._stored],
            self._event["layout"][: self._n],
            tuple(self._layouts.values()),
            self._event["vertices"][: self._n],
            tuple(self._labels),
            self._metadata or {},
        )


def _merge(merged: dict[Any, Any], items: list[tuple[Any, Any]]) -> np.ndarray:
    """Add the (key, value) ``items`` missing from ``merged`` (insertion-ordered) and return
    the position in ``merged`` of each item."""
    for key, value in items:
        merged.setdefault(key, value)
    keys = list(merged)
    return np.array([keys.index(key) for key, _ in items], np.int64)


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
    for place in places:
        same = [k for k, u in enumerate(unique) if u[0] is place[0] and u[1] is place[1]]
        same = same or [k for k, u in enumerate(unique) if _equal(u, place)]
        index.append(same[0] if same else len(unique))
        if not same:
            unique.append(place)
    if len(unique) == 1:  # the decay at the interaction point
        unique *= 2
    vertices = np.empty((len(unique[0][1]), len(unique), 4))
    pack([a for place in unique for a in place], vertices)
    return vertices, np.array(index, np.int8)


def pack(parts: Sequence[np.ndarray], out: np.ndarray) -> None:
    """Write the per-event arrays ``parts`` (each (n,) or (n, k)) side by side into ``out``
    ((n, ...) with Σk entries per event), event by event in one compiled pass: each event's
    entries are written once, contiguously (assigning column by column into a row-major
    table passes over all of it once per column, several times slower)."""
    n = len(out)
    if not n:
        return
    _pack_rows(
        tuple(np.ascontiguousarray(p, np.float64).reshape(n, -1) for p in parts), out.reshape(n, -1)
    )


@numba.njit(cache=True)
def _pack_rows(parts: tuple, out: np.ndarray) -> None:  # pragma: no cover - compiled
    for i in range(out.shape[0]):
        column = 0
        for part in parts:
            for j in range(part.shape[1]):
                out[i, column + j] = part[i, j]
            column += part.shape[1]


def _equal(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    """Whether the places (positions, times) ``a`` and ``b`` are equal in every event (the
    first event decides most cases without a pass over the arrays)."""
    return all(
        x.shape == y.shape and (x.size == 0 or x.flat[0] == y.flat[0]) and np.array_equal(x, y)
        for x, y in zip(a, b, strict=True)
    )
