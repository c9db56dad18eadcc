"""Every dark-photon limit recast for one dark sector: the API of ``nuportal darkphoton limits``.

For a :class:`~nuportal.models.dark_sector.DarkSector` (the semi-visible dark photon of
arXiv:2302.05410), :func:`recast_all` puts together

* the invisible searches recast self-consistently in ε (:mod:`nuportal.analysis.recast`):
  BaBar mono-photon (arXiv:1702.03327) and NA64 missing energy (arXiv:1906.00176; the
  2016–2022 curve of arXiv:2307.02404 on request, see :data:`INVISIBLE_CURVES`);
* optionally the reach of the modified NA64 search that accepts ψ decays contained in the
  ECAL (:func:`nuportal.analysis.recast.na64.reach`, N_90 = 2.3 at a chosen number of
  electrons on target, with the signal efficiency implied by the published 2019 limit,
  :func:`~nuportal.analysis.recast.na64.calibrated_efficiency`);
* the visible and beam-dump limits of :data:`~nuportal.analysis.limits.plot.DEFAULT_CURVES`
  rescaled with the sector's A' → ψψ width (:func:`~nuportal.analysis.limits.rescale.rescale`
  with :func:`~nuportal.analysis.limits.rescale.sector_decays`);
* the (g−2)_μ band of a chosen anomaly and the (g−2)_e limit
  (:mod:`~nuportal.analysis.limits.gminus2`),

in a :class:`RecastResult` that plots the (m_A', ε) plane, writes its numbers as JSON and
says where a given ε (e.g. 1e-2) is still excluded.

The scan over m_A' needs the sector at other A' masses and couplings. With
``scaling="ratios"`` (default, the benchmark plane of arXiv:2302.05410, e.g.
m_1 = m_A'/3 at fixed Δ) every dark-fermion mass is scaled by m_A' / m_A',ref; with
``scaling="masses"`` the dark fermions keep their masses (below the ψψ threshold the A'
is then a minimal, visibly decaying dark photon). The couplings G_ij and g_D are kept (in
the HNL realisation the small Z-mixing parts of G, which depend on ε, stay at their
reference value).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from nuportal.analysis.limits import gminus2
from nuportal.analysis.limits.curves import LimitCurve, check_masses, load_curve
from nuportal.analysis.limits.plot import DEFAULT_CURVES, plot_limits
from nuportal.analysis.limits.rescale import rescale, sector_decays
from nuportal.analysis.recast import babar, na64
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.generator.darkphoton import SectorModel
from nuportal.models.dark_sector import DarkPhoton, DarkSector

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "DEFAULT_EXPERIMENTS",
    "EXPERIMENTS",
    "INVISIBLE_CURVES",
    "MUON_ANOMALIES",
    "SCALINGS",
    "ExclusionSummary",
    "RecastResult",
    "recast_all",
    "sector_at",
]

#: published invisible curve recast for each invisible search. "na64" is the 2016–2018
#: bremsstrahlung-only limit (2.84e11 EOT), whose production the recast's NA64 sampler
#: simulates; "na64-2023" (9.37e11 EOT) also uses resonant e⁺e⁻ → A' annihilation of shower
#: positrons in 0.2–0.32 GeV (see :mod:`~nuportal.analysis.limits.curves`), not simulated
#: by the recast, so there its recast is only indicative.
INVISIBLE_CURVES = {
    "babar": "babar2017_monophoton_invisible",
    "na64": "na64_2019_invisible",
    "na64-2023": "na64e_2016-2022_invisible",
}
_RECAST: dict[str, Callable[..., list[LimitCurve]]] = {
    "babar": babar.recast,
    "na64": na64.recast,
    "na64-2023": na64.recast,
}
#: experiments of :func:`recast_all`: the invisible searches and the two visible groups
EXPERIMENTS = (*INVISIBLE_CURVES, "visible", "beamdump")
DEFAULT_EXPERIMENTS = ("babar", "na64", "visible", "beamdump")
#: how the dark-fermion masses follow m_A' in a scan (module docstring)
SCALINGS = ("ratios", "masses")
#: names of the (g−2)_μ anomalies of :data:`~nuportal.analysis.limits.gminus2.ANOMALIES`
MUON_ANOMALIES = tuple(sorted(k for k, a in gminus2.ANOMALIES.items() if a.lepton == "mu"))


def sector_at(
    sector: DarkSector, mass: float, epsilon: float, scaling: str = "ratios"
) -> DarkSector:
    """``sector`` with the A' mass ``mass`` (GeV) and mixing ``epsilon``; the dark-fermion
    masses scaled by mass / m_A',ref (``"ratios"``) or kept (``"masses"``)."""
    if scaling not in SCALINGS:
        raise NuportalError(unknown_name_message("mass scaling", scaling, SCALINGS))
    a = sector.dark_photon
    signed = sector.signed_masses
    if scaling == "ratios":
        signed = signed * (mass / a.mass)
        signed.setflags(write=False)
    return replace(
        sector, dark_photon=DarkPhoton(float(mass), float(epsilon), a.g_dark), signed_masses=signed
    )


