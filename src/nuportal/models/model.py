"""The :class:`Model`: user parameters -> a validated, immutable model with all couplings.

One framework covers

* up to three heavy neutral leptons N4, N5, N6, Dirac or Majorana, with mixing amplitudes
  U_{αi} (α = e, μ, τ and a dark flavour D); the light-neutrino admixtures follow from
  unitarity of the full mixing matrix;
* a dark photon Z' (mass, dark gauge coupling g_D, kinetic mixing ε, optional mass mixing
  ε_Z with the Z), diagonalised exactly against the Z (:mod:`nuportal.models.mixing`);
* a dark scalar h' mixing with the Higgs (angle θ) with a dark Yukawa coupling y_D to the
  dark flavour;
* transition magnetic moments between light neutrinos and N's and among N's;
* a *generic* mode, in which vertex couplings are given directly;
* the minimal HNL (mixing only) as the special case with no dark mediator.

Parameter names (all energies in GeV, dipoles in GeV⁻¹)
--------------------------------------------------------
``m4, m5, m6``
    Heavy-lepton masses; N4 must come first and masses must increase.
``fermion``
    ``"dirac"`` (default) or ``"majorana"``.
``Ue4, Umu4, Utau4, UD4`` (and ``...5``, ``...6``)
    Mixing amplitudes U_{αi} (real or complex).
``mzprime, gD | alphaD, epsilon | chi, epsilonZ``
    Z' mass, dark coupling (g_D or α_D = g_D²/4π), kinetic mixing (photon-like ε or the
    hypercharge χ = ε / cos θ_W), Z–Z' mass mixing.
``mhprime, theta, yD``
    h' mass, h–h' mixing angle, dark Yukawa (h' ν̄_D ν_D).
``mu_tr_e4, mu_tr_mu4, mu_tr_tau4, ..., mu_tr_45, mu_tr_46, mu_tr_56``
    Transition magnetic moments (GeV⁻¹): ``L = (μ/2) N̄_i σ^{μν} P_L ν_α F_μν + h.c.``
``mode = "generic"`` with ``zprime_nu_<ab>``, ``zprime_<f>_V``, ``zprime_<f>_A`` (f = e, mu,
tau, u, d, s, proton, neutron), ``hprime_nu_<ab>``, ``hprime_<f>``
    Direct vertex couplings of the Z' and h' (``<ab>`` = ``mu4`` for ν_μ → N4, ``45`` for
    N4 → N5); the mixing amplitudes still set the Z and W couplings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from nuportal.constants import (
    CHARGED_LEPTON_MASS,
    COS_THETA_W,
    E_CHARGE,
    G_F,
    HIGGS_VEV,
    M_NEUTRON,
    M_PROTON,
    M_W,
    M_Z,
    PDG_N4,
    SIN_THETA_W,
)
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.couplings import CHARGE, FERMIONS, T3, Couplings, ScalarBoson, VectorBoson
from nuportal.models.mixing import NeutralBosonMixing, diagonalise_z_zprime

FLAVOURS = ("e", "mu", "tau", "D")
LIGHT_FLAVOURS = ("e", "mu", "tau")
HEAVY = ("4", "5", "6")
#: nucleon scalar form factor f_N = <N| Σ_q m_q q̄q |N> / m_N (including heavy quarks through
#: the trace anomaly): f_N = 0.30 ± 0.03, Cline, Scott, Kainulainen & Weniger,
#: Phys. Rev. D 88, 055025 (2013), arXiv:1306.4710, Eq. (7).
NUCLEON_SCALAR_FN = 0.30
#: tree-level Z coupling e/(s_W c_W), used in the Z–Z' rotation (keeps the photon-like
#: couplings of a light Z' exact)
G_Z = E_CHARGE / (SIN_THETA_W * COS_THETA_W)
#: W coupling g/√2 normalised to the Fermi constant, g²/(8 m_W²) = G_F/√2
G_W_OVER_SQRT2 = M_W * math.sqrt(2.0 * math.sqrt(2.0) * G_F)
#: normalisation of the physical Z couplings to the Fermi constant, g_Z² = 4√2 G_F m_Z²
#: (ρ = 1), which with ŝ²(0) absorbs the leading radiative corrections to low-Q² neutral
#: currents (PDG 2024 electroweak review, Sec. 10.2)
Z_NORMALISATION = 2.0 * M_Z * math.sqrt(math.sqrt(2.0) * G_F) / G_Z

_NEUTRAL_INDEX = re.compile(r"^(e|mu|tau|4|5|6)(4|5|6)$")
_GENERIC_FERMIONS = (*FERMIONS, "proton", "neutron")


def _parameter_names() -> set[str]:
    names = {"m4", "m5", "m6", "fermion", "mode"}
    names |= {f"U{a}{i}" for a in FLAVOURS for i in HEAVY}
    names |= {"mzprime", "gD", "alphaD", "epsilon", "chi", "epsilonZ"}
    names |= {"mhprime", "theta", "yD"}
    names |= {f"mu_tr_{a}{i}" for a in LIGHT_FLAVOURS for i in HEAVY}
    names |= {"mu_tr_45", "mu_tr_46", "mu_tr_56"}
    pairs = [f"{a}{i}" for a in LIGHT_FLAVOURS for i in HEAVY] + ["45", "46", "56"]
    names |= {f"zprime_nu_{p}" for p in pairs} | {f"hprime_nu_{p}" for p in pairs}
    names |= {f"zprime_{f}_{x}" for f in _GENERIC_FERMIONS for x in ("V", "A")}
    names |= {f"hprime_{f}" for f in _GENERIC_FERMIONS}
    return names


PARAMETER_NAMES = frozenset(_parameter_names())


@dataclass(frozen=True)
class HeavyNeutrino:
    """A heavy neutral lepton: name (``"N4"``), mass (GeV) and PDG number."""

    name: str
    mass: float
    pdgid: int


@dataclass(frozen=True)
class Model:
    """A validated, immutable dark-sector model with all derived couplings.

    Build it with :meth:`Model.from_parameters` (or :func:`nuportal.models.build_model`);
    the constructor is not meant to be called directly.

    Attributes
    ----------
    parameters : Mapping[str, Any]
        The user parameters (normalised: ``alphaD`` -> ``gD``, ``chi`` -> ``epsilon``).
    heavy : tuple[HeavyNeutrino, ...]
        N4, N5, N6 (as many as the model has).
    majorana : bool
        Majorana (True) or Dirac (False) heavy leptons.
    mixing : numpy.ndarray
        Complex 4 x n_heavy matrix U_{αi}, rows e, μ, τ, D.
    couplings : Couplings
        All vertex couplings (see :mod:`nuportal.models.couplings`).
    zz_mixing : NeutralBosonMixing or None
        The Z–Z' diagonalisation (Lagrangian mode with a Z').
    """

    parameters: Mapping[str, Any]
    heavy: tuple[HeavyNeutrino, ...]
    majorana: bool
    mixing: np.ndarray
    couplings: Couplings
    zz_mixing: NeutralBosonMixing | None = field(default=None)

    @classmethod
    def from_parameters(cls, **parameters: Any) -> Model:
        """Build and validate a model from keyword parameters (see the module docstring)."""
        return build_model(parameters)

    @property
    def n_heavy(self) -> int:
        """Number of heavy neutral leptons."""
        return len(self.heavy)

    @property
    def masses(self) -> tuple[float, ...]:
        """Heavy-lepton masses in GeV."""
        return tuple(n.mass for n in self.heavy)

    @property
    def has_zprime(self) -> bool:
        """Whether the model has a Z'."""
        return self.couplings.vector("Zprime") is not None

    @property
    def has_scalar(self) -> bool:
        """Whether the model has an h'."""
        return bool(self.couplings.scalars)

    @property
    def light_admixture(self) -> np.ndarray:
        """Σ_{j light} |U_{αj}|² = 1 - Σ_i |U_{αi}|² for α = e, μ, τ, D (from unitarity)."""
        return 1.0 - np.sum(np.abs(self.mixing) ** 2, axis=1)

    def heavy_index(self, name: str) -> int:
        """Index of ``name`` (``"N4"``...) in the coupling basis (3 for N4)."""
        for i, n in enumerate(self.heavy):
            if n.name == name:
                return 3 + i
        raise NuportalError(
            unknown_name_message("heavy neutrino", name, [n.name for n in self.heavy])
        )

    def describe(self) -> str:
        """A short human-readable summary of the model."""
        kind = "Majorana" if self.majorana else "Dirac"
        parts = [
            f"{len(self.heavy)} {kind} HNL(s): "
            + ", ".join(f"{n.name} = {n.mass:g} GeV" for n in self.heavy)
        ]
        shown = {k: v for k, v in self.parameters.items() if k not in {"m4", "m5", "m6", "fermion"}}
        parts += [
            f"{k} = {v:g}" if isinstance(v, float | int) else f"{k} = {v}" for k, v in shown.items()
        ]
        return "; ".join(parts)


