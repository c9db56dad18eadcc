"""The results file of a scan: one JSON line per finished point, append-only, resumable.

Layout (`JSON Lines <https://jsonlines.org>`_, UTF-8)
-----------------------------------------------------
* line 1, the header: ``{"format": "nuportal-scan", "version": 1, "task": "module:function",
  "config_hash": "<sha256>", "config": {...}, "nuportal_version": "..."}``;
* every further line, one finished point:
  ``{"key": "<point key>", "point": {...}, "result": {...}}``.

Robustness
----------
The header is written to a temporary file that is renamed into place, so a results file
always starts with a complete header. Each point is one ``write`` of one complete line to a
file opened for appending, flushed at once: a scan killed at any moment loses at most the
line being written. On resume a last line without its newline or not valid JSON is dropped
(the file is truncated to the last complete line before anything is appended); a damaged
line elsewhere is an error.

Which results belong together
-----------------------------
The header holds a hash of the task's name and of the fixed configuration (everything but
the scanned point: model family, experiment, seeds, numbers of events, ...). Resuming with
a different task or configuration raises :class:`~nuportal.errors.NuportalError` instead of
mixing results. Points are identified by their key (:func:`~nuportal.analysis.scan.grid.
point_key`), so a resumed scan on a different grid reuses the points the grids share.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nuportal import __version__
from nuportal.analysis.scan.grid import point_key
from nuportal.errors import NuportalError

__all__ = ["FORMAT", "ResultsFile", "config_hash", "read_results"]

#: the ``format`` field of the header
FORMAT = "nuportal-scan"
VERSION = 1


def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as err:
        raise NuportalError(
            f"{what} must hold only JSON values (numbers, strings, lists, dicts) without NaN "
            f"or infinity: {err}"
        ) from None


def config_hash(task: str, config: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the task name and the fixed configuration."""
    text = _dumps({"task": task, "config": dict(config)}, "the configuration")
    return hashlib.sha256(text.encode()).hexdigest()


def read_results(path: str | os.PathLike[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and the point records of a results file (a damaged last line is left out).

    Raises
    ------
    NuportalError
        If the file is missing, is not a nuportal scan file, or has a damaged line before
        the last one.
    """
    header, records, _ = _load(Path(path))
    return header, records


def _load(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """(header, records, byte length of the complete lines)."""
    if not path.is_file():
        raise NuportalError(f"no scan results file {str(path)!r}")
    data = path.read_bytes()
    lines = data.split(b"\n")
    good = len(data) - len(lines[-1])  # everything up to the last newline
    complete = lines[:-1]
    records: list[dict[str, Any]] = []
    header: dict[str, Any] | None = None
    for number, line in enumerate(complete, start=1):
        try:
            value = json.loads(line)
        except ValueError:
            if number < len(complete):
                raise NuportalError(
                    f"{path}: line {number} is damaged (not JSON); only the last line of an "
                    "interrupted scan may be incomplete"
                ) from None
            good -= len(line) + 1  # a damaged last line: dropped
            continue
        if header is None:
            header = value
        else:
            records.append(value)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise NuportalError(f"{path} is not a nuportal scan results file")
    if header.get("version") != VERSION:
        raise NuportalError(f"{path}: results format version {header.get('version')} unknown")
    return header, records, good


class ResultsFile:
    """The results file of one scan (see the module docstring for the layout).

    Parameters
    ----------
    path : path
        The file (``.jsonl``). Created with its header by :meth:`open` if missing.
    task : str
        Name of the task (``"module:function"``).
    config : Mapping
        The fixed configuration (JSON values only).
    """

    def __init__(self, path: str | os.PathLike[str], task: str, config: Mapping[str, Any]):
        self.path = Path(path)
        self.task = task
        self.config = dict(config)
        self.hash = config_hash(task, self.config)

    def open(self) -> dict[str, dict[str, Any]]:
        """Create the file, or check an existing one and return its records by point key.

        Raises
        ------
        NuportalError
            If an existing file was written by another task or configuration.
        """
        if not self.path.exists():
            header = {
                "format": FORMAT,
                "version": VERSION,
                "task": self.task,
                "config_hash": self.hash,
                "config": self.config,
                "nuportal_version": __version__,
            }
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text(_dumps(header, "the configuration") + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
            return {}
        header, records, good = _load(self.path)
        if header.get("config_hash") != self.hash:
            raise NuportalError(
                f"{self.path} holds results of another scan configuration (task "
                f"{header.get('task')!r}, config hash {str(header.get('config_hash'))[:12]}…; "
                f"this scan: task {self.task!r}, hash {self.hash[:12]}…); give a new results "
                "file or the same configuration"
            )
        if good < self.path.stat().st_size:
            with self.path.open("r+b") as f:
                f.truncate(good)
        return {r["key"]: r for r in records}

    def append(self, point: Mapping[str, float], result: Mapping[str, Any]) -> dict[str, Any]:
        """Write the record of one finished point (one line, flushed) and return it."""
        record = {"key": point_key(point), "point": dict(point), "result": dict(result)}
        line = _dumps(record, f"the result of the point {record['key']}") + "\n"
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
        return record
