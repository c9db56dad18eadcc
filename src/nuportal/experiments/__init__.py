"""Experiments: fluxes, materials, geometry and the catalogue of detectors."""
