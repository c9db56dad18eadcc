"""Parquet event files: nuportal's primary output format.

One row per event. The per-event quantities are scalar columns, the particles of the event
are list columns (one list per particle quantity, all lists of a row have the event's
multiplicity, in the order of the in-memory record: incoming neutrino, target, recoil, heavy
lepton, then the decay products in production order). The file can be read with any Parquet
reader (pyarrow, pandas, polars, awkward, ROOT's RDataFrame, Spark, DuckDB).

Schema
------
============  =========================  =========  ============================================
column        type                       unit       meaning
============  =========================  =========  ============================================
weight        float64                    events     expected number of events for the run's
                                                    exposure (definition below)
process       dictionary<int32, string>  --         process label, e.g. ``"numu C12
                                                    coherent -> N4(-) ; N4 -> nu_mu e- e+"``
helicity      int8                       --         helicity of the heavy lepton (+1 / -1)
enu           float64                    GeV        incoming neutrino energy
q2            float64                    GeV²       Q² = -(P_target - P_recoil)²
vertex_x/y/z  float64                    cm         interaction vertex (detector centre at the
                                                    origin, beam along +z)
vertex_t      float64                    ns         interaction time
decay_x/y/z   float64                    cm         decay vertex of the heavy lepton
decay_t       float64                    ns         decay time of the heavy lepton
pdg           list<int32>                --         PDG Monte Carlo numbers (new states: below)
status        list<int8>                 --         NuHepMC codes as in memory: 4 incoming beam,
                                                    11 target, 1 final state, 2 decayed
mother        list<int8>                 --         row of the mother within the event
                                                    (-1 for beam and target)
px/py/pz/e    list<float64>              GeV        four-momentum
x/y/z         list<float64>              cm         production vertex (the interaction vertex for
                                                    beam, target and primaries)
t             list<float64>              ns         production time
============  =========================  =========  ============================================

Every field also carries its unit and meaning in the Arrow field metadata (``unit``,
``description``).

File metadata (Parquet key-value metadata, key ``nuportal``) is one JSON object:
``format_version``; ``nuportal_version``; ``metadata`` (the run card of
:attr:`Events.metadata <nuportal.generator.events.Events.metadata>`: model parameters,
experiment, seed, version, total rate, units); ``processes`` (the label table: the in-memory
``process`` code of an event is the index of its label here); ``weight_definition``
(:data:`nuportal.generator.events.WEIGHT_DEFINITION`); ``units`` and ``columns``;
``status_codes``; ``new_particles`` (number -> name and description of N4 = 5914,
N5 = 5915, N6 = 5916, Z' = 5921, h' = 5925, dark fermions ψ_1 ... ψ_6 = 5931 ... 5936);
``n_events`` and ``sum_weights`` (the expected number of events of the file).

Weight: the sum of ``weight`` over the file is its expected event count. A weight is flux ×
cross section × number of targets × POT, times the branching ratios of the simulated decay
chain and the probability that each unstable particle decays where its vertex is placed; it
includes no detector efficiency.

Example
-------
>>> from nuportal.io import read_parquet, write_parquet      # doctest: +SKIP
>>> write_parquet(events, "run.parquet")                     # doctest: +SKIP
>>> import pandas as pd                                      # doctest: +SKIP
>>> pd.read_parquet("run.parquet", columns=["weight", "enu"]).weight.sum()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nuportal.errors import NuportalError
from nuportal.generator.events import Events
from nuportal.io._common import (
    DESCRIPTIONS,
    FILE_EVENT_COLUMNS,
    FILE_PARTICLE_COLUMNS,
    UNITS,
    EventWriter,
    file_description,
    merge_processes,
    to_json,
)

#: Parquet key-value metadata key of the file description
METADATA_KEY = "nuportal"

#: default number of events per row group (about 60 MB uncompressed at 7 particles/event)
ROW_GROUP_SIZE = 100_000


def _field(name: str, arrow_type: pa.DataType) -> pa.Field:
    return pa.field(
        name,
        arrow_type,
        nullable=False,
        metadata={"unit": UNITS[name], "description": DESCRIPTIONS[name]},
    )


def schema() -> pa.Schema:
    """The Arrow schema of a nuportal Parquet event file (see the module docstring)."""
    fields = []
    for name, dtype in FILE_EVENT_COLUMNS.items():
        arrow_type = (
            pa.dictionary(pa.int32(), pa.string())
            if name == "process"
            else pa.from_numpy_dtype(np.dtype(dtype))
        )
        fields.append(_field(name, arrow_type))
    for name, dtype in FILE_PARTICLE_COLUMNS.items():
        item = pa.field("item", pa.from_numpy_dtype(np.dtype(dtype)), nullable=False)
        fields.append(_field(name, pa.list_(item)))
    return pa.schema(fields)


class ParquetEventWriter(EventWriter):
    """Write batches of events to one Parquet file with bounded memory.

    Batches are buffered until ``row_group_size`` events are pending, then written as row
    groups, so memory stays at about one row group whatever the number of batches.

    Parameters
    ----------
    path : str or os.PathLike
        Output file (conventionally ``*.parquet``).
    overwrite : bool
        Replace an existing file (otherwise :class:`~nuportal.errors.NuportalError`).
    row_group_size : int
        Events per row group.
    compression : str
        Parquet codec: ``"zstd"`` (default), ``"snappy"``, ``"lz4"``, ``"gzip"`` or ``"none"``.
    metadata : dict, optional
        Run description stored in the file; default: the first batch's ``metadata``.

    Examples
    --------
    >>> with ParquetEventWriter("run.parquet") as out:   # doctest: +SKIP
    ...     for batch in generator:
    ...         out.write(batch)
    """

    format_name = "Parquet"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        row_group_size: int = ROW_GROUP_SIZE,
        compression: str = "zstd",
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if int(row_group_size) < 1:
            raise NuportalError(f"row_group_size must be a positive integer, got {row_group_size}")
        allowed = ("zstd", "snappy", "lz4", "gzip", "brotli", "none")
        if compression not in allowed:
            raise NuportalError(
                f"unknown Parquet compression {compression!r}; allowed: {', '.join(allowed)}"
            )
        super().__init__(path, overwrite=overwrite)
        self.row_group_size = int(row_group_size)
        self.compression = compression
        self.metadata = metadata
        self._schema = schema()
        self._labels: list[str] = []
        self._index: dict[str, int] = {}
        self._pending: list[pa.RecordBatch] = []
        self._n_pending = 0
        self._writer: pq.ParquetWriter | None = None

    def _start(self, first: Events) -> None:
        if self.metadata is None:
            self.metadata = dict(first.metadata)
        self._writer = pq.ParquetWriter(
            self.tmp_path,
            self._schema,
            compression=self.compression,
            use_dictionary=["process"],
            write_statistics=["weight", "process", "enu", "q2"],
        )

    def _record_batch(
        self,
        batch: Events,
        positions: dict[str, np.ndarray],
        codes: np.ndarray,
        start: int,
        stop: int,
    ) -> pa.RecordBatch:
        offsets = batch.offsets[start : stop + 1]
        lo, hi = int(offsets[0]), int(offsets[-1])
        list_offsets = pa.array(offsets - lo, pa.int32())
        columns: list[pa.Array] = []
        labels = pa.array(self._labels, pa.string())
        for name in FILE_EVENT_COLUMNS:
            if name == "process":
                columns.append(pa.DictionaryArray.from_arrays(pa.array(codes[start:stop]), labels))
            else:
                columns.append(pa.array(batch.event[name][start:stop]))
        for name in FILE_PARTICLE_COLUMNS:
            values = pa.array((positions if name in positions else batch.particles)[name][lo:hi])
            columns.append(pa.ListArray.from_arrays(list_offsets, values))
        return pa.RecordBatch.from_arrays(columns, schema=self._schema)

    def _write(self, batch: Events) -> None:
        codes = merge_processes(self._labels, self._index, batch)
        if int(batch.offsets[-1]) >= 2**31:
            raise NuportalError(
                "a batch holds more than 2^31 particles; write it in smaller batches"
            )
        n = len(batch)
        positions = batch.positions()
        for start in range(0, max(n, 1), self.row_group_size):
            stop = min(start + self.row_group_size, n)
            self._pending.append(self._record_batch(batch, positions, codes, start, stop))
            self._n_pending += stop - start
            if self._n_pending >= self.row_group_size:
                self._flush()

    def _flush(self) -> None:
        if not self._pending or self._writer is None:
            return
        table = pa.Table.from_batches(self._pending, schema=self._schema)
        self._writer.write_table(table, row_group_size=self.row_group_size)
        self._pending.clear()
        self._n_pending = 0

    def _finish(self) -> None:
        assert self._writer is not None
        self._flush()
        description = file_description(self.metadata or {}, self._labels)
        description["n_events"] = self.n_events
        description["sum_weights"] = self.sum_weights
        self._writer.add_key_value_metadata({METADATA_KEY: to_json(description)})
        self._writer.close()
        self._writer = None

    def _release(self) -> None:
        self._pending.clear()
        if self._writer is not None:
            try:
                self._writer.close()
            finally:
                self._writer = None


def write_parquet(
    events: Events,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    row_group_size: int = ROW_GROUP_SIZE,
    compression: str = "zstd",
) -> None:
    """Write a batch of events to a Parquet file (schema in the module docstring).

    Parameters
    ----------
    events : Events
        The events; weights must be finite and non-negative.
    path : str or os.PathLike
        Output file; written atomically (temporary file + rename).
    overwrite : bool
        Replace an existing file.
    row_group_size : int
        Events per row group.
    compression : str
        Parquet codec (``"zstd"``, ``"snappy"``, ``"lz4"``, ``"gzip"``, ``"brotli"``,
        ``"none"``).

    Raises
    ------
    NuportalError
        Existing file without ``overwrite``, invalid weights or options.
    """
    with ParquetEventWriter(
        path, overwrite=overwrite, row_group_size=row_group_size, compression=compression
    ) as out:
        out.write(events)


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The file description of a nuportal Parquet file (the ``nuportal`` JSON object).

    Raises
    ------
    NuportalError
        The file does not exist, is not Parquet, or was not written by nuportal.
    """
    try:
        kv = pq.read_metadata(path).metadata or {}
    except FileNotFoundError:
        raise NuportalError(f"event file {path} does not exist") from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise NuportalError(f"{path} is not a readable Parquet file: {exc}") from None
    raw = kv.get(METADATA_KEY.encode())
    if raw is None:
        raise NuportalError(f"{path} is a Parquet file without nuportal event metadata")
    description: dict[str, Any] = json.loads(raw)
    return description


