"""Entry point of the ``nuportal`` command.

Sub-commands live in their own modules and are registered on :data:`cli`. Invalid input
raises :class:`nuportal.errors.NuportalError`; :func:`main` prints its message (no
traceback) and exits with status 2.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console

from nuportal import __version__
from nuportal.errors import NuportalError

ERROR_CONSOLE = Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nuportal")
def cli() -> None:
    """nuportal: dark-sector physics at accelerator neutrino experiments.

    Cross sections, event rates and (in later releases) event generation, decays, fits and
    limits for heavy neutral leptons, dark photons, dark scalars and transition magnetic
    moments. Run `nuportal COMMAND --help` for each command.
    """


def _register() -> None:
    from nuportal.cli import (
        darkphoton,
        darkphoton_events,
        darkphoton_limits,
        decays,
        experiments,
        fit,
        generate,
        miniboone,
        models,
        plot,
        predict,
        rates,
    )

    cli.add_command(generate.generate)
    cli.add_command(plot.plot)
    cli.add_command(rates.rates)
    cli.add_command(experiments.experiments)
    cli.add_command(decays.decays)
    cli.add_command(models.models)
    cli.add_command(miniboone.miniboone)
    cli.add_command(fit.fit)
    cli.add_command(predict.predict)
    cli.add_command(darkphoton.darkphoton)
    darkphoton.darkphoton.add_command(darkphoton_events.generate)
    darkphoton.darkphoton.add_command(darkphoton_limits.limits)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        cli.main(args=argv, prog_name="nuportal", standalone_mode=False)
    except NuportalError as exc:
        ERROR_CONSOLE.print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2
    except click.exceptions.Abort:
        ERROR_CONSOLE.print("aborted")
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0


def run() -> None:  # pragma: no cover - console-script shim
    sys.exit(main())
