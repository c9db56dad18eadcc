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
4. **Mediator decay** (cascades N → X M, M → ℓℓ through an on-shell Z' or h'). A short-lived
   mediator's flight from the N decay point is rescaled by cτ_M,new / cτ_M,old. For a
   *displaced* mediator the generator lets N decay freely and forces the mediator's decay
   into the volume with its probability P_M in the weight; the N decay distance is then
   redrawn freely and the mediator's decay forced again from the new N decay point, with
   P_M,new / P_M,old. Events whose mediator missed the volume were not written; from an N
   decay point inside the (convex) volume it never misses, so the sample lacks only
   configurations with the N decaying outside the volume (wherever the N was made, e.g. in
   the dirt): samples with more than :data:`COVERAGE_TOLERANCE` of their weight in N decaying
   outside are refused. :attr:`Reweighted.visible` is where the visible pair is made.

Limits and advice: events whose heavy daughter N_j decays again (N5 → N4 ℓℓ, N4 → ...)
are refused (the daughter's own decay probability would change too). The generator writes
only events with P > 0, and interaction vertices are uniform in each volume, so a sample
covers every lifetime unless P underflowed (a/ℓ > ~700: prompt decays of N made far
upstream). The *precision* after reweighting depends on the generated lifetime: the
generator shares its events between the detector and the dirt by their expected events at
that lifetime, and going to a longer lifetime multiplies the weights of N made far upstream
by e^{a (1/ℓ_old − 1/ℓ_new)}, which grows fast with the distance a. Generate in the middle
of the scanned lifetimes, or at the long-lived end when the dirt matters, and watch
:attr:`Reweighted.effective_events` (the tests use cτ = 1 m for targets from 0.1 mm to 1 km:
9000, 1200 and 2300 effective events of 20 000). Only the decay positions depend on the
random generator, not the weights.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from nuportal.constants import PDG_NEUTRON, PDG_PROTON
from nuportal.errors import NuportalError
from nuportal.experiments.catalogue import get_experiment
from nuportal.experiments.geometry import Volume
from nuportal.generator.chain import DecayMode, decay_modes, pair_decay
from nuportal.generator.events import Events
from nuportal.generator.placement import forced_decay, free_decay
from nuportal.models.couplings import chiral_vertex
from nuportal.models.model import Model
from nuportal.physics.decays.channels import decay_table, particles
from nuportal.physics.decays.polarised import analysing_power
from nuportal.physics.decays.table import DecayTable
from nuportal.physics.nuclei import NEUTRON, PROTON, Nucleus, nucleus
from nuportal.physics.upscattering import Channel, Upscattering
from nuportal.units import C_CM_PER_NS

__all__ = [
    "COVERAGE_TOLERANCE",
    "PROBE_EVENTS",
    "RESCALING_TOLERANCE",
    "Reweighted",
    "Reweighter",
    "reweight",
]

FloatArray = NDArray[np.float64]

#: events of a channel on which the production ratio is tested for a pure rescaling
PROBE_EVENTS = 64
#: largest relative spread of a ratio that counts as a pure rescaling
RESCALING_TOLERANCE = 1e-6
#: largest estimated fraction of a displaced-mediator sample whose heavy leptons decay
#: outside the decay volume (made inside or outside it): the generator drops such events
#: when their mediator flies away from the volume, so a sample with more of them may lack
#: events other couplings need (Monte Carlo errors of scan samples are ≥ 1 %)
COVERAGE_TOLERANCE = 1e-3
#: phase-space points on which the normalised decay distributions are compared
_DECAY_PROBES = 64


class NotReweightable(NuportalError):
    """The change of couplings or the sample cannot be handled by reweighting (a decay
    distribution changes, a mode opens, a heavy-daughter chain, displaced mediators of N
    decaying outside the decay volume): regenerate the events instead."""


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
    visible : numpy.ndarray
        Production vertices (n, 3) in cm of the visible pair: the mediator's decay point for
        a cascade N → X M, M → ℓℓ, else the N decay vertex.
    """

    weight: FloatArray
    decay: FloatArray
    decay_time: FloatArray
    visible: FloatArray

    @property
    def effective_events(self) -> float:
        """Kish's effective sample size (Σw)² / Σw²: the number of equal-weight events with
        the same relative Monte Carlo error, 1/√(effective events)."""
        total = float(np.sum(self.weight**2))
        return float(np.sum(self.weight)) ** 2 / total if total > 0 else 0.0

    def apply(self, events: Events) -> Events:
        """A copy of ``events`` with the new weights, the decay vertex of the N and the
        production vertex of every decay product moved to the new decay point, and those of
        a cascade's lepton pair to the new mediator decay point (their times stay the N
        decay time)."""
        vertices = events.vertices.copy()  # 0: interaction, 1: N decay, 2: mediator decay
        vertices[:, 1, :3] = self.decay
        vertices[:, 1, 3] = self.decay_time
        if vertices.shape[1] > 2:
            cascade = ~np.isnan(vertices[:, 2, 0])
            vertices[cascade, 2, :3] = self.visible[cascade]
            vertices[cascade, 2, 3] = self.decay_time[cascade]
        return replace(events, event={**events.event, "weight": self.weight}, vertices=vertices)


def reweight(events: Events, generated: Model, new: Model, rng: np.random.Generator) -> Reweighted:
    """Weights and decay vertices of ``events`` (generated with ``generated``) for ``new``.

    One call of :class:`Reweighter`; build a :class:`Reweighter` once to reweight the same
    sample to many couplings (a profiled-coupling scan).

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
    return Reweighter(events, generated)(new, rng)


