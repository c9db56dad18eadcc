"""Reading signal histograms (expected events per E_QE bin) from CSV or JSON files.

A signal for a MiniBooNE fit is 11 expected events per mode in the release E_QE bins,
ν-mode bins first for the combined fit. Accepted files:

* **JSON**: a list of numbers; or an object with a ``"signal"`` list; or an object with one
  list per mode, ``{"nu": [...], "nubar": [...]}``.
* **CSV** (comma, semicolon or whitespace separated): an optional header line, then one
  row per bin; the **last column** is the signal (so ``E_lo,E_hi,events`` works). With a
  header naming ``nu`` and ``nubar`` columns, those columns are the two modes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nuportal.errors import NuportalError

__all__ = ["read_signal"]

FloatArray = NDArray[np.float64]


def _numbers(values: object, where: str) -> list[float]:
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    ):
        raise NuportalError(f"{where}: expected a list of numbers")
    return [float(v) for v in values]


def _from_json(text: str, modes: Sequence[str], where: str) -> list[float]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NuportalError(f"{where} is not valid JSON: {exc.msg} (line {exc.lineno})") from None
    if isinstance(doc, dict):
        if "signal" in doc:
            return _numbers(doc["signal"], where)
        missing = [m for m in modes if m not in doc]
        if missing:
            raise NuportalError(
                f"{where}: a JSON object needs a 'signal' list or one list per mode "
                f"({', '.join(modes)}); missing {', '.join(missing)}"
            )
        return [x for m in modes for x in _numbers(doc[m], f"{where} [{m}]")]
    return _numbers(doc, where)


def _from_csv(text: str, modes: Sequence[str], where: str) -> list[float]:
    rows = [re.split(r"[,;\s]+", line.strip()) for line in text.splitlines()]
    rows = [r for r in rows if r and r[0] and not r[0].startswith("#")]
    header: list[str] | None = None
    if rows:
        try:
            float(rows[0][-1])
        except ValueError:
            header, rows = [h.lower() for h in rows[0]], rows[1:]
    try:
        table = [[float(x) for x in r] for r in rows]
    except ValueError as exc:
        raise NuportalError(f"{where}: not a numeric CSV table ({exc})") from None
    if header is not None and all(m in header for m in modes) and len(modes) > 1:
        return [r[header.index(m)] for m in modes for r in table]
    return [r[-1] for r in table]


def read_signal(path: str | os.PathLike[str], modes: Sequence[str] = ("nu",)) -> FloatArray:
    """Read a signal histogram (events per E_QE bin) for ``modes`` from a CSV or JSON file.

    The length and the values are checked by the fit
    (:meth:`~nuportal.analysis.miniboone.statistics.MiniBooNEFit.check_signal`).
    """
    file = Path(path)
    if not file.is_file():
        raise NuportalError(f"the signal file {str(file)!r} does not exist")
    text = file.read_text()
    where = f"signal file {str(file)!r}"
    is_json = file.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{")
    values = _from_json(text, modes, where) if is_json else _from_csv(text, modes, where)
    return np.array(values, dtype=np.float64)
