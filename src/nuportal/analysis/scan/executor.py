"""Running a scan: every point an independent task on a local process pool or a Dask cluster.

A *task* is a top-level function ``task(point, config) -> result`` of plain values: ``point``
a ``dict`` of the scanned parameters, ``config`` the fixed configuration (JSON values),
``result`` a ``dict`` of JSON values (numbers, lists, strings). Being a top-level function
of plain values, it pickles by reference and runs on any worker; a task builds whatever it
needs (models, generators, fits) from its arguments, caching per process where that pays.

:func:`run_scan` submits the points not yet in the results file to a
:class:`concurrent.futures.Executor`, writes each result as it finishes
(:class:`~nuportal.analysis.scan.results.ResultsFile`) and shows a progress bar with the
points done and the time left. An interrupted scan is resumed by running it again with the
same results file: only the missing points are computed.

Where the tasks run
-------------------
* default: a local :class:`~concurrent.futures.ProcessPoolExecutor` with one worker per
  available core (``workers`` to change it), started with ``spawn`` — the task's module
  must be importable by the workers (a script's tasks need ``if __name__ == "__main__":``);
* ``serial=True``: in this process, in grid order (debugging, tests, profiling);
* ``scheduler=``: on a `Dask distributed <https://distributed.dask.org>`_ cluster — the
  address of a running scheduler (``"tcp://host:8786"``), a ``distributed.Client``, or a
  cluster object (``LocalCluster``, a dask-jobqueue cluster, ...). Needs the ``scan`` extra
  (``pip install "nuportal[scan]"``); Dask is imported only then.

Scaling out on a batch system with dask-jobqueue
------------------------------------------------
On a Slurm (or HTCondor, PBS, SGE, LSF) site, `dask-jobqueue
<https://jobqueue.dask.org>`_ starts Dask workers as batch jobs; hand the cluster to the scan
and ask for as many workers as the site allows::

    from dask_jobqueue import SLURMCluster            # or HTCondorCluster, PBSCluster, ...
    cluster = SLURMCluster(cores=1, processes=1, memory="2GB", walltime="02:00:00",
                           job_extra_directives=["--partition=short"])
    cluster.scale(jobs=100)                           # or cluster.adapt(maximum_jobs=200)
    result = run_scan(task, grid, config, "scan.jsonl", scheduler=cluster)

Every worker needs nuportal installed and ``NUPORTAL_DATA`` pointing at the data directory
(``job_script_prologue=["export NUPORTAL_DATA=/path/to/data"]``). A scan cut off by the
wall time of the job that drives it is resumed by running it again; the points already in
``scan.jsonl`` are not recomputed. Alternatively start a scheduler and workers by hand
(``dask scheduler``; ``dask worker tcp://host:8786`` in each job) and pass the address.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from nuportal.analysis.scan.grid import Grid, point_key
from nuportal.analysis.scan.results import ResultsFile
from nuportal.errors import NuportalError

__all__ = ["ScanResults", "Task", "available_cores", "open_executor", "run_scan", "task_name"]

#: a scan task: (point, config) -> result, all plain values
Task = Callable[[dict[str, float], dict[str, Any]], Mapping[str, Any]]


def available_cores() -> int:
    """Cores this process may use (``os.process_cpu_count`` where it exists)."""
    count = getattr(os, "process_cpu_count", os.cpu_count)()
    return max(1, count or 1)


def task_name(task: Task) -> str:
    """``"module:qualname"`` of a top-level function, or raise (it would not pickle)."""
    module = getattr(task, "__module__", None)
    qualname = getattr(task, "__qualname__", "")
    if not module or not qualname or "<" in qualname or "." in qualname:
        raise NuportalError(
            f"a scan task must be a top-level function (picklable by name), got {task!r}"
        )
    return f"{module}:{qualname}"


@contextlib.contextmanager
def open_executor(scheduler: Any = None, workers: int | None = None) -> Iterator[cf.Executor]:
    """A :class:`concurrent.futures.Executor`: a local process pool, or Dask's executor.

    Parameters
    ----------
    scheduler : str, distributed.Client or cluster, optional
        A Dask scheduler address, client or cluster (see the module docstring); ``None``
        for a local process pool.
    workers : int, optional
        Processes of the local pool (default: :func:`available_cores`); not used with Dask.
    """
    if scheduler is None:
        n = available_cores() if workers is None else int(workers)
        if n < 1:
            raise NuportalError(f"the number of workers must be >= 1, got {workers}")
        # spawn: workers start clean (no fork of a process with threads, e.g. the progress
        # bar's), the same on Linux, macOS and Windows; tasks are imported by name
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
            yield pool
        return
    try:
        from distributed import Client
    except ImportError:
        raise NuportalError(
            'running a scan on a Dask scheduler needs the scan extra: pip install "nuportal[scan]"'
        ) from None
    if isinstance(scheduler, Client):
        yield scheduler.get_executor()
        return
    if not isinstance(scheduler, str) and not hasattr(scheduler, "scheduler_address"):
        raise NuportalError(
            "scheduler must be a Dask scheduler address ('tcp://host:port'), a "
            f"distributed.Client or a Dask cluster object, got {scheduler!r}"
        )
    try:
        client = Client(scheduler, set_as_default=False)
    except OSError as err:
        raise NuportalError(f"cannot connect to the Dask scheduler {scheduler!r}: {err}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()


@dataclass(frozen=True)
class ScanResults:
    """The results of a scan, in the order of its points.

    Attributes
    ----------
    points : list of dict
        The scanned points.
    results : list of dict
        The task's result for each point.
    computed : int
        How many points this run computed (the others came from the results file).
    grid : Grid or None
        The grid, when the scan was given one (then :meth:`values` has its shape).
    """

    points: list[dict[str, float]]
    results: list[dict[str, Any]]
    computed: int
    grid: Grid | None = None

    def values(self, name: str) -> NDArray[np.float64]:
        """The result ``name`` of every point (grid-shaped for a grid scan)."""
        missing = sum(name not in r for r in self.results)
        if missing:
            raise NuportalError(f"the result {name!r} is missing at {missing} points")
        values = np.asarray([r[name] for r in self.results], dtype=np.float64)
        return self.grid.reshape(values) if self.grid is not None else values

    def best(self, name: str = "chi2") -> tuple[dict[str, float], dict[str, Any]]:
        """The point where the (scalar) result ``name`` is smallest, and its result."""
        k = int(np.argmin(self.values(name).reshape(len(self.points))))
        return self.points[k], self.results[k]


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("points ·"),
        TimeElapsedColumn(),
        TextColumn("elapsed ·"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=Console(file=sys.stderr),
        disable=not enabled,
    )


def run_scan(
    task: Task,
    points: Grid | Sequence[Mapping[str, float]],
    config: Mapping[str, Any],
    results: str | os.PathLike[str],
    *,
    scheduler: Any = None,
    workers: int | None = None,
    serial: bool = False,
    progress: bool = True,
) -> ScanResults:
    """Run ``task`` at every point not yet in the ``results`` file; return all results.

    Parameters
    ----------
    task : callable
        A top-level function ``task(point, config) -> dict`` (see the module docstring).
    points : Grid or sequence of dict
        The points (a :class:`~nuportal.analysis.scan.grid.Grid` or explicit points).
    config : Mapping
        The fixed configuration passed to every task (JSON values); its hash guards the
        results file against mixing scans.
    results : path
        The results file (JSON Lines); created, or resumed if it exists.
    scheduler, workers
        Where the tasks run (see :func:`open_executor`).
    serial : bool
        Run the tasks in this process, in order (no executor).
    progress : bool
        Show the progress bar (on standard error).

    Returns
    -------
    ScanResults

    Raises
    ------
    NuportalError
        For a task that is not a top-level function, a results file of another
        configuration, duplicate points, or the first point whose task fails (the points
        finished before it are in the results file).
    """
    name = task_name(task)
    grid = points if isinstance(points, Grid) else None
    todo_points = points.points() if isinstance(points, Grid) else [dict(p) for p in points]
    keys = [point_key(p) for p in todo_points]
    if len(set(keys)) != len(keys):
        raise NuportalError("the scan has repeated points (equal to 12 significant digits)")
    store = ResultsFile(results, name, config)
    done = store.open()
    missing = [i for i, k in enumerate(keys) if k not in done]
    cfg = dict(store.config)
    with _progress(progress) as bar:
        track = bar.add_task("scan", total=len(keys), completed=len(keys) - len(missing))

        def finish(i: int, result: Mapping[str, Any]) -> None:
            done[keys[i]] = store.append(todo_points[i], result)
            bar.advance(track)

        if serial:
            for i in missing:
                finish(i, _call(task, todo_points[i], cfg, keys[i]))
        elif missing:
            with open_executor(scheduler, workers) as executor:
                futures = {executor.submit(task, todo_points[i], cfg): i for i in missing}
                try:
                    for future in cf.as_completed(futures):
                        i = futures[future]
                        finish(i, _result(future, keys[i]))
                finally:
                    for future in futures:
                        future.cancel()
    return ScanResults(
        [done[k]["point"] for k in keys], [done[k]["result"] for k in keys], len(missing), grid
    )


def _call(task: Task, point: dict[str, float], config: dict[str, Any], key: str) -> Any:
    try:
        return task(point, config)
    except Exception as err:
        raise _failed(key, err) from err


def _result(future: cf.Future, key: str) -> Any:
    try:
        return future.result()
    except Exception as err:
        raise _failed(key, err) from err


def _failed(key: str, err: Exception) -> NuportalError:
    return NuportalError(f"the scan task failed at the point {key}: {err}")
