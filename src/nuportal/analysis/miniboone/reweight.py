"""New couplings for generated events: reweighting at fixed masses instead of regenerating.

At fixed masses a change of couplings changes three things in the weight of an event
(:data:`~nuportal.generator.events.WEIGHT_DEFINITION`) and nothing in its kinematics:

1. **Production.** The weight is proportional to dσ_h/dQ²(E_ν, Q²) of the event's channel
   (flavour, target, regime, N helicity), which is a quadratic form in the vertex couplings
   — Z, Z', h' exchange and the dipole interfere (arXiv:2207.04137, Eq. (3) ff.). The factor
   is the exact ratio |M_new|² / |M_old|² of the amplitudes of
   :class:`~nuportal.physics.upscattering.Upscattering` at the event's (E_ν, Q², h). It is
   evaluated on :data:`PROBE_EVENTS` events of each channel first; where it is the same
   number for all of them (to :data:`RESCALING_TOLERANCE`) — a pure rescaling, e.g. U_μ4 in
   the light-Z' family, where Z and Z' exchange both scale as U_μ4 |U_D4|² — that number is
   used for the whole channel, otherwise the ratio is evaluated event by event.
2. **Branching ratios.** The weight holds BR(mode) of the simulated decay chain; it is
   multiplied by BR_new / BR_old from the new decay tables
   (:func:`~nuportal.generator.chain.decay_modes`,
   :func:`~nuportal.physics.decays.channels.decay_table`). The *distribution* of the decay
   products must not change: a change that alters the normalised differential width
   dΓ/dΦ of a simulated mode (e.g. the Z/Z'/W interference in N → ν e⁺e⁻ when ε changes
   but U does not) by more than :data:`RESCALING_TOLERANCE` relative, or opens a mode the
   generated model did not have, raises :class:`~nuportal.errors.NuportalError`.
3. **Decay position.** With the new total width the lab decay length is
   ℓ = (p/m) cτ_new. For forced decays the weight holds P = Σ_j [e^{−a_j/ℓ} − e^{−b_j/ℓ}]
   over the intervals [a_j, b_j] where the N line of flight crosses the decay volume; it is
   recomputed with the new ℓ from the stored interaction vertex and N momentum, and the
   decay distance is *redrawn* from the exponential restricted to those intervals
   (:func:`~nuportal.generator.placement.forced_decay`). Keeping the old positions with
   the ratio P_new/P_old would be right for the total only (the position inside the
   detector, hence the fiducial cut, would keep the old lifetime); reweighting the old
   positions by the density ratio e^{−d/ℓ_new} ℓ_old / (e^{−d/ℓ_old} ℓ_new) is exact but
   has an unbounded variance from a prompt sample to a long-lived one. Redrawing is exact
   and costs one random number per event. Unforced samples redraw a free exponential.

Limits and advice: events whose heavy daughter N_j decays again (N5 → N4 ℓℓ, N4 → ...)
are refused (the daughter's own decay probability would change too). The generator writes
only events with P > 0, and interaction vertices are uniform in each volume, so a sample
covers every lifetime unless P underflowed (a/ℓ > ~700: prompt decays of N made far
upstream) — generate at a lifetime no shorter than the scan needs. The *precision* after
reweighting depends on how the generator shared its events between the detector and the dirt
for the generated lifetime: generate in the middle of the scanned lifetimes (the tests use
cτ = 1 m for targets from 0.1 mm to 1 km: effective sample sizes 9000, 1200 and 2300 of 20 000
events).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nuportal.constants import PDG_NEUTRON, PDG_PROTON
from nuportal.errors import NuportalError
from nuportal.experiments.catalogue import get_experiment
from nuportal.generator.chain import DecayMode, decay_modes, pair_decay
from nuportal.generator.events import Events
from nuportal.generator.placement import forced_decay, free_decay
from nuportal.models.couplings import chiral_vertex
from nuportal.models.model import Model
from nuportal.physics.decays.channels import decay_table
from nuportal.physics.decays.polarised import analysing_power
from nuportal.physics.nuclei import NEUTRON, PROTON, Nucleus, nucleus
from nuportal.physics.upscattering import Channel, Upscattering
from nuportal.units import C_CM_PER_NS

__all__ = ["PROBE_EVENTS", "RESCALING_TOLERANCE", "Reweighted", "reweight"]

FloatArray = NDArray[np.float64]

#: events of a channel on which the production ratio is tested for a pure rescaling
PROBE_EVENTS = 64
#: largest relative spread of a ratio that counts as a pure rescaling
RESCALING_TOLERANCE = 1e-6
#: phase-space points on which the normalised decay distributions are compared
_DECAY_PROBES = 64


@dataclass(frozen=True)
class Reweighted:
    """Weights and heavy-lepton decay vertices of a sample for new couplings.

    Attributes
    ----------
    weight : numpy.ndarray
        New weights (expected events for the exposure of the run).
    decay : numpy.ndarray
        New N decay vertices (n, 3) in cm.
    decay_time : numpy.ndarray
        Their times in ns.
    """

    weight: FloatArray
    decay: FloatArray
    decay_time: FloatArray

    def apply(self, events: Events) -> Events:
        """A copy of ``events`` with the new weights, and the decay vertex of the N and the
        production vertex of every decay product moved to the new decay point."""
        n = len(events)
        event = dict(events.event)
        event["weight"] = self.weight
        for axis, name in enumerate("xyz"):
            event[f"decay_{name}"] = self.decay[:, axis]
        event["decay_t"] = self.decay_time
        table = {k: v.copy() for k, v in events.particles.items()}
        row = np.arange(len(table["pdg"])) - np.repeat(events.offsets[:-1], events.multiplicity)
        owner = np.repeat(np.arange(n), events.multiplicity)
        products = row >= 4  # rows 0-3: ν, target, recoil, N (see nuportal.generator.events)
        for name in ("x", "y", "z", "t"):
            table[name][products] = event[f"decay_{name}"][owner[products]]
        return Events(event, table, events.offsets, events.processes, dict(events.metadata))


def reweight(events: Events, generated: Model, new: Model, rng: np.random.Generator) -> Reweighted:
    """Weights and decay vertices of ``events`` (generated with ``generated``) for ``new``.

    Parameters
    ----------
    events : Events
        A weighted sample of :class:`~nuportal.generator.run.EventGenerator` (its metadata
        names the experiment, final state, decay volume and forced/free decays).
    generated : Model
        The model the events were generated with (checked against the metadata).
    new : Model
        The same masses and mediators with other couplings.
    rng : numpy.random.Generator
        Draws the new decay distances.

    Returns
    -------
    Reweighted
        Use :meth:`Reweighted.apply` for an :class:`Events` copy.

    Raises
    ------
    NuportalError
        If the masses, mediators or fermion type differ, the metadata do not match
        ``generated``, or the change is not supported (see the module docstring).
    """
    _check_same_spectrum(generated, new)
    _check_generated(events, generated)
    meta = events.metadata
    n = len(events)
    first = events.offsets[:-1]
    pdg = events.particles["pdg"]
    heavy_pdg = np.abs(pdg[first + 3])
    weight = events.event["weight"].copy()
    # 1. production
    weight *= _production_factor(events, generated, new, meta["experiment"])
    # 2. branching ratios and 3. decay lengths, per heavy lepton
    mode_of = np.array([p.split("; ", 1)[1] for p in events.processes])[events.event["process"]]
    vertex = np.stack([events.event[f"vertex_{a}"] for a in "xyz"], axis=1)
    p4 = np.stack([events.particles[k][first + 3] for k in ("e", "px", "py", "pz")], axis=1)
    p_abs = np.linalg.norm(p4[:, 1:], axis=1)
    direction = p4[:, 1:] / p_abs[:, None]
    length = np.empty(n)
    for heavy in generated.heavy:
        rows = heavy_pdg == heavy.pdgid
        if not rows.any():
            continue
        ratio = _branching_ratios(generated, new, heavy.name, meta["final_state"])
        unknown = set(mode_of[rows]) - set(ratio)
        if unknown:
            raise NuportalError(
                f"the events have decay modes {sorted(unknown)} that "
                f"{heavy.name} of the generated model does not simulate"
            )
        weight[rows] *= np.vectorize(ratio.__getitem__, otypes=[float])(mode_of[rows])
        length[rows] = p_abs[rows] / heavy.mass * decay_table(new, heavy.name).ctau_cm
    if meta.get("forced_decays", True):
        volume = get_experiment(meta["experiment"]).volume(meta["decay_volume"]).shape
        distance, probability = forced_decay(vertex, direction, length, volume, rng)
        _, old_probability = forced_decay(
            vertex,
            direction,
            length * _width_ratio(events, generated, new, heavy_pdg),
            volume,
            np.random.default_rng(0),
        )
        weight *= np.divide(
            probability, old_probability, out=np.zeros(n), where=old_probability > 0
        )
    else:
        distance = free_decay(length, rng)
    decay = vertex + distance[:, None] * direction
    time = events.event["vertex_t"] + distance * p4[:, 0] / p_abs / C_CM_PER_NS
    return Reweighted(weight, decay, time)


# ---------------------------------------------------------------------- checks
def _check_same_spectrum(generated: Model, new: Model) -> None:
    def spectrum(m: Model) -> tuple[bool, list[tuple[str, float]]]:
        states = [(h.name, h.mass) for h in m.heavy]
        states += [(b.name, b.mass) for b in m.couplings.vectors]
        states += [(b.name, b.mass) for b in m.couplings.scalars]
        return m.majorana, states

    old_kind, old_states = spectrum(generated)
    new_kind, new_states = spectrum(new)
    same = old_kind == new_kind and [s for s, _ in old_states] == [s for s, _ in new_states]
    if not same or not np.allclose(
        [m for _, m in old_states], [m for _, m in new_states], rtol=1e-12, atol=0.0
    ):
        raise NuportalError(
            "reweighting needs the same particles, masses and fermion type (only couplings "
            f"change): generated {generated.describe()!r}, new {new.describe()!r}"
        )


def _check_generated(events: Events, generated: Model) -> None:
    stored = events.metadata.get("model_parameters")
    if stored is None or "experiment" not in events.metadata:
        raise NuportalError("the events carry no generator metadata (model, experiment)")
    expected = {
        k: (v if not isinstance(v, complex) else str(v)) for k, v in generated.parameters.items()
    }
    if stored != expected:
        raise NuportalError(
            f"the events were generated with {stored}, not with the model given as the "
            f"generated one ({expected})"
        )


def _width_ratio(events: Events, generated: Model, new: Model, heavy_pdg: np.ndarray) -> FloatArray:
    """Γ_new / Γ_old of each event's heavy lepton (ℓ_old = ℓ_new × this)."""
    ratio = np.ones(len(events))
    for heavy in generated.heavy:
        rows = heavy_pdg == heavy.pdgid
        if rows.any():
            ratio[rows] = (
                decay_table(new, heavy.name).total_width
                / decay_table(generated, heavy.name).total_width
            )
    return ratio


