"""Decay tables of a model's new particles: N4, N5, N6, the Z' and the h'.

:func:`decay_table` lists every channel open at the model's masses, with all diagrams of
the channel (see the modules that compute them) and its partial width:

heavy neutral lepton N_i
    ν_α ℓ_β⁻ ℓ_γ⁺ and N_j ℓ_β⁻ ℓ_γ⁺ through W, Z, Z', h' and the photon (dipole) with their
    interferences (:mod:`~nuportal.physics.decays.three_body`); an on-shell Z' or h' is the
    two-body channel instead; N_j ν_b ν̄_c through Z, Z', h'; ν_α Z', N_j Z', ν_α h',
    N_j h', ν_α γ, N_j γ
    (:mod:`~nuportal.physics.decays.two_body`); ν ν ν̄ through the Z (closed form of
    arXiv:1805.08567); for the mixing with active flavours, the hadronic channels: single
    mesons ℓ⁻ P⁺, ν P⁰, ℓ⁻ V⁺, ν V⁰ below 1 GeV, quarks ℓ⁻ u d̄, ν q q̄ with the QCD
    correction above 2 GeV, blended in between (:mod:`~nuportal.physics.decays.hnl_widths`).
Z'
    ℓ⁺ℓ⁻, ν_α ν̄_β, N_i N̄_j and ν N (:mod:`~nuportal.physics.decays.two_body`); hadrons
    from the R-ratio parametrisation with the Z' quark couplings
    (:func:`~nuportal.physics.decays.hadrons.vector_hadronic_width`).
h'
    ℓ⁺ℓ⁻, ν ν̄, N_i N_j; for Higgs mixing (Lagrangian mode) γγ and hadrons
    (:mod:`~nuportal.physics.decays.hadrons`). A generic-mode h' has no quark couplings.

Conventions: a Dirac N decays as a particle (lepton number +1; its antiparticle has the
CP-conjugate table with the same widths). A Majorana N's channel includes its charge
conjugate (label suffix ``+ c.c.``), so each of its partial widths is the Dirac width of
both charge states (2× the Dirac width where that relation holds). Light-neutrino final
states are flavour states ν_e, ν_μ, ν_τ, as in the upscattering amplitudes; decays into the
light states' admixture of the dark flavour (non-zero only when Σ_i |U_Di|² < 1) are not
included.

Not included: the Z' and h' contributions to N → ν ν ν̄ (the Z part is the closed form;
the others need the identical-neutrino antisymmetrisation and are suppressed by the small
Z'/h' couplings of light-neutrino pairs), the W exchange in N_i → N_j ℓℓ (∝ U_βi U_γj), and
meson channels of N through a Z' or h' (the meson channels come from W and Z exchange).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nuportal.constants import (
    CHARGED_LEPTON_MASS,
    PDG_DARK_SCALAR,
    PDG_PHOTON,
    PDG_ZPRIME,
)
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.couplings import chiral_vertex
from nuportal.models.model import Model
from nuportal.physics.decays import hadrons, hnl_leptonic, hnl_widths
from nuportal.physics.decays.table import DecayChannel, DecayTable
from nuportal.physics.decays.three_body import LeptonPairDecay
from nuportal.physics.decays.two_body import (
    fermion_to_photon,
    fermion_to_scalar,
    fermion_to_vector,
    scalar_to_fermions,
    vector_to_fermions,
)

LEPTONS = ("e", "mu", "tau")
_LEPTON_PDG = {"e": 11, "mu": 13, "tau": 15}
_LEPTON_NAME = {"e": "e", "mu": "mu", "tau": "tau"}
_NU_PDG = (12, 14, 16)
_NU_NAME = ("nu_e", "nu_mu", "nu_tau")


def particles(model: Model) -> tuple[str, ...]:
    """Names of the model's unstable new particles (``"N4"``, ..., ``"Zprime"``, ``"hprime"``)."""
    names = [n.name for n in model.heavy]
    if model.has_zprime:
        names.append("Zprime")
    if model.has_scalar:
        names.append("hprime")
    return tuple(names)


def decay_table(model: Model, particle: str) -> DecayTable:
    """The decay table of ``particle`` (``"N4"``, ``"N5"``, ``"N6"``, ``"Zprime"``, ``"hprime"``).

    Widths in GeV; see :class:`~nuportal.physics.decays.table.DecayTable`.

    Examples
    --------
    >>> from nuportal.models import build_model
    >>> table = decay_table(build_model({"m4": 0.5, "Umu4": 1e-3}), "N4")
    >>> table.labels[0]
    'mu- pi+'
    """
    if particle not in particles(model):
        raise NuportalError(unknown_name_message("particle", particle, particles(model)))
    key = (particle, tuple(sorted((k, repr(v)) for k, v in model.parameters.items())))
    table = _TABLES.pop(key, None)
    if table is None:
        if particle == "Zprime":
            table = _zprime_table(model)
        elif particle == "hprime":
            table = _hprime_table(model)
        else:
            table = _heavy_table(model, model.heavy_index(particle))
        if len(_TABLES) >= _CACHED_TABLES:
            del _TABLES[next(iter(_TABLES))]  # the least recently used
    _TABLES[key] = table
    return table


