"""Decay modes of the upscattered heavy lepton and their kinematics.

:func:`decay_modes` turns the decay table of N_i into the modes the generator simulates for
a requested visible final state, each with its branching ratio taken from the *full* table
(never renormalised):

* ``"e+e-"`` / ``"mu+mu-"``: N → X ℓ⁻ℓ⁺ (three-body, X = ν or N_j) and the cascades
  N → X Z' → X ℓ⁻ℓ⁺ and N → X h' → X ℓ⁻ℓ⁺ (weight BR(N → X Z') BR(Z' → ℓℓ));
* ``"photon"``: N → X γ;
* ``"any"``: all of these.

Kinematics in the N rest frame with the spin along +z (the helicity axis), for the N
helicity of its production:

* three-body and cascades: :meth:`~nuportal.physics.decays.three_body.LeptonPairDecay.sample`
  (cascades as the three-body decay through the on-shell mediator of the model's width, which
  keeps the spin correlation of N → X Z'(λ) → X ℓℓ; the mediator four-momentum is ℓ⁻ + ℓ⁺
  and it decays at the N decay vertex);
* N → X γ: cos θ of X from the analysing power of the dipole vertex
  (:mod:`~nuportal.physics.decays.polarised`).

A Majorana N decays into a light neutrino or antineutrino (and the charge-conjugate lepton
pair) with equal probability, a Dirac anti-N (from an antineutrino) into the CP-conjugate
final states; the decay distributions of the conjugate channel are used for those.
The daughter N_j is written as a final-state particle (its own decay is not simulated yet).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nuportal.constants import PDG_PHOTON
from nuportal.errors import NuportalError
from nuportal.models.couplings import chiral_vertex
from nuportal.models.model import Model
from nuportal.physics.decays.channels import decay_table, particles
from nuportal.physics.decays.polarised import analysing_power, sample_cos_theta
from nuportal.physics.decays.three_body import LeptonPairDecay

FINAL_STATES = ("e+e-", "mu+mu-", "photon", "any")
_PAIR = {"e+e-": "e", "mu+mu-": "mu"}
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
        ``"pair"`` (three-body or cascade) or ``"photon"``.
    daughter : int
        Basis index of the neutral daughter (0–2 light flavours, 3+ heavy).
    daughter_pdg : int
        Its PDG number.
    lepton : str
        ``"e"`` or ``"mu"`` for pairs.
    mediator_pdg : int
        PDG number of the intermediate Z'/h' of a cascade, 0 otherwise.
    """

    label: str
    branching: float
    kind: str
    daughter: int
    daughter_pdg: int
    lepton: str = ""
    mediator_pdg: int = 0


@dataclass
class DecaySample:
    """Decay products of a group of events in the N rest frame (spin along +z).

    Attributes
    ----------
    momenta : list of numpy.ndarray
        Four-momenta (n, 4) of the written products: X, [mediator], ℓ⁻, ℓ⁺ (or X, γ).
    pdgs : list of int
        Their PDG numbers for the particle channel; where ``conjugate`` is true the neutral
        daughter is the antiparticle (the lepton pair is already ordered ℓ⁻, ℓ⁺).
    conjugate : numpy.ndarray
        Boolean (n,): the CP-conjugate final state (a Majorana N into a light neutrino, at
        random; a Dirac anti-N, always).
    weight : numpy.ndarray
        Kinematic weights (mean 1; all 1 for unweighted decays).
    """

    momenta: list[np.ndarray]
    pdgs: list[int]
    conjugate: np.ndarray
    weight: np.ndarray


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
    wanted = ("e+e-", "mu+mu-", "photon") if final_state == "any" else (final_state,)
    for state in wanted:
        for d, name in neutral:
            pdg = _NU_PDG[d] if d < 3 else model.heavy[d - 3].pdgid
            if state == "photon":
                channel = names.get(f"{name} gamma")
                if channel is not None:
                    br = channel.width / table.total_width
                    modes.append(DecayMode(f"{heavy} -> {name} gamma", br, "photon", d, pdg))
                continue
            lep = _PAIR[state]
            channel = names.get(f"{name} {lep}- {lep}+")
            if channel is not None:
                br = channel.width / table.total_width
                label = f"{heavy} -> {name} {lep}- {lep}+"
                modes.append(DecayMode(label, br, "pair", d, pdg, lep))
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
        mode.lepton,
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
    if mode.kind == "photon":
        return _photon(model, index, mode, helicity, conjugate, rng)
    decay = cache.get(mode.label) if cache is not None else None
    if decay is None:
        decay = pair_decay(model, heavy, mode)
        if cache is not None:
            cache[mode.label] = decay
    k1, k2, k3 = (np.empty((n, 4)) for _ in range(3))
    weight = np.ones(n)
    for h in (-1, 1):
        for conj in (False, True):
            sel = (helicity == h) & (conjugate == conj)
            count = int(sel.sum())
            if count and weighted:
                k1[sel], k2[sel], k3[sel], weight[sel] = decay.sample_weighted(
                    count, h, rng, conjugate=conj
                )
            elif count:
                k1[sel], k2[sel], k3[sel] = decay.sample(count, h, rng, conjugate=conj)
    lep = _LEPTON_PDG[mode.lepton]
    # particle channel: X ℓ⁻(k2) ℓ⁺(k3); conjugate: X̄ ℓ⁺(k2) ℓ⁻(k3) → reorder to ℓ⁻, ℓ⁺
    minus = np.where(conjugate[:, None], k3, k2)
    plus = np.where(conjugate[:, None], k2, k3)
    momenta, pdg = [k1], [mode.daughter_pdg]
    if mode.mediator_pdg:
        momenta.append(minus + plus)
        pdg.append(mode.mediator_pdg)
    return DecaySample([*momenta, minus, plus], [*pdg, lep, -lep], conjugate, weight)


def _photon(
    model: Model,
    index: int,
    mode: DecayMode,
    helicity: np.ndarray,
    conjugate: np.ndarray,
    rng: np.random.Generator,
) -> DecaySample:
    n = len(helicity)
    big = model.heavy[index - 3].mass
    small = 0.0 if mode.daughter < 3 else model.heavy[mode.daughter - 3].mass
    c_l, c_r = chiral_vertex(
        np.asarray(model.couplings.dipole),
        mode.daughter,
        index,
        majorana=model.majorana and mode.daughter >= 3,
        antineutrino=False,
        kind="dipole",
    )
    alpha = analysing_power("photon", big, small, 0.0, c_l, c_r)
    # the CP-conjugate decay of a Majorana N has the opposite analysing power
    cos_t = np.empty(n)
    for h in (-1, 1):
        for conj in (False, True):
            sel = (helicity == h) & (conjugate == conj)
            cos_t[sel] = sample_cos_theta(-alpha if conj else alpha, h, int(sel.sum()), rng)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    p = (big**2 - small**2) / (2 * big)
    sin_t = np.sqrt(np.clip(1 - cos_t**2, 0, None))
    direction = np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=-1)
    x = np.concatenate([np.full((n, 1), np.hypot(p, small)), p * direction], axis=-1)
    gamma = np.concatenate([np.full((n, 1), p), -p * direction], axis=-1)
    return DecaySample([x, gamma], [mode.daughter_pdg, PDG_PHOTON], conjugate, np.ones(n))
