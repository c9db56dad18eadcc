"""MiniBooNE signal predictions from generated events: generate → response → histograms.

For a model point the prediction is built in three steps:

1. **Generate** weighted events at MiniBooNE ν mode (``miniboone_numode``) for the 2020
   exposure, :data:`EXPOSURE_POT` = 18.75×10²⁰ POT (arXiv:2006.16883) — or in ν̄ mode
   (``miniboone_nubarmode``, 11.27×10²⁰ POT) for a combined fit, :data:`MODES` — upscattering in the
   detector and in the upstream dirt, decays forced into the detector
   (:class:`~nuportal.generator.run.EventGenerator`); the weights are expected events.
2. **Fold the detector response** (:mod:`~nuportal.analysis.miniboone.response`): the first
   final-state e⁺e⁻ pair of an event (``"e+e-"``) or its first photon (``"photon"``) is
   smeared, an e⁺e⁻ pair must look like one ring (Kelly–Kopp ``r_circle1``), the single
   e/γ efficiency is applied, and the vertex where the visible particles are made must lie
   in the fiducial volume (:func:`visible_vertices`): for a cascade N → ν Z', Z' → e⁺e⁻
   the Z' decay point, which for a long-lived Z' can be metres from the N decay; otherwise
   (three-body N → ν e⁺e⁻, N → ν γ) the N decay vertex.
3. **Histogram** the selected events in E_ν^QE (release binning), E_vis and cos θ.

What depends on the couplings and what does not
-----------------------------------------------
Reweighting to other couplings (:mod:`~nuportal.analysis.miniboone.reweight`) changes the
event weights and the vertices, never the momenta. :class:`ResponseSample` therefore
smears and classifies every event *once* and keeps, per event, the response factor
``ε(E_vis) × [one ring] / f_FV`` (``f_FV`` the fiducial fraction the efficiency table
includes, :data:`~nuportal.analysis.miniboone.response.FIDUCIAL_FRACTION`) and the
observables; :meth:`ResponseSample.histograms` applies the fiducial cut to whatever visible
vertices it is given (:attr:`~nuportal.analysis.miniboone.reweight.Reweighted.visible` after
reweighting). This is the same arithmetic as
:func:`~nuportal.analysis.miniboone.response.reconstruct_pairs` with a vertex.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nuportal.analysis.miniboone.release import POT
from nuportal.analysis.miniboone.response import (
    COSTHETA_EDGES,
    EQE_EDGES,
    EVIS_EDGES,
    FIDUCIAL_FRACTION,
    histogram,
    in_fiducial_volume,
    reconstruct_pairs,
    reconstruct_showers,
)
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.generator.events import EVENT_COLUMNS, STATUS_FINAL, Events
from nuportal.generator.run import EventGenerator
from nuportal.models.model import Model
from nuportal.rates import DEFAULT_ROLES

__all__ = [
    "EXPERIMENT",
    "EXPOSURE_POT",
    "MODES",
    "SIGNAL_FINAL_STATES",
    "ResponseSample",
    "SignalHistograms",
    "fold_response",
    "generate_sample",
    "predict",
    "visible_particles",
    "visible_vertices",
]

FloatArray = NDArray[np.float64]

#: the catalogue experiment of the fits
EXPERIMENT = "miniboone_numode"
#: ν-mode exposure of the 2020 release [POT]
EXPOSURE_POT = POT["2020"]["nu"]
#: beam mode → (catalogue experiment, 2020 exposure [POT])
MODES: dict[str, tuple[str, float]] = {
    "nu": (EXPERIMENT, EXPOSURE_POT),
    "nubar": ("miniboone_nubarmode", POT["2020"]["nubar"]),
}
#: final states a MiniBooNE signal is made of
SIGNAL_FINAL_STATES = ("e+e-", "photon")
_PDG_ELECTRON, _PDG_PHOTON = 11, 22
#: final state → the particle whose production vertex is the visible vertex
_VISIBLE = {"e+e-": _PDG_ELECTRON, "photon": _PDG_PHOTON}


@dataclass(frozen=True)
class SignalHistograms:
    """Expected selected signal events in the three MiniBooNE observables.

    Attributes
    ----------
    enu_qe : ndarray, shape (11,) or (22,)
        Events per E_ν^QE bin (:data:`~nuportal.analysis.miniboone.response.EQE_EDGES`);
        ν then ν̄ mode for a combined fit.
    enu_qe_error : ndarray, same shape
        Monte Carlo error per bin, sqrt(Σ w²).
    evis : ndarray, shape (22,)
        Events per E_vis bin (:data:`~nuportal.analysis.miniboone.response.EVIS_EDGES`).
    cos_theta : ndarray, shape (20,)
        Events per cos θ bin (:data:`~nuportal.analysis.miniboone.response.COSTHETA_EDGES`).
    selected : float
        All selected events (every E_QE, not only the 11 bins).
    """

    enu_qe: FloatArray
    enu_qe_error: FloatArray
    evis: FloatArray
    cos_theta: FloatArray
    selected: float

    def scaled(self, factor: float) -> SignalHistograms:
        """All histograms multiplied by ``factor`` (errors too)."""
        return SignalHistograms(
            self.enu_qe * factor,
            self.enu_qe_error * abs(factor),
            self.evis * factor,
            self.cos_theta * factor,
            self.selected * factor,
        )


@dataclass(frozen=True)
class ResponseSample:
    """Generated events with the coupling-independent part of the response folded in.

    Attributes
    ----------
    events : Events
        The generated events.
    factor : ndarray
        Per event: efficiency × [reconstructed as one shower] / fiducial fraction (0 for
        events without the visible final state).
    enu_qe, evis, cos_theta : ndarray
        Reconstructed observables (GeV, GeV, cosine); E_QE is NaN where undefined and then
        falls in no bin.
    vertex : ndarray, shape (n, 3)
        Where the visible particles are made, as generated [cm] (:func:`visible_vertices`).
    """

    events: Events
    factor: FloatArray
    enu_qe: FloatArray
    evis: FloatArray
    cos_theta: FloatArray
    vertex: FloatArray

    def histograms(
        self, weight: FloatArray | None = None, vertex: FloatArray | None = None
    ) -> SignalHistograms:
        """Histograms for event ``weight`` (default: as generated) and visible vertices
        ``vertex`` (n, 3) in cm (default: as generated; after reweighting
        :attr:`~nuportal.analysis.miniboone.reweight.Reweighted.visible`), the fiducial cut
        applied to ``vertex``."""
        w = self.events.event["weight"] if weight is None else weight
        inside = in_fiducial_volume(self.vertex if vertex is None else vertex)
        selected = w * self.factor * inside
        eqe, sumw2 = histogram(self.enu_qe, selected, EQE_EDGES)
        return SignalHistograms(
            eqe,
            np.sqrt(sumw2),
            histogram(self.evis, selected, EVIS_EDGES)[0],
            histogram(self.cos_theta, selected, COSTHETA_EDGES)[0],
            float(selected.sum()),
        )


def _first_row(events: Events, mask: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Row of the first ``mask`` particle of each event, or −1."""
    owner = np.repeat(np.arange(len(events)), events.multiplicity)
    rows = np.nonzero(mask)[0]
    found, first = np.unique(owner[rows], return_index=True)
    index = np.full(len(events), -1)
    index[found] = rows[first]
    return index


