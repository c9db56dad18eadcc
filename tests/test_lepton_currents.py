"""Closed-form lepton currents of upscattering against the explicit HELAS spinors, and the
amplitudes built on them against the saved output of the explicit-spinor implementation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nuportal.errors import NuportalError
from nuportal.models import build_model
from nuportal.physics import dirac
from nuportal.physics.kinematics import lab_kinematics, lab_momenta, q2_limits
from nuportal.physics.lepton_currents import LINES, LeptonCurrents
from nuportal.physics.nuclei import NEUTRON, PROTON, nucleus
from nuportal.physics.upscattering import Channel, Upscattering


def _explicit(line, k1, k2, helicity):
    """(left row, right column) spinors of the line, from :mod:`nuportal.physics.dirac`."""
    if line == "dirac_antineutrino":
        return dirac.bar(dirac.spinor_v(k1, +1)), dirac.spinor_v(k2, helicity)
    return dirac.bar(dirac.spinor_u(k2, helicity)), dirac.spinor_u(
        k1, -1 if line == "neutrino" else +1
    )


def _points(m, big_m, rng, n=400):
    e = rng.uniform(1.01 * m + m * m / big_m, 6.0, n)
    lo, hi = q2_limits(e, m, big_m)
    q2 = np.exp(np.log(lo) + rng.uniform(0.05, 1.0, n) * np.log(hi / lo))
    return e, q2


@pytest.mark.parametrize(("m", "big_m"), [(0.42, 11.17), (0.01, 0.938), (0.3, 37.2)])
@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("helicity", [+1, -1])
def test_currents_equal_the_explicit_spinor_sandwiches(m, big_m, line, helicity, rng):
    """Away from the forward direction (1 - cos θ > 1e-3, where the explicit spinors' own
    half angle from 1 - p_z/|p| is accurate to ~1e-13) they agree to rounding."""
    e, q2 = _points(m, big_m, rng)
    kin = lab_kinematics(e, q2, m, big_m)
    keep = kin.one_minus_cos > 1e-3
    k1, k2, _, _, _ = lab_momenta(e, q2, m, big_m)
    left, right = _explicit(line, k1, k2, helicity)
    cur = LeptonCurrents(kin, m, helicity, line)
    scale = np.sqrt(2.0 * e * (kin.e_n + kin.p_n))[:, None]  # |u(k₁)| |u(k₂)|
    for got, ref in (
        (cur.vector, dirac.vector_current(left, right, 1.0, 1.0)),
        (cur.scalar[:, None], dirac.scalar_current(left, right, 1.0, 1.0)[:, None]),
        (
            cur.dipole / e[:, None],
            dirac.dipole_current(left, right, k1 - k2, 1.0, 1.0) / e[:, None],
        ),
    ):
        np.testing.assert_allclose((got / scale)[keep], (ref / scale)[keep], rtol=0, atol=1e-12)


@pytest.mark.parametrize("line", LINES)
def test_forward_currents_match_long_double_spinors(line):
    """Near θ = 0 the half angle comes from 1 - cos θ directly: compare with the explicit
    spinors evaluated in long double (80-bit) from the exact lab momenta, whose half angle
    √((1 - cos θ)/2) is good to 1e-19/(1 - cos θ) ≲ 3e-12 here (the double-precision spinors
    only to 1e-16/(1 - cos θ) ≲ 3e-9)."""
    m, big_m = 0.05, 11.17
    e = np.array([0.3, 1.0, 3.0, 5.0])
    lo, _ = q2_limits(e, m, big_m)
    q2 = lo * (1.0 + np.array([0.1, 1.0, 10.0, 100.0]))  # 1 - cos θ from 4e-8 to 2e-4
    kin = lab_kinematics(e, q2, m, big_m)
    ld = np.longdouble
    el, q2l = e.astype(ld), q2.astype(ld)
    e_n = el - q2l / (2 * ld(big_m))
    p_n = np.sqrt(e_n * e_n - ld(m) ** 2)
    cos_t = (2 * el * e_n - ld(m) ** 2 - q2l) / (2 * el * p_n)
    zero = np.zeros_like(el)
    k1 = np.stack([el, zero, zero, el], axis=-1)
    k2 = np.stack([e_n, p_n * np.sqrt(1 - cos_t**2), zero, p_n * cos_t], axis=-1)
    for helicity in (+1, -1):
        left, right = _explicit(line, k1, k2, helicity)
        cur = LeptonCurrents(kin, m, helicity, line)
        ref = dirac.scalar_current(left, right, 1.0, 1.0).astype(complex)
        np.testing.assert_allclose(cur.scalar, ref, rtol=1e-11)
        ref = dirac.vector_current(left, right, 1.0, 1.0).astype(complex)
        np.testing.assert_allclose(cur.vector, ref, rtol=0, atol=1e-13 * np.abs(ref).max())


def test_bad_line_or_helicity_is_an_error():
    kin = lab_kinematics(1.0, 0.1, 0.1, 11.17)
    with pytest.raises(NuportalError, match="lepton line"):
        LeptonCurrents(kin, 0.1, 1, "muon")
    with pytest.raises(NuportalError, match="helicity"):
        LeptonCurrents(kin, 0.1, 0, "neutrino")


#: models of tests/reference/upscattering_amplitudes.npz, written by the explicit-spinor
#: implementation (HELAS spinors of nuportal.physics.dirac, before the closed-form currents)
REFERENCE_MODELS = {
    "zprime_light": {"m4": 0.14, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 0.03, "gD": 1.0,
                     "epsilon": 1e-3},
    "zprime_heavy": {"m4": 0.2, "Umu4": 1e-3, "UD4": 0.9, "mzprime": 1.25, "gD": 1.0,
                     "epsilon": 1e-2},
    "scalar": {"m4": 0.1, "Umu4": 1e-2, "UD4": 0.9, "mzprime": 0.5, "gD": 1.0, "epsilon": 1e-3,
               "mhprime": 0.3, "theta": 1e-3, "yD": 1.0},
    "dipole": {"m4": 0.3, "mu_tr_mu4": 1e-6, "Umu4": 1e-2},
    "dipole_only": {"m4": 0.05, "mu_tr_mu4": 1e-6},
    "light_n": {"m4": 1e-3, "Umu4": 0.1},
    "all": {"m4": 0.25, "Umu4": 1e-2, "Ue4": 3e-3, "UD4": 0.9, "mzprime": 0.2, "gD": 1.0,
            "epsilon": 1e-3, "mhprime": 0.1, "theta": 1e-3, "yD": 1.0, "mu_tr_mu4": 1e-7},
}  # fmt: skip


def test_amplitudes_equal_the_explicit_spinor_implementation():
    """|M|² for 7 models (Z, Z', scalar, dipole), Dirac and Majorana N, ν and ν̄, both
    helicities, coherent C12/Ar40/Pb208 and free or bound nucleons: 392 channels.

    The saved values come from the explicit-spinor code run in long double (80-bit), so they
    are exact for double precision. Relative to the channel's largest |M|², double precision
    loses up to 6.5e-10 (the same for the explicit-spinor code in double: cancellations at
    form-factor zeros and in the spin trace) and 1.3e-9 for a light N (m4 < 0.1 GeV: m²/E²
    in the helicity-flip terms; the explicit spinors in double lose 4.8e-9 there). The
    tolerances are three times the measured ones."""
    data = np.load(Path(__file__).parent / "reference" / "upscattering_amplitudes.npz")
    for key, (e, q2, expected) in zip(data["keys"], data["values"], strict=True):
        name, fermion, flavour, target, regime, bound, helicity = str(key).split("|")
        params = REFERENCE_MODELS[name]
        model = build_model({**params, "fermion": fermion})
        tgt = {"p": PROTON, "n": NEUTRON}.get(target) or nucleus(target)
        channel = Channel(
            int(flavour), "N4", tgt, regime, bound_in=None if bound == "None" else nucleus(bound)
        )
        got = Upscattering(model, channel).amplitude_squared(e, q2, int(helicity))
        atol = (4e-9 if params["m4"] < 0.1 else 2e-9) * np.abs(expected).max()
        np.testing.assert_allclose(got, expected, rtol=0, atol=atol, err_msg=str(key))