#: decay tables of recently used models, by particle and exact parameter values (a model is
#: a pure function of its parameters and tables are immutable): scans and reweighting ask
#: for the tables of the same model many times
_TABLES: dict[tuple[str, tuple[tuple[str, str], ...]], DecayTable] = {}
_CACHED_TABLES = 256


# ---------------------------------------------------------------------- names
def _neutral_name(model: Model, index: int) -> str:
    return _NU_NAME[index] if index < 3 else model.heavy[index - 3].name


def _neutral_pdg(model: Model, index: int) -> int:
    return _NU_PDG[index] if index < 3 else model.heavy[index - 3].pdgid


def _mediator_widths(model: Model) -> dict[str, float]:
    """Total widths of the Z' and h' (propagators of the three-body decays)."""
    out = {}
    if model.has_zprime:
        out["Zprime"] = _zprime_table(model).total_width
    if model.has_scalar:
        out["hprime"] = _hprime_table(model).total_width
    return out


# ---------------------------------------------------------------------- N_i
def _heavy_table(model: Model, parent: int) -> DecayTable:
    heavy = model.heavy[parent - 3]
    majorana = model.majorana
    suffix = " + c.c." if majorana else ""
    cp = model.couplings
    channels: list[DecayChannel] = []

    def add(label: str, daughters: tuple[int, ...], width: float, kind: str) -> None:
        if width > 0:
            channels.append(DecayChannel(label + suffix, daughters, float(width), kind))

    widths = _mediator_widths(model)
    for d in range(parent):
        name, pdg = _neutral_name(model, d), _neutral_pdg(model, d)
        m_d = 0.0 if d < 3 else model.heavy[d - 3].mass
        # lepton pairs
        for minus in LEPTONS:
            for plus in LEPTONS:
                decay = LeptonPairDecay(model, parent, d, minus, plus, widths=widths)
                if decay.is_open and decay.mediators:
                    label = f"{name} {_LEPTON_NAME[minus]}- {_LEPTON_NAME[plus]}+"
                    daughters = (pdg, _LEPTON_PDG[minus], -_LEPTON_PDG[plus])
                    add(label, daughters, decay.width(), "three-body")
        if d >= 3:  # N_i → N_j ν_b ν̄_c through the neutral bosons
            for b in range(3):
                for c in range(3):
                    nus = (_NU_NAME[b], _NU_NAME[c])
                    decay = LeptonPairDecay(model, parent, d, *nus, widths=widths)
                    if decay.mediators:
                        label = f"{name} {nus[0]} {nus[1]}bar"
                        add(label, (pdg, _NU_PDG[b], -_NU_PDG[c]), decay.width(), "three-body")
        # on-shell mediators and photons; a Majorana vertex into a massless ν covers both
        # helicities, i.e. the channel and its charge conjugate

        def vertex(matrix: np.ndarray, kind: str, d: int = d) -> tuple[complex, complex]:
            return chiral_vertex(
                np.asarray(matrix), d, parent, majorana=majorana, antineutrino=False, kind=kind
            )

        zp = cp.vector("Zprime")
        if zp is not None:
            g = fermion_to_vector(heavy.mass, m_d, zp.mass, *vertex(zp.neutral, "vector"))
            add(f"{name} Zprime", (pdg, PDG_ZPRIME), float(g), "two-body")
        hp = cp.scalar("hprime")
        if hp is not None:
            g = fermion_to_scalar(heavy.mass, m_d, hp.mass, *vertex(hp.neutral, "scalar"))
            add(f"{name} hprime", (pdg, PDG_DARK_SCALAR), float(g), "two-body")
        g = fermion_to_photon(heavy.mass, m_d, *vertex(cp.dipole, "dipole"))
        add(f"{name} gamma", (pdg, PDG_PHOTON), float(g), "two-body")
    mixing2 = np.abs(np.asarray(model.mixing)[:3, parent - 3]) ** 2
    invisible = mixing2.sum() * hnl_leptonic.width_three_neutrinos(heavy.mass)
    add("nu nu nubar", (12, 12, -12), float(invisible) * (2 if majorana else 1), "three-body")
    for label, hadronic, width in _hadronic_channels(heavy.mass, mixing2):
        add(label, hadronic, width * (2 if majorana else 1), "hadronic")
    return DecayTable(heavy.name, heavy.pdgid, heavy.mass, _significant(channels))