@dataclass
class _Channel:
    """The events of one upscattering channel and N helicity, with the generated model's
    amplitudes on its probe events (and, once needed, on all of them)."""

    rows: np.ndarray
    channel: Channel
    helicity: int
    probe: np.ndarray
    old_probe: FloatArray
    old_all: FloatArray | None = None


class Reweighter:
    """Reweights one generated sample to other couplings (see the module docstring).

    Everything that depends only on the sample and the generated model — the grouping of
    events by channel and decay mode, the generated amplitudes on the probe events, the
    generated decay tables and decay-in-volume probabilities — is computed once.

    Parameters
    ----------
    events : Events
        The sample (see :func:`reweight`).
    generated : Model
        The model it was generated with.

    Examples
    --------
    >>> reweighter = Reweighter(events, generated)                    # doctest: +SKIP
    >>> weights = [reweighter(m, rng).weight for m in models]         # doctest: +SKIP
    """

    def __init__(self, events: Events, generated: Model) -> None:
        _check_generated(events, generated)
        self.events, self.generated = events, generated
        meta = events.metadata
        self.final_state = meta["final_state"]
        first = events.offsets[:-1]
        self.heavy_pdg = np.abs(events.particles["pdg"][first + 3])
        self.vertex = np.stack([events.event[f"vertex_{a}"] for a in "xyz"], axis=1)
        p4 = np.stack([events.particles[k][first + 3] for k in ("e", "px", "py", "pz")], axis=1)
        self.p_abs = np.linalg.norm(p4[:, 1:], axis=1)
        self.gamma_beta_inverse = p4[:, 0] / self.p_abs  # E/p: time per distance / c
        self.direction = p4[:, 1:] / self.p_abs[:, None]
        process = events.event["process"]
        self.modes = {
            h.name: {m.label: m for m in decay_modes(generated, h.name, self.final_state)}
            for h in generated.heavy
            if np.any(self.heavy_pdg == h.pdgid)
        }
        self._shapes: dict[str, dict[str, _DecayShape]] = {}
        self.mode_of = np.array([p.split("; ", 1)[1] for p in events.processes])
        simulated = {label: m for modes in self.modes.values() for label, m in modes.items()}
        present = {self.mode_of[p] for p in np.unique(process)}
        if present - simulated.keys():
            raise NotReweightable(
                f"the events have decay modes {sorted(present - simulated.keys())} that the "
                f"generated model does not simulate for the final state {self.final_state!r}"
            )
        cascades = sorted(label for label in present if simulated[label].daughter >= 3)
        if cascades:
            raise NotReweightable(
                f"reweighting chains through a heavy daughter ({', '.join(cascades)}) is not "
                "supported: regenerate"
            )
        self.channels = self._channels(meta["experiment"])
        mode = np.array([simulated[label] for label in self.mode_of])[process]
        displaced = np.isin(self.mode_of[process], list(meta.get("displaced_mediator_modes", ())))
        # forced decays: the decay volume and the generated decay-in-volume probabilities
        self.forced: tuple[Volume, FloatArray] | None = None
        self.mediators: _Mediators | None = None
        if meta.get("forced_decays", True):
            volume = get_experiment(meta["experiment"]).volume(meta["decay_volume"]).shape
            lengths = self._lengths(generated)
            old = forced_decay(
                self.vertex, self.direction, lengths, volume, np.random.default_rng(0)
            )
            self.forced = (volume, old[1])
            if displaced.any():
                _check_coverage(events, volume, self.vertex, displaced, old[1])
        through = np.array([m.mediator_pdg != 0 for m in mode], dtype=bool)
        if through.any():
            self.mediators = _Mediators(events, generated, through, displaced, self.forced)

    def _channels(self, experiment: str) -> list[_Channel]:
        first = self.events.offsets[:-1]
        pdg = self.events.particles["pdg"]
        key = np.stack(
            [pdg[first], pdg[first + 1], self.heavy_pdg, self.events.event["helicity"]], axis=1
        )
        # one row per process (a process fixes the channel and the helicity)
        process = self.events.event["process"]
        order = np.argsort(process, kind="stable")
        starts = np.searchsorted(process[order], np.arange(len(self.events.processes) + 1))
        groups: dict[tuple[int, ...], list[np.ndarray]] = {}
        for p in range(len(self.events.processes)):
            rows = order[starts[p] : starts[p + 1]]
            if len(rows):
                groups.setdefault(tuple(int(v) for v in key[rows[0]]), []).append(rows)
        targets = _targets(experiment)
        names = {h.pdgid: h.name for h in self.generated.heavy}
        energy, q2 = self.events.event["enu"], self.events.event["q2"]
        out = []
        for (flavour, target_pdg, heavy_pdg, helicity), parts in groups.items():
            rows = np.sort(np.concatenate(parts))
            target, regime = targets[target_pdg]
            channel = Channel(flavour, names[heavy_pdg], target, regime)
            probe = rows[np.linspace(0, len(rows) - 1, min(PROBE_EVENTS, len(rows))).astype(int)]
            old = Upscattering(self.generated, channel).amplitude_squared(
                energy[probe], q2[probe], helicity
            )
            out.append(_Channel(rows, channel, helicity, probe, old))
        return out

    def _lengths(self, model: Model) -> FloatArray:
        """Lab decay lengths (p/m) cτ [cm] of each event's N in ``model``."""
        length = np.empty(len(self.events))
        for heavy in model.heavy:
            rows = self.heavy_pdg == heavy.pdgid
            if rows.any():
                ctau = decay_table(model, heavy.name).ctau_cm
                length[rows] = self.p_abs[rows] / heavy.mass * ctau
        return length

    def production(self, new: Model) -> FloatArray:
        """|M_new|² / |M_old|² of each event (the production factor of the weight)."""
        energy, q2 = self.events.event["enu"], self.events.event["q2"]
        factor = np.empty(len(self.events))
        for group in self.channels:
            ups = Upscattering(new, group.channel)
            probe = group.probe
            ratio = (
                ups.amplitude_squared(energy[probe], q2[probe], group.helicity) / group.old_probe
            )
            if _constant(ratio):
                factor[group.rows] = ratio.mean()
                continue
            rows = group.rows
            if group.old_all is None:
                old = Upscattering(self.generated, group.channel)
                group.old_all = old.amplitude_squared(energy[rows], q2[rows], group.helicity)
            factor[rows] = ups.amplitude_squared(energy[rows], q2[rows], group.helicity)
            factor[rows] /= group.old_all
        return factor

    def __call__(self, new: Model, rng: np.random.Generator) -> Reweighted:
        """Weights and decay vertices for the model ``new`` (see :func:`reweight`)."""
        _check_same_spectrum(self.generated, new)
        weight = self.events.event["weight"] * self.production(new)
        per_process = np.zeros(len(self.events.processes))
        for heavy, modes in self.modes.items():
            if heavy not in self._shapes:  # the generated distributions, computed once
                self._shapes[heavy] = {
                    label: _DecayShape(self.generated, heavy, m) for label, m in modes.items()
                }
            ratio = _branching_ratios(self._shapes[heavy], new, heavy, self.final_state)
            for p, label in enumerate(self.mode_of):
                per_process[p] = ratio.get(label, per_process[p])
        weight *= per_process[self.events.event["process"]]
        length = self._lengths(new)
        if self.forced is None:
            distance = free_decay(length, rng)
        else:  # forced into the volume, except the N of a displaced-mediator mode (free)
            volume, old = self.forced
            free = np.zeros(len(length), dtype=bool)
            if self.mediators is not None:
                free = self.mediators.free
            kept = ~free
            distance = np.empty(len(length))
            distance[kept], probability = forced_decay(
                self.vertex[kept], self.direction[kept], length[kept], volume, rng
            )
            weight[kept] *= np.divide(
                probability, old[kept], out=np.zeros(len(probability)), where=old[kept] > 0
            )
            distance[free] = free_decay(length[free], rng)
        decay = self.vertex + distance[:, None] * self.direction
        time = self.events.event["vertex_t"] + distance * self.gamma_beta_inverse / C_CM_PER_NS
        visible = decay
        if self.mediators is not None:
            visible, factor = self.mediators(new, decay, rng)
            weight *= factor
        return Reweighted(weight, decay, time, visible)


