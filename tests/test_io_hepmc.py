"""NuHepMC 1.0 / HepMC3 files: round trip, the required attributes, statuses, safety."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nuportal import constants
from nuportal.errors import NuportalError
from nuportal.generator.events import Events
from nuportal.io import HepMC3EventWriter, read_hepmc, write_events, write_hepmc
from nuportal.io._synthetic import synthetic_events

pyhepmc = pytest.importorskip("pyhepmc")


@pytest.fixture(scope="module")
def events() -> Events:
    return synthetic_events(300, seed=11)


@pytest.fixture(scope="module")
def hepmc_file(events, tmp_path_factory):
    path = tmp_path_factory.mktemp("hepmc") / "run.hepmc3"
    write_hepmc(events, path)
    return path


def text(attribute) -> str:
    return attribute.astype(str)


def test_round_trip(events, hepmc_file):
    back = read_hepmc(hepmc_file)
    np.testing.assert_array_equal(back.offsets, events.offsets)
    assert back.processes == events.processes
    assert back.metadata == events.metadata
    for table_a, table_b in ((events.event, back.event), (events.particles, back.particles)):
        for name, column in table_a.items():
            np.testing.assert_allclose(table_b[name], column, rtol=1e-14, atol=1e-12, err_msg=name)


def test_nuhepmc_run_info(hepmc_file, events):
    with pyhepmc.open(hepmc_file) as stream:
        event = stream.read()
    info = event.run_info
    attrs = info.attributes
    assert [int(text(attrs[f"NuHepMC.Version.{k}"])) for k in ("Major", "Minor", "Patch")] == [
        1,
        0,
        0,
    ]
    assert info.tools[0].name == "nuportal"
    assert info.tools[0].version
    assert list(info.weight_names) == ["CV"]
    conventions = text(attrs["NuHepMC.Conventions"]).split()
    assert {"G.C.1", "G.C.2"} <= set(conventions)
    fatx = float(text(attrs["NuHepMC.FluxAveragedTotalCrossSection"]))
    assert fatx == pytest.approx(events.metadata["flux_averaged_total_cross_section"] * 1e36)
    assert text(attrs["NuHepMC.Units.CrossSection.Unit"]) == "pb"
    assert text(attrs["NuHepMC.Units.CrossSection.TargetScale"]) == "PerAtom"
    ids = [int(v) for v in text(attrs["NuHepMC.ProcessIDs"]).split()]
    assert [text(attrs[f"NuHepMC.ProcessInfo[{i}].Name"]) for i in ids] == list(events.processes)
    assert all(f"NuHepMC.ProcessInfo[{i}].Description" in attrs for i in ids)
    statuses = {int(v) for v in text(attrs["NuHepMC.ParticleStatusIDs"]).split()}
    assert statuses == {1, 2, 4, 20}
    assert {int(v) for v in text(attrs["NuHepMC.VertexStatusIDs"]).split()} == {1, 22}
    extra = {int(v) for v in text(attrs["NuHepMC.AdditionalParticleNumbers"]).split()}
    assert constants.PDG_N4 in extra
    assert constants.PDG_ZPRIME in extra
    assert text(attrs[f"NuHepMC.AdditionalParticleNumber[{constants.PDG_N4}].Name"]) == "N4"
    assert float(text(attrs["NuHepMC.Exposure.POT"])) == events.metadata["pot"]


def test_event_structure(hepmc_file, events):
    with pyhepmc.open(hepmc_file) as stream:
        event = stream.read()
    assert event.event_number == 0
    assert event.length_unit == pyhepmc.Units.CM
    assert event.momentum_unit == pyhepmc.Units.GEV
    assert event.weight("CV") == events.event["weight"][0]
    assert int(text(event.attributes["signal_process_id"])) == 700 + events.event["process"][0]
    lab_pos = [float(v) for v in text(event.attributes["lab_pos"]).split()]
    expected = [events.event[f"vertex_{c}"][0] for c in "xyz"] + [
        events.event["vertex_t"][0] * 1e-9
    ]
    np.testing.assert_allclose(lab_pos, expected, rtol=1e-15)
    assert [p.status for p in event.particles] == [4, 20, 1, 2, 1, 1, 1]
    primary = [v for v in event.vertices if v.status == 1]
    decays = [v for v in event.vertices if v.status == 22]
    assert len(primary) == 1
    assert len(decays) == 1
    assert sorted(p.status for p in primary[0].particles_in) == [4, 20]
    assert [p.pid for p in decays[0].particles_in] == [constants.PDG_N4]
    assert len(decays[0].particles_out) == 3
    position = decays[0].position
    np.testing.assert_allclose(
        [position.x, position.y, position.z, position.t / 29.9792458],
        [events.event[f"decay_{c}"][0] for c in "xyzt"],
        rtol=1e-13,
    )


def test_compressed_output(events, tmp_path):
    path = tmp_path / "run.hepmc3.gz"
    write_events(events, path, "hepmc3")
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert len(read_hepmc(path)) == len(events)


def test_missing_cross_section_is_an_error(events, tmp_path):
    bare = replace(events, metadata={"pot": 1.0})
    with pytest.raises(NuportalError, match=r"G\.R\.5.*flux_averaged_total_cross_section"):
        write_hepmc(bare, tmp_path / "x.hepmc3")
    assert list(tmp_path.iterdir()) == []


def test_overwrite_and_atomic(events, tmp_path):
    path = tmp_path / "run.hepmc3"
    path.write_text("old")
    with pytest.raises(NuportalError, match="overwrite=True"):
        write_hepmc(events, path)

    def interrupted() -> None:
        with HepMC3EventWriter(path, overwrite=True) as out:
            out.write(events)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.hepmc3"]


def test_unknown_label_in_later_batch(events, tmp_path):
    other = replace(events, processes=("a", "b"))

    def two_batches() -> None:
        with HepMC3EventWriter(tmp_path / "x.hepmc3") as out:
            out.write(events)
            out.write(other)

    with pytest.raises(NuportalError, match="processes="):
        two_batches()
    assert list(tmp_path.iterdir()) == []