def _four_momenta(events: Events, index: NDArray[np.intp]) -> FloatArray:
    """Four-momenta (n, 4) [GeV] of the particle rows ``index``, 0 where it is −1."""
    p = events.particles
    p4 = np.zeros((len(index), 4))
    have = index >= 0
    p4[have] = np.stack([p[k][index[have]] for k in ("e", "px", "py", "pz")], axis=1)
    return p4


def _first_final(events: Events, final_state: str, sign: int = 1) -> NDArray[np.intp]:
    """Row of each event's first final-state e⁻ (``sign`` −1: e⁺) or photon, or −1."""
    if final_state not in SIGNAL_FINAL_STATES:
        raise NuportalError(
            unknown_name_message("signal final state", final_state, SIGNAL_FINAL_STATES)
        )
    p = events.particles
    pdg = sign * _VISIBLE[final_state]
    return _first_row(events, (p["status"] == STATUS_FINAL) & (p["pdg"] == pdg))


def visible_particles(
    events: Events, final_state: str
) -> tuple[FloatArray, FloatArray | None, NDArray[np.bool_]]:
    """The visible final state of each event: ``(p_e-, p_e+, present)`` for ``"e+e-"`` (the
    event's first final-state e⁻ and e⁺), ``(p_γ, None, present)`` for ``"photon"`` (its first
    final-state photon); four-momenta (n, 4) in GeV, zero where ``present`` is False."""
    first = _first_final(events, final_state)
    p_first = _four_momenta(events, first)
    if final_state == "photon":
        return p_first, None, first >= 0
    plus = _first_final(events, final_state, -1)
    return p_first, _four_momenta(events, plus), (first >= 0) & (plus >= 0)


