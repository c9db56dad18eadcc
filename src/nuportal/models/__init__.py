"""Model layer: user parameters -> a validated, immutable :class:`Model` with all couplings."""

from nuportal.models.benchmarks import BENCHMARKS, benchmark_model
from nuportal.models.couplings import Couplings, ScalarBoson, VectorBoson
from nuportal.models.model import PARAMETER_NAMES, HeavyNeutrino, Model, build_model

__all__ = [
    "BENCHMARKS",
    "PARAMETER_NAMES",
    "Couplings",
    "HeavyNeutrino",
    "Model",
    "ScalarBoson",
    "VectorBoson",
    "benchmark_model",
    "build_model",
]
