"""Decay tables of the A' and the dark fermions ψ_j, and the A' decay chains.

The tables are :class:`~nuportal.physics.decays.table.DecayTable` objects (widths in GeV,
branching ratios, lifetimes, cτ in cm, lab decay lengths βγcτ), the same as for the
particles of :mod:`nuportal.physics.decays.channels`:

A' (particle name ``"Aprime"``, PDG number :data:`~nuportal.constants.PDG_ZPRIME`)
    e⁻e⁺, μ⁻μ⁺, τ⁻τ⁺, hadrons and every pair ψ_i ψ_j
    (:func:`~nuportal.physics.darkphoton.widths.aprime_channels`).
ψ_j (the sector's labels, ``"psi2"``, ...)
    for each lighter ψ_k with G_kj ≠ 0: the two-body ψ_k A' if m_A' < |m_j| − |m_k| (the A'
    then decays with its own table: listing ψ_k ℓℓ through the resonance as well would count
    it twice), else ψ_k e⁻e⁺, ψ_k μ⁻μ⁺, ψ_k τ⁻τ⁺ and ψ_k hadrons through the off-shell A'
    (:class:`~nuportal.physics.darkphoton.fermions.OffShellDecay`), and the invisible
    ψ_j → ψ_a ψ_b ψ_c through the off-shell A' with all diagrams and their interference
    (:class:`~nuportal.physics.darkphoton.invisible.InvisibleDecay`; open in sectors with
    widely spread masses, and then dominant: O(α_D²) against O(α_D α ε²)). Not included:
    ψ_j → ψ_k ν ν̄ through A'–Z mixing (suppressed by m_j⁴/m_Z⁴) and ψ_j → ψ_k γ (loop
    induced).

:func:`decay_chains` follows every branch from the A' down to stable particles and
classifies it: **invisible** (only dark fermions at the end, e.g. A' → ψ_1 ψ_1),
**semi-visible** (dark fermions and a visible pair, e.g. A' → ψ_1 (ψ_2 → ψ_1 ℓ⁺ℓ⁻)) or
**visible** (no dark fermion, A' → ℓ⁺ℓ⁻ or hadrons), with the product of the branching
ratios; whether the heavier ψ decays inside a detector is the recast's question (its
:attr:`~nuportal.physics.decays.table.DecayTable.ctau_cm` is in the tables).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from nuportal.constants import PDG_ZPRIME
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.dark_sector import DarkSector
from nuportal.physics.darkphoton.fermions import FINAL_STATES, OffShellDecay
from nuportal.physics.darkphoton.invisible import InvisibleDecay
from nuportal.physics.darkphoton.widths import aprime_channels, fermion_to_aprime
from nuportal.physics.decays.table import DecayChannel, DecayTable

#: the particle name of the dark photon in the tables
APRIME = "Aprime"
#: chain classes
KINDS = ("invisible", "semi-visible", "visible")
_PAIR = {"e": ("e- e+", 11), "mu": ("mu- mu+", 13), "tau": ("tau- tau+", 15)}


def aprime_table(sector: DarkSector) -> DecayTable:
    """The decay table of the A' (widths in GeV)."""
    channels = [
        DecayChannel(c.label, c.daughters, float(c.width), "two-body" if c.states else "SM")
        for c in aprime_channels(sector)
    ]
    return DecayTable(APRIME, PDG_ZPRIME, sector.dark_photon.mass, tuple(channels))


def fermion_table(sector: DarkSector, index: int) -> DecayTable:
    """The decay table of ψ_``index`` (widths in GeV; empty if it is stable)."""
    m_j = float(sector.signed_masses[index])
    m_aprime = sector.dark_photon.mass
    channels: list[DecayChannel] = []
    for k in range(sector.n_states):
        m_k = float(sector.signed_masses[k])
        g = complex(sector.coupling[k, index])
        if abs(m_k) >= abs(m_j) or g == 0:
            continue
        name, pdg = sector.labels[k], sector.pdgids[k]
        if m_aprime < abs(m_j) - abs(m_k):
            width = float(fermion_to_aprime(m_j, m_k, m_aprime, g))
            channels.append(DecayChannel(f"{name} {APRIME}", (pdg, PDG_ZPRIME), width, "two-body"))
            continue
        for final in FINAL_STATES:
            decay = OffShellDecay(sector, index, k, final)
            daughters: tuple[int, ...]
            if final == "hadrons":
                label, daughters, kind = f"{name} hadrons", (pdg,), "R-ratio"
            else:
                pair, lepton = _PAIR[final]
                label, daughters, kind = f"{name} {pair}", (pdg, lepton, -lepton), "three-body"
            channels.append(DecayChannel(label, daughters, decay.width(), kind))
    channels += _invisible_channels(sector, index)
    return DecayTable(sector.labels[index], sector.pdgids[index], abs(m_j), tuple(channels))