class _Mediators:
    """The events of cascade modes N → X M, M → ℓℓ: where the mediator M decays.

    A short-lived mediator flies freely from the N decay point: its flight, exponential
    with mean (p/m) cτ_M, is rescaled by cτ_M,new / cτ_M,old (exact for an exponential).
    A *displaced* mediator (the generator's ``displaced_mediator_modes``) had its decay forced
    into the decay volume from a freely placed N decay, with the probability P_M in the
    weight: it is forced again from the new N decay point, the weight multiplied by
    P_M,new / P_M,old.
    """

    def __init__(
        self,
        events: Events,
        generated: Model,
        through: NDArray[np.bool_],
        displaced: NDArray[np.bool_],
        forced: tuple[Volume, FloatArray] | None,
    ) -> None:
        first = events.offsets[:-1]
        self.rows = np.flatnonzero(through)
        p = events.particles
        med = first[self.rows] + 5  # rows 4, 5: X and the mediator M; its products follow
        self.kinds, self.kind = np.unique(np.abs(p["pdg"][med]), return_inverse=True)
        momentum = np.stack([p[k][med] for k in ("px", "py", "pz")], axis=1)
        p_abs = np.linalg.norm(momentum, axis=1)
        self.direction = momentum / np.where(p_abs > 0, p_abs, 1.0)[:, None]
        masses = np.array([_mediator_table(generated, int(k)).mass for k in self.kinds])
        self.p_over_m = p_abs / masses[self.kind]
        decay = events.vertices[self.rows, 1, :3]
        pair = events.vertices[self.rows, p["vertex"][med + 1], :3]
        self.flight = pair - decay
        self.old_ctau = self._ctau(generated)
        self.free = displaced & through
        self.displaced = displaced[self.rows]
        self.volume: Volume | None = None
        if self.displaced.any():
            assert forced is not None  # displaced modes exist only with forced decays
            self.volume = forced[0]
            d = self.displaced
            lengths = self.p_over_m[d] * self.old_ctau[d]
            self.old_probability = forced_decay(
                decay[d], self.direction[d], lengths, self.volume, np.random.default_rng(0)
            )[1]

    def _ctau(self, model: Model) -> FloatArray:
        return np.array([_mediator_table(model, int(k)).ctau_cm for k in self.kinds])[self.kind]

    def __call__(
        self, new: Model, decay: FloatArray, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        """(production vertices of the mediators' products (n, 3) [cm], weight factors)."""
        ctau = self._ctau(new)
        visible = decay.copy()
        factor = np.ones(len(decay))
        rows, d = self.rows, self.displaced
        short = rows[~d]
        visible[short] = decay[short] + self.flight[~d] * (ctau / self.old_ctau)[~d, None]
        if self.volume is not None:
            lengths = self.p_over_m[d] * ctau[d]
            origin = decay[rows[d]]
            distance, probability = forced_decay(
                origin, self.direction[d], lengths, self.volume, rng
            )
            visible[rows[d]] = origin + distance[:, None] * self.direction[d]
            old = self.old_probability
            factor[rows[d]] = np.divide(probability, old, out=np.zeros(len(old)), where=old > 0)
        return visible, factor


def _mediator_table(model: Model, pdg: int) -> DecayTable:
    for name in particles(model):
        table = decay_table(model, name)
        if table.pdgid == pdg:
            return table
    raise NuportalError(f"the model has no mediator with PDG number {pdg}")


def _check_coverage(
    events: Events,
    volume: Volume,
    vertex: FloatArray,
    displaced: NDArray[np.bool_],
    inside: FloatArray,
) -> None:
    """Refuse a displaced-mediator sample that may lack events the new couplings need.

    The generator drops events whose mediator misses the volume; from an N decay point inside
    a convex volume it never does, so the sample holds every configuration except N decays
    outside the volume, whether the N was made inside it or outside (in the dirt, where a
    prompt N decays outside with probability ≈ 1). The weighted fraction of N decaying
    outside, Σ w (1 − P_in) / Σ w with P_in their probability to decay inside, must stay
    below :data:`COVERAGE_TOLERANCE`.
    """
    w = events.event["weight"][displaced]
    outside = float(np.sum(w * (1.0 - inside[displaced])) / max(float(w.sum()), 1e-300))
    if outside > COVERAGE_TOLERANCE:
        verb = "decay"
        if not np.all(volume.contains(vertex[displaced])):
            verb = "are made outside the decay volume (e.g. in the dirt) or decay"
        raise NotReweightable(
            f"{outside:.2g} of the displaced-mediator sample's heavy leptons {verb} outside "
            f"the decay volume (more than {COVERAGE_TOLERANCE:g}): regenerate"
        )


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


def _constant(values: FloatArray) -> bool:
    scale = np.abs(values).max()
    return bool(scale == 0 or np.ptp(values) <= RESCALING_TOLERANCE * scale)


# ---------------------------------------------------------------------- decays
def _branching_ratios(
    shapes: dict[str, _DecayShape], new: Model, heavy: str, final_state: str
) -> dict[str, float]:
    """BR_new / BR_old of each simulated mode of ``heavy`` (``shapes``: the generated model's
    modes with their decay distributions, by label); refuses shape changes."""
    new_modes = {m.label: m for m in decay_modes(new, heavy, final_state)}
    opened = sorted(k for k in new_modes.keys() - shapes.keys() if new_modes[k].branching > 0)
    if opened:
        raise NotReweightable(
            f"the new couplings open decay modes {opened} that the generated sample does not "
            "have; generate with couplings where they are open"
        )
    ratios = {}
    for label, shape in shapes.items():
        now = new_modes.get(label)
        if now is None or now.branching == 0:
            ratios[label] = 0.0
            continue
        if not shape.same_in(new):
            raise NotReweightable(
                f"the new couplings change the decay distribution of {label} (not a pure "
                "rescaling of its amplitude); regenerate the events instead of reweighting"
            )
        ratios[label] = now.branching / shape.mode.branching
    return ratios


class _DecayShape:
    """The normalised decay distribution of one simulated mode of the generated model, kept
    to compare other couplings with (:meth:`same_in`): for a three-body or cascade mode its
    differential width on :data:`_DECAY_PROBES` fixed phase-space points (both N helicities,
    and the CP image for a Majorana N), for N → ν γ its analysing power."""

    def __init__(self, generated: Model, heavy: str, mode: DecayMode) -> None:
        self.heavy, self.mode = heavy, mode
        self.index = generated.heavy_index(heavy)
        self.conjugates = (False, True) if generated.majorana else (False,)
        if mode.kind == "photon":
            self.power = self._power(generated)
            return
        decay = pair_decay(generated, heavy, mode)
        rng = np.random.default_rng(0)
        lo, hi = decay.s23_range
        s23 = lo + (hi - lo) * rng.random(_DECAY_PROBES)
        lo13, hi13 = decay.s13_limits(s23)
        s13 = lo13 + (hi13 - lo13) * rng.random(_DECAY_PROBES)
        cos_t, chi = rng.uniform(-1, 1, _DECAY_PROBES), rng.uniform(0, 2 * np.pi, _DECAY_PROBES)
        self.probes = (s23, s13, cos_t, chi)
        self.density = self._density(generated)

    def _power(self, model: Model) -> float:
        c_l, c_r = chiral_vertex(
            np.asarray(model.couplings.dipole),
            self.mode.daughter,
            self.index,
            majorana=False,
            antineutrino=False,
            kind="dipole",
        )
        mass = model.heavy[self.index - 3].mass
        return float(analysing_power("photon", mass, 0.0, 0.0, c_l, c_r))

    def _density(self, model: Model) -> FloatArray:
        decay = pair_decay(model, self.heavy, self.mode)
        return np.concatenate(
            [
                decay.differential_width(*self.probes, h, conjugate=c)
                for h in (-1, 1)
                for c in self.conjugates
            ]
        )

    def same_in(self, new: Model) -> bool:
        """Whether the normalised distribution is the same in ``new`` (same masses)."""
        if self.mode.kind == "photon":
            return abs(self._power(new) - self.power) <= RESCALING_TOLERANCE
        density = self._density(new)
        inside = self.density > 0
        return bool(np.all(density[~inside] == 0)) and _constant(
            density[inside] / self.density[inside]
        )
