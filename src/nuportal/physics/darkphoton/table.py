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
    (:class:`~nuportal.physics.darkphoton.fermions.OffShellDecay`). Not included: the
    invisible ψ_j → ψ_k ψ_l ψ_m through an off-shell A' (open only in sectors with widely
    spread masses) and ψ_j → ψ_k ν ν̄ through A'–Z mixing (suppressed by m_j⁴/m_Z⁴).

:func:`decay_chains` follows every branch from the A' down to stable particles and
classifies it: **invisible** (only dark fermions at the end, e.g. A' → ψ_1 ψ_1),
**semi-visible** (dark fermions and a visible pair, e.g. A' → ψ_1 (ψ_2 → ψ_1 ℓ⁺ℓ⁻)) or
**visible** (no dark fermion, A' → ℓ⁺ℓ⁻ or hadrons), with the product of the branching
ratios; whether the heavier ψ decays inside a detector is the recast's question (its
:attr:`~nuportal.physics.decays.table.DecayTable.ctau_cm` is in the tables).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from nuportal.constants import PDG_ZPRIME
from nuportal.models.dark_sector import DarkSector
from nuportal.physics.darkphoton.fermions import FINAL_STATES, OffShellDecay
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
    return DecayTable(sector.labels[index], sector.pdgids[index], abs(m_j), tuple(channels))


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


def _expand(name: str, tables: dict[str, DecayTable], dark: set[str]) -> list[_Branch]:
    """All decay branches of ``name`` down to stable dark fermions and SM pairs."""
    table = tables.get(name)
    if table is None or table.stable:
        return [(1.0, (), (name,))]
    out: list[_Branch] = []
    for channel in table:
        br = channel.width / table.total_width
        step = f"{name} -> {channel.label}"
        words = channel.label.split()
        unstable = [w for w in words if w in dark or w == APRIME]
        sm = " ".join(w for w in words if w not in unstable)
        fixed: tuple[str, ...] = (sm,) if sm else ()
        sub = [_expand(w, tables, dark) for w in unstable]
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


def decay_chains(sector: DarkSector) -> tuple[DecayChain, ...]:
    """Every A' decay chain of ``sector``, largest branching ratio first (they sum to 1)."""
    tables = decay_tables(sector)
    dark = set(sector.labels)
    chains = []
    for ratio, steps, final in _expand(APRIME, tables, dark):
        has_dark = any(f in dark for f in final)
        has_visible = any(f not in dark for f in final)
        kind = (
            "semi-visible" if has_dark and has_visible else "invisible" if has_dark else "visible"
        )
        chains.append(DecayChain(steps, final, kind, ratio))
    return tuple(sorted(chains, key=lambda c: -c.branching_ratio))


def chain_fractions(sector: DarkSector) -> dict[str, float]:
    """Summed branching ratio of the invisible, semi-visible and visible A' decay chains."""
    out = dict.fromkeys(KINDS, 0.0)
    for chain in decay_chains(sector):
        out[chain.kind] += chain.branching_ratio
    return out
