"""Named benchmark models.

``light_zprime_3p1`` (the default of ``nuportal rates``)
    The dark-neutrino benchmark of Bertuzzo, Jana, Machado & Zukanovich Funchal,
    Phys. Rev. Lett. 121, 241801 (2018), arXiv:1807.09877: a Dirac N4 of 420 MeV, a Z' of
    30 MeV, α_D = 0.25, α ε² = 2×10⁻¹⁰ and |U_μ4|² = 9×10⁻⁷, with N4 mostly dark
    (|U_D4|² = 1 - |U_μ4|²). The same values are the defaults of the independent
    implementations of this model in GENIE (dark-neutrino module) and DarkNews.
``heavy_zprime_3p1``
    A 3+1 model with a heavy Z' (1.25 GeV) and N4 = 150 MeV, a heavy-mediator point of the
    kind fitted in arXiv:2308.02543: α_D = 0.32, ε = 6.4×10⁻³, |U_μ4|² = 2×10⁻⁶ — nuportal's
    illustration, not a value taken from the paper.
``minimal_hnl``
    A mixing-only Dirac HNL of 250 MeV with |U_μ4|² = 10⁻⁶ (no dark mediator).
``dipole``
    A transition-magnetic-moment HNL: N4 = 400 MeV, μ_tr(ν_μ → N4) = 1e-6 GeV⁻¹.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from nuportal.constants import ALPHA_EM
from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models.model import Model, build_model

_U_MU4_BJMZ = math.sqrt(9e-7)
_U_MU4_HEAVY = math.sqrt(2e-6)

BENCHMARKS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "light_zprime_3p1": {
            "m4": 0.420,
            "Umu4": _U_MU4_BJMZ,
            "UD4": math.sqrt(1.0 - _U_MU4_BJMZ**2),
            "mzprime": 0.030,
            "alphaD": 0.25,
            "epsilon": math.sqrt(2e-10 / ALPHA_EM),
        },
        "heavy_zprime_3p1": {
            "m4": 0.150,
            "Umu4": _U_MU4_HEAVY,
            "UD4": math.sqrt(1.0 - _U_MU4_HEAVY**2),
            "mzprime": 1.25,
            "alphaD": 0.32,
            "epsilon": 6.4e-3,
        },
        "minimal_hnl": {"m4": 0.250, "Umu4": 1e-3},
        "dipole": {"m4": 0.400, "mu_tr_mu4": 1e-6},
    }
)

DEFAULT_BENCHMARK = "light_zprime_3p1"


def benchmark_model(name: str = DEFAULT_BENCHMARK, **overrides: Any) -> Model:
    """Build the benchmark ``name``, with any parameter replaced by ``overrides``."""
    if name not in BENCHMARKS:
        raise NuportalError(unknown_name_message("benchmark model", name, BENCHMARKS))
    return build_model({**BENCHMARKS[name], **overrides})
