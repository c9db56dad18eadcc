"""Decay modes of the upscattered heavy lepton and their kinematics.

:func:`decay_modes` turns the decay table of N_i into the modes the generator simulates for
a requested visible final state, each with its branching ratio taken from the *full* table
(never renormalised):

* ``"e+e-"`` / ``"mu+mu-"``: N → X ℓ⁻ℓ⁺ (three-body, X = ν or N_j) and the cascades
  N → X Z' → X ℓ⁻ℓ⁺ and N → X h' → X ℓ⁻ℓ⁺ (weight BR(N → X Z') BR(Z' → ℓℓ));
* ``"emu"``: N → ν ℓ_β⁻ ℓ_γ⁺ with one electron and one muon (charged and neutral currents);
* ``"photon"``: N → X γ;
* ``"meson"``: the single-meson channels of the minimal HNL, N → ℓ⁻ P⁺, ν P⁰, ℓ⁻ V⁺, ν V⁰
  (P = π, K, D, D_s, η, η'; V = ρ, K*, ω, φ, ...), the meson written as a final-state
  particle for the detector simulation to decay;
* ``"any"``: all of these.

Kinematics in the N rest frame with the spin along +z (the helicity axis), for the N
helicity of its production:

* three-body and cascades: :meth:`~nuportal.physics.decays.three_body.LeptonPairDecay.sample`
  (cascades as the three-body decay through the on-shell mediator of the model's width, which
  keeps the spin correlation of N → X Z'(λ) → X ℓℓ; the mediator four-momentum is ℓ⁻ + ℓ⁺
  and it decays at the N decay vertex);
* two-body N → X γ and N → f M (meson): cos θ of X or f from the analysing power of the
  vertex (:mod:`~nuportal.physics.decays.polarised`): the dipole for γ; for a pseudoscalar
  f_P p_μ ū_f γ^μ P_L u_N = f_P ū_f (m_N P_R − m_f P_L) u_N, a scalar vertex with
  (c_L, c_R) = (−m_f, m_N); for a vector meson ū_f ε̸* P_L u_N (c_L = 1).

A Majorana N decays into a light neutrino or antineutrino (and the charge-conjugate lepton
pair) with equal probability, a Dirac anti-N (from an antineutrino) into the CP-conjugate
final states; the decay distributions of the conjugate channel are used for those.
For a heavy daughter N_j of a three-body, cascade or photon mode, the sample also holds its
polarisation four-vector (:attr:`DecaySample.daughter_spin`), from which its own decay can be
oriented; after N_i → N_j γ it is longitudinal,
:func:`~nuportal.physics.decays.polarised.photon_daughter_helicity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nuportal.constants import PDG_PHOTON, mass
from nuportal.errors import NuportalError
from nuportal.models.couplings import chiral_vertex
from nuportal.models.model import Model
from nuportal.physics.decays.channels import decay_table, particles
from nuportal.physics.decays.polarised import (
    analysing_power,
    photon_daughter_helicity,
    sample_cos_theta,
)
from nuportal.physics.decays.table import DecayTable
from nuportal.physics.decays.three_body import LeptonPairDecay

FINAL_STATES = ("e+e-", "mu+mu-", "emu", "photon", "meson", "any")
_PAIR = {"e+e-": ("e", "e"), "mu+mu-": ("mu", "mu")}
_MIXED = (("e", "mu"), ("mu", "e"))
_LEPTON_NAME = {"e": "e", "mu": "mu"}
_LEPTON_PDG = {"e": 11, "mu": 13}
_NU = ("nu_e", "nu_mu", "nu_tau")
_NU_PDG = (12, 14, 16)


@dataclass(frozen=True)
class DecayMode:
    """One simulated decay mode of the heavy lepton.

    Attributes
    ----------
    label : str
        E.g. ``"N4 -> nu_mu Zprime(-> e- e+)"``.
    branching : float
        Branching ratio of the whole chain (product of the tables' BRs).
    kind : str
        ``"pair"`` (three-body or cascade), ``"photon"`` or ``"meson"``.
    daughter : int
        Basis index of the neutral daughter (0–2 light flavours, 3+ heavy); for a meson
        mode the flavour index of its lepton or neutrino.
    daughter_pdg : int
        PDG number of the neutral daughter (meson modes: of the lepton or neutrino).
    lepton : str
        ``"e"`` or ``"mu"``: the ℓ⁻ of a pair.
    mediator_pdg : int
        PDG number of the intermediate Z'/h' of a cascade, 0 otherwise.
    plus : str
        The ℓ⁺ of a pair (``lepton`` when empty).
    meson_pdg : int
        PDG number of the meson of a meson mode.
    """

    label: str
    branching: float
    kind: str
    daughter: int
    daughter_pdg: int
    lepton: str = ""
    mediator_pdg: int = 0
    plus: str = ""
    meson_pdg: int = 0


@dataclass
class DecaySample:
    """Decay products of a group of events in the N rest frame (spin along +z).

    Attributes
    ----------
    momenta : list of numpy.ndarray
        Four-momenta (n, 4) of the written products: X, [mediator], ℓ⁻, ℓ⁺ (or X, γ, or
        the lepton or neutrino and the meson).
    pdgs : list of numpy.ndarray
        Their PDG numbers (n,) per event, the CP conjugation of ``conjugate`` applied.
    conjugate : numpy.ndarray
        Boolean (n,): the CP-conjugate final state (a Majorana N into a light neutrino, at
        random; a Dirac anti-N, always).
    weight : numpy.ndarray
        Kinematic weights (mean 1; all 1 for unweighted decays).
    daughter_spin : numpy.ndarray or None
        Covariant polarisation four-vectors S^μ (n, 4) of a heavy daughter N_j (the first
        product) in this frame (:meth:`LeptonPairDecay.daughter_polarisation`: S·k = 0,
        −S² = |P⃗|² ≤ 1; for the CP-conjugate events that of anti-N_j); after N_i → N_j γ
        longitudinal, S = P_L (|k⃗|, E k̂)/m with P_L of
        :func:`~nuportal.physics.decays.polarised.photon_daughter_helicity`. None when the
        daughter is not a heavy N or the mode is a meson mode.
    """

    momenta: list[np.ndarray]
    pdgs: list[np.ndarray]
    conjugate: np.ndarray
    weight: np.ndarray
    daughter_spin: np.ndarray | None = None


def decay_modes(model: Model, heavy: str, final_state: str) -> list[DecayMode]:
    """The simulated decay modes of ``heavy`` for ``final_state`` (see module docstring)."""
    if final_state not in FINAL_STATES:
        raise NuportalError(
            f"unknown final state {final_state!r}; allowed: {', '.join(FINAL_STATES)}"
        )
    table = decay_table(model, heavy)
    names = {c.label.removesuffix(" + c.c."): c for c in table.channels}
    index = model.heavy_index(heavy)
    neutral = [(d, _NU[d] if d < 3 else model.heavy[d - 3].name) for d in range(index)]
    modes: list[DecayMode] = []
    wanted = FINAL_STATES[:-1] if final_state == "any" else (final_state,)
    for state in wanted:
        if state == "meson":
            modes += _meson_modes(model, heavy, table)
            continue
        for d, name in neutral:
            pdg = _NU_PDG[d] if d < 3 else model.heavy[d - 3].pdgid
            if state == "photon":
                channel = names.get(f"{name} gamma")
                if channel is not None:
                    br = channel.width / table.total_width
                    modes.append(DecayMode(f"{heavy} -> {name} gamma", br, "photon", d, pdg))
                continue
            for minus, plus in _MIXED if state == "emu" else (_PAIR[state],):
                channel = names.get(f"{name} {minus}- {plus}+")
                if channel is not None:
                    br = channel.width / table.total_width
                    label = f"{heavy} -> {name} {minus}- {plus}+"
                    modes.append(DecayMode(label, br, "pair", d, pdg, minus, plus=plus))
            if state == "emu":
                continue
            lep = _PAIR[state][0]
            for mediator in ("Zprime", "hprime"):
                channel = names.get(f"{name} {mediator}")
                if channel is None or mediator not in particles(model):
                    continue
                sub = decay_table(model, mediator)
                br = channel.width / table.total_width * sub.branching_ratio(f"{lep}- {lep}+")
                if br > 0:
                    label = f"{heavy} -> {name} {mediator}(-> {lep}- {lep}+)"
                    modes.append(DecayMode(label, br, "pair", d, pdg, lep, sub.pdgid))
    return modes


def _meson_modes(model: Model, heavy: str, table: DecayTable) -> list[DecayMode]:
    """The single-meson channels (two daughters, one of them a meson) of ``table``."""
    modes = []
    for channel in table.channels:
        if channel.kind != "hadronic" or len(channel.daughters) != 2:
            continue
        first, meson = channel.daughters
        flavour = (abs(first) - 11) // 2  # 11/12 → 0, 13/14 → 1, 15/16 → 2
        label = f"{heavy} -> {channel.label.removesuffix(' + c.c.')}"
        br = channel.width / table.total_width
        modes.append(DecayMode(label, br, "meson", flavour, first, meson_pdg=meson))
    return modes


def pair_decay(model: Model, heavy: str, mode: DecayMode) -> LeptonPairDecay:
    """The three-body decay (or cascade through the on-shell mediator, with the mediators'
    total widths in their propagators) sampled for the ``"pair"`` mode ``mode``."""
    widths: dict[str, float] = {
        p: decay_table(model, p).total_width for p in ("Zprime", "hprime") if p in particles(model)
    }
    return LeptonPairDecay(
        model,
        model.heavy_index(heavy),
        mode.daughter,
        mode.lepton,
        mode.plus or mode.lepton,
        widths=widths,
        on_shell=mode.mediator_pdg != 0,
    )


def sample_decay(
    model: Model,
    heavy: str,
    mode: DecayMode,
    helicity: np.ndarray,
    rng: np.random.Generator,
    cache: dict[str, LeptonPairDecay] | None = None,
    *,
    antiparticle: bool = False,
    weighted: bool = False,
) -> DecaySample:
    """Decay products in the N rest frame (spin along +z) for each event.

    ``antiparticle`` marks a Dirac anti-N (produced by an antineutrino): it decays into the
    CP-conjugate final states (every event ``conjugate``).

    Parameters
    ----------
    helicity : numpy.ndarray
        Helicity (±1) of N in each event.
    cache : dict, optional
        Keeps the three-body samplers (and their envelopes) between calls, by mode label.
    weighted : bool
        Three-body kinematics as weighted proposals (:meth:`LeptonPairDecay.sample_weighted`)
        instead of accept–reject.

    Returns
    -------
    DecaySample
    """
    n = len(helicity)
    index = model.heavy_index(heavy)
    majorana_light = model.majorana and mode.daughter < 3
    if majorana_light:
        conjugate = rng.random(n) < 0.5
    else:
        conjugate = np.full(n, antiparticle and not model.majorana)
    if mode.kind in ("photon", "meson"):
        return _two_body(model, index, mode, helicity, conjugate, rng)
    decay = cache.get(mode.label) if cache is not None else None
    if decay is None:
        decay = pair_decay(model, heavy, mode)
        if cache is not None:
            cache[mode.label] = decay

    def draw(count: int, h: int, conj: bool) -> tuple[np.ndarray, ...]:
        if weighted:
            return decay.sample_weighted(count, h, rng, conjugate=conj)
        return (*decay.sample(count, h, rng, conjugate=conj), np.ones(count))

    k1, k2, k3 = (np.empty((n, 4)) for _ in range(3))
    weight = np.ones(n)
    spin = np.empty((n, 4)) if mode.daughter >= 3 else None
    rest = np.array([decay.m_parent, 0.0, 0.0, 0.0])
    for h in (-1, 1):
        for conj in (False, True):
            sel = (helicity == h) & (conjugate == conj)
            count = int(sel.sum())
            if count == n:  # one group: the sampler's arrays as they are
                k1, k2, k3, weight = draw(count, h, conj)
            elif count:
                k1[sel], k2[sel], k3[sel], weight[sel] = draw(count, h, conj)
            if count and spin is not None:
                parent = np.broadcast_to(rest, (count, 4))
                spin[sel] = decay.daughter_polarisation(parent, k1[sel], k2[sel], k3[sel], h, conj)
    beta, gamma = _LEPTON_PDG[mode.lepton], _LEPTON_PDG[mode.plus or mode.lepton]
    # particle channel: X ℓ_β⁻(k2) ℓ_γ⁺(k3); conjugate: X̄ ℓ_β⁺(k2) ℓ_γ⁻(k3) → written ℓ⁻, ℓ⁺
    if conjugate.any():
        c = conjugate[:, None]
        minus, plus = np.where(c, k3, k2), np.where(c, k2, k3)
    else:
        minus, plus = k2, k3
    sign = np.where(conjugate, -1, 1)
    momenta, pdg = [k1], [sign * mode.daughter_pdg]
    if mode.mediator_pdg:
        momenta.append(minus + plus)
        pdg.append(np.full(n, mode.mediator_pdg))
    pdg += [np.where(conjugate, gamma, beta), np.where(conjugate, -beta, -gamma)]
    return DecaySample([*momenta, minus, plus], pdg, conjugate, weight, spin)


def _two_body(
    model: Model,
    index: int,
    mode: DecayMode,
    helicity: np.ndarray,
    conjugate: np.ndarray,
    rng: np.random.Generator,
) -> DecaySample:
    """N → X γ or N → f M in the N rest frame, polarised (see the module docstring), with
    the longitudinal polarisation S = P_L (|k⃗|, E k̂)/m of a heavy X of N → X γ (the pure
    boost of (0, P_L k̂))."""
    n = len(helicity)
    big = model.heavy[index - 3].mass
    sign = np.where(conjugate, -1, 1)
    if mode.kind == "photon":
        small, boson_mass = 0.0 if mode.daughter < 3 else model.heavy[mode.daughter - 3].mass, 0.0
        c_l, c_r = chiral_vertex(
            np.asarray(model.couplings.dipole),
            mode.daughter,
            index,
            majorana=model.majorana and mode.daughter >= 3,
            antineutrino=False,
            kind="dipole",
        )
        kind, pdgs = "photon", [sign * mode.daughter_pdg, np.full(n, PDG_PHOTON)]
    else:
        charged = abs(mode.daughter_pdg) % 2 == 1  # ℓ⁻ M⁺ (else ν M⁰, M⁰ self-conjugate)
        small = mass(mode.daughter_pdg) if charged else 0.0
        boson_mass = mass(mode.meson_pdg)
        from particle import Particle

        if Particle.from_pdgid(mode.meson_pdg).J == 0:
            kind, c_l, c_r = "scalar", -small, big
        else:
            kind, c_l, c_r = "vector", 1.0, 0.0
        pdgs = [sign * mode.daughter_pdg, (sign if charged else np.ones(n, int)) * mode.meson_pdg]
    alpha = analysing_power(kind, big, small, boson_mass, c_l, c_r)
    # the CP-conjugate decay (Majorana N, Dirac anti-N) has the opposite analysing power
    cos_t = np.empty(n)
    for h in (-1, 1):
        for conj in (False, True):
            sel = (helicity == h) & (conjugate == conj)
            cos_t[sel] = sample_cos_theta(-alpha if conj else alpha, h, int(sel.sum()), rng)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    p = np.sqrt(_kallen(big**2, small**2, boson_mass**2)) / (2 * big)
    sin_t = np.sqrt(np.clip(1 - cos_t**2, 0, None))
    direction = np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=-1)
    x = np.concatenate([np.full((n, 1), np.hypot(p, small)), p * direction], axis=-1)
    boson = np.concatenate([np.full((n, 1), np.hypot(p, boson_mass)), -p * direction], axis=-1)
    spin = None
    if mode.kind == "photon" and mode.daughter >= 3:
        p_long = photon_daughter_helicity(np.where(conjugate, -alpha, alpha), helicity, cos_t)
        spin = (p_long / small)[:, None] * np.concatenate(
            [np.full((n, 1), p), x[:, :1] * direction], axis=-1
        )
    return DecaySample([x, boson], pdgs, conjugate, np.ones(n), spin)


def _kallen(a: float, b: float, c: float) -> float:
    return max(a * a + b * b + c * c - 2 * (a * b + a * c + b * c), 0.0)
