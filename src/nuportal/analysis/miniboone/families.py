"""Model families for MiniBooNE fits: scan coordinates → nuportal model parameters.

A *family* is a documented configuration of :class:`~nuportal.models.model.Model`: which
parameters are scanned (two masses, or a mass and the coupling), which coupling is
profiled at each mass point, which are held fixed, and which visible final state the
MiniBooNE signal is made of. The families are those of arXiv:2308.02543 (A. Abdullahi,
J. Hoefken Zink, M. Hostert, D. Massaro, S. Pascoli, "A panorama of new-physics
explanations to the MiniBooNE excess"); its fixed parameter values could not be retrieved,
so the fixed values are those of arXiv:1807.09877 (light Z') and of
:mod:`nuportal.models.benchmarks` (heavy mediators); docs/notes/miniboone_panorama_comparison.md
compares them with the authors' public fit code (g_D = 2, |U_D4|² = 1/2, ε = 10⁻² or 8×10⁻⁴).

Scan coordinates
----------------
``m4, m5``
    Heavy-lepton masses [GeV].
``mzprime, mhprime``
    Mediator masses [GeV].
``Umu4sq``
    |U_μ4|², the muon-flavour mixing of N4 (the light admixture of the dark flavour follows
    from unitarity: |U_D4|² = 1 − |U_μ4|², the convention of arXiv:1807.09877 and of the
    benchmark models).
``mu_tr_mu4``
    Transition magnetic moment ν_μ → N4 [GeV⁻¹].

Families
--------
``3+1-light-zprime``
    On-shell N4 → ν Z', Z' → e⁺e⁻ (arXiv:1807.09877): Dirac N4,
    α_D = 0.25, α ε² = 2×10⁻¹⁰; scan m4 × m_Z' (m_Z' < m4) with |U_μ4|² profiled.
``3+1-heavy-zprime``
    Off-shell Z' (m_Z' = 1.25 GeV), N4 → ν e⁺e⁻ (arXiv:1812.08768): α_D = 0.32 (g_D ≈ 2),
    ε = 6.4×10⁻³ (nuportal's ``heavy_zprime_3p1`` benchmark); scan m4 × |U_μ4|².
``3+2-heavy-zprime``
    N5 → N4 e⁺e⁻ through an off-shell Z': m_Z' = 1.25 GeV,
    α_D = 0.32, ε = 6.4×10⁻³, |U_μ5|² = |U_μ4|², |U_D4|² = |U_D5|² = 1/2 − |U_μ4|²;
    scan m5 × m4 with |U_μ4|² profiled.
``transition-magnetic-moment``
    N4 → ν γ through μ_tr (arXiv:1807.09877 App.): no
    mixing; scan m4 × μ_tr; single photons.
``3+1-light-scalar`` / ``3+1-heavy-scalar``
    N4 → ν h' with h' → e⁺e⁻ (on shell, m_h' < m4) or through an off-shell h' (m_h' = 1.25
    GeV): dark Yukawa y_D = 1, h–h' mixing θ = 10⁻³ (illustrative values, not the paper's);
    scan m4 × m_h' (light, |U_μ4|² profiled over 10⁻¹³–10⁻⁶: the coherent h' exchange is
    strong) or m4 × |U_μ4|² (heavy).

    Through Higgs mixing the h' is long-lived (Γ(h' → e⁺e⁻) ∝ θ² m_e²: cτ ≈ 24 km at
    m_h' = 48 MeV, θ = 10⁻³): the generator forces the h' decay into the detector with its
    exact probability (samples are regenerated, not reweighted), and the light-scalar signal
    at these values is ~10⁻⁷ events — no fit. The heavy variant gives no visible signal (the
    off-shell h' → e⁺e⁻ is suppressed by m_e). Illustrative families, not the paper's.

Every family is Dirac by default; ``fermion="majorana"`` gives its Majorana variant.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from nuportal.analysis.scan.grid import Axis, Grid
from nuportal.constants import ALPHA_EM
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.model import Model, build_model

__all__ = ["FAMILIES", "FERMIONS", "MASS_TOLERANCE", "Family", "get_family"]

#: fermion types of every family
FERMIONS = ("dirac", "majorana")
#: relative difference below which two masses count as equal in a family's ordering
MASS_TOLERANCE = 1e-9

#: α ε² of arXiv:1807.09877 (light Z')
_ALPHA_EPSILON2_LIGHT = 2e-10
#: heavy-mediator conventions (the ``heavy_zprime_3p1`` benchmark)
_HEAVY_ZPRIME = {"mzprime": 1.25, "alphaD": 0.32, "epsilon": 6.4e-3}


def _umu4(point: Mapping[str, float]) -> dict[str, float]:
    """Umu4 and UD4 from |U_μ4|² with |U_D4|² = 1 − |U_μ4|²."""
    u2 = float(point["Umu4sq"])
    if not 0.0 < u2 < 1.0:
        raise NuportalError(f"|U_mu4|^2 (Umu4sq) must be in (0, 1), got {u2}")
    return {"Umu4": math.sqrt(u2), "UD4": math.sqrt(1.0 - u2)}


def _light_zprime(point: Mapping[str, float]) -> dict[str, Any]:
    return {
        "m4": point["m4"],
        "mzprime": point["mzprime"],
        "alphaD": 0.25,
        "epsilon": math.sqrt(_ALPHA_EPSILON2_LIGHT / ALPHA_EM),
        **_umu4(point),
    }


def _heavy_zprime(point: Mapping[str, float]) -> dict[str, Any]:
    return {"m4": point["m4"], **_HEAVY_ZPRIME, **_umu4(point)}


def _three_plus_two(point: Mapping[str, float]) -> dict[str, Any]:
    u2 = float(point["Umu4sq"])
    if not 0.0 < u2 < 0.5:
        raise NuportalError(f"|U_mu4|^2 (Umu4sq) must be in (0, 0.5) for 3+2, got {u2}")
    dark = math.sqrt(0.5 - u2)
    return {
        "m4": point["m4"],
        "m5": point["m5"],
        **_HEAVY_ZPRIME,
        "Umu4": math.sqrt(u2),
        "Umu5": math.sqrt(u2),
        "UD4": dark,
        "UD5": dark,
    }


def _dipole(point: Mapping[str, float]) -> dict[str, Any]:
    return {"m4": point["m4"], "mu_tr_mu4": point["mu_tr_mu4"]}


def _scalar(point: Mapping[str, float]) -> dict[str, Any]:
    return {
        "m4": point["m4"],
        "mhprime": point.get("mhprime", 1.25),
        "yD": 1.0,
        "theta": 1e-3,
        **_umu4(point),
    }


@dataclass(frozen=True)
class Family:
    """A model family of MiniBooNE fits.

    Attributes
    ----------
    name : str
        CLI name, e.g. ``"3+1-light-zprime"``.
    description : str
        One line: the process and the fixed parameters.
    final_state : str
        Final state the generator simulates (``"e+e-"`` or ``"photon"``).
    masses : tuple of str
        Mass coordinates of the family (one or two).
    coupling : str
        The coupling coordinate, profiled when it is not a scan axis.
    coupling_range : tuple of float
        Range of the profile (log scale).
    default_axes : tuple of str
        Default grid in :meth:`Axis.parse` form.
    build : callable
        Point (masses and coupling) → model parameters.
    ordering : tuple of (str, str)
        Pairs ``(lighter, heavier)`` that must hold (e.g. m_Z' < m4 for an on-shell Z').
    """

    name: str
    description: str
    final_state: str
    masses: tuple[str, ...]
    coupling: str
    coupling_range: tuple[float, float]
    default_axes: tuple[str, ...]
    build: Callable[[Mapping[str, float]], dict[str, Any]]
    ordering: tuple[tuple[str, str], ...] = ()
    fixed: Mapping[str, float] = field(default_factory=dict)

    @property
    def coordinates(self) -> tuple[str, ...]:
        """All coordinates of a point: the masses and the coupling."""
        return (*self.masses, self.coupling)

    def default_grid(self) -> Grid:
        """The family's default scan grid."""
        return Grid([Axis.parse(a) for a in self.default_axes], self.fixed or None)

    def check_axes(self, names: tuple[str, ...]) -> None:
        """Raise unless ``names`` are two coordinates of the family, including a mass."""
        unknown = [n for n in names if n not in self.coordinates]
        if unknown or len(names) != 2 or not set(names) & set(self.masses):
            raise NuportalError(
                f"a {self.name} scan has two axes among {', '.join(self.coordinates)} "
                f"(at least one mass), got {', '.join(names) or 'none'}"
            )
        missing = [m for m in self.masses if m not in names and m not in self.fixed]
        if missing:
            raise NuportalError(
                f"{self.name}: the mass {', '.join(missing)} is neither scanned nor fixed"
            )

    def allowed(self, point: Mapping[str, float]) -> bool:
        """Whether the mass ordering of the family holds at ``point``: the lighter mass
        below the heavier by more than :data:`MASS_TOLERANCE` (relative), so that masses
        equal up to floating-point rounding (a log grid's 0.2 − 10⁻¹⁷ and 0.2) are not
        ordered."""
        return all(point[lo] < point[hi] * (1.0 - MASS_TOLERANCE) for lo, hi in self.ordering)

    def parameters(self, point: Mapping[str, float], fermion: str = "dirac") -> dict[str, Any]:
        """Model parameters at ``point`` (masses and the coupling) for a fermion type."""
        if fermion not in FERMIONS:
            raise NuportalError(unknown_name_message("fermion type", fermion, FERMIONS))
        missing = [c for c in self.coordinates if c not in point]
        if missing:
            raise NuportalError(f"{self.name}: the point has no value for {', '.join(missing)}")
        if not self.allowed(point):
            order = ", ".join(f"{lo} < {hi}" for lo, hi in self.ordering)
            raise NuportalError(f"{self.name} needs {order}; got {dict(point)}")
        return {**self.build(point), "fermion": fermion}

    def model(self, point: Mapping[str, float], fermion: str = "dirac") -> Model:
        """The :class:`Model` at ``point``."""
        return build_model(self.parameters(point, fermion))


