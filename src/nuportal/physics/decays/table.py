"""Decay tables: partial widths, branching ratios, total width and lifetime of a particle.

A :class:`DecayTable` lists every open channel of one particle with its partial width in
GeV. Branching ratios are partial / total width of the *same* table, so they always sum to
one; the lifetime is that of the total width (never of a single channel). Lengths in cm,
times in ns.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from nuportal.errors import NuportalError, unknown_name_message
from nuportal.units import HBAR_GEV_NS, HBARC_GEV_CM


@dataclass(frozen=True)
class DecayChannel:
    """One decay channel.

    Attributes
    ----------
    label : str
        Human-readable final state, e.g. ``"nu_mu e+ e-"``; unique within a table.
    daughters : tuple[int, ...]
        PDG Monte Carlo numbers of the daughters (nuportal's numbers for new states, see
        :mod:`nuportal.constants`). A summed light-neutrino final state uses the flavour
        of the listed neutrino.
    width : float
        Partial width in GeV (finite, >= 0).
    kind : str
        Which calculation produced it, e.g. ``"two-body"``, ``"three-body"``,
        ``"meson"``, ``"inclusive"``.
    """

    label: str
    daughters: tuple[int, ...]
    width: float
    kind: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.width) and self.width >= 0.0):
            raise ValueError(f"partial width of {self.label!r} must be finite and >= 0")


@dataclass(frozen=True)
class DecayTable:
    """All open decay channels of one particle.

    Attributes
    ----------
    particle : str
        Name, e.g. ``"N4"``, ``"Zprime"``, ``"hprime"``.
    pdgid : int
        PDG Monte Carlo number.
    mass : float
        Mass in GeV.
    channels : tuple[DecayChannel, ...]
        Open channels, largest width first (channels of zero width are dropped).

    Examples
    --------
    >>> t = DecayTable("X", 0, 1.0, (DecayChannel("a", (11, -11), 3e-15),
    ...                               DecayChannel("b", (22, 22), 1e-15)))
    >>> round(t.branching_ratio("a"), 3), f"{t.ctau_cm:.4g}"
    (0.75, '4.933')
    """

    particle: str
    pdgid: int
    mass: float
    channels: tuple[DecayChannel, ...]

    def __post_init__(self) -> None:
        labels = [c.label for c in self.channels]
        if len(set(labels)) != len(labels):
            raise ValueError(f"duplicate channel labels in the table of {self.particle}")
        kept = sorted((c for c in self.channels if c.width > 0), key=lambda c: -c.width)
        object.__setattr__(self, "channels", tuple(kept))

    def __iter__(self) -> Iterator[DecayChannel]:
        return iter(self.channels)

    def __len__(self) -> int:
        return len(self.channels)

    @property
    def total_width(self) -> float:
        """Total width in GeV (sum of the partial widths; 0 for a stable particle)."""
        return math.fsum(c.width for c in self.channels)

    @property
    def stable(self) -> bool:
        """True if no channel is open."""
        return not self.channels

    @property
    def ctau_cm(self) -> float:
        """Proper decay length cτ = ħc / Γ in cm (``inf`` if stable)."""
        total = self.total_width
        return HBARC_GEV_CM / total if total > 0 else math.inf

    @property
    def lifetime_ns(self) -> float:
        """Proper lifetime τ = ħ / Γ in ns (``inf`` if stable)."""
        total = self.total_width
        return HBAR_GEV_NS / total if total > 0 else math.inf

    def channel(self, label: str) -> DecayChannel:
        """The channel called ``label``."""
        for c in self.channels:
            if c.label == label:
                return c
        raise NuportalError(
            unknown_name_message(f"decay channel of {self.particle}", label, self.labels)
        )

    @property
    def labels(self) -> tuple[str, ...]:
        """Channel labels, largest width first."""
        return tuple(c.label for c in self.channels)

    def branching_ratio(self, label: str) -> float:
        """Branching ratio of the channel ``label`` (0 if it is not open)."""
        if label not in self.labels:
            return 0.0
        return self.channel(label).width / self.total_width

    def decay_length_cm(self, momentum: float) -> float:
        """Mean lab-frame decay length βγcτ = (p/m) cτ in cm for momentum ``momentum`` (GeV)."""
        return momentum / self.mass * self.ctau_cm

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (widths in GeV, cτ in cm, τ in ns)."""
        total = self.total_width
        return {
            "particle": self.particle,
            "pdgid": self.pdgid,
            "mass_GeV": self.mass,
            "total_width_GeV": total,
            "ctau_cm": self.ctau_cm if total > 0 else None,
            "lifetime_ns": self.lifetime_ns if total > 0 else None,
            "channels": [
                {
                    "label": c.label,
                    "daughters": list(c.daughters),
                    "width_GeV": c.width,
                    "branching_ratio": c.width / total,
                    "kind": c.kind,
                }
                for c in self.channels
            ],
        }

    def __str__(self) -> str:
        head = f"{self.particle} (m = {self.mass:.6g} GeV)"
        if self.stable:
            return f"{head}: stable (no open channel)"
        lines = [
            f"{head}: Γ = {self.total_width:.4e} GeV, cτ = {self.ctau_cm:.4e} cm, "
            f"τ = {self.lifetime_ns:.4e} ns"
        ]
        width = max(len(c.label) for c in self.channels)
        for c in self.channels:
            br = c.width / self.total_width
            lines.append(f"  {c.label:<{width}}  Γ = {c.width:.4e} GeV  BR = {br:.4e}")
        return "\n".join(lines)
