"""HEPEVT text for LArSoft's TextFileGen: layout, parse-back, the unweighted rule, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from nuportal.errors import NuportalError
from nuportal.generator.events import Events
from nuportal.io import read_hepevt, write_events, write_hepevt
from nuportal.io._synthetic import synthetic_events
from nuportal.io.hepevt import HepevtEventWriter, _float_chars, _int_chars


def unweighted(n: int, seed: int = 5) -> Events:
    events = synthetic_events(n, seed=seed)
    events.event["weight"][:] = 0.25
    return events


def test_layout_follows_textfilegen(tmp_path):
    events = unweighted(3)
    path = tmp_path / "run.hepevt"
    write_hepevt(events, path, unweighted=True)
    lines = path.read_text().splitlines()
    assert lines[0].split() == ["0", "7"]
    fields = [line.split() for line in lines[1:8]]
    assert all(len(f) == 15 for f in fields)
    assert [int(f[0]) for f in fields] == [4, 20, 1, 2, 1, 1, 1]
    assert [int(f[1]) for f in fields][:4] == [14, 1000060120, 1000060120, 5914]
    # 1-based mothers: primaries come from beam (1) and target (2), decay products from N4 (4)
    assert [(int(f[2]), int(f[3])) for f in fields] == [(0, 0), (0, 0), (1, 2), (1, 2)] + [
        (4, 0)
    ] * 3
    assert [(int(f[4]), int(f[5])) for f in fields] == [(3, 4), (3, 4), (0, 0), (5, 7)] + [
        (0, 0)
    ] * 3
    mass = float(fields[3][10])
    assert mass == pytest.approx(0.14, rel=1e-12)
    assert float(fields[6][14]) == pytest.approx(events.event["decay_t"][0], rel=1e-14)
    assert lines[8].split() == ["1", "7"]


def test_parsed_back(tmp_path):
    events = unweighted(500)
    path = tmp_path / "run.hepevt"
    write_events(events, path, "hepevt", unweighted=True)
    back = read_hepevt(path, weight=0.25)
    np.testing.assert_array_equal(back.offsets, events.offsets)
    for name, column in events.particles.items():
        np.testing.assert_allclose(
            back.particles[name], column, rtol=1e-14, atol=1e-300, err_msg=name
        )
    for name in ["weight", "enu"] + [f"{k}_{c}" for k in ("vertex", "decay") for c in "xyzt"]:
        np.testing.assert_allclose(back.event[name], events.event[name], rtol=1e-14, err_msg=name)


def test_weighted_events_are_refused(tmp_path):
    events = synthetic_events(10)
    with pytest.raises(NuportalError, match="unweighted=True"):
        write_hepevt(unweighted(10), tmp_path / "a.hepevt")
    with pytest.raises(NuportalError, match="weights differ"):
        write_hepevt(events, tmp_path / "b.hepevt", unweighted=True)

    def two_batches() -> None:
        heavier = unweighted(4)
        heavier.event["weight"][:] = 0.5
        with HepevtEventWriter(tmp_path / "c.hepevt", unweighted=True) as out:
            out.write(unweighted(4))
            out.write(heavier)

    with pytest.raises(NuportalError, match="weights differ"):
        two_batches()
    assert list(tmp_path.iterdir()) == []


def test_overwrite_protection(tmp_path):
    path = tmp_path / "run.hepevt"
    path.write_text("keep")
    with pytest.raises(NuportalError, match="overwrite=True"):
        write_hepevt(unweighted(2), path, unweighted=True)
    write_hepevt(unweighted(2), path, unweighted=True, overwrite=True)
    assert path.read_text().startswith("0 7")


def test_number_formatting():
    values = np.array([0.0, 1.0, -2.5e-7, 123456.789, 9.999999999999999e5, 1e-120, -3e99])
    out = np.empty((len(values), 21), np.uint8)
    _float_chars(values, out)
    parsed = np.array([float(row.tobytes()) for row in out])
    np.testing.assert_allclose(parsed, np.where(np.abs(values) < 1e-99, 0.0, values), rtol=1e-14)
    ints = _int_chars(np.array([0, -7, 1000060120, -1000060120]), 11)
    assert [int(row.tobytes()) for row in ints] == [0, -7, 1000060120, -1000060120]
    with pytest.raises(NuportalError, match="finite"):
        _float_chars(np.array([np.nan]), out[:1])


def test_write_speed(tmp_path):
    events = unweighted(50_000)
    start = time.process_time()
    write_hepevt(events, tmp_path / "big.hepevt", unweighted=True)
    assert time.process_time() - start < 2.0
