"""Rescaling of visible (A' → ℓ⁺ℓ⁻, hadrons) dark-photon limits to other A' decay patterns.

The published visible and beam-dump limits assume the minimal dark photon, whose only decays
are A' → e⁺e⁻, μ⁺μ⁻, τ⁺τ⁻ and hadrons with widths ∝ ε². A model whose A' has extra decays
(A' → ψψ into a dark sector, partly or wholly unseen by the search) has smaller visible
branching ratios and, for beam dumps, a shorter lifetime. Following P. Ilten, Y. Soreq,
M. Williams & W. Xue, "Serendipity in dark photon searches", arXiv:1801.04847, Sec. 2 (the
DarkCast method), the number of signal events is written

    N(m, ε) = C(m) ε² BR(A' → f; m, ε) P(ℓ(m, ε)),

with C(m) the production per ε² (the same for the minimal and the new model: the A' is
produced through the same kinetic mixing), f the final state of the search and P the
probability that the A' decays where the search looks. A published limit is N = N_lim.

Prompt searches (P = 1):
    ε²_new BR_new(ε_new) = ε²_lim BR_min, solved for ε_new at each mass. For an
    ε-independent BR this is ε_new = ε_lim √(BR_min / BR_new): halving BR(ee) weakens the
    limit by √2 in ε. The approximation neglects changes of the selection efficiency with
    the A' width and of the resonance line shape (valid for Γ_A' below the mass resolution).

Beam dumps and displaced searches:
    P = exp(−L/ℓ) (1 − exp(−ΔL/ℓ)) for a decay volume of length ΔL behind a shield of length
    L, with the lab decay length ℓ = (p/m) / Γ_tot. With an effective A' momentum per
    experiment, L/ℓ = a(m) ε² k(m, ε) where k = Γ_tot,new / Γ_tot,min (k = 1 for the minimal
    model) and a(m) is the minimal model's L/ℓ at ε = 1. At each mass the published
    contour gives two equations, N(ε_lower) = N(ε_upper) = N_lim; with the geometry ratio
    ΔL/L of the experiment (``decay_ratio``) they fix a(m) (a monotonic equation, solved by
    bisection) and N_lim / C. The new model's excluded band is then where
    ε² BR_new P_new ≥ ε²_lower BR_min P_min(ε_lower). The lower edge (long lifetime,
    P ≈ ΔL/ℓ ∝ Γ_tot) depends only on the partial width into f and so hardly moves with an
    invisible width; the upper edge (exponential suppression) moves to smaller ε as the
    total width grows. The result depends weakly on ΔL/L (see the tests), whose default 1
    is a documented approximation.

The minimal dark photon's widths come from the project's one implementation of A' → ℓℓ and
hadrons (:mod:`nuportal.physics.darkphoton.widths`, built on the two-body closed forms and
the R-ratio); a dark sector's A' → ψψ width plugs in through :func:`sector_decays`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from nuportal.analysis.limits.curves import LimitCurve, check_masses
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.dark_sector import DarkSector
from nuportal.physics.darkphoton.widths import aprime_channels, aprime_to_hadrons, aprime_to_leptons

__all__ = [
    "CHANNELS",
    "DarkPhotonDecays",
    "MinimalDarkPhoton",
    "ModifiedDarkPhoton",
    "minimal_widths",
    "rescale",
    "rescale_beam_dump",
    "rescale_prompt",
    "sector_decays",
]

#: final states of the searches: "ll" is e⁺e⁻ and μ⁺μ⁻ together
CHANNELS = ("ee", "mumu", "tautau", "hadrons", "ll")
_LEPTONS = {"ee": "e", "mumu": "mu", "tautau": "tau"}
#: bisection steps (each halves the bracket of ln ε or ln a: 2⁻⁶⁰ of a 40-unit bracket)
_STEPS = 60

WidthInput = float | Callable[[np.ndarray], np.ndarray]


def minimal_widths(mass: ArrayLike) -> dict[str, np.ndarray]:
    """Partial widths per ε² (GeV) of the minimal dark photon: ee, mumu, tautau, hadrons.

    Leptons: Γ = α m (1 + 2 m_ℓ²/m²) √(1 − 4 m_ℓ²/m²) / 3 (vector coupling ε e);
    hadrons: ε² α m R(m) / 3 from the R-ratio (arXiv:1801.04847, Sec. 2).
    """
    m = check_masses(mass)
    widths = {name: aprime_to_leptons(m, 1.0, lep) for name, lep in _LEPTONS.items()}
    widths["hadrons"] = aprime_to_hadrons(m, 1.0)
    return widths


def _channel_width(widths: dict[str, np.ndarray], channel: str) -> np.ndarray:
    if channel == "ll":
        return widths["ee"] + widths["mumu"]
    if channel not in widths:
        raise NuportalError(unknown_name_message("A' decay channel", channel, CHANNELS))
    return widths[channel]


class DarkPhotonDecays(Protocol):
    """What the rescaling needs of a model's A': widths in GeV at (mass, ε), broadcast."""

    def partial_width(self, channel: str, mass: np.ndarray, eps: np.ndarray) -> np.ndarray:
        """Γ(A' → channel) in GeV (channel one of :data:`CHANNELS`)."""
        ...

    def total_width(self, mass: np.ndarray, eps: np.ndarray) -> np.ndarray:
        """Γ_tot(A') in GeV."""
        ...


@dataclass(frozen=True)
class ModifiedDarkPhoton:
    """A dark photon with the minimal model's partial widths into SM states plus more decays.

    Γ_tot = Γ_min,tot(ε) / ``visible_fraction`` + ``invisible_width``, so that
    BR(A' → SM state) = ``visible_fraction`` × BR_min when ``invisible_width`` is 0 (an
    ε-independent reduction, e.g. a given BR into a visible channel), and an ε-independent
    extra width (e.g. A' → ψψ ∝ α_D) otherwise. Either may be a number or a function of the
    mass array (GeV).

    Parameters
    ----------
    invisible_width : float or callable, optional
        Width in GeV to states the searches do not see, independent of ε (default 0).
    visible_fraction : float or callable, optional
        BR_model / BR_min at zero ``invisible_width`` (0 < f ≤ 1; default 1).
    """

    invisible_width: WidthInput = 0.0
    visible_fraction: WidthInput = 1.0

    @staticmethod
    def _value(spec: WidthInput, mass: np.ndarray, name: str) -> np.ndarray:
        value = np.asarray(spec(mass) if callable(spec) else spec, dtype=float)
        if not np.all(np.isfinite(value)):
            raise NuportalError(f"{name} must be finite")
        return value

    def partial_width(self, channel: str, mass: np.ndarray, eps: np.ndarray) -> np.ndarray:
        return _channel_width(minimal_widths(mass), channel) * np.asarray(eps, float) ** 2

    def total_width(self, mass: np.ndarray, eps: np.ndarray) -> np.ndarray:
        extra = self._value(self.invisible_width, mass, "invisible_width")
        fraction = self._value(self.visible_fraction, mass, "visible_fraction")
        if np.any(extra < 0):
            raise NuportalError("invisible_width must be ≥ 0 (GeV)")
        if np.any((fraction <= 0) | (fraction > 1)):
            raise NuportalError("visible_fraction must lie in (0, 1]")
        minimal = sum(minimal_widths(mass).values()) * np.asarray(eps, float) ** 2
        return minimal / fraction + extra


#: the minimal dark photon (the model the published limits assume)
MinimalDarkPhoton = ModifiedDarkPhoton()


def sector_decays(sector: DarkSector, *, fixed_ratios: bool = False) -> ModifiedDarkPhoton:
    """The A' of a dark sector for the rescaling: Γ(A' → ψ_i ψ_j) as an ε-independent width.

    By default the width is evaluated at each A' mass of a curve with the sector's
    dark-fermion masses and couplings held fixed
    (:func:`nuportal.physics.darkphoton.widths.aprime_channels`). With ``fixed_ratios`` the
    dark-fermion masses scale with m_A' (fixed m_ψ/m_A', the usual benchmark plane); a
    two-body width with dimensionless couplings is homogeneous of degree one in the masses,
    so Γ(m) = Γ(m_A') m / m_A'. Every ψψ decay counts as unseen by the visible searches:
    semi-visible chains give no resonant ℓ⁺ℓ⁻ pair at m_A', and in beam dumps the ψ decay
    products are not counted (conservative: the rescaled limit can only be weaker).
    """
    reference = sector.dark_photon.mass

    def dark(mass: ArrayLike) -> np.ndarray:
        return np.sum([c.width for c in aprime_channels(sector, mass) if c.states], axis=0)

    def dark_width(mass: np.ndarray) -> np.ndarray:
        if fixed_ratios:
            return dark(reference) * np.asarray(mass, float) / reference
        return dark(mass)

    return ModifiedDarkPhoton(invisible_width=dark_width)


def _branching(
    model: DarkPhotonDecays, channel: str, mass: np.ndarray, eps: np.ndarray
) -> np.ndarray:
    total = model.total_width(mass, eps)
    part = model.partial_width(channel, mass, eps)
    return np.where(total > 0, part / np.where(total > 0, total, 1.0), 0.0)


def _bisect(func: Callable[[np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Root of an increasing ``func`` in [lo, hi] (vectorised; func(lo) < 0 ≤ func(hi))."""
    lo, hi = lo.copy(), hi.copy()
    for _ in range(_STEPS):
        mid = 0.5 * (lo + hi)
        up = func(mid) >= 0
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    return 0.5 * (lo + hi)


def _check_curve(curve: LimitCurve, kind: str) -> str:
    if curve.channel is None or curve.channel == "invisible":
        raise NuportalError(
            f"curve {curve.key!r} is not a visible search; invisible limits are recast in "
            "nuportal.analysis.recast, (g-2) curves in nuportal.analysis.limits.gminus2"
        )
    if curve.kind != kind:
        raise NuportalError(f"curve {curve.key!r} is of kind {curve.kind!r}, not {kind!r}")
    return curve.channel


def rescale_prompt(
    curve: LimitCurve, model: DarkPhotonDecays, *, label: str | None = None
) -> LimitCurve:
    """Rescale a prompt visible upper-limit curve to ``model`` (see the module notes).

    Solves ε² BR_model(m, ε) = ε²_lim BR_min(m) for ε at each tabulated mass (bisection in
    ln ε; ε² BR must grow with ε). Where ε² BR_model stays below the published signal up
    to ε = e¹⁵ ε_lim, or the minimal A' cannot decay into the channel, the point is masked.
    """
    channel = _check_curve(curve, "upper")
    br_all = _branching(MinimalDarkPhoton, channel, curve.mass, np.ones_like(curve.mass))
    ok = curve.valid & (br_all > 0)  # below the channel's threshold: nothing to rescale
    mass = curve.mass[ok]
    target = np.log(curve.lower[ok] ** 2 * br_all[ok])

    def excess(log_eps: np.ndarray) -> np.ndarray:
        eps = np.exp(log_eps)
        with np.errstate(divide="ignore"):
            return np.log(eps**2 * _branching(model, channel, mass, eps)) - target

    lo = np.log(curve.lower[ok]) - 10.0
    hi = np.log(curve.lower[ok]) + 15.0
    lower, valid = curve.lower.copy(), np.zeros(curve.mass.shape, dtype=bool)
    valid[ok] = (excess(lo) < 0) & (excess(hi) >= 0)
    lower[ok] = np.exp(_bisect(excess, lo, hi))
    return curve.with_edges(lower, curve.upper, valid, label=label)


def _decay_probability(y: np.ndarray, ratio: float) -> np.ndarray:
    """ln P for L/ℓ = y: ln[exp(−y)(1 − exp(−r y))]."""
    with np.errstate(divide="ignore"):
        return -y + np.log(-np.expm1(-ratio * y))


def rescale_beam_dump(
    curve: LimitCurve,
    model: DarkPhotonDecays,
    *,
    decay_ratio: float = 1.0,
    points: int = 400,
    label: str | None = None,
) -> LimitCurve:
    """Rescale a two-sided (beam-dump or displaced) curve to ``model`` (see the module notes).

    Parameters
    ----------
    curve : LimitCurve
        A ``"band"`` curve of a visible search.
    model : DarkPhotonDecays
        The A' decays (e.g. :class:`ModifiedDarkPhoton`).
    decay_ratio : float, optional
        Effective ΔL/L of the experiment (decay-volume length over distance to it; default 1).
    points : int, optional
        Scan points in ln ε between 1e-10 and 1 used to bracket the new edges, which are
        then refined by bisection.
    label : str, optional
        Label of the result (default: the curve's).

    Returns
    -------
    LimitCurve
        The new excluded band on the same masses; masses where nothing is excluded any more
        are masked. If the excluded set at a mass is not one interval, its outer edges are
        kept.
    """
    channel = _check_curve(curve, "band")
    if not (math.isfinite(decay_ratio) and decay_ratio > 0):
        raise NuportalError(f"decay_ratio (ΔL/L) must be positive, got {decay_ratio}")
    # below the channel's threshold the minimal A' cannot give the signal: nothing to rescale
    br_all = _branching(MinimalDarkPhoton, channel, curve.mass, np.ones_like(curve.mass))
    ok = curve.valid & (curve.upper > curve.lower) & (br_all > 0)
    mass, br_min = curve.mass[ok], br_all[ok]
    x_lo, x_hi = curve.lower[ok] ** 2, curve.upper[ok] ** 2

    def imbalance(log_a: np.ndarray) -> np.ndarray:
        # ln N(ε_lower) − ln N(ε_upper) of the minimal model: increasing in a, from
        # 2 ln(ε_lower/ε_upper)² < 0 at small a to +∞ (so one root)
        a = np.exp(log_a)
        high = np.log(x_hi) + _decay_probability(a * x_hi, decay_ratio)
        return np.log(x_lo) + _decay_probability(a * x_lo, decay_ratio) - high

    log_a = _bisect(imbalance, np.log(1e-8 / x_hi), np.log(1e8 / x_lo))
    a = np.exp(log_a)
    threshold = np.log(x_lo * br_min) + _decay_probability(a * x_lo, decay_ratio)
    col = (slice(None), None)

    def signal(eps: np.ndarray) -> np.ndarray:  # ln(N_new / C) − ln(N_lim / C), shape (n, k)
        m = mass[col]
        k = model.total_width(m, eps) / MinimalDarkPhoton.total_width(m, eps)  # > 0 above threshold
        with np.errstate(divide="ignore"):
            log_n = np.log(eps**2 * _branching(model, channel, m, eps))
        return log_n + _decay_probability(a[col] * eps**2 * k, decay_ratio) - threshold[col]

    # scan ln ε on a fixed grid plus the published edges and their geometric mean (so that a
    # narrow band near the tip of the contour is not stepped over)
    published = np.stack([x_lo, np.sqrt(x_lo * x_hi), x_hi], axis=1) ** 0.5
    grid = np.sort(
        np.hstack(
            [np.broadcast_to(np.geomspace(1e-10, 1.0, points), (mass.size, points)), published]
        ),
        axis=1,
    )
    width = grid.shape[1]
    above = signal(grid) >= 0
    found = above.any(axis=1)
    first = np.argmax(above, axis=1)
    last = width - 1 - np.argmax(above[:, ::-1], axis=1)
    rows = np.arange(mass.size)

    def edge(inside: np.ndarray, outside: np.ndarray) -> np.ndarray:
        # bisection on ln ε between a scan point outside (< 0) and one inside (≥ 0)
        lo, hi = np.log(grid[rows, outside]), np.log(grid[rows, inside])
        for _ in range(_STEPS):
            mid = 0.5 * (lo + hi)
            inn = signal(np.exp(mid)[col])[:, 0] >= 0
            lo, hi = np.where(inn, lo, mid), np.where(inn, mid, hi)
        return np.exp(0.5 * (lo + hi))

    lower = np.where(first > 0, edge(first, np.maximum(first - 1, 0)), grid[:, 0])
    upper = np.where(last < width - 1, edge(last, np.minimum(last + 1, width - 1)), grid[:, -1])
    new_lower, new_upper = curve.lower.copy(), curve.upper.copy()
    new_valid = np.zeros(curve.mass.shape, dtype=bool)
    new_lower[ok], new_upper[ok], new_valid[ok] = lower, upper, found
    return curve.with_edges(new_lower, new_upper, new_valid, label=label)


def rescale(
    curve: LimitCurve,
    model: DarkPhotonDecays,
    *,
    decay_ratio: float = 1.0,
    label: str | None = None,
) -> LimitCurve:
    """Rescale a visible curve: prompt (``"upper"``) or beam dump / displaced (``"band"``,
    with the effective ΔL/L ``decay_ratio``); ``label`` names the result (default: the
    curve's label)."""
    if curve.kind == "band":
        return rescale_beam_dump(curve, model, decay_ratio=decay_ratio, label=label)
    return rescale_prompt(curve, model, label=label)
