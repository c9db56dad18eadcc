"""``nuportal generate``: weighted events with full decay chains, streamed to a file."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from nuportal.cli.options import data_dir_option, model_and_card_options, model_options
from nuportal.errors import NuportalError
from nuportal.experiments.fluxes import flavour_pdg
from nuportal.generator.chain import FINAL_STATES

GENERATE_KEYS = (
    "experiment",
    "events",
    "seed",
    "output",
    "format",
    "final_state",
    "flavours",
    "pot",
    "decay_volume",
    "forced",
    "unweighted",
)
#: file suffix of each output format
SUFFIX = {"parquet": ".parquet", "hepmc3": ".hepmc3", "hepevt": ".hepevt"}


def _writer(fmt: str, path: Path, overwrite: bool) -> Any:
    from nuportal import io

    return io.open_writer(path, fmt, overwrite=overwrite)


@click.command()
@click.argument("card_path", required=False, metavar="[RUN_CARD]")
@click.option("--experiment", default=None, help="Catalogue name (default miniboone_numode).")
@click.option("--events", "n_events", type=int, default=None, help="Events (default 10000).")
@click.option("--seed", type=int, default=None, help="Random seed (default 1).")
@click.option("--output", "-o", default=None, help="Output file (default: events.<format>).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(SUFFIX)),
    default=None,
    help="Output format (default parquet).",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@click.option(
    "--final-state",
    type=click.Choice(FINAL_STATES),
    default=None,
    help="Visible final state of the N decay (default e+e-).",
)
@click.option(
    "--flavour", "flavours", multiple=True, help="Incoming flavour(s), e.g. numu (default: all)."
)
@click.option(
    "--pot", type=float, default=None, help="Exposure in POT (default: the experiment's)."
)
@click.option("--decay-volume", default=None, help="Volume decays are forced into.")
@click.option(
    "--unforced", is_flag=True, help="Let N decay anywhere (exponential), not forced inside."
)
@click.option(
    "--unweighted",
    is_flag=True,
    help="Unweight by accept-reject to --events equal-weight events (held in memory; "
    "needed for HEPEVT).",
)
@model_options
@data_dir_option
def generate(
    card_path: str | None,
    experiment: str | None,
    n_events: int | None,
    seed: int | None,
    output: str | None,
    fmt: str | None,
    overwrite: bool,
    final_state: str | None,
    flavours: tuple[str, ...],
    pot: float | None,
    decay_volume: str | None,
    unforced: bool,
    unweighted: bool,
    benchmark: str | None,
    assignments: tuple[str, ...],
    card: str | None,
    data_dir: str | None,
) -> None:
    """Generate weighted events: upscattering in the detector and dirt, the N decay chain
    and the decay vertex in the detector, written as Parquet, NuHepMC/HepMC3 or HEPEVT.

    Each weight is a number of expected events for the exposure (flux × cross section ×
    targets × POT × branching ratios × probability to decay in the volume); Σ weights is
    the expected number of events. A run card may be given as the argument or with --card.
    """
    from nuportal.generator.run import EventGenerator

    if card_path and card:
        raise NuportalError("give the run card either as the argument or with --card, not both")
    model, options = model_and_card_options(
        "generate", GENERATE_KEYS, card_path or card, benchmark, assignments
    )
    fmt = fmt or options.get("format", "parquet")
    if fmt not in SUFFIX:
        raise NuportalError(f"unknown format {fmt!r}; allowed: {', '.join(sorted(SUFFIX))}")
    n = n_events if n_events is not None else int(options.get("events", 10_000))
    if n < 1:
        raise NuportalError(f"--events must be at least 1, got {n}")
    path = Path(output or options.get("output", f"events{SUFFIX[fmt]}"))
    if path.exists() and not overwrite:
        raise NuportalError(f"{path} exists; pass --overwrite to replace it")
    chosen = flavours or tuple(options.get("flavours", ()))
    gen = EventGenerator(
        model,
        experiment or options.get("experiment", "miniboone_numode"),
        final_state=final_state or options.get("final_state", "e+e-"),
        seed=seed if seed is not None else int(options.get("seed", 1)),
        flavours=[flavour_pdg(f) for f in chosen] or None,
        decay_volume=decay_volume or options.get("decay_volume"),
        forced=not unforced and bool(options.get("forced", True)),
        data_dir=data_dir,
        pot=pot if pot is not None else options.get("pot"),
    )
    console = Console(stderr=True)
    console.print(f"model: {model.describe()}")
    console.print(f"experiment: {gen.experiment.name} ({gen.pot:.3g} POT), flux {gen.flux.name}")
    if unweighted or options.get("unweighted", False):
        _unweighted(gen, n, fmt, path, overwrite, console)
        return
    gen.allocate(n)
    planned = sum(round(c.events * c.kept) for c in gen.cases)  # expected written events
    if planned == 0:
        raise NuportalError(
            f"no event: no channel gives the final state {gen.final_state!r} in the decay "
            f"volume {gen.decay_volume.name!r}"
        )
    by_process: dict[str, float] = defaultdict(float)
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with (
        Progress("generating", *columns, console=console) as progress,
        _writer(fmt, path, overwrite) as writer,
    ):
        task = progress.add_task("events", total=planned)
        for batch in gen.batches():
            writer.write(batch)
            weights = batch.event["weight"]
            for code in set(batch.event["process"].tolist()):
                by_process[batch.processes[code]] += float(
                    weights[batch.event["process"] == code].sum()
                )
            progress.advance(task, len(batch))
        progress.update(task, total=progress.tasks[0].completed)
    _summary(console, gen, by_process, writer, path)


def _unweighted(gen: Any, n: int, fmt: str, path: Path, overwrite: bool, console: Console) -> None:
    """Weighted events in memory, enough for ``n`` after accept–reject, then unweighted."""
    from nuportal import io
    from nuportal.generator.run import unweight

    with console.status("generating the weighted sample"):
        weighted = gen.generate(n)
        w = weighted.event["weight"]
        needed = int(np.ceil(1.2 * n * w.max() / w.mean()))
        if needed > len(weighted):
            weighted = gen.generate(needed)
    events = unweight(weighted, n, gen.rng)
    io.write_events(events, path, fmt, overwrite=overwrite, **_hepevt(fmt))
    console.print(
        f"[bold]total: {events.total_weight:.4g} expected events[/] in {len(events)} unweighted "
        f"events (from {len(weighted)} weighted) written to {path}"
    )


def _hepevt(fmt: str) -> dict[str, bool]:
    return {"unweighted": True} if fmt == "hepevt" else {}


def _summary(
    console: Console, gen: Any, by_process: dict[str, float], writer: Any, path: Path
) -> None:
    total = sum(by_process.values())
    table = Table(title=f"Expected events ({gen.final_state}, decays in {gen.decay_volume.name})")
    table.add_column("process")
    table.add_column("events", justify="right")
    table.add_column("share", justify="right")
    for label, value in sorted(by_process.items(), key=lambda kv: -kv[1])[:15]:
        table.add_row(label, f"{value:.4g}", f"{value / total:.1%}" if total else "-")
    console.print(table)
    for name, ctau in gen.metadata()["lifetimes_ctau_cm"].items():
        console.print(f"  {name}: cτ = {ctau:.4g} cm")
    console.print(
        f"  fraction of the produced N (simulated modes) decaying in {gen.decay_volume.name}: "
        f"{gen.decay_fraction:.3g}"
    )
    console.print(
        f"[bold]total: {total:.4g} ± {gen.statistical_error:.2g} (MC) expected events[/] in "
        f"{writer.n_events} weighted events written to {path}"
    )
