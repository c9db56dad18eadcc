"""TOML run cards: everything the command line can say, in a file.

A run card has a ``[model]`` table (an optional ``benchmark`` name plus any model
parameters, see :mod:`nuportal.models.model`) and one table per command, e.g.::

    [model]
    benchmark = "light_zprime_3p1"
    m4 = 0.150            # overrides the benchmark's value

    [rates]
    experiment = "miniboone_numode"
    flavours = ["numu", "numubar"]

Command-line options override the card.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nuportal.errors import NuportalError, unknown_name_message
from nuportal.models import Model, benchmark_model, build_model

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTIONS = ("model", "rates", "decays", "generate", "fit")


def load_run_card(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Read a run card; returns ``{"model": {...}, "rates": {...}}`` (missing tables empty)."""
    file = Path(path)
    if not file.is_file():
        raise NuportalError(f"run card {str(file)!r} does not exist")
    try:
        with file.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise NuportalError(f"run card {str(file)!r} is not valid TOML: {exc}") from exc
    for key, value in data.items():
        if key not in SECTIONS:
            raise NuportalError(unknown_name_message("run-card table", key, SECTIONS))
        if not isinstance(value, dict):
            raise NuportalError(f"run-card entry {key!r} must be a table ([{key}])")
    return {s: dict(data.get(s, {})) for s in SECTIONS}


def model_from_spec(spec: Mapping[str, Any]) -> Model:
    """Build a model from ``{"benchmark": name, **parameters}`` (benchmark optional).

    Without a benchmark the parameters must define a model on their own (at least ``m4``).
    """
    params = dict(spec)
    name = params.pop("benchmark", None)
    if name is None:
        return build_model(params)
    return benchmark_model(str(name), **params)


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``KEY=VALUE`` from the command line: numbers (real or complex) or words."""
    if "=" not in text:
        raise NuportalError(f"expected KEY=VALUE, got {text!r} (e.g. --set m4=0.15)")
    key, raw = (part.strip() for part in text.split("=", 1))
    if not key or not raw:
        raise NuportalError(f"expected KEY=VALUE, got {text!r} (e.g. --set m4=0.15)")
    for kind in (int, float, complex):
        try:
            return key, kind(raw)
        except ValueError:
            continue
    return key, raw
