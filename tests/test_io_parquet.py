"""Parquet event files: exact round trip, metadata, streaming, safety and speed."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nuportal import constants
from nuportal.errors import NuportalError
from nuportal.generator.events import WEIGHT_DEFINITION, Events
from nuportal.io import (
    ParquetEventWriter,
    open_writer,
    read_metadata,
    read_parquet,
    write_events,
    write_parquet,
)
from nuportal.io._synthetic import synthetic_events


@pytest.fixture(scope="module")
def events() -> Events:
    return synthetic_events(2000, seed=7)


def assert_same(a: Events, b: Events, rtol: float = 0.0) -> None:
    np.testing.assert_array_equal(a.offsets, b.offsets)
    labels_a = np.array(a.processes)[a.event["process"]]
    labels_b = np.array(b.processes)[b.event["process"]]
    np.testing.assert_array_equal(labels_a, labels_b)
    for table_a, table_b in ((a.event, b.event), (a.particles, b.particles)):
        for name, column in table_a.items():
            if name != "process":
                np.testing.assert_allclose(table_b[name], column, rtol=rtol, atol=0, err_msg=name)


def test_synthetic_batch_conserves_four_momentum(events):
    p = np.stack([events.particles[k] for k in ("px", "py", "pz", "e")], axis=1).reshape(-1, 7, 4)
    np.testing.assert_allclose(p[:, 0] + p[:, 1], p[:, 2] + p[:, 3], atol=1e-12)
    np.testing.assert_allclose(p[:, 3], p[:, 4] + p[:, 5] + p[:, 6], atol=1e-12)


def test_round_trip_is_exact(events, tmp_path):
    path = tmp_path / "run.parquet"
    write_parquet(events, path)
    back = read_parquet(path)
    assert_same(events, back)
    assert back.processes == events.processes
    assert back.metadata == events.metadata


def test_schema_and_metadata(events, tmp_path):
    path = tmp_path / "run.parquet"
    write_events(events, path, "parquet", row_group_size=500)
    meta = read_metadata(path)
    assert meta["weight_definition"] == WEIGHT_DEFINITION
    assert meta["processes"] == list(events.processes)
    assert meta["n_events"] == len(events)
    assert meta["sum_weights"] == pytest.approx(events.total_weight, rel=1e-12)
    assert meta["units"]["px"] == "GeV"
    assert meta["units"]["t"] == "ns"
    assert meta["new_particles"][str(constants.PDG_N4)]["name"] == "N4"
    assert meta["metadata"]["pot"] == events.metadata["pot"]
    schema = pq.read_schema(path)
    assert pa.types.is_list(schema.field("px").type)
    assert schema.field("px").type.value_type == pa.float64()
    assert schema.field("process").type.value_type == "string"
    assert schema.field("enu").metadata[b"unit"] == b"GeV"
    assert pq.ParquetFile(path).metadata.num_row_groups == 4


def test_streaming_writer_merges_process_labels(events, tmp_path):
    a = events.select(np.arange(len(events)) < 700)
    b = events.select(np.arange(len(events)) >= 700)
    b = replace(b, processes=tuple(reversed(b.processes)))
    b.event["process"] = 1 - b.event["process"]  # same events, labels listed the other way
    path = tmp_path / "stream.parquet"
    with ParquetEventWriter(path, row_group_size=300) as out:
        out.write(a)
        out.write(b)
    assert_same(events, read_parquet(path))


def test_existing_file_is_not_overwritten(events, tmp_path):
    path = tmp_path / "run.parquet"
    path.write_text("precious")
    with pytest.raises(NuportalError, match=r"run\.parquet exists.*overwrite=True"):
        write_parquet(events, path)
    assert path.read_text() == "precious"
    write_parquet(events, path, overwrite=True)
    assert len(read_parquet(path)) == len(events)


def test_interrupted_write_leaves_no_file(events, tmp_path):
    path = tmp_path / "run.parquet"

    class Boom(RuntimeError):
        pass

    def interrupted() -> None:
        with ParquetEventWriter(path, row_group_size=100) as out:
            out.write(events)
            raise Boom

    with pytest.raises(Boom):
        interrupted()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", [np.nan, -1.0, np.inf])
def test_bad_weights_are_refused(events, tmp_path, bad):
    broken = events.select(np.ones(len(events), bool))
    broken.event["weight"][3] = bad
    with pytest.raises(NuportalError, match="event 3"):
        write_parquet(broken, tmp_path / "bad.parquet")
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_and_option(events, tmp_path):
    with pytest.raises(NuportalError, match=r"unknown event format 'hepmc'.*hepmc3"):
        write_events(events, tmp_path / "x", "hepmc")
    with pytest.raises(NuportalError, match="invalid option"):
        write_events(events, tmp_path / "x", "parquet", bogus=1)
    with pytest.raises(NuportalError, match="unknown event format"):
        open_writer(tmp_path / "x", "root")
    with open_writer(tmp_path / "y.parquet", "parquet") as out:
        out.write(events)
    assert out.n_events == len(events)


def test_not_a_nuportal_file(tmp_path):
    path = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"a": [1]}), path)
    with pytest.raises(NuportalError, match="without nuportal event metadata"):
        read_parquet(path)
    with pytest.raises(NuportalError, match="does not exist"):
        read_metadata(tmp_path / "missing.parquet")


def test_write_speed(tmp_path):
    many = synthetic_events(100_000, seed=3)
    start = time.process_time()
    write_parquet(many, tmp_path / "big.parquet")
    assert time.process_time() - start < 2.0