def _number(name: str, value: Any, *, allow_complex: bool = False) -> complex | float:
    if isinstance(value, bool) or not isinstance(value, int | float | complex | np.number):
        raise NuportalError(f"parameter {name!r} must be a number, got {value!r}")
    if isinstance(value, complex | np.complexfloating):
        if not allow_complex:
            raise NuportalError(f"parameter {name!r} must be real, got {value!r}")
        if not (math.isfinite(value.real) and math.isfinite(value.imag)):
            raise NuportalError(f"parameter {name!r} must be finite, got {value!r}")
        return complex(value)
    if not math.isfinite(float(value)):
        raise NuportalError(f"parameter {name!r} must be finite, got {value!r}")
    return float(value)


def _normalise(parameters: Mapping[str, Any]) -> dict[str, Any]:
    for name in parameters:
        if name not in PARAMETER_NAMES:
            raise NuportalError(unknown_name_message("model parameter", name, PARAMETER_NAMES))
    out: dict[str, Any] = {}
    for name, value in parameters.items():
        if name in ("fermion", "mode"):
            out[name] = value
        elif name.startswith(("U", "zprime_nu", "hprime_nu", "mu_tr")):
            out[name] = _number(name, value, allow_complex=True)
        else:
            out[name] = _number(name, value)
    for a, b in (("gD", "alphaD"), ("epsilon", "chi")):
        if a in out and b in out:
            raise NuportalError(f"give either {a!r} or {b!r}, not both")
    if "alphaD" in out:
        if out["alphaD"] < 0:
            raise NuportalError(f"alphaD must be >= 0, got {out['alphaD']}")
        out["gD"] = math.sqrt(4.0 * math.pi * out.pop("alphaD"))
    if "chi" in out:
        out["epsilon"] = out.pop("chi") * COS_THETA_W
    fermion = out.setdefault("fermion", "dirac")
    if fermion not in ("dirac", "majorana"):
        raise NuportalError(f"fermion must be 'dirac' or 'majorana', got {fermion!r}")
    mode = out.setdefault("mode", "lagrangian")
    if mode not in ("lagrangian", "generic"):
        raise NuportalError(f"mode must be 'lagrangian' or 'generic', got {mode!r}")
    generic = [k for k in out if k.startswith(("zprime_", "hprime_"))]
    if generic and mode != "generic":
        raise NuportalError(
            f"vertex couplings {sorted(generic)} need mode = 'generic' "
            "(in the Lagrangian mode they follow from gD, epsilon, theta, yD)"
        )
    if mode == "generic":
        lagrangian = [k for k in ("gD", "epsilon", "epsilonZ", "theta", "yD") if k in out]
        if lagrangian:
            raise NuportalError(
                f"{lagrangian} are Lagrangian parameters; not allowed with mode = 'generic'"
            )
    return out


