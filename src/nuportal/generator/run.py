"""The event generator: upscattering in every volume, decay chain, decay vertex, weights.

A *case* is one volume × target (nucleus coherently, or a bound/free nucleon) × incoming
flavour × heavy lepton × its helicity. For each case :class:`EventGenerator`

1. adapts a vegas map to φ(E) dσ_h/dQ² (:mod:`~nuportal.generator.production`);
2. runs a pilot of up to :data:`PILOT_EVENTS` complete events to estimate the case's expected
   number of events after the decay chain and the decay-volume requirement;
3. gives the case a share of the requested events proportional to that estimate
   (every case with a non-zero estimate gets at least :data:`MIN_EVENTS_PER_CASE`);
4. generates its events in chunks: (E_ν, Q²) and the production weight, the interaction
   vertex uniform in the volume (one material per volume, so uniform in target density),
   the neutrino direction from the source (target) to the vertex, the lab kinematics with a
   uniform azimuth, a decay mode chosen with probability BR_m / Σ BR, the decay kinematics
   for the N helicity, the decay vertex (forced into the decay volume, or free), times from
   the source at the speed of light.

The weight of an event (expected events for the exposure) is

    w = POT × N_targets × [f J / n]_vegas × Σ_m BR_m × P(decay in the volume),

so that Σ w estimates POT N_targets ∫ φ σ dE × BR × ⟨P⟩ without bias; events whose line of
flight misses the decay volume (P = 0) are not written.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from nuportal import __version__
from nuportal.constants import PDG_NEUTRON, PDG_PROTON
from nuportal.errors import NuportalError
from nuportal.experiments.catalogue import DetectorVolume, Experiment, get_experiment
from nuportal.experiments.fluxes import Flux
from nuportal.generator import lorentz
from nuportal.generator.chain import (
    FINAL_STATES,
    DecayMode,
    DecaySample,
    decay_modes,
    sample_decay,
)
from nuportal.generator.events import (
    EVENT_COLUMNS,
    STATUS_BEAM,
    STATUS_DECAYED,
    STATUS_FINAL,
    STATUS_TARGET,
    WEIGHT_DEFINITION,
    EventBuffer,
    Events,
    Layout,
    pack,
    tree_stored_rows,
    vertex_places,
)
from nuportal.generator.lorentz import lab_frame, lab_point, length3, orient_point, rows
from nuportal.generator.placement import fly, fly_point, forced_decay, free_decay
from nuportal.generator.production import ProductionSampler
from nuportal.models import Model
from nuportal.physics.decays.channels import decay_table, particles
from nuportal.physics.decays.three_body import LeptonPairDecay
from nuportal.physics.nuclei import NEUTRON, PROTON
from nuportal.physics.upscattering import FLAVOUR_NAME, Channel, Upscattering
from nuportal.rates import DEFAULT_ROLES, volume_targets
from nuportal.units import C_CM_PER_NS

#: complete events per case used to estimate its share: a tenth of the requested events,
#: between these bounds (small runs, e.g. the points of a scan, would otherwise spend most of
#: their time in pilots; 200 events estimate a share to a few per cent)
PILOT_EVENTS = 1000
MIN_PILOT_EVENTS = 200
#: the smallest number of events a contributing case receives
MIN_EVENTS_PER_CASE = 20
#: a case generates at most this many times its share of written events
MAX_OVERSAMPLING = 50
#: a mediator Z'/h' whose largest lab decay length (cτ E_max/m) is below this fraction of
#: the smallest side of the decay volume's bounding box is "short-lived": the N decay is
#: forced into the volume and the mediator flies from there (its products are placed at its
#: own decay vertex; the weight counts N decays in the volume, which differs from counting
#: mediator decays in it by boundary terms of relative size ≲ λ_M/L that largely cancel).
#: A longer-lived mediator is "displaced": N decays freely and the mediator's decay is forced
#: into the volume, with the exact probability as weight.
SHORT_MEDIATOR_FRACTION = 1e-2
#: events generated at once (bounds the memory)
CHUNK = 10_000
#: stored four-momenta per event reserved by :meth:`EventGenerator.generate` (address space
#: only)
STORED_BOUND = 16
#: statuses of the primary rows of an event: ν, target, recoil, N
PRIMARY_STATUS = (STATUS_BEAM, STATUS_TARGET, STATUS_FINAL, STATUS_DECAYED)


@dataclass
class _Case:
    volume: DetectorVolume
    target_label: str
    regime: str
    count: float
    flavour: int
    heavy: str
    helicity: int
    sampler: ProductionSampler
    target_pdg: int
    estimate: float = 0.0
    produced: float = 0.0
    kept: float = 1.0
    events: int = 0
    modes: list[DecayMode] = field(default_factory=list)

    @property
    def label(self) -> str:
        sign = "+" if self.helicity > 0 else "-"
        return (
            f"{self.volume.name}: {FLAVOUR_NAME[self.flavour]} {self.target_label} "
            f"{self.regime} -> {self.heavy}({sign})"
        )


class EventGenerator:
    """Weighted events of ``model`` at ``experiment`` with the decays of ``final_state``.

    Parameters
    ----------
    model : Model
        The model.
    experiment : Experiment or str
        The experiment (or its catalogue name).
    final_state : str
        ``"e+e-"``, ``"mu+mu-"``, ``"photon"`` or ``"any"`` (see
        :mod:`nuportal.generator.chain`).
    seed : int
        Seed of the one random generator of the run.
    flavours : sequence of int, optional
        Incoming flavours (PDG); default: all of the flux.
    roles : sequence of str
        Volume roles where upscattering happens (default detector and dirt).
    decay_volume : str, optional
        Name of the volume decays are forced into (default: the experiment's first volume
        with role ``"detector"``).
    forced : bool
        Force decays into the decay volume (default) or let them happen anywhere.
    weighted_decays : bool
        Three-body decay kinematics as weighted proposals (default, no rejection; the
        kinematic weight of mean 1 multiplies the event weight) or by accept–reject.
    data_dir : path, optional
        The data directory.
    pot : float, optional
        Exposure (default: the experiment's).
    """

    def __init__(
        self,
        model: Model,
        experiment: Experiment | str = "miniboone_numode",
        *,
        final_state: str = "e+e-",
        seed: int = 1,
        flavours: Sequence[int] | None = None,
        roles: Sequence[str] = DEFAULT_ROLES,
        decay_volume: str | None = None,
        forced: bool = True,
        weighted_decays: bool = True,
        data_dir: str | os.PathLike[str] | None = None,
        pot: float | None = None,
    ) -> None:
        if final_state not in FINAL_STATES:
            raise NuportalError(
                f"unknown final state {final_state!r}; allowed: {', '.join(FINAL_STATES)}"
            )
        self.model = model
        self.experiment = get_experiment(experiment) if isinstance(experiment, str) else experiment
        self.final_state = final_state
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.flux: Flux = self.experiment.flux(data_dir)
        self.pot = self.experiment.pot if pot is None else float(pot)
        if not self.pot > 0:
            raise NuportalError(f"POT must be positive, got {pot}")
        self.forced = forced
        self.weighted_decays = weighted_decays
        self.decay_volume = self._decay_volume(decay_volume)
        self.source = np.asarray(self.experiment.source_position)
        wanted = tuple(self.flux.flavours) if flavours is None else tuple(flavours)
        for f in wanted:
            if f not in self.flux.flavours:
                raise NuportalError(
                    f"flavour {f} is not in the flux {self.flux.name}; it has "
                    f"{', '.join(str(x) for x in self.flux.flavours)}"
                )
        self.tables = {n.name: decay_table(model, n.name) for n in model.heavy}
        #: proper cτ (cm) and mass (GeV) of the mediators Z', h' by PDG number
        self._mediators = {
            t.pdgid: (t.ctau_cm, t.mass)
            for t in (decay_table(model, m) for m in ("Zprime", "hprime") if m in particles(model))
        }
        self._max_energy = max(float(self.flux.edges(f)[-1]) for f in wanted)
        self.modes = {n.name: decay_modes(model, n.name, final_state) for n in model.heavy}
        self._decays: dict[str, LeptonPairDecay] = {}
        self._daughter_modes: dict[str, list[DecayMode]] = {}
        self._produced = 0.0
        self._tally: dict[str, list[float]] = {}
        self.flavours = wanted
        self.volumes = [v for v in self.experiment.volumes if v.role in roles]
        self.cases = self._cases(wanted, roles)

    # ------------------------------------------------------------------ set-up
    def _decay_volume(self, name: str | None) -> DetectorVolume:
        if name is not None:
            return self.experiment.volume(name)
        detectors = self.experiment.volumes_with_role("detector")
        if not detectors:
            raise NuportalError(f"{self.experiment.name} has no volume with role 'detector'")
        return detectors[0]

    def _cases(self, flavours: tuple[int, ...], roles: Sequence[str]) -> list[_Case]:
        volumes = [v for v in self.experiment.volumes if v.role in roles]
        if not volumes:
            raise NuportalError(f"{self.experiment.name} has no volume with role in {list(roles)}")
        samplers: dict[tuple[Channel, int], ProductionSampler] = {}
        cases: list[_Case] = []
        for vol in volumes:
            mass_g = vol.material.mass_g(vol.volume_cm3)
            for label, target, regime, count, parent in volume_targets(vol.material, mass_g):
                kind = "coherent" if regime == "coherent" else "elastic"
                pdg = {PROTON.name: PDG_PROTON, NEUTRON.name: PDG_NEUTRON}.get(
                    target.name, target.pdgid
                )
                for flavour in flavours:
                    for heavy in self.model.heavy:
                        if not self.modes[heavy.name]:
                            continue
                        channel = Channel(flavour, heavy.name, target, kind, bound_in=parent)
                        ups = Upscattering(self.model, channel)
                        if ups.vanishes:
                            continue
                        for hel in (-1, 1):
                            key = (channel, hel)
                            if key not in samplers:
                                samplers[key] = ProductionSampler(ups, self.flux, hel, self.rng)
                            if samplers[key].open:
                                cases.append(
                                    _Case(
                                        vol,
                                        label,
                                        regime,
                                        count,
                                        flavour,
                                        heavy.name,
                                        hel,
                                        samplers[key],
                                        pdg,
                                        modes=self.modes[heavy.name],
                                    )
                                )
        return cases

    def allocate(self, n_events: int) -> None:
        """Estimate every case with a pilot and share ``n_events`` among them.

        A case's share of the *written* events is proportional to its expected events; it
        generates share / f events, f the pilot's fraction of events whose line of flight
        meets the decay volume (the others are not written), at most
        :data:`MAX_OVERSAMPLING` times its share.
        """
        if n_events < 1:
            raise NuportalError(f"the number of events must be at least 1, got {n_events}")
        size = int(np.clip(n_events // 10, MIN_PILOT_EVENTS, PILOT_EVENTS))
        for case in self.cases:
            pilot = self._events(case, size, [])
            case.estimate = pilot.total_weight
            case.produced = self._produced
            case.kept = len(pilot) / size
        total = sum(c.estimate for c in self.cases)
        for case in self.cases:
            if case.estimate <= 0:
                case.events = 0
                continue
            share = max(MIN_EVENTS_PER_CASE, n_events * case.estimate / total)
            case.events = round(share / max(case.kept, 1.0 / MAX_OVERSAMPLING))

    @property
    def decay_fraction(self) -> float:
        """Estimated fraction of the produced N (in the simulated decay modes) that decay in
        the decay volume (1 for unforced decays), from the pilot samples."""
        produced = sum(c.produced for c in self.cases)
        return sum(c.estimate for c in self.cases) / produced if produced > 0 else 0.0

    @property
    def processes(self) -> list[str]:
        """Process labels: case × decay mode."""
        return [f"{c.label}; {m.label}" for c in self.cases for m in c.modes]

    # ------------------------------------------------------------------ generation
    def batches(self, chunk: int = CHUNK) -> Iterator[Events]:
        """Yield the events case by case in chunks of at most ``chunk`` (call
        :meth:`allocate` first)."""
        labels = self.processes
        self._tally = {}
        offset = 0
        for case in self.cases:
            first = offset
            offset += len(case.modes)
            todo = case.events
            while todo > 0:
                n = min(todo, chunk)
                todo -= n
                events = self._events(case, n, list(range(first, first + len(case.modes))))
                # a chunk's weight is its share of the case's events
                events.event["weight"] *= n / case.events
                w = events.event["weight"]
                sums = self._tally.setdefault(case.label, [float(case.events), 0.0, 0.0])
                sums[1] += float(w.sum())
                sums[2] += float(np.sum(w * w))
                events.processes = tuple(labels)
                events.metadata = self.metadata()
                yield events

    def generate(self, n_events: int) -> Events:
        """``n_events`` (approximately: every contributing case gets at least
        :data:`MIN_EVENTS_PER_CASE`; events missing the decay volume are dropped) weighted
        events; Σ weights = expected number of events."""
        self.allocate(n_events)
        planned = sum(c.events for c in self.cases)
        buffer = EventBuffer(planned, planned * STORED_BOUND)
        for batch in self.batches():
            buffer.append(batch)
        events = buffer.result()
        if not len(events):
            raise NuportalError(
                f"no event: no channel of {[n.name for n in self.model.heavy]} gives the final "
                f"state {self.final_state!r} in {self.decay_volume.name}"
            )
        return events

    @property
    def statistical_error(self) -> float:
        """Monte Carlo standard error of Σ weights of the events yielded so far by
        :meth:`batches`: the cases are independent strata of i.i.d. events (events that
        missed the decay volume count as zero weights), so
        Var = Σ_cases (Σ w² − (Σ w)²/N_case), N_case the events generated for the case.
        (√Σw², the error of a Poisson count, would overestimate it for a fixed N.)"""
        variance = sum(max(s2 - s1 * s1 / n, 0.0) for n, s1, s2 in self._tally.values())
        return float(np.sqrt(variance))

    @property
    def expected_events(self) -> float:
        """Expected number of events of the run (Σ of the case estimates of the pilots)."""
        return sum(c.estimate for c in self.cases)

    def flux_averaged_cross_section(self) -> float:
        """Flux-averaged total cross section of the simulated events in cm² per target
        nucleus: expected events / (POT × Σ_flavours ∫ φ dE × nuclei in the upscattering
        volumes) — the normalisation NuHepMC 1.0 asks for (G.C.2); it includes the branching
        ratios and decay-in-volume probabilities of the weights."""
        flux = sum(self.flux.integral(f) for f in self.flavours)
        nuclei = sum(
            v.material.mass_g(v.volume_cm3) * sum(v.material.targets_per_gram().values())
            for v in self.volumes
        )
        denominator = self.pot * flux * nuclei
        return self.expected_events / denominator if denominator > 0 else 0.0

    def metadata(self) -> dict:
        """The run description written into every output file."""
        return {
            "expected_events": self.expected_events,
            "flux_averaged_total_cross_section": self.flux_averaged_cross_section(),
            "flavours": list(self.flavours),
            "generator": "nuportal",
            "nuportal_version": __version__,
            "seed": self.seed,
            "experiment": self.experiment.name,
            "pot": self.pot,
            "flux": self.flux.name,
            "model_parameters": {
                k: (v if not isinstance(v, complex) else str(v))
                for k, v in self.model.parameters.items()
            },
            "final_state": self.final_state,
            "decay_volume": self.decay_volume.name,
            "forced_decays": self.forced,
            "displaced_mediator_modes": sorted(
                m.label
                for modes in self.modes.values()
                for m in modes
                if self.forced and self._displaced_mediator(m)
            ),
            "weight": WEIGHT_DEFINITION,
            "units": {"energy": "GeV", "length": "cm", "time": "ns", "weight": "events"},
            "lifetimes_ctau_cm": {k: t.ctau_cm for k, t in self.tables.items()},
        }

    def _events(self, case: _Case, n: int, process_ids: list[int]) -> Events:
        rng = self.rng
        model = self.model
        heavy = model.heavy[model.heavy_index(case.heavy) - 3]
        prod = case.sampler.sample(n, rng)
        weight = prod.weight * self.pot * case.count
        vertex = case.volume.shape.sample(n, rng)
        k1, k2 = prod.k1, prod.k2  # lab momenta of ν and N, both along +z
        phi = rng.uniform(0.0, 2.0 * np.pi, n)
        # ν along the beam, N turned by φ about it (the target at rest and the recoil by
        # conservation are derived by the events' layout), N's flight and the time of the
        # interaction, in one pass
        table = self.tables[case.heavy]
        direction, decay_length, t_int = np.empty((n, 3)), np.empty(n), np.empty(n)
        _interaction_rows(
            rows(vertex),
            rows(self.source),
            rows(phi),
            (heavy.mass, table.ctau_cm),
            k1,
            k2,
            (direction, decay_length, t_int),
        )
        # decay mode
        brs = np.array([m.branching for m in case.modes])
        pick = rng.choice(len(brs), size=n, p=brs / brs.sum()) if len(brs) > 1 else np.zeros(n, int)
        weight = weight * brs.sum()
        self._produced = float(weight.sum())  # expected events before the decay position
        # decay vertex of N: forced into the decay volume (or free with --unforced); for a
        # mode whose mediator is displaced, N decays freely and the mediator's decay is forced
        pieces = []
        for m_index, mode in enumerate(case.modes):
            sel = _rows_where(pick == m_index)
            count = len(pick[sel])
            if not count:
                continue
            displaced = self.forced and self._displaced_mediator(mode)
            if self.forced and not displaced:
                distance, prob = forced_decay(
                    vertex[sel], direction[sel], decay_length[sel], self.decay_volume.shape, rng
                )
            else:
                distance, prob = free_decay(decay_length[sel], rng), np.ones(count)
            decay_pos, t_dec = fly(vertex[sel], t_int[sel], k2[sel], distance)
            keep = _rows_where(weight[sel] * prob > 0)  # the flight misses the volume, or f = 0
            if isinstance(keep, np.ndarray):
                sel = np.arange(n)[sel][keep]
                distance, prob, decay_pos, t_dec = (
                    a[keep] for a in (distance, prob, decay_pos, t_dec)
                )
            group = _State(
                weight[sel] * prob,
                prod.energy[sel],
                prod.q2[sel],
                vertex[sel],
                t_int[sel],
                decay_pos,
                t_dec,
                k1[sel],
                k2[sel],
            )
            hel = np.full(len(group.weight), case.helicity)
            sampled = sample_decay(
                model,
                case.heavy,
                mode,
                hel,
                rng,
                self._decays,
                antiparticle=case.flavour < 0,
                weighted=self.weighted_decays,
            )
            group.weight = group.weight * sampled.weight
            pid = process_ids[m_index] if process_ids else m_index
            if not displaced and mode.daughter < 3:  # the common case: straight to the record
                decay = self._record(mode, group, sampled, direction[sel], k2[sel])
                pieces.append(self._assemble(case, mode, group, decay, pid))
                continue
            products = lorentz.to_lab(sampled.momenta, direction[sel], k2[sel])
            places, factor = self._product_places(
                mode, products, group.decay, group.t_dec, displaced
            )
            group.weight = group.weight * factor
            decay = _Decay(products, sampled.pdgs, sampled.conjugate, places)
            if sampled.daughter_spin is not None:  # N_j's spin four-vector, to the lab
                (decay.spin,) = lorentz.to_lab([sampled.daughter_spin], direction[sel], k2[sel])
            if displaced:  # mediators that miss the volume
                inside = group.weight > 0
                group, decay = group.select(inside), decay.select(inside)
            if mode.daughter >= 3:
                pieces += self._with_daughter_decay(case, mode, group, decay, pid)
            else:
                pieces.append(self._assemble(case, mode, group, decay, pid))
        if not pieces:
            return _empty()
        return pieces[0] if len(pieces) == 1 else Events.concatenate(pieces)

    def _displaced_mediator(self, mode: DecayMode) -> bool:
        """Whether the mediator of a cascade mode (N → X M, M → ℓℓ) is displaced: its largest
        lab decay length cτ E_max/m_M (E_max the largest neutrino energy of the flux) above
        :data:`SHORT_MEDIATOR_FRACTION` of the decay volume's smallest dimension."""
        if not mode.mediator_pdg:
            return False
        ctau, m_med = self._mediators[mode.mediator_pdg]
        lo, hi = self.decay_volume.shape.bounding_box()
        size = float(np.min(np.asarray(hi) - np.asarray(lo)))
        return ctau * self._max_energy / m_med > SHORT_MEDIATOR_FRACTION * size

    def _record(
        self,
        mode: DecayMode,
        state: _State,
        sampled: DecaySample,
        direction: np.ndarray,
        parent: np.ndarray,
    ) -> _Decay:
        """The decay of a mode without a heavy daughter and with a prompt or freely flying
        mediator, written into the blocks of the event record in one compiled pass
        (:func:`_record_rows`): the stored momenta of :meth:`_assemble` (ν_in, then the
        final-state products taken to the lab as :func:`~nuportal.generator.lorentz.to_lab`
        does) and the vertices (interaction, N decay and, for a cascade, the mediator decay
        at the exponential distance of :meth:`_product_places` along its flight, from the
        same random numbers: ``rng.exponential(λ)`` is λ × a standard exponential)."""
        n, count = len(state.weight), len(sampled.pdgs)
        status = [*PRIMARY_STATUS, *_product_rows(mode, count, 3, 4)[0]]
        stored_rows = tree_stored_rows(status, recoil=2)
        slots = np.array(
            [stored_rows.index(r) if r in stored_rows else -1 for r in range(4, 4 + count)]
        )
        cascade = mode.mediator_pdg != 0
        vertex = [0] * 4 + [2 if cascade and i >= 2 else 1 for i in range(count)]
        stored = np.empty((n, len(stored_rows), 4))
        vertices = np.empty((n, 2 + cascade, 4))
        ctau, m_med = self._mediators[mode.mediator_pdg] if cascade else (0.0, 1.0)
        expo = self.rng.standard_exponential(n if cascade else 0)
        _record_rows(
            tuple(rows(p) for p in sampled.momenta),
            slots,
            rows(direction),
            rows(parent),
            rows(state.k1),
            ((rows(state.vertex), rows(state.t_int)), (rows(state.decay), rows(state.t_dec))),
            (1 if cascade else -1, m_med, ctau),
            expo,
            stored,
            vertices,
        )
        record = (stored, vertices, np.array(vertex, np.int8))
        return _Decay([], sampled.pdgs, sampled.conjugate, [], record=record)

    def _product_places(
        self,
        mode: DecayMode,
        products: list[np.ndarray],
        origin: np.ndarray,
        time: np.ndarray,
        forced: bool,
    ) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
        """Production vertices (position, time) of the decay products and the weight factor.

        Every product starts at the N decay point, except the lepton pair of a cascade,
        which starts where the mediator (row 1 of ``products``) decays: at an exponential
        distance of mean (p/m) cτ along its flight, or, with ``forced``, inside the decay
        volume with the probability P(M decays in the volume) as the weight factor.
        """
        n = len(origin)
        places = [(origin, time)] * len(products)
        if not mode.mediator_pdg:
            return places, np.ones(n)
        ctau, m_med = self._mediators[mode.mediator_pdg]
        med = products[1]
        p_abs = lorentz.norm(med[:, 1:])
        length = p_abs / m_med * ctau
        if forced:
            direction = med[:, 1:] / np.where(p_abs > 0, p_abs, 1.0)[:, None]
            distance, factor = forced_decay(
                origin, direction, length, self.decay_volume.shape, self.rng
            )
        else:
            distance, factor = free_decay(length, self.rng), np.ones(n)
        position, later = fly(origin, time, med, distance)
        places[2:] = [(position, later)] * (len(products) - 2)
        return places, factor

    def _with_daughter_decay(
        self,
        case: _Case,
        mode: DecayMode,
        state: _State,
        decay: _Decay,
        process_id: int,
    ) -> list[Events]:
        """Decay the heavy daughter N_j of N_i → N_j ℓℓ where it decays in the decay volume.

        N_j decays inside the decay volume with probability P_in (exponential along its line
        of flight from the N_i decay point), with the spin state the N_i decay left it in: its
        polarisation P⃗ in its rest frame (:func:`~nuportal.generator.lorentz.rest_polarisation`
        of the lab spin four-vector; ρ = (1 + P⃗·σ⃗)/2 is the mixture of spin up along P̂ with
        probability (1 + |P⃗|)/2 and down, Haber hep-ph/9405376), so its decay is generated
        with spin ±1 along P̂. The channel is drawn from its full table: a simulated mode
        (:func:`~nuportal.generator.chain.decay_modes` with ``"any"``) is generated, an
        unsimulated one (mesons, ν ν ν̄, ...) removes the event — so the sample keeps
        exactly the events with the requested final state and no other visible particle
        from N_j inside the volume, without changing weights. Otherwise N_j is final.
        """
        rng = self.rng
        products, conj = decay.momenta, decay.conjugate
        name = self.model.heavy[mode.daughter - 3].name
        table = self.tables[name]
        k_j = products[0]
        n = len(k_j)
        p_abs = lorentz.norm(k_j[:, 1:])
        direction = k_j[:, 1:] / p_abs[:, None]
        mass = self.model.heavy[mode.daughter - 3].mass
        length = p_abs / mass * (table.ctau_cm if not table.stable else np.inf)
        distance, p_in = forced_decay(
            state.decay,
            direction,
            np.where(np.isfinite(length), length, 1e300),
            self.decay_volume.shape,
            rng,
        )
        inside = rng.random(n) < p_in
        modes = self._daughter_modes.setdefault(name, decay_modes(self.model, name, "any"))
        brs = np.array([m.branching for m in modes] + [0.0])
        brs[-1] = max(0.0, 1.0 - brs[:-1].sum())  # unsimulated channels
        choice = np.searchsorted(np.cumsum(brs), rng.random(n) * brs.sum(), side="right")
        choice = np.minimum(choice, len(modes))
        pieces = []
        escaped = ~inside
        if escaped.any():
            sub = decay.select(escaped)
            pieces.append(self._assemble(case, mode, state.select(escaped), sub, process_id))
        position, time = fly(state.decay, state.t_dec, k_j, distance)
        # spin axis and spin of N_j along it (any axis where it is unpolarised)
        if decay.spin is None:  # pragma: no cover - every mode with a heavy daughter has it
            raise AssertionError(f"{mode.label}: the decay gives no spin for {name}")
        polarisation = lorentz.rest_polarisation(decay.spin, k_j)
        size = lorentz.norm(polarisation)
        polarised = size > 0
        axis = np.where(
            polarised[:, None], polarisation / np.where(polarised, size, 1)[:, None], direction
        )
        spin = np.where(rng.random(n) < 0.5 * (1.0 + size), 1, -1)
        for index, sub_mode in enumerate(modes):
            for anti in (False, True):
                sel = inside & (choice == index) & (conj == anti)
                count = int(sel.sum())
                if not count:
                    continue
                sampled = sample_decay(
                    self.model,
                    name,
                    sub_mode,
                    spin[sel],
                    rng,
                    self._decays,
                    antiparticle=anti,
                    weighted=self.weighted_decays,
                )
                boosted = lorentz.to_lab(sampled.momenta, axis[sel], k_j[sel])
                places, _ = self._product_places(
                    sub_mode, boosted, position[sel], time[sel], forced=False
                )
                second = _Secondary(
                    sub_mode, _Decay(boosted, sampled.pdgs, sampled.conjugate, places)
                )
                group = state.select(sel)
                group.weight = group.weight * sampled.weight
                pieces.append(
                    self._assemble(case, mode, group, decay.select(sel), process_id, second)
                )
        return pieces

    def _assemble(
        self,
        case: _Case,
        mode: DecayMode,
        state: _State,
        decay: _Decay,
        process_id: int,
        secondary: _Secondary | None = None,
    ) -> Events:
        """One Events batch: the primary particles, the decay products of ``mode`` and,
        with ``secondary``, those of the heavy daughter N_j (first product, row 4)."""
        pdgs = decay.pdgs
        n = len(state.weight)
        heavy_pdg = self.model.heavy[self.model.heavy_index(case.heavy) - 3].pdgid
        if case.flavour < 0 and not self.model.majorana:
            heavy_pdg = -heavy_pdg  # a Dirac anti-N
        primaries = [case.flavour, case.target_pdg, case.target_pdg, heavy_pdg]
        # the PDG numbers of the products are fixed by the CP conjugation of each decay
        pdg_cols, kinds = list(pdgs), decay.conjugate.astype(np.int64)
        status, mother = list(PRIMARY_STATUS), [-1, -1, 0, 0]
        product_status, product_mother = _product_rows(mode, len(pdgs), 3, 4)
        status += product_status
        mother += product_mother
        momenta = {0: state.k1, **{4 + i: p for i, p in enumerate(decay.momenta)}}
        places = [(state.vertex, state.t_int)] * 4 + list(decay.places)
        if secondary is not None:
            status[4] = STATUS_DECAYED
            start = len(status)
            pdg_cols += list(secondary.decay.pdgs)
            kinds += 2 * secondary.decay.conjugate
            product_status, product_mother = _product_rows(
                secondary.mode, len(secondary.decay.pdgs), 4, start
            )
            status += product_status
            mother += product_mother
            momenta.update({start + i: p for i, p in enumerate(secondary.decay.momenta)})
            places += secondary.decay.places
        stored_rows = tree_stored_rows(status, recoil=2)
        if decay.record is None:
            vertices, vertex = vertex_places(places)  # 0: interaction, 1: N decay, ...
            stored = np.empty((n, len(stored_rows), 4))
            pack([momenta[r] for r in stored_rows], stored)
        else:
            stored, vertices, vertex = decay.record
        # one layout per kind of conjugation present
        present = np.flatnonzero(np.bincount(kinds, minlength=4))
        first = [int(np.argmax(kinds == k)) for k in present]
        shared = (tuple(status), tuple(mother), tuple(vertex.tolist()), case.sampler.ups.m_target)
        layouts = tuple(
            self._layout((*primaries, *(int(c[i]) for c in pdg_cols)), *shared) for i in first
        )
        kinds = np.searchsorted(present, kinds)
        event = {
            "weight": state.weight,
            "process": np.full(n, process_id),
            "helicity": np.full(n, case.helicity),
            "enu": state.energy,
            "q2": state.q2,
        }
        return Events(event, stored.reshape(-1, 4), kinds.ravel(), layouts, vertices)

    @functools.cache  # noqa: B019 - few layouts per generator, kept for its lifetime
    def _layout(
        self,
        pdg: tuple[int, ...],
        status: tuple[int, ...],
        mother: tuple[int, ...],
        vertex: tuple[int, ...],
        target_mass: float,
    ) -> Layout:
        """The decay-tree layout of a kind of event (the recoil is row 2), built once."""
        return Layout.decay_tree(pdg, status, mother, vertex, target_mass, recoil=2)


def _product_rows(
    mode: DecayMode, count: int, parent: int, start: int
) -> tuple[list[int], list[int]]:
    """Statuses and mothers of the ``count`` decay products (rows ``start``, ``start`` + 1, ...)
    of the particle at row ``parent``: final daughters of the parent, except in a cascade,
    where the mediator (the second product) is decayed and the mother of those after it."""
    cascade = mode.mediator_pdg != 0
    status = [STATUS_DECAYED if cascade and i == 1 else STATUS_FINAL for i in range(count)]
    mother = [start + 1 if cascade and i >= 2 else parent for i in range(count)]
    return status, mother


@numba.njit(cache=True)
def _interaction_rows(
    vertex: np.ndarray,
    source: np.ndarray,
    phi: np.ndarray,
    heavy: tuple,
    k1: np.ndarray,
    k2: np.ndarray,
    out: tuple,
) -> None:  # pragma: no cover - compiled
    """The lab kinematics of the interactions, event by event: the beam direction b̂ from
    ``source`` to the ``vertex``; the neutrino ``k1`` set along b̂ and the heavy lepton ``k2``
    turned by ``phi`` about z, then +z to b̂ (both given along +z and overwritten;
    :func:`~nuportal.generator.lorentz.orient_point`); into ``out`` = (direction, decay
    length, time): N's direction of flight, its mean lab decay length (|p|/m) cτ for
    ``heavy`` = (m, cτ), and the time of the interaction (baseline / c, the neutrino made
    at the source at t = 0)."""
    direction, decay_length, t_int = out
    mass, ctau = heavy
    r = np.empty((3, 3))
    beam = np.empty(3)
    for i in range(phi.size):
        for a in range(3):
            beam[a] = vertex[i, a] - source[a]
        baseline = length3(beam)
        for a in range(3):
            beam[a] = beam[a] / baseline
            k1[i, a + 1] = k1[i, 0] * beam[a]
        orient_point(k2[i], phi[i], beam, r, k2[i])
        p = length3(k2[i, 1:])
        for a in range(3):
            direction[i, a] = k2[i, a + 1] / p
        decay_length[i] = p / mass * ctau
        t_int[i] = baseline / C_CM_PER_NS


@numba.njit(cache=True)
def _record_rows(
    rest: tuple,
    slots: np.ndarray,
    direction: np.ndarray,
    parent: np.ndarray,
    beam: np.ndarray,
    places: tuple,
    mediator: tuple,
    expo: np.ndarray,
    stored: np.ndarray,
    vertices: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The body of :meth:`EventGenerator._record`, event by event: ``beam`` into stored slot
    0, the rest-frame products to the lab (:func:`~nuportal.generator.lorentz.lab_point`)
    into their ``slots`` (−1: not stored, the mediator), the (position, time) ``places``
    into the first vertices, and for ``mediator`` = (its product index, mass, cτ) with
    index ≥ 0 its decay vertex after a flight of (|p|/m) cτ × ``expo`` (one standard
    exponential per event) from the last place
    (:func:`~nuportal.generator.placement.fly_point`)."""
    r = np.empty((3, 3))
    turned, lab = np.empty(4), np.empty(4)
    index, mass, ctau = mediator
    last = len(places) - 1
    for i in range(direction.shape[0]):
        frame = lab_frame(direction[i], parent[i], r)
        for c in range(4):
            stored[i, 0, c] = beam[i, c]
        for j in range(len(rest)):
            lab_point(rest[j][i], r, frame, turned, stored[i, slots[j]] if slots[j] >= 0 else lab)
        for k in range(len(places)):
            position, time = places[k]
            for a in range(3):
                vertices[i, k, a] = position[i, a]
            vertices[i, k, 3] = time[i]
        if index >= 0:
            length = length3(lab[1:]) / mass * ctau
            origin = vertices[i, last]
            vertices[i, last + 1, 3] = fly_point(
                origin, origin[3], lab, length * expo[i], vertices[i, last + 1]
            )


def _rows_where(mask: np.ndarray) -> np.ndarray | slice:
    """Index of the rows where ``mask`` is true: all rows as a slice (views, no copies) when
    every row is selected, else their positions."""
    return slice(None) if mask.all() else np.flatnonzero(mask)


@dataclass
class _Secondary:
    """The decay of the heavy daughter N_j in a group of events (its mediator, if any, flies
    freely: the volume requirement is on the N_j decay point)."""

    mode: DecayMode
    decay: _Decay


@dataclass
class _State:
    """Per-event production and decay-vertex arrays of one chunk of a case."""

    weight: np.ndarray
    energy: np.ndarray
    q2: np.ndarray
    vertex: np.ndarray
    t_int: np.ndarray
    decay: np.ndarray
    t_dec: np.ndarray
    k1: np.ndarray
    k2: np.ndarray

    def select(self, mask: np.ndarray) -> _State:
        """The events where ``mask`` is true."""
        return _State(**{name: value[mask] for name, value in vars(self).items()})


@dataclass
class _Decay:
    """The decay products of the heavy lepton in a group of events: lab four-momenta, PDG
    numbers, CP conjugation and production vertices (position, time) of each product."""

    momenta: list[np.ndarray]
    pdgs: list[np.ndarray]
    conjugate: np.ndarray
    places: list[tuple[np.ndarray, np.ndarray]]
    spin: np.ndarray | None = None  # polarisation four-vector of a heavy daughter N_j (lab)
    #: the stored momenta (n, s, 4), vertices (n, V, 4) and vertex index of each row, already
    #: written for the event record by :meth:`EventGenerator._record` (then ``momenta`` and
    #: ``places`` are empty)
    record: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def select(self, mask: np.ndarray) -> _Decay:
        """The events where ``mask`` is true."""
        return _Decay(
            [p[mask] for p in self.momenta],
            [p[mask] for p in self.pdgs],
            self.conjugate[mask],
            [(x[mask], t[mask]) for x, t in self.places],
            None if self.spin is None else self.spin[mask],
        )


def _empty() -> Events:
    return Events(
        {k: np.zeros(0) for k in EVENT_COLUMNS},
        np.zeros((0, 4)),
        np.zeros(0),
        (),
        np.zeros((0, 2, 4)),
    )


def unweight(events: Events, n: int, rng: np.random.Generator) -> Events:
    """``n`` unweighted events from a weighted sample by accept–reject.

    Each event is kept with probability w / w_max; ``n`` of the kept events are chosen at
    random (so that the mixture of processes is not biased by the order of the sample) and
    all get the weight Σw / n: they still sum to the expected number of events.

    Raises
    ------
    NuportalError
        If fewer than ``n`` events survive (generate a larger weighted sample: the
        efficiency is mean(w) / max(w)).
    """
    weight = events.event["weight"]
    keep = rng.random(len(weight)) * weight.max() < weight
    chosen = rng.permutation(np.nonzero(keep)[0])[:n]
    if len(chosen) < n:
        efficiency = weight.mean() / weight.max()
        raise NuportalError(
            f"only {len(chosen)} of {len(weight)} weighted events survive unweighting "
            f"(efficiency {efficiency:.3g}); {n} were requested"
        )
    mask = np.zeros(len(weight), bool)
    mask[chosen] = True
    out = events.select(mask)
    out.event["weight"] = np.full(n, weight.sum() / n)
    out.metadata = {**events.metadata, "unweighted": True, "weighted_events_used": len(weight)}
    return out