class ExclusionSummary(NamedTuple):
    """Where one curve excludes ε = ``epsilon``: mass intervals (GeV) of its grid points
    that are excluded and that are not (masses where the source has no limit are in
    neither)."""

    key: str
    label: str
    epsilon: float
    excluded: list[tuple[float, float]]
    allowed: list[tuple[float, float]]


def _runs(mass: np.ndarray, flag: np.ndarray) -> list[tuple[float, float]]:
    """The [first, last] masses of each run of consecutive ``True`` in ``flag``."""
    edges = np.flatnonzero(np.diff(np.r_[0, flag.astype(int), 0]))
    return [
        (float(mass[a]), float(mass[b - 1])) for a, b in zip(edges[::2], edges[1::2], strict=True)
    ]


def _curve_dict(curve: LimitCurve, role: str) -> dict[str, Any]:
    def numbers(values: np.ndarray) -> list[float | None]:
        return [
            float(v) if ok and np.isfinite(v) else None
            for v, ok in zip(values, curve.valid, strict=True)
        ]

    return {
        "key": curve.key,
        "label": curve.label,
        "role": role,
        "experiment": curve.experiment,
        "arxiv": curve.arxiv,
        "cl": curve.cl,
        "kind": curve.kind,
        "channel": curve.channel,
        "mass": curve.mass.tolist(),
        "lower": numbers(curve.lower),
        "upper": numbers(curve.upper),
        "valid": curve.valid.tolist(),
    }