FAMILIES: Mapping[str, Family] = MappingProxyType(
    {
        f.name: f
        for f in (
            Family(
                "3+1-light-zprime",
                "N4 -> nu Z'(on shell) -> nu e+e-; alpha_D = 0.25, alpha eps^2 = 2e-10",
                "e+e-",
                ("m4", "mzprime"),
                "Umu4sq",
                (1e-9, 1e-4),
                ("m4:log:0.05:1.0:8", "mzprime:log:0.01:0.5:8"),
                _light_zprime,
                (("mzprime", "m4"),),
            ),
            Family(
                "3+1-heavy-zprime",
                "N4 -> nu e+e- via an off-shell Z' (1.25 GeV); alpha_D = 0.32, eps = 6.4e-3",
                "e+e-",
                ("m4",),
                "Umu4sq",
                (1e-9, 1e-2),
                ("m4:log:0.05:0.8:8", "Umu4sq:log:1e-8:1e-2:8"),
                _heavy_zprime,
            ),
            Family(
                "3+2-heavy-zprime",
                "N5 -> N4 e+e- via an off-shell Z' (1.25 GeV); alpha_D = 0.32, eps = 6.4e-3",
                "e+e-",
                ("m4", "m5"),
                "Umu4sq",
                (1e-9, 1e-2),
                ("m4:log:0.02:0.5:6", "m5:log:0.1:0.8:6"),
                _three_plus_two,
                (("m4", "m5"),),
            ),
            Family(
                "transition-magnetic-moment",
                "N4 -> nu gamma through a transition magnetic moment nu_mu -> N4",
                "photon",
                ("m4",),
                "mu_tr_mu4",
                (1e-9, 1e-5),
                ("m4:log:0.05:0.8:8", "mu_tr_mu4:log:1e-8:1e-5:8"),
                _dipole,
            ),
            Family(
                "3+1-light-scalar",
                "N4 -> nu h'(on shell) -> nu e+e-; y_D = 1, theta = 1e-3",
                "e+e-",
                ("m4", "mhprime"),
                "Umu4sq",
                (1e-13, 1e-6),
                ("m4:log:0.05:1.0:8", "mhprime:log:0.01:0.5:8"),
                _scalar,
                (("mhprime", "m4"),),
            ),
            Family(
                "3+1-heavy-scalar",
                "N4 -> nu e+e- via an off-shell h' (1.25 GeV); y_D = 1, theta = 1e-3",
                "e+e-",
                ("m4",),
                "Umu4sq",
                (1e-9, 1e-2),
                ("m4:log:0.05:0.8:8", "Umu4sq:log:1e-8:1e-2:8"),
                _scalar,
                fixed={"mhprime": 1.25},
            ),
        )
    }
)


def get_family(name: str) -> Family:
    """The family ``name`` (see :data:`FAMILIES`)."""
    if name not in FAMILIES:
        raise NuportalError(unknown_name_message("model family", name, FAMILIES))
    return FAMILIES[name]