# ---------------------------------------------------------------------- production
def _targets(experiment: str) -> dict[int, tuple[Nucleus, str]]:
    """PDG number of a written target → (scattering target, regime)."""
    out = {PDG_PROTON: (PROTON, "elastic"), PDG_NEUTRON: (NEUTRON, "elastic")}
    for volume in get_experiment(experiment).volumes:
        for name in volume.material.targets_per_gram():
            nuc = nucleus(name)
            if nuc.a > 1:
                out[nuc.pdgid] = (nuc, "coherent")
    return out


def _production_factor(events: Events, generated: Model, new: Model, experiment: str) -> FloatArray:
    """|M_new|² / |M_old|² at each event's (E_ν, Q², helicity) and channel."""
    first = events.offsets[:-1]
    pdg = events.particles["pdg"]
    heavy_index = {h.pdgid: h.name for h in generated.heavy}
    targets = _targets(experiment)
    channel_id = np.stack(
        [pdg[first], pdg[first + 1], np.abs(pdg[first + 3]), events.event["helicity"]], axis=1
    )
    keys, inverse = np.unique(channel_id, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    factor = np.empty(len(events))
    energy, q2 = events.event["enu"], events.event["q2"]
    for k, (flavour, target_pdg, heavy_pdg, helicity) in enumerate(keys):
        rows = np.nonzero(inverse == k)[0]
        target, regime = targets[int(target_pdg)]
        channel = Channel(int(flavour), heavy_index[int(heavy_pdg)], target, regime)
        old, now = Upscattering(generated, channel), Upscattering(new, channel)

        def ratio(
            sel: np.ndarray,
            old: Upscattering = old,
            now: Upscattering = now,
            h: int = int(helicity),
        ) -> FloatArray:
            return now.amplitude_squared(energy[sel], q2[sel], h) / old.amplitude_squared(
                energy[sel], q2[sel], h
            )

        probe = rows[np.linspace(0, len(rows) - 1, min(PROBE_EVENTS, len(rows))).astype(int)]
        tested = ratio(probe)
        if _constant(tested):
            factor[rows] = tested.mean()
        else:
            factor[rows] = ratio(rows)
    return factor


def _constant(values: FloatArray) -> bool:
    scale = np.abs(values).max()
    return bool(scale == 0 or np.ptp(values) <= RESCALING_TOLERANCE * scale)


# ---------------------------------------------------------------------- decays
def _branching_ratios(
    generated: Model, new: Model, heavy: str, final_state: str
) -> dict[str, float]:
    """BR_new / BR_old of each simulated mode of ``heavy``; refuses shape changes."""
    old_modes = {m.label: m for m in decay_modes(generated, heavy, final_state)}
    new_modes = {m.label: m for m in decay_modes(new, heavy, final_state)}
    opened = sorted(k for k in new_modes.keys() - old_modes.keys() if new_modes[k].branching > 0)
    if opened:
        raise NuportalError(
            f"the new couplings open decay modes {opened} that the generated sample does not "
            "have; generate with couplings where they are open"
        )
    ratios = {}
    for label, mode in old_modes.items():
        if mode.daughter >= 3:
            raise NuportalError(
                f"reweighting chains through a heavy daughter ({label}) is not supported"
            )
        now = new_modes.get(label)
        if now is None or now.branching == 0:
            ratios[label] = 0.0
            continue
        if not _same_shape(generated, new, heavy, mode):
            raise NuportalError(
                f"the new couplings change the decay distribution of {label} (not a pure "
                "rescaling of its amplitude); regenerate the events instead of reweighting"
            )
        ratios[label] = now.branching / mode.branching
    return ratios


def _same_shape(generated: Model, new: Model, heavy: str, mode: DecayMode) -> bool:
    """Whether the normalised decay distribution of ``mode`` is the same in both models."""
    index = generated.heavy_index(heavy)
    if mode.kind == "photon":
        powers = []
        for model in (generated, new):
            c_l, c_r = chiral_vertex(
                np.asarray(model.couplings.dipole),
                mode.daughter,
                index,
                majorana=False,
                antineutrino=False,
                kind="dipole",
            )
            powers.append(
                analysing_power("photon", model.heavy[index - 3].mass, 0.0, 0.0, c_l, c_r)
            )
        return abs(powers[0] - powers[1]) <= RESCALING_TOLERANCE
    decays = [pair_decay(m, heavy, mode) for m in (generated, new)]
    rng = np.random.default_rng(0)
    lo, hi = decays[0].s23_range
    s23 = lo + (hi - lo) * rng.random(_DECAY_PROBES)
    lo13, hi13 = decays[0].s13_limits(s23)
    s13 = lo13 + (hi13 - lo13) * rng.random(_DECAY_PROBES)
    cos_t, chi = rng.uniform(-1, 1, _DECAY_PROBES), rng.uniform(0, 2 * np.pi, _DECAY_PROBES)
    conjugates = (False, True) if generated.majorana else (False,)
    densities = [
        np.concatenate(
            [
                d.differential_width(s23, s13, cos_t, chi, h, conjugate=c)
                for h in (-1, 1)
                for c in conjugates
            ]
        )
        for d in decays
    ]
    inside = densities[0] > 0
    return bool(np.all(densities[1][~inside] == 0)) and _constant(
        densities[1][inside] / densities[0][inside]
    )
