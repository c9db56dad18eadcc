"""Events of dark-photon production with the A' decay chain, at BaBar and at NA64.

Production (:mod:`nuportal.physics.darkphoton.production`):

* **BaBar**, e⁺e⁻ → γ A': cos θ* of the photon from the closed-form CDF of dσ/dcos θ*
  (inverted by bisection), φ uniform, back-to-back in the centre-of-mass frame, boosted to
  the lab (e⁻ beam along +z) with the exact beam four-momenta; interaction point at the
  origin. Weight: σ(window) × integrated luminosity.
* **NA64**, e⁻ Z → e⁻ Z A' in the ECAL: the radiating electron's energy and depth from the
  Bethe–Heitler track length of the primary (the bins of
  :func:`~nuportal.physics.darkphoton.production.yield_per_electron`), x = E_A'/E_e from the
  IWW dσ/dx, the A' angle from BEST Eq. (A12) at that x (w = E_e² x θ² by bisection of its
  CDF, θ ≤ 0.5 rad). The recoil system e⁻ Z is then a two-body state of invariant mass
  M_X (exact four-momentum conservation) in which the electron is emitted along the
  system's direction: the minimal momentum transfer to the nucleus, the configuration that
  dominates the WW integral. Vertex on the beam axis at the sampled depth (z = 0 is the
  ECAL front face). Weight: A' yield per electron × electrons on target.

Decay chain (prompt A'): each event picks one :class:`Chain` with probability ∝ its
branching ratio; the weight is multiplied by the summed branching ratio of the simulated
chains, so that the sum of weights is the expected number of events in those chains.
A chain is a sequence of channel choices (:class:`Step`): every unstable particle decays in
turn, with the channel fixed by the chain, until only stable particles remain; events are
grouped by chain, so that each step is one vectorised call for all its events.

* the A' decays at its production point (its cτ is below a micrometre wherever it has
  dark decays; see :func:`particle_chains`); an A' from ψ_j → ψ_k A' and every unstable ψ
  fly a lab distance drawn from the exponential law of mean βγ cτ (its own boost and its
  full decay table) and decay there;
* two-body decays (A' → ψ_i ψ_j, ℓ⁻ℓ⁺, τ⁻τ⁺; ψ_j → ψ_k A') are isotropic in the rest
  frame of the parent (the A' polarisation and the parent spins are averaged);
* ψ_j → ψ_k ℓ⁻ℓ⁺ (ℓ = e, μ, τ): Dalitz points from the exact off-shell-A' matrix element
  (:class:`ThreeBodyDecay`, e.g. :class:`~nuportal.physics.darkphoton.fermions.OffShellDecay`),
  isotropically oriented;
* invisible ψ_j → ψ_a ψ_b ψ_c: Dalitz points from the exact matrix element with all
  diagrams (:class:`InvisibleDalitz`);
* hadrons: one pseudo-particle, the hadronic system (PDG number
  :data:`~nuportal.constants.PDG_HADRONIC_SYSTEM`, status 1): for A' → hadrons it carries the
  A' four-momentum; for ψ_j → ψ_k hadrons its mass √s is drawn from dΓ/ds of the R-ratio
  description and ψ_k recoils isotropically (:class:`HadronicSystem`). τ leptons are
  written undecayed (status 1) for the detector simulation.

The record is :class:`~nuportal.generator.events.Events` (write it with
:func:`nuportal.io.write_events`). Rows per event: BaBar e⁻ beam, e⁺ beam (status 4), γ,
A' (status 2); NA64 radiating e⁻ (4), nucleus (20), e⁻, recoil nucleus, A' (2); then the
chain's rows: the products of each step in the order of the steps (status 2 for those that
decay, 1 otherwise; mother: the A' row or the row of the decaying particle; vertex: the
decay vertex of the mother), e.g. ψ_i, ψ_j, ψ_k, ℓ⁻, ℓ⁺ for A' → ψ_i (ψ_j → ψ_k ℓ⁻ℓ⁺).
Event columns: ``enu`` holds the incoming electron energy, ``q2`` the momentum transfer
−(P_Z − P_Z')² to the nucleus (0 at BaBar), ``decay_*`` the vertex of the chain's second
step (the first displaced decay; the A' vertex for chains of one step), ``helicity`` 0,
``process`` the chain.
Units: GeV, cm, ns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np
from scipy.integrate import cumulative_trapezoid
from scipy.special import gammainc

from nuportal.constants import (
    CHARGED_LEPTON_MASS,
    M_PI_ZERO,
    PDG_ELECTRON,
    PDG_HADRONIC_SYSTEM,
    PDG_MUON,
    PDG_PHOTON,
    PDG_TAU,
    PDG_ZPRIME,
)
from nuportal.errors import NuportalError
from nuportal.generator.events import (
    STATUS_BEAM,
    STATUS_DECAYED,
    STATUS_FINAL,
    STATUS_TARGET,
    Events,
    Layout,
    vertex_places,
)
from nuportal.generator.lorentz import boost, rotate_about_z, rotate_z_to
from nuportal.models.dark_sector import DarkSector
from nuportal.physics.darkphoton import production as prod
from nuportal.physics.darkphoton.fermions import OffShellDecay
from nuportal.physics.darkphoton.invisible import InvisibleDecay
from nuportal.physics.darkphoton.table import APRIME, DecayChain, decay_chains, decay_tables
from nuportal.physics.decays.table import DecayTable
from nuportal.physics.nuclei import nucleus
from nuportal.units import C_CM_PER_NS

KINDS = ("invisible", "semi-visible", "visible")
#: largest A' angle sampled at NA64 (rad); the WW small-angle form is used below it
THETA_MAX = 0.5
#: BaBar 2017 mono-photon data set, 53 fb⁻¹ (arXiv:1702.03327), in cm⁻²
BABAR_LUMINOSITY = 53e39


class ThreeBodyDecay(Protocol):
    """ψ_j → ψ_k ℓ⁻ ℓ⁺ Dalitz sampler (the interface of ``fermions.OffShellDecay``).

    More generally (:class:`Step`): any decay at rest sampled as two numbers per event.
    """

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` unweighted Dalitz points (s = m²_ℓℓ, t = m²_{kℓ⁻}) in GeV²."""
        ...

    def momenta(self, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
        """(ψ_k, ℓ⁻, ℓ⁺) four-momenta (n, 4) in the ψ_j rest frame, any fixed orientation."""
        ...


@dataclass(frozen=True)
class Step:
    """One decay of a chain: a particle decays into the next ``size`` rows of the chain.

    Attributes
    ----------
    parent : int
        Row of the decaying particle among the chain's products (earlier steps), −1 for
        the particle that starts the chain (the A').
    size : int
        Number of products; they take the next rows of the chain, in the order of the steps.
    ctau : float
        Proper decay length cτ of the parent in cm; 0: it decays where it is produced.
    decay : ThreeBodyDecay or None
        Sampler of the products' momenta in the parent rest frame (oriented isotropically
        by the generator); ``None``: isotropic two-body decay with the rows' masses, or,
        for ``size == 1``, a product that carries the parent four-momentum.
    """

    parent: int
    size: int
    ctau: float = 0.0
    decay: ThreeBodyDecay | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Chain:
    """One decay chain of the A' and its branching ratio.

    Attributes
    ----------
    label : str
        E.g. ``"A' -> psi1 (psi2 -> psi1 e- e+)"``.
    branching : float
        BR of the whole chain, BR(A' → ψ_i ψ_j) × BR(ψ_j → ψ_k ℓℓ) for semi-visible chains.
    kind : {"invisible", "semi-visible", "visible"}
        A' → ψ_i ψ_j with both stable (or decaying invisibly); A' → ψ_i (ψ_j → ψ_k ℓ⁻ℓ⁺);
        prompt A' → ℓ⁻ℓ⁺.
    pdgs, masses : tuple
        PDG numbers and masses (GeV) of the products in record order: (ψ_i, ψ_j),
        (ψ_i, ψ_j, ψ_k, ℓ⁻, ℓ⁺) or (ℓ⁻, ℓ⁺); with ``cascade``, the rows of its steps (a
        hadronic system has its smallest mass here, its actual mass is sampled).
    ctau : float
        Proper decay length cτ of ψ_j in cm (semi-visible chains; ``inf`` otherwise).
    decay : ThreeBodyDecay or None
        The ψ_j → ψ_k ℓ⁻ℓ⁺ sampler (semi-visible chains).
    cascade : tuple[Step, ...]
        The steps of a general chain (any number of decays, e.g. from
        :func:`particle_chains`); empty for the three fixed shapes above, whose steps
        :attr:`steps` derives from ``ctau`` and ``decay``.
    """

    label: str
    branching: float
    kind: str
    pdgs: tuple[int, ...]
    masses: tuple[float, ...]
    ctau: float = math.inf
    decay: ThreeBodyDecay | None = field(default=None, compare=False)
    cascade: tuple[Step, ...] = ()

    def __post_init__(self) -> None:
        sizes = {"invisible": 2, "semi-visible": 5, "visible": 2}
        if self.kind not in sizes:
            raise NuportalError(f"unknown chain kind {self.kind!r}; allowed: {', '.join(KINDS)}")
        if not 0.0 <= self.branching <= 1.0:
            raise NuportalError(f"branching ratio must lie in [0, 1]; got {self.branching}")
        if self.cascade:
            self._check_cascade()
            return
        if len(self.pdgs) != sizes[self.kind] or len(self.masses) != sizes[self.kind]:
            raise NuportalError(
                f"a {self.kind} chain has {sizes[self.kind]} products (pdgs and masses); "
                f"got {len(self.pdgs)} and {len(self.masses)}"
            )
        if self.kind == "semi-visible":
            if self.decay is None or not self.ctau > 0:
                raise NuportalError("a semi-visible chain needs a three-body decay and cτ > 0")
            if self.masses[1] <= self.masses[2] + self.masses[3] + self.masses[4]:
                raise NuportalError("ψ_j must be heavier than ψ_k ℓ⁻ ℓ⁺")

    def _check_cascade(self) -> None:
        rows = sum(step.size for step in self.cascade)
        if len(self.pdgs) != rows or len(self.masses) != rows:
            raise NuportalError(
                f"chain {self.label!r}: its steps have {rows} products; got {len(self.pdgs)} "
                f"pdgs and {len(self.masses)} masses"
            )
        first = 0
        for index, step in enumerate(self.cascade):
            parents = [s.parent for s in self.cascade[:index]]
            if (
                (step.parent == -1) != (index == 0)
                or step.parent >= first
                or step.parent in parents
            ):
                raise NuportalError(
                    f"chain {self.label!r}: step {index} must decay the A' (first step) or a "
                    "product of an earlier step that has not decayed yet"
                )
            if step.decay is None and step.size > 2:
                raise NuportalError(f"chain {self.label!r}: a step of > 2 products needs a sampler")
            if step.size < 1 or not (math.isfinite(step.ctau) and step.ctau >= 0):
                raise NuportalError(
                    f"chain {self.label!r}: a step needs >= 1 product, 0 <= cτ < inf"
                )
            products = sum(self.masses[first : first + step.size])
            if step.parent >= 0 and step.size > 1 and self.masses[step.parent] <= products:
                raise NuportalError(f"chain {self.label!r}: step {index} is kinematically closed")
            first += step.size

    @property
    def steps(self) -> tuple[Step, ...]:
        """The decays of the chain in order (:class:`Step`)."""
        if self.cascade:
            return self.cascade
        if self.kind == "semi-visible":
            return (Step(-1, 2), Step(1, 3, self.ctau, self.decay))
        return (Step(-1, 2),)

    @property
    def origins(self) -> tuple[int, ...]:
        """For each row, the index of the step that produced it."""
        return tuple(i for i, step in enumerate(self.steps) for _ in range(step.size))

    @property
    def decayed(self) -> tuple[bool, ...]:
        """For each row, whether it decays in a later step."""
        parents = {step.parent for step in self.steps}
        return tuple(row in parents for row in range(len(self.pdgs)))

    def threshold(self) -> float:
        """Smallest A' mass (GeV) that decays into the first step's products (0 for one
        product that carries the A' four-momentum, a hadronic system)."""
        size = self.steps[0].size
        return sum(self.masses[:size]) if size > 1 else 0.0


class HadronicSystem:
    """ψ_j → ψ_k + hadrons as ψ_k and one hadronic pseudo-particle of mass √s.

    s = m²_hadrons is drawn from dΓ/ds of the factorised R-ratio form
    (:meth:`~nuportal.physics.darkphoton.fermions.OffShellDecay.dgamma_ds`, hadronic final
    state) by inverting its cumulative integral, tabulated with the trapezoidal rule on
    ``nodes`` points s = s₋ + (s₊ − s₋)(1 − cos πx)/2 (dense at both thresholds), linear
    between the nodes; ψ_k and the system are back to back (spin averaged: isotropic
    once oriented by the generator).
    """

    def __init__(self, decay: OffShellDecay, nodes: int = 4001) -> None:
        if decay.final != "hadrons" or not decay.is_open:
            raise NuportalError("HadronicSystem needs an open psi_j -> psi_k hadrons decay")
        self.decay = decay
        self.nodes = nodes

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` values of s (GeV²) and zeros (no second variable)."""
        lo, hi = self.decay.s_range
        s = lo + (hi - lo) * 0.5 * (1.0 - np.cos(np.pi * np.linspace(0.0, 1.0, self.nodes)))
        cdf = cumulative_trapezoid(self.decay.dgamma_ds(s), s, initial=0.0)
        return np.interp(rng.uniform(0.0, cdf[-1], n), cdf, s), np.zeros(n)

    def momenta(self, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ψ_k, hadronic system) in the ψ_j rest frame, ψ_k along +z (GeV)."""
        big, m_k = abs(self.decay.m_parent), abs(self.decay.m_daughter)
        lam = (big**2 - (m_k + np.sqrt(s)) ** 2) * (big**2 - (m_k - np.sqrt(s)) ** 2)
        p = np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * big)
        zero = np.zeros_like(s)
        k = np.stack([np.sqrt(p**2 + m_k**2), zero, zero, p], axis=-1)
        return k, np.stack([big - k[:, 0], zero, zero, -p], axis=-1)


class InvisibleDalitz:
    """ψ_j → ψ_a ψ_b ψ_c sampled from the exact |M|² of
    :class:`~nuportal.physics.darkphoton.invisible.InvisibleDecay` (all diagrams).

    Accept–reject on the Dalitz plane (flat phase space in s, t) in the unit square
    s = s₋ + (s₊ − s₋) x, t = t₋(s) + (t₊(s) − t₋(s)) y, where the target is
    |M|²(s, t) (t₊ − t₋): a cell of a ``cells`` grid is chosen with probability ∝ its
    envelope (1.5 × the largest target at its corners and centre), (x, y) uniform in it,
    accepted with probability target/envelope. If a proposal ever exceeds its envelope,
    that cell's envelope is raised and the sample starts again (no bias kept).
    """

    def __init__(self, decay: InvisibleDecay, cells: tuple[int, int] = (24, 12)) -> None:
        if not decay.is_open:
            raise NuportalError("InvisibleDalitz needs an open invisible decay")
        self.decay = decay
        self.cells = cells
        self._envelope: np.ndarray | None = None

    def _target(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
        m_a, m_b, m_c = self.decay.m
        lo, hi = (m_b + m_c) ** 2, (self.decay.m_parent - m_a) ** 2
        s = lo + (hi - lo) * np.clip(x, 1e-12, 1.0 - 1e-12)
        t_lo, t_hi = self.decay.t_limits(s)
        t = t_lo + (t_hi - t_lo) * y
        return s, t, self.decay.amplitude_squared(s, t) * (t_hi - t_lo)

    def envelope(self) -> np.ndarray:
        """Per-cell bound of the target (computed once)."""
        if self._envelope is None:
            nx, ny = self.cells
            x, y = np.meshgrid(np.linspace(0, 1, 2 * nx + 1), np.linspace(0, 1, 2 * ny + 1))
            value = self._target(x.T.ravel(), y.T.ravel())[2].reshape(2 * nx + 1, 2 * ny + 1)
            blocks = [value[i : 2 * nx - 1 + i : 2, k : 2 * ny - 1 + k : 2]
                      for i in range(3) for k in range(3)]  # fmt: skip
            self._envelope = 1.5 * np.max(blocks, axis=0).ravel()
        return self._envelope

    def sample(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` unweighted Dalitz points (s = (p_b + p_c)², t = (p_a + p_b)²) in GeV²."""
        envelope = self.envelope()
        nx, ny = self.cells
        while True:
            keep_s, keep_t, have = [], [], 0
            while have < n:
                cell = rng.choice(envelope.size, size=max(1000, 2 * n), p=envelope / envelope.sum())
                x = (cell // ny + rng.uniform(0.0, 1.0, cell.size)) / nx
                y = (cell % ny + rng.uniform(0.0, 1.0, cell.size)) / ny
                s, t, value = self._target(x, y)
                ratio = value / envelope[cell]
                if np.any(ratio > 1.0):
                    np.maximum.at(envelope, cell[ratio > 1.0], 1.5 * value[ratio > 1.0])
                    break
                accept = rng.uniform(0.0, 1.0, cell.size) < ratio
                keep_s.append(s[accept])
                keep_t.append(t[accept])
                have += int(accept.sum())
            if have >= n:
                return np.concatenate(keep_s)[:n], np.concatenate(keep_t)[:n]

    def momenta(self, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
        """(ψ_a, ψ_b, ψ_c) in the ψ_j rest frame (GeV), daughters in increasing index."""
        return self.decay.momenta(s, t)[1:]


#: simulated lepton pairs: label in the decay tables -> (final state, PDG of ℓ⁻, mass)
_LEPTONS = {
    f"{f}- {f}+": (f, pdg, CHARGED_LEPTON_MASS[f])
    for f, pdg in (("e", PDG_ELECTRON), ("mu", PDG_MUON), ("tau", PDG_TAU))
}
#: the fixed chain shapes kept as before (prompt ℓℓ, stable pairs, one ψ → ψ ℓℓ with ℓ = e, μ)
_FIXED_PAIRS = ("e- e+", "mu- mu+")


def sector_chains(sector: DarkSector) -> list[Chain]:
    """The A' decay chains of a dark sector, sorted by label (their BRs sum to 1).

    From :func:`nuportal.physics.darkphoton.table.decay_chains`: every chain with every
    step (:func:`particle_chains`). The chains A' → ψ_i ψ_j with stable ψ's (invisible),
    prompt A' → e⁻e⁺ / μ⁻μ⁺ (visible) and A' → ψ_i (ψ_j → ψ_k ℓ⁻ℓ⁺), ℓ = e, μ, with ψ_i
    stable (semi-visible; cτ of ψ_j from its full table, Dalitz points from
    :class:`~nuportal.physics.darkphoton.fermions.OffShellDecay`) keep their fixed shapes
    (``cascade`` empty, for the closed-form recast efficiencies); all others are general
    chains. Nothing is left out: hadrons and τ pairs, ψ_j → ψ_k A' cascades, invisible
    ψ_j → ψ_a ψ_b ψ_c and both ψ's decaying are simulated.
    """
    return particle_chains(sector, APRIME)


def particle_chains(
    sector: DarkSector, particle: str, tables: dict[str, DecayTable] | None = None
) -> list[Chain]:
    """Every decay chain of ``particle`` (``"Aprime"`` or a ψ label such as ``"psi4"``) of
    ``sector``, as :class:`Chain` objects sorted by label (empty if it is stable).

    Labels are the steps of :func:`~nuportal.physics.darkphoton.table.decay_chains` joined
    by " ; ". Each step's cτ is the parent's from its full decay table, except the first
    step of the A' (prompt: cτ_A' = ħc/Γ_A' is below a micrometre wherever the A' has dark
    decays; an A' with only SM decays at ε ≲ 1e-5 would fly, which the production
    convention ignores); an A' produced in ψ_j → ψ_k A' flies its own βγ cτ. ``tables``:
    the sector's decay tables if already computed.
    """
    tables = decay_tables(sector) if tables is None else tables
    samplers: dict[str, ThreeBodyDecay | None] = {}  # one per channel, shared by the chains
    out = []
    for chain in decay_chains(sector, particle=particle, tables=tables):
        fixed = _fixed_shape(sector, chain, tables) if particle == APRIME else None
        out.append(fixed or _general_chain(sector, chain, tables, samplers))
    return sorted(out, key=lambda c: c.label)


def _product(sector: DarkSector, word: str, parent: str = "") -> tuple[int, float]:
    """PDG number and mass (GeV) of a word of a channel label of ``parent``."""
    if word in sector.labels:
        i = sector.index(word)
        return sector.pdgids[i], float(abs(sector.signed_masses[i]))
    if word == APRIME:
        return PDG_ZPRIME, sector.dark_photon.mass
    if word == "hadrons":  # the whole A', or the lightest hadronic state (π⁰γ) from a ψ decay
        return PDG_HADRONIC_SYSTEM, sector.dark_photon.mass if parent == APRIME else M_PI_ZERO
    lepton = word.rstrip("+-")
    pdg = dict(e=PDG_ELECTRON, mu=PDG_MUON, tau=PDG_TAU)[lepton]
    return (pdg if word.endswith("-") else -pdg), CHARGED_LEPTON_MASS[lepton]


def _sampler(sector: DarkSector, parent: str, channel: str) -> ThreeBodyDecay | None:
    """The rest-frame sampler of a ψ decay channel (None: two-body or a copy)."""
    words = channel.split()
    if parent == APRIME or APRIME in words:
        return None
    j, k = sector.index(parent), sector.index(words[0])
    if len(words) == 3 and all(w in sector.labels for w in words):
        return InvisibleDalitz(InvisibleDecay(sector, j, tuple(sector.index(w) for w in words)))  # type: ignore[arg-type]
    if words[1] == "hadrons":
        return HadronicSystem(OffShellDecay(sector, j, k, "hadrons"))
    return OffShellDecay(sector, j, k, _LEPTONS[" ".join(words[1:])][0])


def _general_chain(
    sector: DarkSector,
    chain: DecayChain,
    tables: dict[str, DecayTable],
    samplers: dict[str, ThreeBodyDecay | None],
) -> Chain:
    """A :class:`Chain` with its steps from the steps of a table chain (depth first: each
    unstable product's own steps follow the step that made it, in product order)."""
    pdgs: list[int] = []
    masses: list[float] = []
    names: list[str] = []
    steps: list[Step] = []
    pending: list[int] = [-1]  # rows still to decay, in the order of the chain's steps
    for index, text in enumerate(chain.steps):
        name, channel = text.split(" -> ")
        row = pending.pop(0) if index else -1
        if row >= 0 and names[row] != name:
            raise NuportalError(f"unexpected step order in {' ; '.join(chain.steps)!r}")
        first = len(pdgs)
        for word in channel.split():
            pdg, mass = _product(sector, word, name)
            pdgs.append(pdg)
            masses.append(mass)
            names.append(word)
        ctau = 0.0 if index == 0 and name == APRIME else tables[name].ctau_cm
        if text not in samplers:
            samplers[text] = _sampler(sector, name, channel)
        steps.append(Step(row, len(pdgs) - first, ctau, samplers[text]))
        unstable = [
            r for r in range(first, len(pdgs)) if names[r] in tables and not tables[names[r]].stable
        ]
        pending = unstable + pending
    return Chain(
        " ; ".join(chain.steps),
        chain.branching_ratio,
        chain.kind,
        tuple(pdgs),
        tuple(masses),
        cascade=tuple(steps),
    )


def _fixed_shape(
    sector: DarkSector, chain: DecayChain, tables: dict[str, DecayTable]
) -> Chain | None:
    """The chain in one of the three fixed shapes of :class:`Chain`, or None."""
    first = chain.steps[0].split(" -> ")[1]
    if len(chain.steps) == 1 and first in _FIXED_PAIRS:
        _, pdg, m_l = _LEPTONS[first]
        return Chain(chain.steps[0], chain.branching_ratio, "visible", (pdg, -pdg), (m_l, m_l))
    pair = first.split()
    if len(pair) != 2 or not all(p in sector.labels for p in pair):
        return None
    products = [_product(sector, p) for p in pair]
    if len(chain.steps) == 1:
        return Chain(chain.steps[0], chain.branching_ratio, "invisible",
                     tuple(p for p, _ in products), tuple(m for _, m in products))  # fmt: skip
    parent, channel = chain.steps[1].split(" -> ")
    words = channel.split(maxsplit=1)
    if len(chain.steps) != 2 or len(words) != 2 or words[1] not in _FIXED_PAIRS:
        return None
    lepton, pdg, m_l = _LEPTONS[words[1]]
    other = pair[1] if pair[0] == parent else pair[0]
    j, k = sector.index(parent), sector.index(words[0])
    (p_other, m_other), (p_j, m_j), (p_k, m_k) = (
        _product(sector, name) for name in (other, parent, words[0])
    )
    return Chain(
        " ; ".join(chain.steps),
        chain.branching_ratio,
        "semi-visible",
        (p_other, p_j, p_k, pdg, -pdg),
        (m_other, m_j, m_k, m_l, m_l),
        ctau=tables[parent].ctau_cm,
        decay=OffShellDecay(sector, j, k, lepton),
    )


@dataclass(frozen=True)
class SectorModel:
    """A' decay chains of the dark sector ``build(m_A', ε)`` (a ``ChainModel`` for the recasts).

    Example: ``SectorModel(lambda m, e: inelastic_dm(DarkPhoton.from_parameters(mass=m,
    epsilon=e, alpha_dark=0.1), m1=m / 3, relative_splitting=0.4))``.
    """

    build: Callable[[float, float], DarkSector]

    def __call__(self, m_aprime: float, epsilon: float) -> list[Chain]:
        return sector_chains(self.build(m_aprime, epsilon))


def _lab_direction(n: int, rng: np.random.Generator) -> np.ndarray:
    cos = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    sin = np.sqrt(1.0 - cos**2)
    return np.stack([sin * np.cos(phi), sin * np.sin(phi), cos], axis=-1)


def two_body(
    parent: np.ndarray, m1: float, m2: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic two-body decay of ``parent`` (n, 4) in its rest frame, boosted to the lab."""
    big = np.sqrt(np.clip(parent[:, 0] ** 2 - np.sum(parent[:, 1:] ** 2, axis=-1), 0.0, None))
    lam = (big**2 - (m1 + m2) ** 2) * (big**2 - (m1 - m2) ** 2)
    p = np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * big)
    direction = _lab_direction(len(big), rng)
    space = p[:, None] * direction
    d1 = np.concatenate([np.sqrt(p**2 + m1**2)[:, None], space], axis=-1)
    d2 = np.concatenate([np.sqrt(p**2 + m2**2)[:, None], -space], axis=-1)
    return boost(d1, parent), boost(d2, parent)


def _invert(cdf, target: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Vectorised bisection for cdf(x) = target on [lo, hi] (cdf increasing), 60 steps."""
    lo, hi = lo.copy(), hi.copy()
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        below = cdf(mid) < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


@dataclass
class Production:
    """Lab-frame production of a batch: the record rows before the A' products.

    ``momenta`` and ``pdgs``/``statuses``/``mothers`` list the rows (beam(s), [target],
    recoil(s) or photon) ending with the A' (last row); ``vertex`` (n, 3) in cm,
    ``energy`` the incoming electron energy, ``q2`` the momentum transfer to the nucleus,
    ``rate`` the expected number of A', ``cross_section`` the production cross section in
    cm² (per atom at NA64, at the beam energy).
    """

    momenta: list[np.ndarray]
    pdgs: list[int]
    statuses: list[int]
    mothers: list[int]
    vertex: np.ndarray
    energy: np.ndarray
    q2: np.ndarray
    rate: float
    cross_section: float

    @property
    def aprime(self) -> np.ndarray:
        """A' four-momenta (n, 4)."""
        return self.momenta[-1]


def babar_production(
    m_aprime: float,
    epsilon: float,
    n: int,
    rng: np.random.Generator,
    collider: prod.Collider = prod.BABAR,
    cos_window: tuple[float, float] = (-0.9, 0.9),
    luminosity: float = BABAR_LUMINOSITY,
) -> Production:
    """e⁺e⁻ → γ A' in the lab with the photon in ``cos_window`` (CM); ``rate`` in events.

    ``luminosity`` in cm⁻² (default 53 fb⁻¹); ``rate`` = σ(window) × luminosity.
    """
    lo, hi = cos_window
    sigma = float(prod.sigma_gamma_aprime(m_aprime, epsilon, lo, hi, collider))
    me = prod.M_ELECTRON
    e_minus, e_plus = collider.e_electron, collider.e_positron
    beam_m = np.array([e_minus, 0.0, 0.0, math.sqrt(e_minus**2 - me**2)])
    beam_p = np.array([e_plus, 0.0, 0.0, -math.sqrt(e_plus**2 - me**2)])
    total = beam_m + beam_p
    root_s = math.sqrt(total[0] ** 2 - total[3] ** 2)
    target = rng.uniform(0.0, 1.0, n) * prod.radiative_cdf(m_aprime, hi, lo, collider)
    cos = _invert(
        lambda c: prod.radiative_cdf(m_aprime, c, lo, collider),
        target,
        np.full(n, lo),
        np.full(n, hi),
    )
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    omega = (root_s**2 - m_aprime**2) / (2.0 * root_s)
    sin = np.sqrt(1.0 - cos**2)
    photon = omega * np.stack([np.ones(n), sin * np.cos(phi), sin * np.sin(phi), cos], axis=-1)
    aprime = np.concatenate([np.full((n, 1), root_s - omega), -photon[:, 1:]], axis=-1)
    frame = np.tile(total, (n, 1))
    return Production(
        momenta=[
            np.tile(beam_m, (n, 1)),
            np.tile(beam_p, (n, 1)),
            boost(photon, frame),
            boost(aprime, frame),
        ],
        pdgs=[PDG_ELECTRON, -PDG_ELECTRON, PDG_PHOTON, PDG_ZPRIME],
        statuses=[STATUS_BEAM, STATUS_BEAM, STATUS_FINAL, STATUS_DECAYED],
        mothers=[-1, -1, 0, 0],
        vertex=np.zeros((n, 3)),
        energy=np.full(n, e_minus),
        q2=np.zeros(n),
        rate=sigma * luminosity,
        cross_section=sigma,
    )


def _sample_x(
    m_aprime: float, e: float, x_min: float, x_max: float, u: np.ndarray, target: prod.Target
) -> np.ndarray:
    """x from dσ/dx at electron energy ``e``: inverse of the piecewise-linear CDF in ln(1−x)."""
    x = prod.x_grid(m_aprime, e, x_min, x_max, points=800)
    density = prod.dsigma_dx_brems(x, m_aprime, 1.0, e, target) * (1.0 - x)
    v = -np.log1p(-x)
    cdf = cumulative_trapezoid(density, v, initial=0.0)
    return -np.expm1(-np.interp(u * cdf[-1], cdf, v))


def _sample_theta(
    x: np.ndarray, m_aprime: float, e: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A' angle from BEST Eq. (A12) at fixed x (χ at θ = 0), θ ≤ :data:`THETA_MAX`.

    Also U(θ) ≤ 2 E (1 − x) √t_max: beyond it t_min(θ) = (U/(2E(1 − x)))² exceeds t_max and
    BEST's θ-dependent flux vanishes (the recoil e⁻ Z system would be unphysical). The
    neglected tail is a fraction ≲ U₀/U_max ≈ m/(2 E x) of dσ/dx (≤ 1 % for m ≤ 1 GeV).
    """
    me2 = prod.M_ELECTRON**2
    u0 = m_aprime**2 * (1.0 - x) / x + me2 * x
    u_max = 2.0 * e * (1.0 - x) * np.sqrt(m_aprime**2 + me2)
    w_max = np.minimum(e**2 * x * THETA_MAX**2, u_max - u0)
    target = rng.uniform(0.0, 1.0, len(x)) * prod.brems_angular_cdf(w_max, x, m_aprime)
    log_w = _invert(
        lambda lw: prod.brems_angular_cdf(np.exp(lw), x, m_aprime),
        target,
        np.log(w_max) - 60.0,
        np.log(w_max),
    )
    return np.sqrt(np.exp(log_w) / (e**2 * x))


def na64_production(
    m_aprime: float,
    epsilon: float,
    n: int,
    rng: np.random.Generator,
    e0: float = 100.0,
    energy_cut: float = 50.0,
    ecal: prod.ShowerTarget = prod.NA64_ECAL,
    electrons_on_target: float = 2.84e11,
    bins: int = 24,
) -> Production:
    """e⁻ Z → e⁻ Z A' with E_A' > ``energy_cut`` in the ECAL (module docstring).

    ``rate`` = A' per electron on target × ``electrons_on_target``. Vertices on the z axis
    at the sampled depth (cm from the ECAL front face).
    """
    rate = prod.yield_per_electron(m_aprime, epsilon, e0, energy_cut, ecal, bins)
    rate *= electrons_on_target
    material = ecal.material
    edges = np.linspace(0.0, math.log(e0 / energy_cut), bins + 1)
    lengths = np.diff(prod.primary_track_length(edges, ecal.depth))
    centres = e0 * np.exp(-0.5 * (edges[1:] + edges[:-1]))
    x_hi = 1.0 - ecal.recoil_min / centres
    sig = np.array(
        [
            prod.sigma_brems(m_aprime, 1.0, float(e), energy_cut / e, float(h), material)
            for e, h in zip(centres, x_hi, strict=True)
        ]
    )
    if not np.sum(lengths * sig) > 0:
        raise NuportalError(f"no A' of mass {m_aprime} GeV is produced above {energy_cut} GeV")
    which = rng.choice(bins, size=n, p=lengths * sig / np.sum(lengths * sig))
    u = rng.uniform(0.0, 1.0, n)
    x, depth = np.empty(n), np.empty(n)
    t_grid = np.linspace(0.0, ecal.depth, 2001)
    for k in np.unique(which):  # one sampler per energy bin
        sel = which == k
        x[sel] = _sample_x(m_aprime, centres[k], energy_cut / centres[k], x_hi[k], u[sel], material)
        shape = 4.0 * t_grid / 3.0
        density = gammainc(shape, edges[k + 1]) - gammainc(shape, edges[k])
        density[0] = 0.0
        cdf = cumulative_trapezoid(density, t_grid, initial=0.0)
        depth[sel] = np.interp(rng.uniform(0.0, cdf[-1], int(sel.sum())), cdf, t_grid)
    energy = centres[which]
    theta = _sample_theta(x, m_aprime, energy, rng)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    k_abs = np.sqrt((x * energy) ** 2 - m_aprime**2)
    aprime = np.stack(
        [
            x * energy,
            k_abs * np.sin(theta) * np.cos(phi),
            k_abs * np.sin(theta) * np.sin(phi),
            k_abs * np.cos(theta),
        ],
        axis=-1,
    )
    nuc = nucleus(material.nucleus)
    me = prod.M_ELECTRON
    zeros = np.zeros(n)
    beam = np.stack([energy, zeros, zeros, np.sqrt(energy**2 - me**2)], axis=-1)
    at_rest = np.stack([np.full(n, nuc.mass), zeros, zeros, zeros], axis=-1)
    rest = beam + at_rest - aprime
    mass_x2 = rest[:, 0] ** 2 - np.sum(rest[:, 1:] ** 2, axis=-1)
    if np.any(mass_x2 <= (nuc.mass + me) ** 2):
        raise NuportalError("unphysical e- Z recoil system (A' sampled beyond the kinematic limit)")
    mass_x = np.sqrt(mass_x2)
    p_star = np.sqrt((mass_x2 - (nuc.mass + me) ** 2) * (mass_x2 - (nuc.mass - me) ** 2))
    p_star /= 2.0 * mass_x
    forward = np.stack([np.sqrt(p_star**2 + me**2), zeros, zeros, p_star], axis=-1)
    electron = boost(rotate_z_to(forward, rest[:, 1:]), rest)
    recoil = rest - electron
    transfer = recoil - at_rest
    q2 = np.sum(transfer[:, 1:] ** 2, axis=-1) - transfer[:, 0] ** 2
    vertex = np.stack([zeros, zeros, depth * ecal.radiation_length_cm], axis=-1)
    return Production(
        momenta=[beam, at_rest, electron, recoil, aprime],
        pdgs=[PDG_ELECTRON, nuc.pdgid, PDG_ELECTRON, nuc.pdgid, PDG_ZPRIME],
        statuses=[STATUS_BEAM, STATUS_TARGET, STATUS_FINAL, STATUS_FINAL, STATUS_DECAYED],
        mothers=[-1, -1, 0, 0, 0],
        vertex=vertex,
        energy=energy,
        q2=q2,
        rate=rate,
        cross_section=prod.sigma_brems(
            m_aprime, epsilon, e0, energy_cut / e0, 1.0 - ecal.recoil_min / e0, material
        ),
    )


@dataclass
class ChainDecay:
    """Lab four-momenta of a chain's products, the ψ_j decay vertex (cm) and time (ns).

    ``vertex``/``time``: the decay of the chain's second step (the A' vertex and 0 for a
    chain of one step). ``flights``: per step, the parent's displacement (n, 3) from its
    production point in units of its cτ (Exp(1) × p/m; zeros for a prompt step), so that
    :func:`step_vertices` places the decays for any other cτ of the steps; ``delays`` the
    matching times in ns per cm of cτ; ``origin`` (n, 3) the A' vertex.
    """

    momenta: list[np.ndarray]
    vertex: np.ndarray
    time: np.ndarray
    flights: list[np.ndarray] = field(default_factory=list)
    delays: list[np.ndarray] = field(default_factory=list)
    origin: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))


def step_vertices(
    chain: Chain,
    origin: np.ndarray,
    flights: Sequence[np.ndarray],
    delays: Sequence[np.ndarray] | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Decay vertex (n, 3) in cm and time (n,) in ns of every step of ``chain``, with the
    steps' cτ, from the A' vertex ``origin`` (t = 0) and the unit flights of
    :class:`ChainDecay` (``delays`` None: times are zero)."""
    origins = chain.origins
    places: list[np.ndarray] = []
    times: list[np.ndarray] = []
    for index, step in enumerate(chain.steps):
        start = origin if step.parent < 0 else places[origins[step.parent]]
        t0 = np.zeros(len(origin)) if step.parent < 0 else times[origins[step.parent]]
        places.append(start + step.ctau * flights[index])
        times.append(t0 if delays is None else t0 + step.ctau * delays[index])
    return places, times


def decay_chain(
    aprime: np.ndarray, vertex: np.ndarray, chain: Chain, rng: np.random.Generator
) -> ChainDecay:
    """Decay the A' (n, 4), produced at ``vertex`` (n, 3) at t = 0, through every step of
    ``chain`` (module docstring); the random numbers are drawn step by step: the flight
    (if cτ > 0), then the decay kinematics."""
    n = len(aprime)
    if np.any(aprime[:, 0] ** 2 - np.sum(aprime[:, 1:] ** 2, axis=-1) <= chain.threshold() ** 2):
        raise NuportalError(f"the A' is below the threshold of {chain.label!r}")
    momenta: list[np.ndarray] = []
    flights: list[np.ndarray] = []
    delays: list[np.ndarray] = []
    first = 0
    for step in chain.steps:
        parent = aprime if step.parent < 0 else momenta[step.parent]
        mass = (
            np.sqrt(np.clip(parent[:, 0] ** 2 - np.sum(parent[:, 1:] ** 2, axis=-1), 0.0, None))
            if step.parent < 0
            else chain.masses[step.parent]
        )
        if step.ctau > 0:
            units = rng.exponential(1.0, n) / mass
            flights.append(units[:, None] * parent[:, 1:])
            delays.append(units * parent[:, 0] / C_CM_PER_NS)
        else:
            flights.append(np.zeros((n, 3)))
            delays.append(np.zeros(n))
        momenta += _products(parent, chain.masses[first : first + step.size], step, rng)
        first += step.size
    places, times = step_vertices(chain, vertex, flights, delays)
    if len(places) > 1:
        return ChainDecay(momenta, places[1], times[1], flights, delays, vertex)
    return ChainDecay(momenta, vertex.copy(), np.zeros(n), flights, delays, vertex)


def _products(
    parent: np.ndarray, masses: Sequence[float], step: Step, rng: np.random.Generator
) -> list[np.ndarray]:
    """Lab four-momenta of one step's products."""
    if step.decay is None:
        if step.size == 1:
            return [parent.copy()]
        return list(two_body(parent, masses[0], masses[1], rng))
    s, t = step.decay.sample(len(parent), rng)
    rest = step.decay.momenta(s, t)
    direction = _lab_direction(len(parent), rng)
    phi = rng.uniform(0.0, 2.0 * np.pi, len(parent))
    return [boost(rotate_z_to(rotate_about_z(p, phi), direction), parent) for p in rest]


def assemble(
    production: Production,
    chains: Sequence[Chain],
    rng: np.random.Generator,
    metadata: dict | None = None,
) -> Events:
    """The event record: each event gets one chain (probability ∝ BR), then its decays."""
    n = len(production.vertex)
    branching = np.array([c.branching for c in chains], float)
    if not chains or not branching.sum() > 0:
        raise NuportalError("give at least one decay chain with a positive branching ratio")
    which = rng.choice(len(chains), size=n, p=branching / branching.sum())
    weight = production.rate * branching.sum() / n
    pieces = []
    for index in np.unique(which):
        sel = which == index
        chain = chains[index]
        decay = decay_chain(production.aprime[sel], production.vertex[sel], chain, rng)
        pieces.append(_record(production, sel, chain, decay, int(index), weight))
    events = Events.concatenate(pieces)
    return replace(events, processes=tuple(c.label for c in chains), metadata=dict(metadata or {}))


def _record(
    production: Production,
    sel: np.ndarray,
    chain: Chain,
    decay: ChainDecay,
    process: int,
    weight: float,
) -> Events:
    n = int(sel.sum())
    a_row = len(production.pdgs) - 1
    statuses = [*production.statuses]
    statuses += [STATUS_DECAYED if d else STATUS_FINAL for d in chain.decayed]
    steps = chain.steps
    mothers = [*production.mothers]
    mothers += [
        a_row + 1 + steps[i].parent if steps[i].parent >= 0 else a_row for i in chain.origins
    ]
    momenta = [p[sel] for p in production.momenta] + decay.momenta
    vertex, zero = production.vertex[sel], np.zeros(n)
    places, times = step_vertices(chain, vertex, decay.flights, decay.delays)
    rows = [(vertex, zero)] * (a_row + 1) + [(places[i], times[i]) for i in chain.origins]

    vertices, index = vertex_places(rows)  # 0: production, 1: the A' decay, ...
    layout = Layout.explicit(np.array([*production.pdgs, *chain.pdgs]), statuses, mothers, index)
    event = {
        "weight": np.full(n, weight),
        "process": np.full(n, process),
        "helicity": np.zeros(n),
        "enu": production.energy[sel],
        "q2": production.q2[sel],
    }
    stored = np.stack(momenta, axis=1).reshape(-1, 4)
    return Events(event, stored, np.zeros(n), (layout,), vertices)


def generate(
    experiment: str,
    m_aprime: float,
    epsilon: float,
    chains: Sequence[Chain],
    n_events: int,
    seed: int,
) -> Events:
    """``n_events`` weighted events at ``"babar"`` or ``"na64"`` with default set-ups.

    Every random number comes from ``numpy.random.default_rng(seed)``. BaBar: photon in
    |cos θ*| < 0.9, 53 fb⁻¹; NA64: 100 GeV e⁻ on the lead ECAL, E_A' > 50 GeV,
    2.84e11 electrons on target. For other set-ups call :func:`babar_production` or
    :func:`na64_production` and :func:`assemble`.
    """
    if n_events <= 0:
        raise NuportalError(f"the number of events must be positive; got {n_events}")
    rng = np.random.default_rng(seed)
    makers: dict[str, Callable[..., Production]] = {
        "babar": babar_production,
        "na64": na64_production,
    }
    if experiment not in makers:
        raise NuportalError(f"unknown experiment {experiment!r}; allowed: babar, na64")
    production = makers[experiment](m_aprime, epsilon, n_events, rng)
    metadata = {
        "experiment": experiment,
        "model": {"m_aprime": m_aprime, "epsilon": epsilon},
        "seed": seed,
        "expected_events": production.rate * sum(c.branching for c in chains),
        "flux_averaged_total_cross_section": production.cross_section,
        "units": {"energy": "GeV", "length": "cm", "time": "ns", "cross_section": "cm2"},
    }
    return assemble(production, chains, rng, metadata)