def _heavy_states(p: Mapping[str, Any]) -> tuple[HeavyNeutrino, ...]:
    states: list[HeavyNeutrino] = []
    for k, i in enumerate(HEAVY):
        name = f"m{i}"
        if name not in p:
            break
        if p[name] <= 0:
            raise NuportalError(f"{name} must be a positive mass in GeV, got {p[name]}")
        if states and p[name] <= states[-1].mass:
            raise NuportalError(
                f"heavy-lepton masses must increase: m{i} = {p[name]} <= "
                f"m{int(i) - 1} = {states[-1].mass}"
            )
        states.append(HeavyNeutrino(f"N{i}", p[name], PDG_N4 + k))
    extra = [f"m{i}" for i in HEAVY[len(states) :] if f"m{i}" in p]
    if extra:
        raise NuportalError(
            f"{extra} given without the lighter heavy leptons (give m4 first, then m5, m6)"
        )
    if not states:
        raise NuportalError("a model needs at least one heavy neutral lepton: give m4 (GeV)")
    n = len(states)
    used = [k for k in p if re.match(r"^(U\w+|mu_tr_\w+|\w+_nu_\w+)$", k) and int(k[-1]) > n + 3]
    if used:
        raise NuportalError(
            f"{sorted(used)} refer to heavy leptons the model does not have (it has {n})"
        )
    return tuple(states)