def _column_values(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy()


def read_parquet(path: str | os.PathLike[str]) -> Events:
    """Read a nuportal Parquet event file back into an :class:`Events` batch.

    The process codes index the file's label table (``processes``), the metadata is the
    stored run card. Round trip: ``read_parquet(p)`` equals the written events exactly.
    """
    description = read_metadata(path)
    table = pq.read_table(path)
    labels: list[str] = list(description.get("processes", []))
    index = {label: i for i, label in enumerate(labels)}

    event: dict[str, np.ndarray] = {}
    for name in FILE_EVENT_COLUMNS:
        if name == "process":
            chunks = table.column(name).cast(pa.dictionary(pa.int32(), pa.string()))
            codes = []
            for chunk in chunks.chunks:
                dictionary = chunk.dictionary.to_pylist()
                for label in dictionary:
                    index.setdefault(label, len(index))
                remap = np.array([index[label] for label in dictionary], np.int32)
                codes.append(
                    remap[chunk.indices.to_numpy()] if len(remap) else np.zeros(0, np.int32)
                )
            labels = list(index)
            event[name] = np.concatenate(codes) if codes else np.zeros(0, np.int32)
        else:
            event[name] = _column_values(table, name)

    particles: dict[str, np.ndarray] = {}
    offsets = np.zeros(1, np.int64)
    for i, (name, dtype) in enumerate(FILE_PARTICLE_COLUMNS.items()):
        item = pa.from_numpy_dtype(np.dtype(dtype))
        column = table.column(name).cast(pa.large_list(item)).combine_chunks()
        if i == 0:
            offsets = column.offsets.to_numpy().astype(np.int64)
            offsets = offsets - offsets[0]
        particles[name] = column.flatten().to_numpy()
    return Events.from_table(
        event, particles, offsets, tuple(labels), dict(description.get("metadata", {}))
    )
