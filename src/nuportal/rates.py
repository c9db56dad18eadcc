"""Expected numbers of upscattering events: a model joined to an experiment.

For each channel — detector volume × incoming flavour × target × regime × heavy lepton ×
helicity of the outgoing N — the expected number of upscattering events is

    N = POT × N_targets × Σ_bins φ_b ∫_bin σ(E) dE,

with the flux histogram φ_b in ν/cm²/GeV/POT (piecewise constant, so the energy integral
is exact up to the quadrature of σ inside each bin), N_targets the number of nuclei (or
protons / neutrons) of the volume (mass = geometric volume × density) and σ from
:mod:`nuportal.physics.upscattering`. Elastic scattering on bound nucleons is computed as on
free nucleons at rest (no Fermi motion) times 1 - |F(Q²)|² (the incoherent part, see
:class:`nuportal.physics.upscattering.Channel`) and counted Z (N) times per nucleus;
hydrogen contributes its free protons.

These are *upscattering* counts: no decay, branching ratio or detection efficiency is
applied (the event generator adds them).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nuportal import __version__
from nuportal.errors import NuportalError
from nuportal.experiments.catalogue import Experiment, get_experiment
from nuportal.experiments.fluxes import Flux
from nuportal.experiments.materials import Material
from nuportal.models import Model
from nuportal.physics.nuclei import NEUTRON, PROTON, Nucleus, nucleus
from nuportal.physics.upscattering import FLAVOUR_NAME, Channel, Upscattering

#: the volume roles counted by default (the detector and the upstream dirt)
DEFAULT_ROLES = ("detector", "dirt")
#: Gauss–Legendre nodes per flux bin for ∫ σ dE
NODES_PER_BIN = 2


@dataclass(frozen=True)
class RateRow:
    """Expected upscattering events of one channel (see :mod:`nuportal.rates`)."""

    volume: str
    flavour: str
    target: str
    regime: str
    heavy: str
    helicity: int
    events: float


@dataclass(frozen=True)
class RateTable:
    """Expected upscattering events per channel and in total.

    Attributes
    ----------
    experiment : str
        Catalogue name of the experiment.
    pot : float
        Exposure in protons on target.
    model : str
        Description of the model.
    rows : tuple[RateRow, ...]
        One row per channel with a non-zero rate.
    flux_is_approximate : bool
        True if the built-in approximate flux was used (no data directory).
    metadata : dict
        nuportal version, model parameters, flux name.
    """

    experiment: str
    pot: float
    model: str
    rows: tuple[RateRow, ...]
    flux_is_approximate: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Total expected upscattering events."""
        return float(sum(r.events for r in self.rows))

    def grouped(self, *keys: str) -> dict[tuple[Any, ...], float]:
        """Sum of events grouped by the given row attributes, e.g. ``grouped("regime")``."""
        out: dict[tuple[Any, ...], float] = {}
        for row in self.rows:
            key = tuple(getattr(row, k) for k in keys)
            out[key] = out.get(key, 0.0) + row.events
        return out

    def to_json(self) -> str:
        """The table as a JSON document (rows, total and metadata)."""
        doc = {
            "experiment": self.experiment,
            "pot": self.pot,
            "model": self.model,
            "flux_is_approximate": self.flux_is_approximate,
            "total_events": self.total,
            "rows": [asdict(r) for r in self.rows],
            "metadata": self.metadata,
        }
        return json.dumps(doc, indent=2, default=str)

    def to_csv(self) -> str:
        """The rows as CSV text with a header line."""
        buffer = io.StringIO()
        names = list(RateRow.__dataclass_fields__)
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        for row in self.rows:
            writer.writerow([getattr(row, n) for n in names])
        return buffer.getvalue()