#: channels below this fraction of the total width are left out of a table (e.g. the
#: O(|U|⁶) neutral currents into a neutrino flavour the N does not mix with)
NEGLIGIBLE = 1e-9


def _significant(channels: list[DecayChannel]) -> tuple[DecayChannel, ...]:
    total = sum(c.width for c in channels)
    return tuple(c for c in channels if c.width > NEGLIGIBLE * total)


def _hadronic_channels(m_n: float, mixing2: np.ndarray) -> list[tuple[str, tuple[int, ...], float]]:
    """Hadronic channels of a Dirac N through its active mixings |U_αN|²: single mesons
    below 1 GeV, quarks with the QCD correction above 2 GeV, blended in between
    (:mod:`~nuportal.physics.decays.hnl_widths`)."""
    u2 = {flavour: float(x) for flavour, x in zip(LEPTONS, mixing2, strict=True) if x > 0}
    if not u2:
        return []
    table = hnl_widths.minimal_hnl_widths(m_n, u2, kinds=("meson", "quark"))
    return [
        (label.removeprefix("N -> "), daughters, float(width))
        for label, (daughters, _, width) in table.items()
    ]


def _boson_pairs(model: Model, matrix: np.ndarray, kind: str, big: float) -> list[DecayChannel]:
    """Boson → neutral-lepton pairs: ν_a ν̄_b, ν N, N_i N̄_j (Majorana: N_i N_j, ν N)."""
    out: list[DecayChannel] = []
    n = 3 + model.n_heavy
    masses = (0.0, 0.0, 0.0, *model.masses)
    formula = vector_to_fermions if kind == "vector" else scalar_to_fermions
    majorana = model.majorana
    for i in range(n):
        for j in range(n):
            heavy_pair = i >= 3 or j >= 3
            if majorana and heavy_pair and j < i:
                continue  # Majorana: unordered pairs
            maj = majorana and heavy_pair
            c_l, c_r = chiral_vertex(
                np.asarray(matrix), i, j, majorana=maj, antineutrino=False, kind=kind
            )
            width = float(formula(big, masses[i], masses[j], c_l, c_r))
            if maj and i == j:
                width *= 0.5  # identical particles
            if width <= 0:
                continue
            first, second = _neutral_name(model, i), _neutral_name(model, j)
            sign = 1 if maj else -1
            label = f"{first} {second}" if maj else f"{first} {second}bar"
            daughters = (_neutral_pdg(model, i), sign * _neutral_pdg(model, j))
            out.append(DecayChannel(label, daughters, width, "two-body"))
    return out


def _charged_lepton_pairs(
    formula: Callable[..., np.ndarray], big: float, couplings: dict[str, tuple[float, float]]
) -> list[DecayChannel]:
    """Boson → ℓ⁻ℓ⁺ for ℓ = e, μ, τ with the (c_L, c_R) of ``couplings``."""
    return [
        DecayChannel(
            f"{_LEPTON_NAME[f]}- {_LEPTON_NAME[f]}+",
            (_LEPTON_PDG[f], -_LEPTON_PDG[f]),
            float(formula(big, m, m, *couplings[f])),
            "two-body",
        )
        for f, m in CHARGED_LEPTON_MASS.items()
    ]


def _zprime_table(model: Model) -> DecayTable:
    zp = model.couplings.vector("Zprime")
    assert zp is not None
    channels = _charged_lepton_pairs(vector_to_fermions, zp.mass, dict(zp.chiral))
    hadronic = float(hadrons.vector_hadronic_width(zp.mass, chiral=zp))
    channels.append(DecayChannel("hadrons", (), hadronic, "R-ratio"))
    channels += _boson_pairs(model, zp.neutral, "vector", zp.mass)
    return DecayTable("Zprime", PDG_ZPRIME, zp.mass, _significant(channels))


def _hprime_table(model: Model) -> DecayTable:
    hp = model.couplings.scalar("hprime")
    assert hp is not None
    yukawa = {f: (y, y) for f, y in hp.yukawa.items()}
    channels = _charged_lepton_pairs(scalar_to_fermions, hp.mass, yukawa)
    if "theta" in model.parameters:  # Higgs-like couplings to quarks, gluons and W loops
        sin_theta = math.sin(model.parameters["theta"])
        photons = float(hadrons.scalar_diphoton_width(hp.mass, sin_theta))
        channels.append(DecayChannel("gamma gamma", (PDG_PHOTON, PDG_PHOTON), photons, "loop"))
        hadronic = float(hadrons.scalar_hadronic_width(hp.mass, sin_theta))
        channels.append(DecayChannel("hadrons", (), hadronic, "chiral/pQCD"))
    channels += _boson_pairs(model, hp.neutral, "scalar", hp.mass)
    return DecayTable("hprime", PDG_DARK_SCALAR, hp.mass, _significant(channels))
