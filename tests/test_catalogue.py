"""Tests of nuportal.experiments.catalogue and the catalogue files."""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from nuportal.errors import DataFileNotFoundError, NuportalError
from nuportal.experiments import (
    DetectorVolume,
    Experiment,
    get_experiment,
    list_experiments,
    load_experiment,
)
from nuportal.experiments.catalogue import ROLES
from nuportal.experiments.fluxes import FLUX_FILES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXPECTED = {
    "miniboone_numode",
    "miniboone_nubarmode",
    "microboone",
    "sbnd",
    "icarus",
    "minerva_le_fhc",
    "nova_nd_fhc",
    "nova_nd_rhc",
    "t2k_nd280_plus250ka",
    "t2k_nd280_minus250ka",
    "dune_nd_lar_fhc",
    "dune_nd_lar_rhc",
}
ALL = sorted(EXPECTED)


@pytest.fixture
def no_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No data directory configured: no NUPORTAL_DATA and an empty user configuration."""
    monkeypatch.delenv("NUPORTAL_DATA", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_catalogue_lists_every_expected_experiment() -> None:
    assert set(list_experiments()) == EXPECTED


@pytest.mark.parametrize("name", ALL)
def test_experiment_loads(name: str) -> None:
    exp = get_experiment(name)
    assert isinstance(exp, Experiment)
    assert exp.name == name
    assert exp.title
    assert exp.description
    assert exp.beam
    assert exp.flux_key in FLUX_FILES
    assert exp.pot > 1e19
    assert exp.baseline_cm > 1e4
    assert exp.source_position == (0.0, 0.0, -exp.baseline_cm)
    for key in ("flux", "pot", "baseline"):
        assert exp.sources.get(key), f"{name}: no source for {key}"
    assert exp.volumes_with_role("detector"), f"{name}: no detector volume"
    assert get_experiment(name) is exp  # cached, immutable


@pytest.mark.parametrize("name", ALL)
def test_volume_shapes_are_valid(name: str, rng: np.random.Generator) -> None:
    exp = get_experiment(name)
    for v in exp.volumes:
        assert isinstance(v, DetectorVolume)
        assert v.role in ROLES
        assert v.volume_cm3 > 0
        lo, hi = v.shape.bounding_box()
        assert np.all(np.isfinite(lo))
        assert np.all(np.isfinite(hi))
        assert np.all(lo < hi)
        points = v.shape.sample(2000, rng)
        assert np.all(v.shape.contains(points))
        assert np.all((points >= lo - 1e-6) & (points <= hi + 1e-6))
        # the source (target) is outside every volume and upstream of it
        assert not v.shape.contains(np.array([exp.source_position]))[0]
        assert lo[2] > -exp.baseline_cm
        if v.role == "dirt":
            assert hi[2] < 0.0  # dirt is upstream of the detector centre
    if exp.fiducial is not None:
        # the fiducial volume lies inside the detector volumes
        points = exp.fiducial.sample(2000, rng)
        inside = np.zeros(len(points), dtype=bool)
        for v in exp.volumes_with_role("detector"):
            inside |= v.shape.contains(points)
        assert np.all(inside)


@pytest.mark.parametrize("name", ALL)
def test_masses_match_the_nominal_masses(name: str) -> None:
    exp = get_experiment(name)
    for v in exp.volumes:
        if v.role in ("detector", "dirt"):
            assert v.nominal_mass_t is not None, f"{name}/{v.name}: no nominal mass"
        if v.nominal_mass_t is not None:
            assert v.mass_source
            expected = v.shape.volume * v.material.density_g_cm3 / 1e6
            assert exp.mass_t(v.name) == pytest.approx(expected, rel=1e-12)
            assert exp.mass_t(v.name) == pytest.approx(v.nominal_mass_t, rel=0.01), v.name
    if exp.fiducial is not None:
        assert exp.fiducial_material is not None
        assert exp.fiducial_nominal_mass_t is not None
        assert exp.fiducial_mass_t() == pytest.approx(exp.fiducial_nominal_mass_t, rel=0.01)
    else:
        assert exp.fiducial_mass_t() is None


def test_key_numbers() -> None:
    mb = get_experiment("miniboone_numode")
    assert mb.baseline_cm == 54100.0
    assert mb.pot == 1.875e21
    assert mb.volume("oil").shape.contains(np.array([[0.0, 0.0, 610.0]]))[0]
    assert not mb.volume("oil").shape.contains(np.array([[0.0, 0.0, 611.0]]))[0]
    assert mb.volume("oil").material.name == "mineral_oil"
    assert mb.facts["tank_radius_cm"] == 610.6
    assert mb.fiducial_mass_t() == pytest.approx(4 / 3 * np.pi * 500.0**3 * 0.845e-6)
    assert get_experiment("miniboone_nubarmode").pot == 1.127e21
    ub = get_experiment("microboone")
    assert ub.baseline_cm == 47000.0
    assert ub.mass_t("tpc") == pytest.approx(256 * 232 * 1040 * 1.3954e-6)
    assert ub.volume("cryostat_lar").role == "detector"
    assert get_experiment("sbnd").flux_scale == pytest.approx((470 / 110) ** 2)
    assert get_experiment("icarus").flux_scale == pytest.approx((470 / 600) ** 2)


def test_every_catalogue_file_is_named_after_its_experiment() -> None:
    folder = resources.files("nuportal.experiments").joinpath("catalogue")
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            assert data["name"] + ".toml" == entry.name


def test_unknown_names_raise_with_suggestions() -> None:
    with pytest.raises(NuportalError, match="Did you mean 'microboone'"):
        get_experiment("microbone")
    exp = get_experiment("microboone")
    with pytest.raises(NuportalError, match="Did you mean 'tpc'"):
        exp.mass_t("tcp")
    with pytest.raises(NuportalError, match="volume role"):
        exp.volumes_with_role("detectors")


# ----------------------------------------------------------------------------------------------
# fluxes of the experiments
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_experiment_flux_from_the_data_directory(name: str, data_dir: Path) -> None:
    exp = get_experiment(name)
    flux = exp.flux(data_dir=data_dir)
    assert flux.is_approximate == (exp.flux_scale != 1.0)
    for fl in flux.flavours:
        assert flux.integral(fl) > 0


def test_rescaled_flux(data_dir: Path) -> None:
    sbnd = get_experiment("sbnd").flux(data_dir=data_dir)
    ub = get_experiment("microboone").flux(data_dir=data_dir)
    assert sbnd.integral("numu") == pytest.approx(ub.integral("numu") * (470 / 110) ** 2)
    assert "APPROXIMATE" in sbnd.description


def test_miniboone_falls_back_to_the_approximate_flux(
    no_data_dir: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        flux = get_experiment("miniboone_numode").flux()
    assert flux.is_approximate
    assert "APPROXIMATE" in caplog.text
    for name in ("microboone", "miniboone_nubarmode", "dune_nd_lar_fhc"):
        with pytest.raises(DataFileNotFoundError, match="fluxes/"):
            get_experiment(name).flux()


def test_no_fallback_when_a_data_directory_lacks_the_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileNotFoundError, match=r"bnb_miniboone_numode\.txt"):
        get_experiment("miniboone_numode").flux(data_dir=tmp_path)


# ----------------------------------------------------------------------------------------------
# user files
# ----------------------------------------------------------------------------------------------

USER_FILE = """
name = "toy"
title = "Toy detector"
flux_key = "bnb_miniboone_numode"
pot = 1e20
baseline_cm = 10000.0
[[volumes]]
name = "water"
role = "detector"
material = "water"
nominal_mass_t = 8.0
shape = { type = "box", size = [200.0, 200.0, 200.0] }
"""


def test_load_user_experiment_file(tmp_path: Path) -> None:
    path = tmp_path / "toy.toml"
    path.write_text(USER_FILE)
    exp = load_experiment(path)
    assert exp.mass_t("water") == pytest.approx(8.0)
    assert exp.fiducial is None
    assert exp.flux_scale == 1.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("pot = 1e20", "pot = -1.0"), "positive"),
        (('role = "detector"', 'role = "detektor"'), "Did you mean 'detector'"),
        (('material = "water"', 'material = "watr"'), "Did you mean 'water'"),
        (('flux_key = "bnb_miniboone_numode"', 'flux_key = "bnb"'), "unknown flux"),
        (("baseline_cm = 10000.0", "baseline = 10000.0"), "baseline"),
        (('type = "box"', 'type = "boxx"'), "volumes\\[0\\]"),
        (("nominal_mass_t = 8.0", "nominal_mass = 8.0"), "Did you mean 'nominal_mass_t'"),
        (("pot = 1e20", "pot = 1e20 ="), "not valid TOML"),
    ],
)
def test_invalid_user_files_raise(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(USER_FILE.replace(*change))
    with pytest.raises(NuportalError, match=message):
        load_experiment(path)


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(NuportalError, match="does not exist"):
        load_experiment(tmp_path / "nothing.toml")
