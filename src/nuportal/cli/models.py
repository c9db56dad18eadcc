"""``nuportal models``: benchmark models and parameter names."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from nuportal.models import BENCHMARKS, PARAMETER_NAMES, benchmark_model


@click.command()
def models() -> None:
    """List the benchmark models and the model parameter names."""
    console = Console()
    table = Table(title="Benchmark models")
    table.add_column("name")
    table.add_column("model")
    for name in sorted(BENCHMARKS):
        table.add_row(name, benchmark_model(name).describe())
    console.print(table)
    console.print("Parameter names: " + ", ".join(sorted(PARAMETER_NAMES, key=str.lower)))