def _gauss_nodes(edges: np.ndarray, e_min: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes, weights and bin index of a Gauss–Legendre rule in each bin above ``e_min``."""
    x, w = np.polynomial.legendre.leggauss(NODES_PER_BIN)
    lo = np.maximum(edges[:-1], e_min)
    hi = edges[1:]
    keep = hi > lo
    lo, hi, idx = lo[keep], hi[keep], np.nonzero(keep)[0]
    half = 0.5 * (hi - lo)
    nodes = (lo + half)[:, None] + half[:, None] * x[None, :]
    weights = half[:, None] * w[None, :]
    return nodes.ravel(), weights.ravel(), np.repeat(idx, NODES_PER_BIN)


def flux_folded_cross_section(
    ups: Upscattering, flux: Flux, flavour: int, helicity: int | None = None
) -> float:
    """∫ φ(E) σ(E) dE in cm² per POT for one channel and flux (per target particle).

    The flux histogram is piecewise constant, so the integral is Σ_bins φ_b ∫_bin σ dE with a
    Gauss–Legendre rule of :data:`NODES_PER_BIN` nodes in each bin above threshold. Divide by
    ``flux.integral(flavour)`` for the flux-averaged cross section.
    """
    nodes, weights, idx = _gauss_nodes(flux.edges(flavour), ups.threshold)
    if nodes.size == 0 or ups.vanishes:
        return 0.0
    sigma = ups.sigma(nodes, helicity)
    return float(np.sum(flux.bin_densities(flavour)[idx] * weights * sigma))


_Target = tuple[str, Nucleus, str, float, "Nucleus | None"]


def volume_targets(material: Material, mass_g: float) -> list[_Target]:
    """(label, scattering target, regime, count, parent nucleus) for a volume's material."""
    out: list[_Target] = []
    for name, per_gram in material.targets_per_gram().items():
        nuc = nucleus(name)
        count = per_gram * mass_g
        if nuc.a > 1:
            out.append((nuc.name, nuc, "coherent", count, None))
            out.append((nuc.name, PROTON, "p-elastic", count * nuc.z, nuc))
            out.append((nuc.name, NEUTRON, "n-elastic", count * nuc.n, nuc))
        else:
            out.append((nuc.name, PROTON, "p-elastic", count, None))
    return out


def upscattering_rates(
    model: Model,
    experiment: Experiment | str = "miniboone_numode",
    *,
    flavours: Iterable[int] | None = None,
    roles: Sequence[str] = DEFAULT_ROLES,
    data_dir: str | os.PathLike[str] | None = None,
    pot: float | None = None,
) -> RateTable:
    """Expected upscattering events of ``model`` at ``experiment``, per channel.

    Parameters
    ----------
    model : Model
        The dark-sector model.
    experiment : Experiment or str
        An experiment or its catalogue name.
    flavours : iterable of int, optional
        PDG numbers of the incoming neutrinos; default: every flavour of the flux.
    roles : sequence of str
        Volume roles to include (default: detector and dirt).
    data_dir : path, optional
        The data directory (else ``NUPORTAL_DATA`` or the user configuration).
    pot : float, optional
        Exposure; default: the experiment's.

    Returns
    -------
    RateTable
    """
    exp = get_experiment(experiment) if isinstance(experiment, str) else experiment
    flux = exp.flux(data_dir)
    exposure = exp.pot if pot is None else float(pot)
    if not exposure > 0:
        raise NuportalError(f"POT must be positive, got {pot}")
    wanted = tuple(flux.flavours) if flavours is None else tuple(flavours)
    for f in wanted:
        if f not in FLAVOUR_NAME:
            raise NuportalError(f"unknown flavour {f}; allowed PDG numbers: ±12, ±14, ±16")
    volumes = [v for v in exp.volumes if v.role in roles]
    if not volumes:
        roles_here = sorted({v.role for v in exp.volumes})
        raise NuportalError(
            f"{exp.name} has no volume with role in {list(roles)}; it has {roles_here}"
        )

    folded: dict[tuple[Channel, int], float] = {}

    def folded_for(channel: Channel, hel: int) -> float:
        if (channel, hel) not in folded:
            ups = Upscattering(model, channel)
            folded[channel, hel] = flux_folded_cross_section(ups, flux, channel.flavour, hel)
        return folded[channel, hel]

    rows: list[RateRow] = []
    for vol in volumes:
        mass_g = vol.material.mass_g(vol.volume_cm3)
        for label, target, regime, count, parent in volume_targets(vol.material, mass_g):
            kind = "coherent" if regime == "coherent" else "elastic"
            for flavour in (f for f in wanted if f in flux.flavours):
                for heavy in model.heavy:
                    channel = Channel(flavour, heavy.name, target, kind, bound_in=parent)
                    for hel in (-1, +1):
                        events = exposure * count * folded_for(channel, hel)
                        if events > 0:
                            row = (vol.name, FLAVOUR_NAME[flavour], label, regime, heavy.name)
                            rows.append(RateRow(*row, hel, events))
    return RateTable(
        experiment=exp.name,
        pot=exposure,
        model=model.describe(),
        rows=tuple(rows),
        flux_is_approximate=flux.is_approximate,
        metadata={
            "nuportal_version": __version__,
            "model_parameters": dict(model.parameters),
            "flux": flux.name,
            "flux_description": flux.description,
            "volumes": {v.name: v.role for v in volumes},
            "weights": "expected upscattering events for the exposure; no decay or efficiency",
        },
    )
