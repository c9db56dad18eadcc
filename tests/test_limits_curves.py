"""Limit curves of the data directory: loading, masking, conversion, evaluation, errors."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from nuportal.analysis.limits.curves import (
    CURVES,
    NA64_ALPHA_D,
    NA64_MASS_RATIO,
    SENTINEL,
    LimitCurve,
    excluded_by_any,
    load_curve,
    load_curves,
)
from nuportal.datadir import data_file, read_table
from nuportal.errors import DataFileNotFoundError, NuportalError


def _curve(mass, lower, upper=None, valid=None, kind="upper") -> LimitCurve:
    mass = np.asarray(mass, float)
    return LimitCurve(
        key="test", label="test", experiment="test", arxiv="", cl="90% CL", kind=kind,
        category="visible", channel="ee", mass=mass, lower=np.asarray(lower, float),
        upper=np.full(mass.shape, np.inf) if upper is None else np.asarray(upper, float),
        valid=np.ones(mass.shape, bool) if valid is None else np.asarray(valid, bool),
    )  # fmt: skip


# --------------------------------------------------------------------------------------
# no data directory needed
# --------------------------------------------------------------------------------------
def test_na64_y_factor_is_810():
    """Y = α_D ε² (m_χ/m_A')⁴ with α_D = 0.1 and m_χ/m_A' = 1/3 gives ε² = 810 Y exactly."""
    factor = 1 / (Fraction(1, 10) * Fraction(1, 3) ** 4)
    assert factor == 810
    assert pytest.approx(810.0, rel=1e-14) == 1.0 / (NA64_ALPHA_D * NA64_MASS_RATIO**4)


def test_log_log_interpolation_is_exact_for_power_laws():
    mass = np.geomspace(1e-3, 1.0, 7)
    curve = _curve(mass, 1e-7 * (mass / 1e-3) ** 1.5, 3e-2 * (mass / 1e-3) ** -0.2, kind="band")
    m = np.geomspace(1.1e-3, 0.95, 50)
    value = curve.evaluate(m)
    assert value.defined.all()
    np.testing.assert_allclose(value.lower, 1e-7 * (m / 1e-3) ** 1.5, rtol=1e-12)
    np.testing.assert_allclose(value.upper, 3e-2 * (m / 1e-3) ** -0.2, rtol=1e-12)
    np.testing.assert_allclose(curve.evaluate(mass).lower, curve.lower, rtol=1e-12)


def test_outside_range_and_masked_points_give_no_limit_and_no_nan():
    curve = _curve([1e-3, 1e-2, 1e-1, 1.0], [1e-3, SENTINEL, 1e-3, 1e-3], valid=[1, 0, 1, 1])
    value = curve.evaluate([5e-4, 3e-3, 3e-2, 0.5, 1.0, 2.0])
    np.testing.assert_array_equal(value.defined, [False, False, False, True, True, False])
    assert not np.isnan(value.lower).any()
    assert not np.isnan(value.upper).any()
    assert np.all(value.lower[~value.defined] == np.inf)
    assert [(s.start, s.stop) for s in curve.segments()] == [(2, 4)]


def test_excluded_semantics():
    upper = _curve([1e-3, 1.0], [1e-3, 1e-3])
    np.testing.assert_array_equal(upper.excluded(0.1, [1e-4, 2e-3, 0.5]), [False, True, True])
    band = _curve([1e-3, 1.0], [1e-7, 1e-7], [1e-4, 1e-4], kind="band")
    np.testing.assert_array_equal(band.excluded(0.1, [1e-8, 1e-5, 1e-3]), [False, True, False])
    np.testing.assert_array_equal(
        excluded_by_any([upper, band], 0.1, [1e-8, 1e-5, 3e-4, 2e-3]), [False, True, False, True]
    )
    edge = _curve([1e-3, 1.0], [1e-3, 1e-3], kind="edge")
    with pytest.raises(NuportalError, match="band edge"):
        edge.excluded(0.1, 1e-3)


def test_bad_curve_and_inputs_raise():
    with pytest.raises(NuportalError, match="non-decreasing"):
        _curve([1.0, 0.1], [1e-3, 1e-3])
    with pytest.raises(NuportalError, match="below eps_lower"):
        _curve([0.1, 1.0], [1e-3, 1e-3], [1e-4, 1e-4], kind="band")
    with pytest.raises(NuportalError, match="positive"):
        _curve([0.1, 1.0], [1e-3, 1e-3]).evaluate([-1.0])
    with pytest.raises(NuportalError, match="unknown limit curve 'babar2017'"):
        load_curve("babar2017")


def test_missing_file_names_the_file_and_the_directory(tmp_path: Path):
    with pytest.raises(DataFileNotFoundError) as info:
        load_curve("babar2017_monophoton_invisible", data_dir=tmp_path)
    message = str(info.value)
    assert "limits/invisible/babar2017_monophoton_invisible_eps.txt" in message
    assert str(tmp_path) in message


# --------------------------------------------------------------------------------------
# the data directory's files
# --------------------------------------------------------------------------------------
@pytest.mark.data
def test_every_limit_file_is_registered_and_loads(data_dir: Path):
    on_disk = {p.relative_to(data_dir).as_posix() for p in (data_dir / "limits").glob("*/*.txt")}
    assert on_disk == {spec.path for spec in CURVES.values()}
    curves = load_curves(data_dir=data_dir)
    assert len(curves) == len(CURVES)
    for key, curve in curves.items():
        assert curve.arxiv, key
        assert curve.cl, key
        for arr in (curve.mass, curve.lower, curve.upper):
            assert not np.isnan(arr).any(), key
        assert np.all(curve.lower[curve.valid] < SENTINEL), key


@pytest.mark.data
def test_sentinels_are_masked(data_dir: Path):
    curve = load_curve("babar2014_ee_mumu", data_dir)
    _, rows = read_table(data_file(CURVES["babar2014_ee_mumu"].path, data_dir))
    raw = np.array(rows, float)[:, 1]
    np.testing.assert_array_equal(~curve.valid, raw == SENTINEL)
    assert (~curve.valid).sum() == 14
    # the J/ψ window of BaBar (3.0808–3.1819 GeV is masked): no limit inside it
    value = curve.evaluate([3.1, 3.0])
    np.testing.assert_array_equal(value.defined, [False, True])
    displaced = load_curve("lhcb2019_displaced_mumu", data_dir)
    assert (~displaced.valid).sum() == 39
    assert len(displaced.segments()) == 2


@pytest.mark.data
def test_na64_y_file_converted_to_mass_and_eps(data_dir: Path):
    curve = load_curve("na64e_2016-2022_invisible", data_dir)
    _, rows = read_table(data_file(CURVES["na64e_2016-2022_invisible"].path, data_dir))
    raw = np.array(rows, float)
    np.testing.assert_allclose(curve.mass, 3.0 * raw[:, 0], rtol=1e-15)
    np.testing.assert_allclose(curve.lower**2, 810.0 * raw[:, 1], rtol=1e-14)
    assert curve.arxiv == "2307.02404"
    # README cross-check: 1.5–1.7x stronger than NA64 2019 at m_A' = 10–100 MeV (the quoted
    # one-decimal numbers allow ±0.05)
    m = np.geomspace(0.01, 0.1, 20)
    ratio = load_curve("na64_2019_invisible", data_dir).evaluate(m).lower / curve.evaluate(m).lower
    assert ratio.min() >= 1.45
    assert ratio.max() <= 1.75


@pytest.mark.data
def test_band_contours_have_lower_below_upper(data_dir: Path):
    for key, curve in load_curves("beamdump", data_dir).items():
        assert curve.kind == "band"
        assert np.all(curve.upper >= curve.lower), key
    e137 = load_curve("e137_andreas2012", data_dir)
    assert e137.excluded(0.01, 1e-6)
    assert not e137.excluded(0.01, 1e-3)