def _mixing_matrix(p: Mapping[str, Any], n: int) -> np.ndarray:
    u = np.zeros((4, n), complex)
    for r, a in enumerate(FLAVOURS):
        for c in range(n):
            u[r, c] = p.get(f"U{a}{c + 4}", 0.0)
    rows = np.sum(np.abs(u) ** 2, axis=1)
    for a, total in zip(FLAVOURS, rows, strict=True):
        if total > 1.0 + 1e-12:
            raise NuportalError(
                f"Σ_i |U_{a}i|² = {total:g} exceeds 1 (unitarity of the mixing matrix)"
            )
    cols = np.sum(np.abs(u) ** 2, axis=0)
    for c, total in enumerate(cols):
        if total > 1.0 + 1e-12:
            raise NuportalError(
                f"Σ_α |U_α{c + 4}|² = {total:g} exceeds 1 (unitarity of the mixing matrix)"
            )
    return u


def _flavour_projection(u: np.ndarray) -> np.ndarray:
    """X[β, a]: component of flavour β in basis state a (light flavour states, then N's).

    For heavy a = N_i, X = U_{βi}. For the light flavour state ν_α, produced as
    Σ_{n light} U*_{αn}|ν_n>, X[β, α] = Σ_{n light} U_{βn} U*_{αn} = δ_βα - Σ_k U_{βk} U*_{αk}
    by unitarity (sums over heavy k).
    """
    projector = np.eye(4) - u @ u.conj().T
    return np.concatenate([projector[:, :3], u], axis=1)


def _neutral_matrix(x: np.ndarray, weights: tuple[float, float, float, float]) -> np.ndarray:
    """G[a, b] = Σ_β w_β X*[β, a] X[β, b]: the current Σ_β w_β ν̄_β γ P_L ν_β in our basis."""
    return x.conj().T @ (np.asarray(weights)[:, None] * x)