def visible_vertices(events: Events, final_state: str) -> FloatArray:
    """Where the visible final state of each event is made [cm], shape (n, 3): the production
    vertex of its first final-state e⁻ (``"e+e-"``; the e⁺ of the pair is made at the same
    point) or photon (``"photon"``) — the mediator's decay point for a cascade
    N → ν Z', Z' → e⁺e⁻, the N decay vertex for N → ν e⁺e⁻ and N → ν γ. Events without the
    final state get their N decay vertex."""
    first = _first_final(events, final_state)
    have = first >= 0
    row = np.where(have, first, 0)
    owner = np.arange(len(events))
    vertex = np.where(have, events.particles["vertex"][row], 1)  # 1: the N decay
    return events.vertices[owner, vertex, :3]


def fold_response(
    events: Events,
    final_state: str,
    rng: np.random.Generator,
    criterion: str = "r_circle1",
    data_dir: str | os.PathLike[str] | None = None,
) -> ResponseSample:
    """Smear, classify and select generated events once (see the module docstring).

    Parameters
    ----------
    events : Events
        Generated events (weights in expected events).
    final_state : {"e+e-", "photon"}
        The visible final state: the event's first final-state e⁻ and e⁺, or its first photon.
    rng : numpy.random.Generator
        Draws the smearing.
    criterion : str
        Kelly–Kopp one-ring criterion for pairs.
    """
    p_first, p_second, present = visible_particles(events, final_state)
    if p_second is not None:
        reco = reconstruct_pairs(
            p_second, p_first, rng, weights=present.astype(float), criterion=criterion,
            data_dir=data_dir,
        )  # fmt: skip
    else:
        reco = reconstruct_showers(p_first, rng, weights=present.astype(float), data_dir=data_dir)
    return ResponseSample(
        events,
        reco.weight / FIDUCIAL_FRACTION,
        reco.enu_qe,
        reco.evis,
        reco.cos_theta,
        visible_vertices(events, final_state),
    )


def generate_sample(
    model: Model,
    final_state: str,
    n_events: int,
    seed: int,
    *,
    roles: Sequence[str] = DEFAULT_ROLES,
    mode: str = "nu",
    data_dir: str | os.PathLike[str] | None = None,
) -> Events:
    """Weighted events of ``model`` at MiniBooNE in beam ``mode`` (``"nu"`` or ``"nubar"``,
    :data:`MODES`, the 2020 exposure), decays forced into the detector.

    Returns an empty sample (no events) when no channel of the model gives
    ``final_state`` in the detector.
    """
    if mode not in MODES:
        raise NuportalError(unknown_name_message("MiniBooNE beam mode", mode, MODES))
    experiment, pot = MODES[mode]
    generator = EventGenerator(
        model, experiment, final_state=final_state, seed=seed, roles=roles, pot=pot,
        data_dir=data_dir,
    )  # fmt: skip
    generator.allocate(n_events)
    parts = list(generator.batches())
    if not parts:
        return _no_events(generator)
    return Events.concatenate(parts)


def _no_events(generator: EventGenerator) -> Events:
    return Events(
        {k: np.zeros(0, dtype=t) for k, t in EVENT_COLUMNS.items()},
        np.zeros((0, 4)),
        np.zeros(0),
        (),
        np.zeros((0, 2, 4)),
        tuple(generator.processes),
        generator.metadata(),
    )


def predict(
    model: Model,
    final_state: str = "e+e-",
    *,
    n_events: int = 5000,
    seed: int = 1,
    roles: Sequence[str] = DEFAULT_ROLES,
    criterion: str = "r_circle1",
    data_dir: str | os.PathLike[str] | None = None,
) -> SignalHistograms:
    """The MiniBooNE ν-mode signal of ``model``: generate, fold the response, histogram.

    Examples
    --------
    >>> from nuportal.models.benchmarks import benchmark_model
    >>> from nuportal.analysis.miniboone.signal import predict
    >>> s = predict(benchmark_model(), n_events=2000)          # doctest: +SKIP
    >>> s.enu_qe.sum() > 0                                     # doctest: +SKIP
    True
    """
    events = generate_sample(model, final_state, n_events, seed, roles=roles, data_dir=data_dir)
    rng = np.random.default_rng([seed, 1])
    return fold_response(events, final_state, rng, criterion, data_dir).histograms()
