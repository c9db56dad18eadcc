"""The tabulated spin decomposition A + B·ŝ of the three-body decay density.

Independent reference: the exact explicit-spinor density of
:meth:`LeptonPairDecay.mapped_density` at random points and orientations. The table is
exact in the orientation (linearity of a spin-½ density matrix) and interpolated in the
Dalitz variables, so it must agree everywhere to interpolation accuracy.
"""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.models import benchmark_model
from nuportal.physics.decays.channels import decay_table
from nuportal.physics.decays.three_body import LeptonPairDecay

CASES = [
    ("light_zprime_3p1", "e", True, {}),  # on-shell 30 MeV Z' (arctan map)
    ("heavy_zprime_3p1", "e", False, {"fermion": "majorana"}),  # flat map, e threshold
    ("minimal_hnl", "mu", False, {}),  # W + Z, muon threshold
    ("dipole", "e", False, {}),  # photon pole (log map)
]


def _decay(name: str, lepton: str, on_shell: bool, overrides: dict) -> LeptonPairDecay:
    model = benchmark_model(name, **overrides)
    widths = {"Zprime": decay_table(model, "Zprime").total_width} if model.has_zprime else {}
    return LeptonPairDecay(model, 3, 1, lepton, lepton, widths=widths, on_shell=on_shell)


@pytest.mark.parametrize(("name", "lepton", "on_shell", "overrides"), CASES)
@pytest.mark.parametrize("conjugate", [False, True])
def test_table_reproduces_the_exact_density(name, lepton, on_shell, overrides, conjugate):
    decay = _decay(name, lepton, on_shell, overrides)
    rng = np.random.default_rng(3)
    n = 40_000
    t, u = rng.random(n), rng.random(n)
    cos_theta, chi = rng.uniform(-1.0, 1.0, n), rng.uniform(0.0, 2.0 * np.pi, n)
    s23, _ = decay._s23_map(t)
    lo, hi = decay.s13_limits(s23)
    for helicity in (-1, 1):
        exact = decay.mapped_density(t, u, cos_theta, chi, helicity, conjugate=conjugate)
        table = decay.spin_table(conjugate)(t, u, cos_theta, chi, helicity) * (hi - lo)
        scale = exact.mean()
        # pointwise: interpolation error 1e-3 of the mean density on average (measured
        # 2e-6 ... 1.5e-4); the integral (the width) to 1e-4 (measured < 5e-6)
        assert np.mean(np.abs(table - exact)) < 1e-3 * scale
        assert table.mean() == pytest.approx(scale, rel=1e-4)


def test_weighted_decays_have_unit_mean_weight():
    """Σ weights / n → 1 (the weights are dΓ/dΦ/(Γ₁ p(Φ)) with the exact width Γ₁)."""
    decay = _decay("heavy_zprime_3p1", "e", False, {})
    rng = np.random.default_rng(7)
    weights = np.concatenate([decay.sample_weighted(100_000, h, rng)[3] for h in (-1, 1)])
    error = weights.std() / np.sqrt(weights.size)
    assert abs(weights.mean() - 1.0) < 4 * error
    # importance sampling from the table: only the variation of A inside a grid cell is
    # left in the weights (measured rms 2.2-3.8 % for the four benchmark models, 64 x 32 grid)
    assert weights.std() < 0.05


@pytest.mark.parametrize(("name", "lepton", "on_shell", "overrides"), CASES)
@pytest.mark.parametrize("conjugate", [False, True])
def test_one_pass_proposal_equals_its_pieces(name, lepton, on_shell, overrides, conjugate):
    """:meth:`LeptonPairDecay.sample_weighted` (one compiled pass) draws the same numbers and
    gives the same decays as :meth:`SpinTable.sample`, the s₂₃ map, the Dalitz limits and
    :meth:`LeptonPairDecay.oriented_momenta` composed (to rounding)."""
    decay = _decay(name, lepton, on_shell, overrides)
    n = 5_000
    rng_one, rng_pieces = np.random.default_rng(9), np.random.default_rng(9)
    *momenta, weight = decay.sample_weighted(n, +1, rng_one, conjugate=conjugate)
    t, u, cos_theta, chi, ratio = decay.spin_table(conjugate).sample(
        n, +1, rng_pieces, measured=False
    )
    phi = rng_pieces.uniform(0.0, 2.0 * np.pi, n)
    s23, _ = decay._s23_map(t)
    lo, hi = decay.s13_limits(s23)
    _, *expected = decay.oriented_momenta(
        s23, lo + (hi - lo) * u, cos_theta, chi, phi, conjugate=conjugate
    )
    np.testing.assert_allclose(weight, (hi - lo) * ratio / decay.charge_state_width, rtol=1e-12)
    for k, ref in zip(momenta, expected, strict=True):
        np.testing.assert_allclose(k, ref, rtol=0, atol=1e-13 * decay.m_parent)
    assert rng_one.random() == rng_pieces.random()