def _fermion_currents() -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Chiral couplings of the Z₀ current g_Z (T₃ - s²Q) and of hypercharge Y = Q - T₃."""
    z0 = {
        f: (G_Z * (T3[f] - SIN_THETA_W**2 * CHARGE[f]), -G_Z * SIN_THETA_W**2 * CHARGE[f])
        for f in FERMIONS
    }
    hyper = {f: (CHARGE[f] - T3[f], CHARGE[f]) for f in FERMIONS}
    return z0, hyper


def _dipoles(p: Mapping[str, Any], n: int) -> np.ndarray:
    d = np.zeros((3 + n, 3 + n), complex)
    for name, value in p.items():
        if not name.startswith("mu_tr_"):
            continue
        a, b = _pair(name.removeprefix("mu_tr_"))
        d[b, a] = value  # ν_a -> ν_b (b heavier)
    return d


def _pair(label: str) -> tuple[int, int]:
    match = _NEUTRAL_INDEX.match(label)
    if match is None:  # pragma: no cover - names were validated
        raise NuportalError(f"bad coupling label {label!r}")
    first = {"e": 0, "mu": 1, "tau": 2}.get(match.group(1))
    a = first if first is not None else int(match.group(1)) - 1
    return a, int(match.group(2)) - 1


def _generic_neutral(p: Mapping[str, Any], prefix: str, n: int) -> np.ndarray:
    g = np.zeros((3 + n, 3 + n), complex)
    for name, value in p.items():
        if name.startswith(prefix):
            a, b = _pair(name.removeprefix(prefix))
            g[b, a] = value
            g[a, b] = np.conj(value)
    return g


def _generic_chiral(p: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    vec = {f: p.get(f"zprime_{f}_V", 0.0) for f in FERMIONS}
    ax = {f: p.get(f"zprime_{f}_A", 0.0) for f in FERMIONS}
    v_p, v_n = p.get("zprime_proton_V"), p.get("zprime_neutron_V")
    if v_p is not None or v_n is not None:
        if vec["u"] or vec["d"]:
            raise NuportalError("give the Z' vector couplings to quarks or to nucleons, not both")
        v_p, v_n = v_p or 0.0, v_n or 0.0
        vec["u"], vec["d"] = (2 * v_p - v_n) / 3, (2 * v_n - v_p) / 3
    if "zprime_proton_A" in p or "zprime_neutron_A" in p:
        raise NuportalError(
            "axial Z' couplings are given per quark (zprime_u_A, zprime_d_A, zprime_s_A)"
        )
    return {f: (vec[f] + ax[f], vec[f] - ax[f]) for f in FERMIONS}


def _z_boson(
    x: np.ndarray, mix: NeutralBosonMixing | None, m_zprime: float
) -> tuple[VectorBoson, VectorBoson | None]:
    z0_f, hyper = _fermion_currents()
    active = _neutral_matrix(x, (1, 1, 1, 0))
    dark = _neutral_matrix(x, (0, 0, 0, 1))
    g_z0 = 0.5 * G_Z * active
    if mix is None:
        return combine_z((1.0, 0.0), g_z0, z0_f, g_z0, z0_f), None
    xcoef = E_CHARGE * mix.eta / COS_THETA_W
    g_x = xcoef * (-0.5) * active + mix.dark_gauge_coupling * dark
    x_f = {f: (xcoef * cl, xcoef * cr) for f, (cl, cr) in hyper.items()}

    z = combine_z(mix.z_components, g_z0, z0_f, g_x, x_f)
    zp = _combine(mix.zprime_components, g_z0, z0_f, g_x, x_f, "Zprime", m_zprime, 1.0)
    return z, zp


def combine_z(
    c: tuple[float, float], g_a: np.ndarray, f_a: dict, g_b: np.ndarray, f_b: dict
) -> VectorBoson:
    """The physical Z, normalised to G_F (:data:`Z_NORMALISATION`)."""
    return _combine(c, g_a, f_a, g_b, f_b, "Z", M_Z, Z_NORMALISATION)


def _combine(
    c: tuple[float, float],
    g_a: np.ndarray,
    f_a: dict,
    g_b: np.ndarray,
    f_b: dict,
    name: str,
    mass: float,
    scale: float,
) -> VectorBoson:
    """The boson c₀·(current a) + c₁·(current b), all couplings times ``scale``."""
    chiral = {
        f: (
            scale * (c[0] * f_a[f][0] + c[1] * f_b[f][0]),
            scale * (c[0] * f_a[f][1] + c[1] * f_b[f][1]),
        )
        for f in FERMIONS
    }
    return VectorBoson(name, mass, scale * (c[0] * g_a + c[1] * g_b), chiral)


def build_model(parameters: Mapping[str, Any]) -> Model:
    """Validate ``parameters`` and derive every coupling; see :mod:`nuportal.models.model`.

    Raises
    ------
    NuportalError
        For unknown names (with the closest valid one), non-finite or negative masses,
        masses not increasing, mixing rows or columns beyond unitarity, inconsistent
        combinations (e.g. ``gD`` without ``mzprime``).
    """
    p = _normalise(parameters)
    heavy = _heavy_states(p)
    n = len(heavy)
    u = _mixing_matrix(p, n)
    x = _flavour_projection(u)
    generic = p["mode"] == "generic"

    zprime_keys = [k for k in p if k in ("gD", "epsilon", "epsilonZ") or k.startswith("zprime_")]
    if zprime_keys and "mzprime" not in p:
        raise NuportalError(f"{sorted(zprime_keys)} given without the Z' mass 'mzprime'")
    scalar_keys = [k for k in p if k in ("theta", "yD") or k.startswith("hprime_")]
    if scalar_keys and "mhprime" not in p:
        raise NuportalError(f"{sorted(scalar_keys)} given without the h' mass 'mhprime'")
    for key in ("mzprime", "mhprime"):
        if key in p and p[key] <= 0:
            raise NuportalError(f"{key} must be a positive mass in GeV, got {p[key]}")

    mix: NeutralBosonMixing | None = None
    if "mzprime" in p and not generic:
        mix = diagonalise_z_zprime(
            p["mzprime"], p.get("epsilon", 0.0), p.get("gD", 0.0), p.get("epsilonZ", 0.0)
        )
    z_boson, zprime = _z_boson(x, mix, p.get("mzprime", 0.0))
    if "mzprime" in p and generic:
        zprime = VectorBoson(
            "Zprime", p["mzprime"], _generic_neutral(p, "zprime_nu_", n), _generic_chiral(p)
        )
    vectors = (z_boson,) if zprime is None else (z_boson, zprime)

    scalars: tuple[ScalarBoson, ...] = ()
    if "mhprime" in p:
        if generic:
            yuk = {f: float(p.get(f"hprime_{f}", 0.0)) for f in FERMIONS}
            nucleon = (float(p.get("hprime_proton", 0.0)), float(p.get("hprime_neutron", 0.0)))
            neutral = _generic_neutral(p, "hprime_nu_", n)
        else:
            sin_t = math.sin(p.get("theta", 0.0))
            yuk = {
                f: sin_t * CHARGED_LEPTON_MASS[f] / HIGGS_VEV if f in CHARGED_LEPTON_MASS else 0.0
                for f in FERMIONS
            }
            nucleon = tuple(
                sin_t * NUCLEON_SCALAR_FN * m / HIGGS_VEV for m in (M_PROTON, M_NEUTRON)
            )
            neutral = (
                math.cos(p.get("theta", 0.0)) * p.get("yD", 0.0) * _neutral_matrix(x, (0, 0, 0, 1))
            )
        scalars = (ScalarBoson("hprime", p["mhprime"], neutral, yuk, nucleon),)

    couplings = Couplings(
        n_heavy=n,
        majorana=p["fermion"] == "majorana",
        vectors=vectors,
        scalars=scalars,
        dipole=_dipoles(p, n),
        charged=G_W_OVER_SQRT2 * x[:3, :],
    )
    u.setflags(write=False)
    return Model(
        parameters=MappingProxyType(dict(p)),
        heavy=heavy,
        majorana=p["fermion"] == "majorana",
        mixing=u,
        couplings=couplings,
        zz_mixing=mix,
    )
