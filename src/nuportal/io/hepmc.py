"""NuHepMC 1.0 event files (HepMC3 ASCII) through ``pyhepmc`` (the optional extra ``hepmc``).

Follows the NuHepMC specification version 1.0.0 (S. Gardiner, J. Isaacson, L. Pickering,
arXiv:2310.13211; the living text is ``README.md`` of github.com/NuHepMC/Spec). Labels below
are the specification's.

Run information (``GenRunInfo``)
--------------------------------
* G.R.2 ``NuHepMC.Version.{Major,Minor,Patch}`` = 1, 0, 0; G.R.3 tool ``nuportal`` with its
  version.
* G.R.4 ``NuHepMC.Conventions``: ``G.C.1`` (when the run card has ``pot``), ``G.C.2``,
  ``G.C.5``, ``G.S.1``, ``G.S.2``.
* G.R.5 / G.C.2 ``NuHepMC.FluxAveragedTotalCrossSection``: the run card's
  ``flux_averaged_total_cross_section`` (cm² per target atom of the detector material;
  required: without it the file would not be NuHepMC) converted to G.R.6 units
  ``NuHepMC.Units.CrossSection.Unit = "pb"``, ``...TargetScale = "PerAtom"``.
* G.R.7 one weight, ``CV``: the nuportal weight, an expected number of events for the
  run's exposure (``nuportal.WeightDefinition`` says what it includes).
* G.R.8 ``NuHepMC.ProcessIDs`` and ``NuHepMC.ProcessInfo[<id>].{Name,Description}``: id
  ``700 + i`` for the i-th process label (E.C.1 range "other process types").
* G.R.9 ``NuHepMC.VertexStatusIDs``: 1 primary vertex, 22 decay vertex (generator range).
* G.R.10 ``NuHepMC.ParticleStatusIDs``: 1 final, 2 decayed, 4 incoming beam, 20 target.
  The in-memory target status 11 (NuHepMC 0.9) is written as 20, as NuHepMC 1.0 requires
  (P.R.1: 11-19 are reserved), and read back as 11.
* G.R.11 / G.C.5 ``NuHepMC.AdditionalParticleNumbers`` with
  ``NuHepMC.AdditionalParticleNumber[<pdg>].Name`` and
  ``NuHepMC.AdditionalParticleInfo[<pdg>].Description`` for N4, N5, N6, Z', h'.
* G.C.1 ``NuHepMC.Exposure.POT``; G.S.1 ``NuHepMC.Provenance.RunCard`` (the run card as
  JSON) and ``NuHepMC.Provenance.RNGState`` (the seed); ``nuportal.Description`` (the same
  JSON object as the Parquet file metadata).

Events
------
* E.R.2 event number: running index from 0; E.R.4 units GeV and cm.
* E.R.3 ``signal_process_id``; E.R.5 / E.C.5 ``lab_pos`` = (x, y, z, t) with x, y, z in cm
  and t in **seconds** (E.C.5) of the interaction vertex.
* Graph: the primary vertex (status 1) has the beam (status 4) and the target (status 20)
  in (two beams for e⁺e⁻ collider events, e.g. ``nuportal darkphoton generate`` at BaBar),
  the recoil and the heavy lepton out; each decayed particle (status 2) ends in a decay
  vertex (status 22) whose products are its daughters. Vertex positions are (x, y, z, c t)
  in cm, HepMC3's convention (time as a length).
* nuportal's other per-event columns, for a lossless round trip: ``nuportal.helicity``,
  ``nuportal.enu`` (GeV), ``nuportal.q2`` (GeV²), ``nuportal.decay_pos`` (x, y, z in cm, t
  in ns of the heavy lepton's decay).

Momenta are written with 17 significant digits (exact), floating-point attributes with
``repr`` (exact); only vertex times pass through c t and seconds (relative error 1e-16).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

import nuportal
from nuportal.errors import NuportalError
from nuportal.generator.events import STATUS_BEAM, STATUS_TARGET, Events
from nuportal.io._common import (
    NEW_PARTICLES,
    NUHEPMC_STATUS_TARGET,
    STATUS_CODES,
    EventWriter,
    file_description,
    parent_ranges,
    to_json,
)

#: speed of light [cm / ns]: HepMC3 vertex times are c t in length units
C_CM_PER_NS = 29.9792458
#: first NuHepMC process id; label i has id PROCESS_ID_OFFSET + i
PROCESS_ID_OFFSET = 700
#: vertex status of a decay vertex (NuHepMC V.R.1 generator range 21-999)
VERTEX_PRIMARY = 1
VERTEX_DECAY = 22
#: run-card key holding the flux-averaged total cross section [cm² per target atom]
FATX_KEY = "flux_averaged_total_cross_section"
#: 1 pb in cm²
PB_CM2 = 1e-36


def _pyhepmc() -> Any:
    try:
        import pyhepmc
    except ImportError:
        raise NuportalError(
            "writing or reading HepMC3 needs the optional package pyhepmc: "
            "pip install 'nuportal[hepmc]'"
        ) from None
    return pyhepmc


def _to_file_status(status: np.ndarray) -> np.ndarray:
    out = status.astype(np.int32)
    out[status == STATUS_TARGET] = NUHEPMC_STATUS_TARGET
    return out


def _run_info(pyhepmc: Any, metadata: dict[str, Any], labels: list[str]) -> Any:
    fatx = metadata.get(FATX_KEY)
    if fatx is None or not np.isfinite(fatx) or fatx < 0:
        raise NuportalError(
            f"NuHepMC 1.0 (G.R.5) needs the flux-averaged total cross section: set the run "
            f"card entry metadata[{FATX_KEY!r}] (cm² per target atom, finite, >= 0); got {fatx!r}"
        )
    info = pyhepmc.GenRunInfo()
    info.tools = [
        pyhepmc.GenRunInfo.ToolInfo(
            "nuportal", nuportal.__version__, "dark-sector event generator for neutrino beams"
        )
    ]
    info.weight_names = ["CV"]
    attrs = info.attributes
    attrs["NuHepMC.Version.Major"] = 1
    attrs["NuHepMC.Version.Minor"] = 0
    attrs["NuHepMC.Version.Patch"] = 0
    conventions = ["G.C.2", "G.C.5", "G.S.1", "G.S.2"]
    if metadata.get("pot") is not None:
        conventions.insert(0, "G.C.1")
        attrs["NuHepMC.Exposure.POT"] = float(metadata["pot"])
    attrs["NuHepMC.Conventions"] = conventions
    attrs["NuHepMC.FluxAveragedTotalCrossSection"] = float(fatx) / PB_CM2
    attrs["NuHepMC.Units.CrossSection.Unit"] = "pb"
    attrs["NuHepMC.Units.CrossSection.TargetScale"] = "PerAtom"
    ids = [PROCESS_ID_OFFSET + i for i in range(len(labels))]
    attrs["NuHepMC.ProcessIDs"] = ids
    for pid, label in zip(ids, labels, strict=True):
        attrs[f"NuHepMC.ProcessInfo[{pid}].Name"] = label
        attrs[f"NuHepMC.ProcessInfo[{pid}].Description"] = (
            f"nuportal process '{label}': neutrino upscattering to a heavy neutral lepton "
            "and its decay chain (arXiv:2207.04137, arXiv:1807.09877)"
        )
    attrs["NuHepMC.VertexStatusIDs"] = [VERTEX_PRIMARY, VERTEX_DECAY]
    attrs[f"NuHepMC.VertexStatusInfo[{VERTEX_PRIMARY}].Name"] = "PrimaryVertex"
    attrs[f"NuHepMC.VertexStatusInfo[{VERTEX_PRIMARY}].Description"] = (
        "the neutrino-target interaction"
    )
    attrs[f"NuHepMC.VertexStatusInfo[{VERTEX_DECAY}].Name"] = "Decay"
    attrs[f"NuHepMC.VertexStatusInfo[{VERTEX_DECAY}].Description"] = (
        "decay of an unstable particle (heavy lepton, Z', h'), placed where it decays"
    )
    statuses = sorted(_file_code(code) for code in STATUS_CODES)
    attrs["NuHepMC.ParticleStatusIDs"] = statuses
    for code, (name, description) in STATUS_CODES.items():
        attrs[f"NuHepMC.ParticleStatusInfo[{_file_code(code)}].Name"] = name
        attrs[f"NuHepMC.ParticleStatusInfo[{_file_code(code)}].Description"] = description
    attrs["NuHepMC.AdditionalParticleNumbers"] = list(NEW_PARTICLES)
    for pdg, (name, description) in NEW_PARTICLES.items():
        attrs[f"NuHepMC.AdditionalParticleNumber[{pdg}].Name"] = name
        attrs[f"NuHepMC.AdditionalParticleInfo[{pdg}].Description"] = description
    attrs["NuHepMC.Provenance.RunCard"] = to_json(metadata)
    if metadata.get("seed") is not None:
        attrs["NuHepMC.Provenance.RNGState"] = str(metadata["seed"])
    attrs["nuportal.WeightDefinition"] = file_description(metadata, labels)["weight_definition"]
    attrs["nuportal.Description"] = to_json(file_description(metadata, labels))
    return info


def _file_code(code: int) -> int:
    return NUHEPMC_STATUS_TARGET if code == STATUS_TARGET else code


class HepMC3EventWriter(EventWriter):
    """Write batches of events to one NuHepMC 1.0 / HepMC3 ASCII file.

    The header (run information) is written from the first batch: its metadata and
    process labels, or ``processes`` if given (a later batch may only use known labels).
    A name ending in ``.gz``, ``.bz2``, ``.xz`` or ``.zst`` is compressed.

    Parameters
    ----------
    path : str or os.PathLike
        Output file, conventionally ``*.hepmc3`` (or ``*.hepmc3.gz``).
    overwrite : bool
        Replace an existing file.
    processes : sequence of str, optional
        All process labels of the run, when batches carry different subsets.
    """

    format_name = "HepMC3"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        processes: tuple[str, ...] | list[str] | None = None,
    ) -> None:
        self._pyhepmc = _pyhepmc()
        super().__init__(path, overwrite=overwrite)
        self._labels: list[str] | None = list(processes) if processes is not None else None
        self._file: Any = None
        self._event: Any = None

    def _start(self, first: Events) -> None:
        hep = self._pyhepmc
        labels = self._labels if self._labels is not None else list(first.processes)
        self._labels = labels
        self._info = _run_info(hep, dict(first.metadata), labels)
        self._event = hep.GenEvent(hep.Units.GEV, hep.Units.CM)
        self._event.run_info = self._info
        self._file = hep.open(self.tmp_path, "w")

    def _write(self, batch: Events) -> None:
        assert self._labels is not None
        index = {label: i for i, label in enumerate(self._labels)}
        unknown = [p for p in batch.processes if p not in index]
        if unknown:
            raise NuportalError(
                f"process {unknown[0]!r} is not in the file header; give all labels with "
                "HepMC3EventWriter(..., processes=[...])"
            )
        if len(batch) == 0:
            return
        remap = np.array([PROCESS_ID_OFFSET + index[p] for p in batch.processes], np.int64)
        proc = remap[batch.event["process"]].tolist()
        parents = parent_ranges(batch)
        part = batch.particles
        px, py, pz, en = part["px"], part["py"], part["pz"], part["e"]
        mass = np.sqrt(np.maximum(en**2 - px**2 - py**2 - pz**2, 0.0))
        pid = part["pdg"].astype(np.int32)
        status = _to_file_status(part["status"])
        where = batch.positions()
        x, y, z = where["x"], where["y"], where["z"]
        ct = where["t"] * C_CM_PER_NS
        ev = batch.event
        lab_pos = [
            f"{a!r} {b!r} {c!r} {d!r}"
            for a, b, c, d in zip(
                ev["vertex_x"].tolist(),
                ev["vertex_y"].tolist(),
                ev["vertex_z"].tolist(),
                (ev["vertex_t"] * 1e-9).tolist(),
                strict=True,
            )
        ]
        decay_pos = [
            f"{a!r} {b!r} {c!r} {d!r}"
            for a, b, c, d in zip(
                ev["decay_x"].tolist(),
                ev["decay_y"].tolist(),
                ev["decay_z"].tolist(),
                ev["decay_t"].tolist(),
                strict=True,
            )
        ]
        enu = [repr(v) for v in ev["enu"].tolist()]
        q2 = [repr(v) for v in ev["q2"].tolist()]
        helicity = ev["helicity"].astype(int).tolist()
        weight = ev["weight"].tolist()
        offsets = batch.offsets.tolist()
        event, out, first = self._event, self._file, self.n_events
        for i in range(len(batch)):
            a, b = offsets[i], offsets[i + 1]
            event.from_hepevt(
                first + i,
                px[a:b],
                py[a:b],
                pz[a:b],
                en[a:b],
                mass[a:b],
                pid[a:b],
                status[a:b],
                parents[a:b],
                None,
                x[a:b],
                y[a:b],
                z[a:b],
                ct[a:b],
                fortran=False,
            )
            event.weights = [weight[i]]
            attrs = event.attributes
            attrs["signal_process_id"] = proc[i]
            attrs["lab_pos"] = lab_pos[i]
            attrs["nuportal.helicity"] = helicity[i]
            attrs["nuportal.enu"] = enu[i]
            attrs["nuportal.q2"] = q2[i]
            attrs["nuportal.decay_pos"] = decay_pos[i]
            for vertex in event.vertices:
                vertex.status = (
                    VERTEX_PRIMARY if vertex.particles_in[0].status == STATUS_BEAM else VERTEX_DECAY
                )
            out.write(event)

    def _finish(self) -> None:
        self._file.close()
        self._file = None

    def _release(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            finally:
                self._file = None


def write_hepmc(
    events: Events,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> None:
    """Write events as a NuHepMC 1.0 / HepMC3 ASCII file (see the module docstring).

    Parameters
    ----------
    events : Events
        The events; ``events.metadata`` must hold ``flux_averaged_total_cross_section``
        (cm² per target atom, NuHepMC G.R.5); weights finite and non-negative.
    path : str or os.PathLike
        Output file (``.gz``/``.bz2``/``.xz``/``.zst`` suffixes compress).
    overwrite : bool
        Replace an existing file.

    Raises
    ------
    NuportalError
        pyhepmc missing, existing file, invalid weights, missing cross section, or an event
        without exactly two incoming particles (a beam and a target, or two beams).
    """
    with HepMC3EventWriter(path, overwrite=overwrite) as out:
        out.write(events)


def _text(attribute: Any) -> str:
    return str(attribute.astype(str)) if hasattr(attribute, "astype") else str(attribute)


def read_hepmc(path: str | os.PathLike[str]) -> Events:
    """Read a NuHepMC file written by nuportal back into an :class:`Events` batch.

    Particles keep their order; mothers are rebuilt from the graph (products of the
    primary vertex get the beam as mother); beam and target take the primary vertex as
    their position; status 20 becomes the in-memory target status 11.
    """
    import json

    hep = _pyhepmc()
    if not os.path.exists(path):
        raise NuportalError(f"event file {path} does not exist")
    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            "weight",
            "process",
            "helicity",
            "enu",
            "q2",
        )
    }
    blocks: list[np.ndarray] = []
    mothers: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    counts: list[int] = []
    info_attrs: Any = None
    with hep.open(path, "r") as stream:
        for event in stream:
            if info_attrs is None:
                if event.run_info is None:
                    raise NuportalError(f"{path} has no run information: not a NuHepMC file")
                info_attrs = event.run_info.attributes
            data = hep.GenEventData()
            event.write_data(data)
            parts = data.particles
            vertices = data.vertices
            n = len(parts)
            links1, links2 = data.links1, data.links2
            incoming = links1 > 0  # particle links1 enters vertex links2
            # production vertex of each particle: vertex links1 (<0) -> particle links2
            prod = np.zeros(n + 1, np.int64)
            out_links = ~incoming
            prod[links2[out_links]] = -links1[out_links]
            # first incoming particle of each vertex and the beam
            first_in = np.zeros(len(vertices) + 1, np.int64)
            in_particles = links1[incoming]
            in_vertices = -links2[incoming]
            first_in[in_vertices[::-1]] = in_particles[::-1]
            status = parts["status"]
            vstatus = np.concatenate([[0], vertices["status"]])
            beam = int(np.flatnonzero(status == STATUS_BEAM)[0]) + 1
            pv = prod[1:]
            mother = np.where(
                pv == 0, -1, np.where(vstatus[pv] == VERTEX_PRIMARY, beam, first_in[pv]) - 1
            )
            # positions: production vertex; beam and target at the primary vertex
            primary = int(np.flatnonzero(vstatus == VERTEX_PRIMARY)[0])
            where = np.where(pv == 0, primary, pv) - 1
            pos = np.stack([vertices[c][where] for c in ("x", "y", "z", "t")], axis=1)
            blocks.append(parts)
            mothers.append(mother)
            positions.append(pos)
            counts.append(n)
            columns["weight"].append(data.weights[0])
            attrs = event.attributes
            columns["process"].append(int(_text(attrs["signal_process_id"])))
            columns["helicity"].append(int(_text(attrs["nuportal.helicity"])))
            columns["enu"].append(float(_text(attrs["nuportal.enu"])))
            columns["q2"].append(float(_text(attrs["nuportal.q2"])))
    if info_attrs is None:
        raise NuportalError(f"{path} holds no event")
    description = json.loads(_text(info_attrs["nuportal.Description"]))
    ids = [int(v) for v in _text(info_attrs["NuHepMC.ProcessIDs"]).split()]
    labels = tuple(_text(info_attrs[f"NuHepMC.ProcessInfo[{i}].Name"]) for i in ids)
    id_index = {pid: i for i, pid in enumerate(ids)}
    parts_all = np.concatenate(blocks)
    pos_all = np.concatenate(positions)
    status = parts_all["status"].astype(np.int32)
    status[status == NUHEPMC_STATUS_TARGET] = STATUS_TARGET
    event_cols = {
        "weight": np.array(columns["weight"], float),
        "process": np.array([id_index[p] for p in columns["process"]], np.int32),
        "helicity": np.array(columns["helicity"], np.int8),
        "enu": np.array(columns["enu"], float),
        "q2": np.array(columns["q2"], float),
    }
    particles = {
        "pdg": parts_all["pid"].astype(np.int64),
        "status": status,
        "mother": np.concatenate(mothers).astype(np.int32),
        "px": parts_all["px"],
        "py": parts_all["py"],
        "pz": parts_all["pz"],
        "e": parts_all["e"],
        "x": pos_all[:, 0],
        "y": pos_all[:, 1],
        "z": pos_all[:, 2],
        "t": pos_all[:, 3] / C_CM_PER_NS,
    }
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Events.from_table(
        event_cols, particles, offsets, labels, dict(description.get("metadata", {}))
    )
