"""Semi-visible dark photons: widths, decay tables and decay chains of the A' and of the dark
fermions of :mod:`nuportal.models.dark_sector` (arXiv:2302.05410).

* :mod:`~nuportal.physics.darkphoton.widths` — A' → ℓℓ, hadrons, ψ_i ψ_j; ψ_j → ψ_k A';
* :mod:`~nuportal.physics.darkphoton.fermions` — ψ_j → ψ_k ℓ⁺ℓ⁻ / hadrons through the
  off-shell A' (exact matrix element, Dalitz integration and sampling);
* :mod:`~nuportal.physics.darkphoton.invisible` — ψ_j → ψ_a ψ_b ψ_c through the off-shell A'
  (all diagrams, Majorana interference);
* :mod:`~nuportal.physics.darkphoton.table` — decay tables, chains and their classification.
"""

from nuportal.physics.darkphoton.fermions import FINAL_STATES, OffShellDecay
from nuportal.physics.darkphoton.invisible import InvisibleDecay
from nuportal.physics.darkphoton.table import (
    APRIME,
    DecayChain,
    aprime_table,
    chain_fractions,
    decay_chains,
    decay_tables,
    fermion_table,
)
from nuportal.physics.darkphoton.widths import (
    AprimeChannel,
    aprime_channels,
    aprime_to_fermions,
    aprime_to_hadrons,
    aprime_to_leptons,
    aprime_total_width,
    fermion_to_aprime,
)

__all__ = [
    "APRIME",
    "FINAL_STATES",
    "AprimeChannel",
    "DecayChain",
    "InvisibleDecay",
    "OffShellDecay",
    "aprime_channels",
    "aprime_table",
    "aprime_to_fermions",
    "aprime_to_hadrons",
    "aprime_to_leptons",
    "aprime_total_width",
    "chain_fractions",
    "decay_chains",
    "decay_tables",
    "fermion_table",
    "fermion_to_aprime",
]
