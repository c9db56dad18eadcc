"""Parameter scans: grids, task execution (local pool, Dask), resumable results files.

Modules
-------
grid
    Named axes (log / linear), their Cartesian product (mass × mass, mass × coupling), point
    keys and per-point seeds.
executor
    :func:`run_scan`: every point an independent task on a local process pool, in this
    process, or on a Dask cluster (dask-jobqueue for Slurm / HTCondor sites), with a
    progress bar.
results
    The append-only JSON Lines results file: written point by point, resumed after an
    interruption, guarded by a hash of the configuration.
profile
    Profiling a coupling: the minimum of a statistic along one parameter.
"""

from nuportal.analysis.scan.executor import ScanResults, available_cores, open_executor, run_scan
from nuportal.analysis.scan.grid import Axis, Grid, point_key, point_seed
from nuportal.analysis.scan.profile import ProfileMinimum, profile_minimum
from nuportal.analysis.scan.results import ResultsFile, config_hash, read_results

__all__ = [
    "Axis",
    "Grid",
    "ProfileMinimum",
    "ResultsFile",
    "ScanResults",
    "available_cores",
    "config_hash",
    "open_executor",
    "point_key",
    "point_seed",
    "profile_minimum",
    "read_results",
    "run_scan",
]
