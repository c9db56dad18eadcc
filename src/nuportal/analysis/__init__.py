"""Analyses: experiments' public data releases, their statistics, selections and figures.

Sub-packages
------------
miniboone
    MiniBooNE νe / ν̄e appearance data releases (2012, 2018, 2020), the official
    χ² / −2 ln L prescription, the νμ-constrained excess, and the detector response for
    new-physics signals (arXiv:2006.16883, arXiv:2308.02543); reweighting generated events
    to new couplings.
scan
    Parameter scans: grids, every point a task on a local process pool or a Dask cluster,
    resumable results files, coupling profiles.
"""
