"""Closed-form kinematic limits against a direct centre-of-mass computation."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.errors import NuportalError
from nuportal.models import benchmark_model
from nuportal.physics.kinematics import lab_momenta, q2_limits, threshold_energy
from nuportal.physics.nuclei import PROTON, nucleus
from nuportal.physics.upscattering import Channel, Upscattering


def _cm_limits(e, m, big_m):
    """Q² at cos θ* = ±1 from explicit CM four-momenta (textbook route, with mpmath-free
    long double to avoid the cancellation at Q²_min)."""
    e = np.longdouble(e)
    m, big_m = np.longdouble(m), np.longdouble(big_m)
    s = big_m**2 + 2 * big_m * e
    rs = np.sqrt(s)
    p1 = (s - big_m**2) / (2 * rs)
    e2 = (s + m**2 - big_m**2) / (2 * rs)
    p2 = np.sqrt(e2**2 - m**2)
    return -(m**2) + 2 * p1 * (e2 - p2), -(m**2) + 2 * p1 * (e2 + p2)


@pytest.mark.parametrize(("m", "target"), [(0.14, "C12"), (0.4, "Ar40"), (0.01, "p")])
def test_q2_limits_match_cm_frame(m, target):
    big_m = PROTON.mass if target == "p" else nucleus(target).mass
    e = np.array([1.001, 1.5, 4.0, 40.0]) * threshold_energy(m, big_m)
    lo, hi = q2_limits(e, m, big_m)
    ref_lo, ref_hi = _cm_limits(e, m, big_m)
    np.testing.assert_allclose(hi, ref_hi.astype(float), rtol=1e-9)
    np.testing.assert_allclose(lo, ref_lo.astype(float), rtol=1e-6)


def test_threshold_is_where_the_range_opens():
    m, big_m = 0.2, nucleus("C12").mass
    e_th = threshold_energy(m, big_m)
    assert e_th == pytest.approx(((m + big_m) ** 2 - big_m**2) / (2 * big_m))
    lo, hi = q2_limits(np.array([0.999 * e_th, 1.001 * e_th]), m, big_m)
    assert hi[0] == 0.0
    assert hi[1] > lo[1] > 0


def test_lab_momenta_conserve_four_momentum_and_are_on_shell():
    m, big_m = 0.14, nucleus("C12").mass
    e = np.full(5, 1.2)
    lo, hi = q2_limits(e, m, big_m)
    q2 = np.geomspace(lo[0] * 1.0001, hi[0] * 0.9999, 5)
    k1, k2, p1, p2, ok = lab_momenta(e, q2, m, big_m)
    assert ok.all()
    np.testing.assert_allclose(k1 + p1, k2 + p2, rtol=1e-12, atol=1e-12)
    mass2 = k2[:, 0] ** 2 - np.sum(k2[:, 1:] ** 2, axis=1)
    np.testing.assert_allclose(mass2, m**2, rtol=1e-9)
    q = k1 - k2
    np.testing.assert_allclose(-(q[:, 0] ** 2 - np.sum(q[:, 1:] ** 2, axis=1)), q2, rtol=1e-6)


def test_non_finite_input_is_an_error():
    ups = Upscattering(benchmark_model(), Channel(14, "N4", nucleus("C12"), "coherent"))
    with pytest.raises(NuportalError, match="finite"):
        ups.sigma(np.array([1.0, np.nan]))
    with pytest.raises(NuportalError, match="finite"):
        ups.dsigma_dq2(1.0, np.inf)
