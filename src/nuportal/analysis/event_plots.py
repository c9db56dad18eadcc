"""Standard kinematic distributions of a generated sample, as weighted histograms (matplotlib).

:func:`kinematics` computes the plotted quantities from an
:class:`~nuportal.generator.events.Events` batch (vectorised over the flat particle table);
:func:`plot_events` draws them in one figure:
E_ν, Q², the energy and angle to the beam of the visible products (charged leptons and
photons), the opening angle of a visible pair, the total visible energy and the decay
positions (z and radius). Histograms are weighted: each panel's integral is the expected
number of events. Units: GeV, GeV², degrees, cm.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nuportal.generator.events import STATUS_FINAL, Events

#: PDG numbers of the visible final-state particles
VISIBLE = (11, 13, 22)


def kinematics(events: Events) -> dict[str, np.ndarray]:
    """Per-event quantities: ``enu``, ``q2``, ``e_visible`` (sum over visible products),
    ``e_leading``, ``theta_leading`` (deg, to the beam axis z), ``opening`` (deg, between the
    two most energetic visible products; NaN for fewer than two), ``decay_z``, ``decay_r``."""
    p = events.particles
    n = len(events)
    event_of_row = np.repeat(np.arange(n), events.multiplicity)
    visible = (p["status"] == STATUS_FINAL) & np.isin(np.abs(p["pdg"]), VISIBLE)
    rows = np.nonzero(visible)[0]
    owner = event_of_row[rows]
    energy = p["e"][rows]
    e_vis = np.bincount(owner, weights=energy, minlength=n)
    # the two most energetic visible products per event: sort by (event, −energy)
    order = np.lexsort((-energy, owner))
    rows, owner, energy = rows[order], owner[order], energy[order]
    first = np.ones(len(owner), bool)
    first[1:] = owner[1:] != owner[:-1]
    second = np.zeros(len(owner), bool)
    second[1:] = ~first[1:] & first[:-1]
    lead = np.full(n, -1)
    sub = np.full(n, -1)
    lead[owner[first]] = rows[first]
    sub[owner[second]] = rows[second]
    mom = np.stack([p["px"], p["py"], p["pz"]], axis=1)

    def angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
        return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))

    has_lead, has_pair = lead >= 0, (lead >= 0) & (sub >= 0)
    theta = np.full(n, np.nan)
    theta[has_lead] = angle(mom[lead[has_lead]], np.array([[0.0, 0.0, 1.0]]))
    opening = np.full(n, np.nan)
    opening[has_pair] = angle(mom[lead[has_pair]], mom[sub[has_pair]])
    e_lead = np.where(has_lead, p["e"][np.maximum(lead, 0)], np.nan)
    ev = events.event
    return {
        "enu": ev["enu"],
        "q2": ev["q2"],
        "e_visible": e_vis,
        "e_leading": e_lead,
        "theta_leading": theta,
        "opening": opening,
        "decay_z": ev["decay_z"],
        "decay_r": np.hypot(ev["decay_x"], ev["decay_y"]),
    }


_PANELS = (
    ("enu", r"$E_\nu$ [GeV]", False),
    ("q2", r"$Q^2$ [GeV$^2$]", True),
    ("e_visible", "visible energy [GeV]", False),
    ("e_leading", "leading visible E [GeV]", False),
    ("theta_leading", r"leading angle to beam [deg]", False),
    ("opening", "opening angle [deg]", False),
    ("decay_z", "decay z [cm]", False),
    ("decay_r", "decay radius [cm]", False),
)


def plot_events(events: Events, path: Path, *, bins: int = 40) -> None:
    """Draw the :func:`kinematics` distributions, weighted, into ``path`` (PDF/PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = kinematics(events)
    weight = events.event["weight"]
    fig, axes = plt.subplots(2, 4, figsize=(16, 7))
    for ax, (key, label, log) in zip(axes.ravel(), _PANELS, strict=True):
        x = values[key]
        ok = np.isfinite(x) & (x > 0 if log else True)
        if np.any(ok):
            lo, hi = np.min(x[ok]), np.max(x[ok])
            edges = (
                np.geomspace(lo, hi, bins + 1) if log and lo > 0 else np.linspace(lo, hi, bins + 1)
            )
            ax.hist(x[ok], edges, weights=weight[ok], histtype="step", color="black")
            if log:
                ax.set_xscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("events / bin")
    meta = events.metadata
    fig.suptitle(
        f"{meta.get('experiment', '')}: {events.total_weight:.4g} expected events "
        f"({meta.get('final_state', '')}), {len(events)} weighted events"
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
