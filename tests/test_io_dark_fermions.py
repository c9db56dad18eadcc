"""Files written by ``nuportal darkphoton generate`` declare every new particle they contain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nuportal import constants
from nuportal.cli.main import main
from nuportal.io import read_metadata, read_parquet
from nuportal.io._common import NEW_PARTICLES

IDM = ["--sector", "iDM", "--set", "maprime=0.3", "--set", "epsilon=1e-2"]
IDM += ["--set", "alphaD=0.1", "--set", "m1=0.1", "--set", "Delta=0.4"]


def test_dark_fermions_are_new_particles() -> None:
    for i, pdg in enumerate(constants.PDG_DARK_FERMIONS, start=1):
        assert NEW_PARTICLES[pdg][0] == f"psi{i}"
    # none of the new numbers is a particle of the PDG table
    particle = pytest.importorskip("particle")
    for pdg in NEW_PARTICLES:
        with pytest.raises(particle.particle.particle.ParticleNotFound):
            particle.Particle.from_pdgid(pdg)


def _generate(tmp_path: Path, fmt: str, experiment: str) -> Path:
    out = tmp_path / f"events.{fmt}"
    argv = ["darkphoton", "generate", *IDM, "--experiment", experiment]
    argv += ["--events", "200", "--format", fmt, "-o", str(out)]
    assert main(argv) == 0
    return out


def test_parquet_header_declares_dark_fermions(tmp_path: Path) -> None:
    path = _generate(tmp_path, "parquet", "babar")
    declared = {int(k) for k in read_metadata(path)["new_particles"]}
    assert set(constants.PDG_DARK_FERMIONS) <= declared
    pdgs = {abs(int(p)) for p in np.unique(read_parquet(path).particles["pdg"])}
    assert {constants.PDG_DARK_FERMIONS[0], constants.PDG_DARK_FERMIONS[1]} <= pdgs
    # every other number in the record is a PDG particle (e, μ, γ)
    assert pdgs - declared <= {11, 13, 22}


def test_hepmc3_header_declares_dark_fermions(tmp_path: Path) -> None:
    pyhepmc = pytest.importorskip("pyhepmc")
    path = _generate(tmp_path, "hepmc3", "na64")
    with pyhepmc.open(path) as stream:
        attrs = stream.read().run_info.attributes
    extra = {int(v) for v in attrs["NuHepMC.AdditionalParticleNumbers"].astype(str).split()}
    assert set(constants.PDG_DARK_FERMIONS) | {constants.PDG_ZPRIME} <= extra
    for i, pdg in enumerate(constants.PDG_DARK_FERMIONS, start=1):
        name = attrs[f"NuHepMC.AdditionalParticleNumber[{pdg}].Name"].astype(str)
        assert name == f"psi{i}"


def test_collider_events_with_two_beams_round_trip_through_hepmc3(tmp_path: Path) -> None:
    """BaBar events have two incoming beams (e⁻ e⁺, status 4) and no target: the HepMC3
    writer joins both to the primary vertex, and reading back gives the same record."""
    pytest.importorskip("pyhepmc")
    from nuportal.io import read_hepmc

    parquet = read_parquet(_generate(tmp_path, "parquet", "babar"))
    back = read_hepmc(_generate(tmp_path, "hepmc3", "babar"))
    assert len(back) == len(parquet) == 200
    for key in ("pdg", "status", "mother"):
        np.testing.assert_array_equal(back.particles[key], parquet.particles[key])
    for key in ("px", "py", "pz", "e"):
        np.testing.assert_allclose(back.particles[key], parquet.particles[key], rtol=1e-12)
    first = back.offsets[:-1]
    assert np.all(back.particles["status"][first] == 4)
    assert np.all(back.particles["status"][first + 1] == 4)
