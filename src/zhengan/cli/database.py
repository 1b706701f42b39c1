"""Django set-up for the commands that work on the database's records (remind, audit, findings import)."""

from __future__ import annotations

import typer
from rich.console import Console


def ready() -> None:
    """Set Django up and refuse, with a clear message (exit 2), a database whose migrations are not applied."""
    from zhengan.web.bootstrap import NotMigrated, require_migrated, setup

    setup()
    try:
        require_migrated()
    except NotMigrated as error:
        Console(stderr=True).print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
