"""DarkCast-style rescaling of visible and beam-dump limits (arXiv:1801.04847, Sec. 2)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from nuportal.analysis.limits.curves import LimitCurve, load_curve, load_curves
from nuportal.analysis.limits.rescale import (
    MinimalDarkPhoton,
    ModifiedDarkPhoton,
    minimal_widths,
    rescale,
    rescale_beam_dump,
    rescale_prompt,
    sector_decays,
)
from nuportal.constants import ALPHA_EM, M_E, M_MU
from nuportal.errors import NuportalError
from nuportal.models.dark_sector import DarkPhoton, inelastic_dm
from nuportal.physics.decays.hadrons import r_ratio


def _prompt(mass, lower, channel="ee") -> LimitCurve:
    mass = np.asarray(mass, float)
    return LimitCurve(
        key="t", label="t", experiment="t", arxiv="", cl="90%", kind="upper", category="visible",
        channel=channel, mass=mass, lower=np.asarray(lower, float),
        upper=np.full(mass.shape, np.inf), valid=np.ones(mass.shape, bool),
    )  # fmt: skip


def test_minimal_widths_closed_forms():
    """Γ(A' → ℓℓ)/ε² = α m (1 + 2r)√(1 − 4r)/3, r = m_ℓ²/m²; Γ(had) = Γ(μμ)|_{m_μ=0} R."""
    m = np.array([0.05, 0.5, 2.0])
    widths = minimal_widths(m)
    for name, ml in (("ee", M_E), ("mumu", M_MU)):
        r = ml**2 / m**2
        closed = np.where(
            r < 0.25, ALPHA_EM * m * (1 + 2 * r) * np.sqrt(np.clip(1 - 4 * r, 0, None)) / 3, 0.0
        )
        np.testing.assert_allclose(widths[name], closed, rtol=1e-12)
    np.testing.assert_allclose(widths["hadrons"], ALPHA_EM * m / 3 * r_ratio(m), rtol=1e-12)
    assert widths["tautau"][0] == 0.0


def test_prompt_minimal_model_reproduces_the_curve():
    curve = _prompt(np.geomspace(0.02, 5.0, 30), np.full(30, 1e-3), channel="ll")
    out = rescale_prompt(curve, MinimalDarkPhoton)
    np.testing.assert_allclose(out.lower, curve.lower, rtol=1e-12)
    assert out.valid.all()
    assert out.category == "recast"


def test_prompt_halving_the_branching_ratio_moves_the_limit_by_sqrt2():
    curve = _prompt(np.geomspace(0.002, 5.0, 30), np.geomspace(1e-4, 1e-2, 30))
    out = rescale_prompt(curve, ModifiedDarkPhoton(visible_fraction=0.5), label="half")
    np.testing.assert_allclose(out.lower, math.sqrt(2.0) * curve.lower, rtol=1e-12)
    assert out.label == "half"


def test_prompt_invisible_width_closed_form():
    """With an ε-independent extra width g and visible width ε² w per ε²,
    ε⁴ Γ̂_f/(ε² w + g) = ε²_lim Γ̂_f / w gives ε² = (x/2)(1 + √(1 + 4g/(x w)))."""
    mass = np.geomspace(0.3, 3.0, 12)
    lim = np.full(12, 2e-3)
    extra = 1e-9  # GeV; ε² w at ε = 2e-3 is ~1e-8 GeV, so a 10 % effect
    out = rescale_prompt(_prompt(mass, lim, "mumu"), ModifiedDarkPhoton(invisible_width=extra))
    w = sum(minimal_widths(mass).values())
    x = lim**2
    expected = np.sqrt(0.5 * x * (1 + np.sqrt(1 + 4 * extra / (x * w))))
    np.testing.assert_allclose(out.lower, expected, rtol=1e-12)


def test_dark_sector_width_plugs_in():
    """iDM with a small splitting: Γ(A' → ψ₁ψ₂) ≈ the Dirac width α_D m (1 + 2r)√(1 − 4r)/3
    (r = m_ψ²/m²), so the prompt limit follows the closed form with that extra width."""
    alpha_d, m_psi = 0.1, 0.05
    sector = inelastic_dm(DarkPhoton.from_parameters(mass=0.5, epsilon=1e-3, alpha_dark=alpha_d),
                          m1=m_psi, delta=1e-6)  # fmt: skip
    mass = np.geomspace(0.3, 3.0, 8)
    r = m_psi**2 / mass**2
    dirac = alpha_d * mass * (1 + 2 * r) * np.sqrt(1 - 4 * r) / 3
    model = sector_decays(sector)
    dark = model.total_width(mass, np.zeros_like(mass))
    np.testing.assert_allclose(dark, dirac, rtol=1e-4)  # splitting δ/m_ψ = 2e-5
    lim = np.full(8, 1e-3)
    out = rescale_prompt(_prompt(mass, lim, "mumu"), model)
    w, x = sum(minimal_widths(mass).values()), lim**2
    expected = np.sqrt(0.5 * x * (1 + np.sqrt(1 + 4 * dark / (x * w))))
    np.testing.assert_allclose(out.lower, expected, rtol=1e-12)


def test_dark_sector_with_fixed_mass_ratios():
    """Scaling every mass by λ scales a two-body width by λ: compare with a sector built at
    the other A' mass with the dark-fermion masses scaled."""
    base = DarkPhoton.from_parameters(mass=0.3, epsilon=1e-3, alpha_dark=0.5)
    sector = inelastic_dm(base, m1=0.1, relative_splitting=0.4)
    model = sector_decays(sector, fixed_ratios=True)
    for m in (0.45, 1.2):
        scaled = inelastic_dm(DarkPhoton.from_parameters(mass=m, epsilon=1e-3, alpha_dark=0.5),
                              m1=0.1 * m / 0.3, relative_splitting=0.4)  # fmt: skip
        expected = sector_decays(scaled).total_width(np.array([m]), np.zeros(1))
        np.testing.assert_allclose(
            model.total_width(np.array([m]), np.zeros(1)), expected, rtol=1e-12
        )


def test_prompt_below_threshold_is_masked_and_errors():
    out = rescale_prompt(_prompt([0.1, 0.15, 0.3], [1e-3, 1e-3, 1e-3], "mumu"), MinimalDarkPhoton)
    np.testing.assert_array_equal(out.valid, [False, False, True])  # 2 m_μ = 0.211 GeV
    band = _prompt([0.1, 0.3], [1e-3, 1e-3])
    with pytest.raises(NuportalError, match="not 'band'"):
        rescale_beam_dump(band, MinimalDarkPhoton)
    invisible = _prompt([0.1, 0.3], [1e-3, 1e-3], "invisible")
    with pytest.raises(NuportalError, match="not a visible search"):
        rescale(invisible, MinimalDarkPhoton)
    with pytest.raises(NuportalError, match="visible_fraction"):
        rescale(_prompt([0.1, 0.3], [1e-3, 1e-3]), ModifiedDarkPhoton(visible_fraction=0.0))
    with pytest.raises(NuportalError, match="unknown A' decay channel"):
        rescale(_prompt([0.1, 0.3], [1e-3, 1e-3], "gamma"), MinimalDarkPhoton)


@pytest.mark.data
def test_every_visible_and_beam_dump_curve_reproduced_by_the_minimal_model(data_dir: Path):
    curves = {**load_curves("visible", data_dir), **load_curves("beamdump", data_dir)}
    for key, curve in curves.items():
        out = rescale(curve, MinimalDarkPhoton)
        shown = out.valid
        # only masses below the channel threshold (or a band's closed tip) are dropped
        assert shown.sum() >= curve.valid.sum() - 3, key
        np.testing.assert_allclose(out.lower[shown], curve.lower[shown], rtol=1e-9, err_msg=key)
        if curve.kind == "band":
            np.testing.assert_allclose(out.upper[shown], curve.upper[shown], rtol=1e-9, err_msg=key)


@pytest.mark.data
@pytest.mark.parametrize("decay_ratio", [0.2, 1.0, 5.0])
def test_beam_dump_minimal_model_any_geometry(data_dir: Path, decay_ratio: float):
    curve = load_curve("e137_andreas2012", data_dir)
    out = rescale_beam_dump(curve, MinimalDarkPhoton, decay_ratio=decay_ratio)
    np.testing.assert_allclose(out.lower, curve.lower, rtol=1e-9)
    np.testing.assert_allclose(out.upper, curve.upper, rtol=1e-9)


@pytest.mark.data
def test_beam_dump_invisible_width(data_dir: Path):
    """Long-lived lower edge: N ∝ ε² BR ΔL/ℓ ∝ ε⁴ Γ_ee, independent of an invisible width,
    up to corrections linear in L/ℓ ∝ Γ_tot; the short-lived upper edge moves down."""
    curve = load_curve("e137_andreas2012", data_dir)
    i = np.flatnonzero((curve.mass > 0.01) & (curve.mass < 0.1))
    mass = curve.mass[i]
    width_at_lower = sum(minimal_widths(mass).values()) * curve.lower[i] ** 2

    def extra(factor: float):
        return lambda m: np.interp(m, mass, factor * width_at_lower)

    shifts = []
    for factor in (1.0, 10.0):
        out = rescale_beam_dump(curve, ModifiedDarkPhoton(invisible_width=extra(factor)))
        shifts.append(out.lower[i] / curve.lower[i] - 1.0)
        assert np.all(out.upper[i] <= curve.upper[i])
    assert np.all(shifts[0] >= 0)
    assert np.max(shifts[0]) < 1e-2
    # linear in the extra width while it is small
    np.testing.assert_allclose(shifts[1] / shifts[0], 10.0, rtol=0.1)
    # a width far above the visible one: the A' decays in the dump, nothing is excluded
    gone = rescale_beam_dump(curve, ModifiedDarkPhoton(invisible_width=1e-3))
    assert not gone.valid.any()