@dataclass(frozen=True, eq=False)
class RecastResult:
    """The limits of :func:`recast_all` for one dark sector.

    Attributes
    ----------
    sector : DarkSector
        The reference sector (its m_A' and ε are those of the input).
    scaling : str
        ``"ratios"`` or ``"masses"`` (module docstring).
    masses : numpy.ndarray
        A' masses (GeV) of the invisible recasts and of the (g−2) numbers.
    invisible : tuple of LimitCurve
        Recast BaBar / NA64 limits, kind ``"band"`` (lower < ε < upper excluded, invalid
        where nothing is excluded; a second curve per search holds a large-ε floor region).
    reach : tuple of LimitCurve
        Modified NA64 search (empty unless requested), one curve per excluded interval.
    visible : tuple of LimitCurve
        Rescaled visible and beam-dump limits, on their published masses.
    published : tuple of LimitCurve
        The published invisible curves that were recast (the plot's background).
    anomaly : str
        Name of the (g−2)_μ anomaly (:data:`~nuportal.analysis.limits.gminus2.ANOMALIES`).
    covered : dict of str to numpy.ndarray
        Per recast key, the masses where its source gives a limit at all (the published
        curve, or a non-zero calibrated efficiency for the reach).
    """

    sector: DarkSector
    scaling: str
    masses: np.ndarray
    invisible: tuple[LimitCurve, ...]
    reach: tuple[LimitCurve, ...]
    visible: tuple[LimitCurve, ...]
    published: tuple[LimitCurve, ...]
    anomaly: str
    covered: dict[str, np.ndarray]

    @property
    def recasts(self) -> tuple[LimitCurve, ...]:
        """The invisible recasts and the modified-search reach (the outlined curves)."""
        return self.invisible + self.reach

    def summary(self, epsilon: float = 1e-2) -> list[ExclusionSummary]:
        """For each recast curve, where ε = ``epsilon`` is excluded and where not."""
        out = []
        for curve in self.recasts:
            inside = curve.valid & (curve.lower < epsilon) & (epsilon < curve.upper)
            out.append(
                ExclusionSummary(
                    curve.key,
                    curve.label,
                    epsilon,
                    _runs(curve.mass, inside),
                    _runs(curve.mass, self.covered[curve.key] & ~inside),
                )
            )
        return out

    def gminus2(self) -> dict[str, np.ndarray]:
        """(g−2) curves at :attr:`masses`: the (g−2)_μ band edges of :attr:`anomaly` at 2σ
        (lower 0 when the anomaly is not significant) and the 3σ (g−2)_e (Rb) limit."""
        band = gminus2.preferred_band(self.masses, self.anomaly, 2.0)
        return {
            "muon_lower": band.lower,
            "muon_upper": band.upper,
            "electron_limit": gminus2.upper_limit(self.masses, "rb", 3.0),
        }

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-able numbers (ε edges ``None`` where there is no limit or no
        upper edge)."""
        a = gminus2.ANOMALIES[self.anomaly]
        roles = [("recast", self.invisible), ("reach", self.reach), ("rescaled", self.visible)]
        return {
            "sector": self.sector.describe(),
            "scaling": self.scaling,
            "masses": self.masses.tolist(),
            "anomaly": {
                "name": self.anomaly,
                "central": a.central,
                "sigma": a.sigma,
                "reference": a.reference,
            },
            "curves": [_curve_dict(c, role) for role, curves in roles for c in curves],
            "gminus2": {k: v.tolist() for k, v in self.gminus2().items()},
        }

    def title(self) -> str:
        """A short figure title: the model, α_D and the dark-fermion masses."""
        a = self.sector.dark_photon
        masses = self.sector.masses[self.sector.masses > 0]
        if self.scaling == "ratios":
            spec = "m_ψ/m_A' = " + ", ".join(f"{m / a.mass:.3g}" for m in masses)
        else:
            spec = "m_ψ = " + ", ".join(f"{m:.3g}" for m in masses) + " GeV"
        return f"{self.sector.name}: α_D = {a.alpha_dark:g}, {spec}"

    def plot(
        self,
        output: str | os.PathLike[str] | None = None,
        *,
        mass_range: tuple[float, float] | None = None,
        eps_range: tuple[float, float] = (1e-6, 1.0),
        title: str | None = None,
    ) -> Figure:
        """The (m_A' [GeV], ε) plane (:func:`~nuportal.analysis.limits.plot.plot_limits`):
        rescaled visible and beam-dump limits shaded, the published invisible limits in pale
        blue, the recasts as coloured outlines, the (g−2) curves; saved to ``output``
        (PDF/PNG by extension) if given. ``mass_range`` defaults to that of :attr:`masses`."""
        return plot_limits(
            curves=[*self.visible, *self.published],
            recast=self.recasts,
            anomaly=self.anomaly,
            mass_range=mass_range or (float(self.masses[0]), float(self.masses[-1])),
            eps_range=eps_range,
            output=output,
            title=self.title() if title is None else title,
        )


def _check_experiments(experiments: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(experiments))
    if not chosen:
        raise NuportalError(f"choose at least one experiment of: {', '.join(EXPERIMENTS)}")
    for name in chosen:
        if name not in EXPERIMENTS:
            raise NuportalError(unknown_name_message("experiment", name, EXPERIMENTS))
    return chosen


def _reach_curves(
    model: SectorModel,
    masses: np.ndarray,
    eot: float,
    n_events: int,
    seed: int,
    data_dir: str | os.PathLike[str] | None,
) -> tuple[tuple[LimitCurve, ...], np.ndarray]:
    """The reach as curves, and where the calibrated efficiency is non-zero."""
    published = load_curve(INVISIBLE_CURVES["na64"], data_dir)
    efficiency = na64.calibrated_efficiency(published, masses, na64.EOT_2019)
    lower, upper = na64.reach(
        model, masses, eot, signal_efficiency=efficiency, n_events=n_events, seed=seed
    )
    out = []
    for j in range(lower.shape[1]):
        found = np.isfinite(lower[:, j])
        suffix = "" if j == 0 else f" {j + 1}"
        out.append(
            replace(
                published,
                key=f"na64_modified_reach{suffix.strip()}",
                label=f"NA64 modified, {eot:.3g} EOT{suffix}",
                experiment=f"modified NA64 search (arXiv:2302.05410), {eot:.3g} electrons on "
                "target, N_90 = 2.3, efficiency of the 2019 search",
                kind="band",
                category="recast",
                mass=masses,
                lower=np.where(found, lower[:, j], 1.0),
                upper=np.where(found, upper[:, j], 1.0),
                valid=found,
            )
        )
    return tuple(out), efficiency > 0


def recast_all(
    sector: DarkSector,
    masses: ArrayLike,
    *,
    experiments: Sequence[str] = DEFAULT_EXPERIMENTS,
    scaling: str = "ratios",
    anomaly: str = gminus2.DEFAULT_MUON,
    na64_reach: float | None = None,
    n_events: int = 20000,
    seed: int = 1,
    data_dir: str | os.PathLike[str] | None = None,
) -> RecastResult:
    """Recast every dark-photon limit for ``sector`` (see the module docstring).

    Parameters
    ----------
    sector : DarkSector
        The dark sector at a reference A' mass (its ε is not used by the limits).
    masses : array_like
        Increasing A' masses in GeV (≥ 2) of the invisible recasts; each costs about 1–3 s
        per search.
    experiments : sequence of str, optional
        Any of :data:`EXPERIMENTS` (default :data:`DEFAULT_EXPERIMENTS`).
    scaling : {"ratios", "masses"}, optional
        How the dark-fermion masses follow m_A' (default: fixed ratios m_ψ/m_A').
    anomaly : str, optional
        The (g−2)_μ anomaly (default the current value, ``"wp2025"``).
    na64_reach : float, optional
        Electrons on target of the modified NA64 search; ``None`` (default) skips it.
    n_events : int, optional
        Kinematic samples per mass and semi-visible chain of the recasts.
    seed : int, optional
        Seed of the recasts' random numbers (the result is reproducible).
    data_dir : path, optional
        The data directory (default: ``NUPORTAL_DATA`` or the user configuration).

    Returns
    -------
    RecastResult

    Examples
    --------
    >>> from nuportal.models.dark_sector import build_dark_sector
    >>> sector = build_dark_sector({"model": "iDM", "maprime": 0.3, "epsilon": 1e-2,
    ...                             "alphaD": 0.1, "m1": 0.1, "Delta": 0.4})
    >>> result = recast_all(sector, [0.1, 0.2, 0.4], experiments=["babar"])  # doctest: +SKIP
    >>> result.plot("limits.pdf")                                             # doctest: +SKIP
    """
    chosen = _check_experiments(experiments)
    m = check_masses(masses).ravel()
    if m.size < 2 or np.any(np.diff(m) <= 0):
        raise NuportalError("give at least two increasing A' masses (GeV)")
    if scaling not in SCALINGS:
        raise NuportalError(unknown_name_message("mass scaling", scaling, SCALINGS))
    if anomaly not in MUON_ANOMALIES:
        raise NuportalError(unknown_name_message("(g-2)_mu anomaly", anomaly, MUON_ANOMALIES))
    if not (isinstance(n_events, int) and n_events > 0):
        raise NuportalError(
            f"the number of samples per mass must be a positive integer, got {n_events}"
        )
    if na64_reach is not None and not (np.isfinite(na64_reach) and na64_reach > 0):
        raise NuportalError(f"electrons on target of the NA64 reach must be > 0, got {na64_reach}")
    model = SectorModel(lambda mass, eps: sector_at(sector, mass, eps, scaling))
    published, invisible = [], []
    covered: dict[str, np.ndarray] = {}
    for name in chosen:
        if name in INVISIBLE_CURVES:
            curve = load_curve(INVISIBLE_CURVES[name], data_dir)
            published.append(curve)
            recast = _RECAST[name](model, curve, n_events=n_events, seed=seed, masses=m)
            invisible.extend(recast)
            covered.update((c.key, curve.evaluate(m).defined) for c in recast)
    decays = sector_decays(sector, fixed_ratios=scaling == "ratios")
    visible = []
    for key in DEFAULT_CURVES:
        curve = load_curve(key, data_dir)
        if curve.category in chosen:
            visible.append(replace(rescale(curve, decays), category=curve.category))
    reach: tuple[LimitCurve, ...] = ()
    if na64_reach is not None:
        reach, defined = _reach_curves(model, m, na64_reach, n_events, seed, data_dir)
        covered.update((c.key, defined) for c in reach)
    return RecastResult(
        sector,
        scaling,
        m,
        tuple(invisible),
        reach,
        tuple(visible),
        tuple(published),
        anomaly,
        covered,
    )
