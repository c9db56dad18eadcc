"""Fit the built-in approximate BNB flux (``nuportal.experiments.bnb_approx``) to the table.

The parametrisation, per flavour (νμ, ν̄μ, νe, ν̄e of the MiniBooNE ν-mode flux):

    ln φ(E) = Σ_{k=0}^{DEGREE} c_k T_k(t) + s · [E < STEP_GEV],
    t = (2 ln E − ln E_a − ln E_b) / (ln E_b − ln E_a),

with φ in ν / cm² / GeV / POT, T_k the Chebyshev polynomials, E_a the centre of the first
50 MeV bin and E_b the centre of the last bin whose content exceeds FIT_FLOOR × the peak
bin. φ = 0 above that bin. The step at 0.2 GeV absorbs the low-energy component from
decays at rest in the target and absorber (kaon decays at rest give νe up to ≈ 0.23 GeV),
which no low-order smooth series follows. The coefficients are the ordinary least-squares
solution for ln(table) at the bin centres (every bin of the fitted range has equal weight,
so the fit minimises relative deviations).

Usage (from the repository root)::

    NUPORTAL_DATA=../shared/data python benchmarks/fit_bnb_approx.py          # print
    NUPORTAL_DATA=../shared/data python benchmarks/fit_bnb_approx.py --write  # update module

``--write`` replaces the block between the ``BEGIN FITTED CONSTANTS`` and
``END FITTED CONSTANTS`` markers of ``src/nuportal/experiments/bnb_approx.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from numpy.polynomial import chebyshev

from nuportal.experiments.fluxes import load_flux

DEGREE = 12
STEP_GEV = 0.2
FIT_FLOOR = 1e-3
FLAVOURS = ("numu", "numubar", "nue", "nuebar")
MODULE = Path(__file__).resolve().parents[1] / "src" / "nuportal" / "experiments" / "bnb_approx.py"


def design(energy: np.ndarray, ln_a: float, ln_b: float) -> np.ndarray:
    """Columns T_0(t) ... T_DEGREE(t) and the step indicator, at ``energy`` (GeV)."""
    t = (2.0 * np.log(energy) - ln_a - ln_b) / (ln_b - ln_a)
    cols = [chebyshev.chebval(t, np.eye(DEGREE + 1)[k]) for k in range(DEGREE + 1)]
    cols.append((energy < STEP_GEV).astype(float))
    return np.array(cols).T


def fit() -> dict[str, dict[str, object]]:
    table = load_flux("bnb_miniboone_numode")
    result: dict[str, dict[str, object]] = {}
    for fl in FLAVOURS:
        edges = table.edges(fl)
        dens = table.bin_densities(fl)
        centres = 0.5 * (edges[1:] + edges[:-1])
        last = int(np.flatnonzero(dens > FIT_FLOOR * dens.max())[-1])
        sel = np.arange(last + 1)
        sel = sel[dens[sel] > 0]
        ln_a, ln_b = float(np.log(centres[0])), float(np.log(centres[last]))
        coef, *_ = np.linalg.lstsq(design(centres[sel], ln_a, ln_b), np.log(dens[sel]), rcond=None)
        result[fl] = {
            "ln_e_min": ln_a,
            "ln_e_max": ln_b,
            "e_cut": float(edges[last + 1]),
            "chebyshev": tuple(float(c) for c in coef[:-1]),
            "step": float(coef[-1]),
        }
    return result


def report(params: dict[str, dict[str, object]]) -> None:
    table = load_flux("bnb_miniboone_numode")
    for fl in FLAVOURS:
        p = params[fl]
        edges = table.edges(fl)
        centres = 0.5 * (edges[1:] + edges[:-1])
        dens = table.bin_densities(fl)
        approx = np.zeros_like(dens)
        inside = centres < p["e_cut"]
        coef = np.array([*p["chebyshev"], p["step"]])
        approx[inside] = np.exp(design(centres[inside], p["ln_e_min"], p["ln_e_max"]) @ coef)
        mask = dens > 0.01 * dens.max()
        dev = np.abs(approx[mask] / dens[mask] - 1.0)
        total = np.sum(approx * np.diff(edges)) / np.sum(dens * np.diff(edges)) - 1.0
        print(
            f"{fl:8s} max |dev| where table > 1% of peak: {dev.max():.4f} "
            f"(at E = {centres[mask][dev.argmax()]:.3f} GeV); integral: {total:+.5f}",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="update bnb_approx.py in place")
    args = parser.parse_args()
    params = fit()
    report(params)
    lines = [
        "# BEGIN FITTED CONSTANTS (written by benchmarks/fit_bnb_approx.py; do not edit)",
        f"DEGREE = {DEGREE}",
        f"STEP_GEV = {STEP_GEV!r}",
        f"FIT_FLOOR = {FIT_FLOOR!r}",
        "PARAMETERS: dict[str, _Fit] = {",
    ]
    for fl, p in params.items():
        lines.append(f'    "{fl}": _Fit(')
        for key in ("ln_e_min", "ln_e_max", "e_cut", "step"):
            lines.append(f"        {key}={p[key]!r},")
        lines.append("        chebyshev=(")
        lines.extend(f"            {c!r}," for c in p["chebyshev"])
        lines.append("        ),")
        lines.append("    ),")
    lines.append("}")
    lines.append("# END FITTED CONSTANTS")
    block = "\n".join(lines)
    if args.write:
        text = MODULE.read_text()
        start = text.index("# BEGIN FITTED CONSTANTS")
        end = text.index("# END FITTED CONSTANTS") + len("# END FITTED CONSTANTS")
        MODULE.write_text(text[:start] + block + text[end:])
        print(f"updated {MODULE}", file=sys.stderr)
    else:
        print(block)


if __name__ == "__main__":
    main()
