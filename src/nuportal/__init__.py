"""nuportal: dark-sector physics at accelerator neutrino experiments.

The package is organised in layers (see ``DESIGN.md``): ``constants``/``units`` at the
bottom, then ``models`` (user parameters -> validated couplings), ``physics`` (form
factors, cross sections), ``experiments`` (fluxes, targets, geometry, catalogue) and the
``rates`` API that joins a model to an experiment.  Sub-packages are imported lazily so
that ``import nuportal`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = ["NuportalError", "__version__"]

from nuportal.errors import NuportalError

_LAZY = {
    "Model": "nuportal.models",
    "benchmark_model": "nuportal.models",
    "get_experiment": "nuportal.experiments",
    "list_experiments": "nuportal.experiments",
    "upscattering_rates": "nuportal.rates",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nuportal' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_LAZY])