def _invisible_channels(sector: DarkSector, index: int) -> list[DecayChannel]:
    """ψ_j → ψ_a ψ_b ψ_c through the off-shell A' (all diagrams), for every final state in
    which the A' is off shell in every diagram (else the two-body ψ_j → ψ_x A' is listed)."""
    m_j = float(sector.masses[index])
    masses = sector.masses
    lighter = [k for k in range(sector.n_states) if masses[k] < m_j]
    out = []
    for combo in itertools.combinations_with_replacement(lighter, 3):
        m_min = min(masses[i] for i in combo)
        if sum(masses[i] for i in combo) >= m_j or sector.dark_photon.mass <= m_j - m_min:
            continue
        decay = InvisibleDecay(sector, index, combo)
        if decay.is_open:
            label = " ".join(sector.labels[i] for i in combo)
            daughters = tuple(sector.pdgids[i] for i in combo)
            out.append(DecayChannel(label, daughters, decay.width(), "three-body"))
    return out


def decay_tables(sector: DarkSector) -> dict[str, DecayTable]:
    """The tables of the A' (key ``"Aprime"``) and of every ψ (keys: the sector's labels)."""
    tables = {APRIME: aprime_table(sector)}
    for i, label in enumerate(sector.labels):
        tables[label] = fermion_table(sector, i)
    return tables


@dataclass(frozen=True)
class DecayChain:
    """One complete A' decay chain.

    Attributes
    ----------
    steps : tuple[str, ...]
        The decays in order, e.g. ``("Aprime -> psi1 psi2", "psi2 -> psi1 e- e+")``.
    final_state : tuple[str, ...]
        The stable (or inclusive) products, e.g. ``("psi1", "psi1", "e- e+")``.
    kind : str
        ``"invisible"``, ``"semi-visible"`` or ``"visible"``.
    branching_ratio : float
        Product of the branching ratios along the chain.
    """

    steps: tuple[str, ...]
    final_state: tuple[str, ...]
    kind: str
    branching_ratio: float


_Branch = tuple[float, tuple[str, ...], tuple[str, ...]]  # BR, steps, final products


def _expand(
    name: str, tables: dict[str, DecayTable], dark: set[str], stable_ctau_cm: float
) -> list[_Branch]:
    """All decay branches of ``name`` down to stable dark fermions and SM pairs (a dark
    fermion with cτ above ``stable_ctau_cm`` counts as stable)."""
    table = tables.get(name)
    if table is None or table.stable or (name in dark and table.ctau_cm > stable_ctau_cm):
        return [(1.0, (), (name,))]
    out: list[_Branch] = []
    for channel in table:
        br = channel.width / table.total_width
        step = f"{name} -> {channel.label}"
        words = channel.label.split()
        unstable = [w for w in words if w in dark or w == APRIME]
        sm = " ".join(w for w in words if w not in unstable)
        fixed: tuple[str, ...] = (sm,) if sm else ()
        sub = [_expand(w, tables, dark, stable_ctau_cm) for w in unstable]
        for combo in itertools.product(*sub):
            ratio = br
            steps: tuple[str, ...] = (step,)
            final = fixed
            for b, s, f in combo:
                ratio *= b
                steps += s
                final += f
            out.append((ratio, steps, final))
    return out


def decay_chains(
    sector: DarkSector,
    *,
    stable_ctau_cm: float = math.inf,
    particle: str = APRIME,
    tables: dict[str, DecayTable] | None = None,
) -> tuple[DecayChain, ...]:
    """Every A' decay chain of ``sector``, largest branching ratio first (they sum to 1).

    By default the classification follows the final-state content only; with
    ``stable_ctau_cm`` (cm) a dark fermion whose proper decay length cτ exceeds it is
    treated as stable (e.g. a ψ_2 with cτ of kilometres is invisible in any detector; the
    recasts use the lab decay lengths instead). ``particle``: the chains of another
    decaying particle of the sector (a label such as ``"psi4"``; empty if it is stable);
    ``tables``: the sector's :func:`decay_tables`, if already computed.
    """
    tables = decay_tables(sector) if tables is None else tables
    if particle not in tables:
        raise NuportalError(unknown_name_message("particle", particle, tuple(tables)))
    if tables[particle].stable:
        return ()
    dark = set(sector.labels)
    chains = []
    for ratio, steps, final in _expand(particle, tables, dark, stable_ctau_cm):
        has_dark = any(f in dark for f in final)
        has_visible = any(f not in dark for f in final)
        kind = (
            "semi-visible" if has_dark and has_visible else "invisible" if has_dark else "visible"
        )
        chains.append(DecayChain(steps, final, kind, ratio))
    return tuple(sorted(chains, key=lambda c: -c.branching_ratio))


def chain_fractions(sector: DarkSector, *, stable_ctau_cm: float = math.inf) -> dict[str, float]:
    """Summed branching ratio of the invisible, semi-visible and visible A' decay chains
    (``stable_ctau_cm`` as in :func:`decay_chains`)."""
    out = dict.fromkeys(KINDS, 0.0)
    for chain in decay_chains(sector, stable_ctau_cm=stable_ctau_cm):
        out[chain.kind] += chain.branching_ratio
    return out
