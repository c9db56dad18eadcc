"""A built-in approximation of the BNB flux at MiniBooNE (ν mode), for use without data files.

The official MiniBooNE flux table (PRD 79, 072002 (2009), arXiv:0806.1449; the data-directory
file ``fluxes/bnb_miniboone_numode.txt``: ν / cm² / POT per 50 MeV, averaged over the 610.6 cm
sphere at 541 m) is the reference. When no data directory is configured nuportal falls back
to this smooth parametrisation, so that examples and quick estimates run out of the box.
It is **approximate**: :func:`approximate_bnb_flux` returns a :class:`~nuportal.experiments.
fluxes.Flux` with ``is_approximate = True``. Use the table for anything published.

Parametrisation
---------------
For each flavour (νμ, ν̄μ, νe, ν̄e), with φ the flux density in ν / cm² / GeV / POT,

.. math::

    \\ln φ(E) = \\sum_{k=0}^{12} c_k T_k(t) + s\\,[E < 0.2\\ \\mathrm{GeV}], \\qquad
    t = \\frac{2 \\ln E - \\ln E_a - \\ln E_b}{\\ln E_b - \\ln E_a},

where :math:`T_k` are Chebyshev polynomials, :math:`E_a` = 0.025 GeV is the centre of the
first 50 MeV bin and :math:`E_b` the centre of the last bin whose table value exceeds 10⁻³ of
the peak; φ = 0 above that bin (the neglected tail carries < 0.1 % of the flux). The step at
0.2 GeV describes the low-energy component from decays at rest in the target and absorber
(kaon decays at rest give νe up to ≈ 0.23 GeV), which a smooth series cannot follow.

How the constants were obtained
-------------------------------
Ordinary least squares of ln(table density) at the bin centres, every bin of the fitted range
with equal weight (this minimises relative deviations), done once by
``benchmarks/fit_bnb_approx.py`` (rerun it with ``--write`` to regenerate the block below).
Quality against the table, in the bins where the table exceeds 1 % of that flavour's peak
(maximum |approx/table − 1|) and for the integrated flux:

======== ================ ==================
flavour  max deviation    integral deviation
======== ================ ==================
νμ       5.7 % (2.38 GeV)  +0.04 %
ν̄μ       1.9 % (1.68 GeV)  −0.11 %
νe       3.4 % (3.23 GeV)  −0.04 %
ν̄e       5.9 % (3.03 GeV)  −0.06 %
======== ================ ==================

The flux is evaluated at the centres of the table's 50 MeV bins from 0 to 10 GeV (centre
values, the quantity that was fitted) and returned as a histogram on those bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.polynomial import chebyshev
from numpy.typing import ArrayLike, NDArray

from nuportal.errors import NuportalError
from nuportal.experiments.fluxes import FLAVOUR_NAMES, Flux, flavour_pdg

__all__ = ["approximate_bnb_flux", "parametrised_density"]


@dataclass(frozen=True)
class _Fit:
    """Fitted constants of one flavour (see the module docstring)."""

    ln_e_min: float
    ln_e_max: float
    e_cut: float
    step: float
    chebyshev: tuple[float, ...]


# BEGIN FITTED CONSTANTS (written by benchmarks/fit_bnb_approx.py; do not edit)
DEGREE = 12
STEP_GEV = 0.2
FIT_FLOOR = 0.001
PARAMETERS: dict[str, _Fit] = {
    "numu": _Fit(
        ln_e_min=-3.6888794541139363,
        ln_e_max=1.6144254539451395,
        e_cut=5.05,
        step=-0.3393633532821091,
        chebyshev=(
            -17.711902818835256,
            -12.66979021276861,
            4.664249487187639,
            -2.7512830915314828,
            -2.219334788760977,
            5.5956602548593946,
            -6.117233317923098,
            5.509552658286752,
            -4.028515089831066,
            1.8817649138232162,
            -0.6781776961369067,
            0.020385367586894354,
            0.20193832291004138,
        ),
    ),
    "numubar": _Fit(
        ln_e_min=-3.6888794541139363,
        ln_e_max=0.9839493803479697,
        e_cut=2.7,
        step=-0.19162845433124076,
        chebyshev=(
            -9.96638084972104,
            -29.00758677365861,
            15.673745774441528,
            -5.134287873962164,
            -6.6062120721335615,
            12.96484094855223,
            -15.036400443350333,
            12.927610372588195,
            -8.839243100304047,
            4.716427543812034,
            -1.8098912533037974,
            0.41987383129975164,
            -0.03239313272274902,
        ),
    ),
    "nue": _Fit(
        ln_e_min=-3.6888794541139363,
        ln_e_max=1.5943242746240522,
        e_cut=4.95,
        step=0.19268471426442113,
        chebyshev=(
            -30.293753158400637,
            1.3847880817033358,
            -3.94536341470819,
            -0.12791818342729944,
            0.40404189109581795,
            -1.6818756854041772,
            1.6425509503378293,
            -1.4171753469953978,
            0.846535050047806,
            -0.38861359162069486,
            0.10400669262537507,
            -0.010030535048202907,
            -0.006719319447526792,
        ),
    ),
    "nuebar": _Fit(
        ln_e_min=-3.6888794541139363,
        ln_e_max=1.6144254539451395,
        e_cut=5.05,
        step=0.48282163631983954,
        chebyshev=(
            -41.24778934247159,
            17.052394509714446,
            -14.699296344688806,
            4.344323414362113,
            2.2399826605113944,
            -8.274672794681006,
            10.455224157906398,
            -10.058868727564205,
            7.696014636088514,
            -4.777744602331839,
            2.373039748857853,
            -0.8698664794770364,
            0.19131810227256102,
        ),
    ),
}
# END FITTED CONSTANTS

#: the 50 MeV bins of the MiniBooNE flux table, 0-10 GeV
BIN_EDGES_GEV = np.linspace(0.0, 10.0, 201)


def parametrised_density(flavour: int | str, energy: ArrayLike) -> NDArray[np.float64]:
    """The smooth parametrisation φ(E) of the BNB flux at MiniBooNE, ν mode.

    Parameters
    ----------
    flavour : int or str
        14, -14, 12, -12 (or "numu", "numubar", "nue", "nuebar").
    energy : array_like
        Neutrino energy in GeV.

    Returns
    -------
    numpy.ndarray
        Flux density in ν / cm² / GeV / POT (zero for E <= 0 and above the fitted range).
    """
    pdg = flavour_pdg(flavour)
    name = FLAVOUR_NAMES[pdg]
    if name not in PARAMETERS:
        raise NuportalError(
            f"the approximate BNB flux has no {name}; available: {', '.join(PARAMETERS)}"
        )
    p = PARAMETERS[name]
    e = np.asarray(energy, dtype=np.float64)
    inside = (e > 0) & (e < p.e_cut)
    safe = np.where(inside, e, 1.0)
    t = (2.0 * np.log(safe) - p.ln_e_min - p.ln_e_max) / (p.ln_e_max - p.ln_e_min)
    log_phi = chebyshev.chebval(t, np.asarray(p.chebyshev)) + p.step * (safe < STEP_GEV)
    return np.where(inside, np.exp(log_phi), 0.0)


@cache
def approximate_bnb_flux() -> Flux:
    """Approximate BNB flux at MiniBooNE, ν mode (horn +174 kA), without any data file.

    The parametrisation of :func:`parametrised_density` evaluated at the centres of 50 MeV
    bins from 0 to 10 GeV (the binning of the official table). Within 6 % of the official
    MiniBooNE table (PRD 79, 072002) wherever the table exceeds 1 % of its peak, and within
    0.2 % in integrated flux, for each of νμ, ν̄μ, νe, ν̄e.

    Returns
    -------
    Flux
        In ν / cm² / GeV / POT, ``is_approximate = True``, name ``"bnb_miniboone_numode_approx"``.
    """
    centres = 0.5 * (BIN_EDGES_GEV[1:] + BIN_EDGES_GEV[:-1])
    hist = {fl: (BIN_EDGES_GEV, parametrised_density(fl, centres)) for fl in PARAMETERS}
    return Flux(
        "bnb_miniboone_numode_approx",
        hist,
        description=(
            "APPROXIMATE built-in parametrisation of the BNB flux at MiniBooNE, ν mode "
            "(Chebyshev series in ln E fitted to the official table of PRD 79, 072002; "
            "within 6 % where the table exceeds 1 % of its peak, integrals within 0.2 %). "
            "Use the data-directory table fluxes/bnb_miniboone_numode.txt for real work."
        ),
        is_approximate=True,
    )
