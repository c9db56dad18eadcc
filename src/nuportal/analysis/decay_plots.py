"""Figure of branching ratios and cτ of one particle versus a mass parameter (matplotlib)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nuportal.errors import NuportalError
from nuportal.models import Model, build_model
from nuportal.physics.decays.channels import decay_table

#: the mass parameter scanned by default for each particle
MASS_PARAMETER = {"N4": "m4", "N5": "m5", "N6": "m6", "Zprime": "mzprime", "hprime": "mhprime"}
#: channels reaching this branching ratio somewhere in the scan get their own curve
SHOWN_BR = 0.01


def plot_decays_versus_mass(
    model: Model,
    particle: str,
    path: Path,
    *,
    parameter: str | None = None,
    limits: tuple[float, float] | None = None,
    points: int = 40,
) -> None:
    """Plot BR(channel) and cτ of ``particle`` versus ``parameter`` (default: its mass).

    The other model parameters are kept; each point is a freshly built model, so invalid
    points (e.g. m4 above m5) are an error. ``limits`` in GeV (default: 0.2 to 5 times
    the model's value, log-spaced); the file type follows the suffix of ``path``.
    """
    param = parameter or MASS_PARAMETER.get(particle)
    if param is None or param not in model.parameters:
        raise NuportalError(f"--vs must be a parameter of the model, got {param!r}")
    centre = float(model.parameters[param])
    lo, hi = limits if limits is not None else (0.2 * centre, 5.0 * centre)
    if not (0 < lo < hi) or points < 2:
        raise NuportalError(f"need 0 < LO < HI and at least 2 points; got {lo}, {hi}, {points}")
    xs = np.geomspace(lo, hi, points)
    tables = [decay_table(build_model({**model.parameters, param: x}), particle) for x in xs]
    labels = sorted({c.label for t in tables for c in t.channels})
    brs = {lab: np.array([t.branching_ratio(lab) for t in tables]) for lab in labels}
    shown = [lab for lab in labels if brs[lab].max() >= SHOWN_BR]

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(7, 7))
    styles = ("-", "--", ":", "-.")
    for k, lab in enumerate(shown):
        top.plot(xs, brs[lab], label=lab, linestyle=styles[(k // 10) % len(styles)])
    top.set_ylabel("branching ratio")
    top.set_yscale("log")
    top.set_ylim(1e-3, 1.5)
    top.legend(fontsize="small", ncol=2)
    bottom.plot(xs, [t.ctau_cm for t in tables], color="black")
    bottom.set_yscale("log")
    bottom.set_xscale("log")
    bottom.set_ylabel(r"$c\tau$ [cm]")
    bottom.set_xlabel(f"{param} [GeV]")
    top.set_title(f"{particle} decays")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
