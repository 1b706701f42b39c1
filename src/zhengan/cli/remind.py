"""`zhengan remind`: the daily cron job that mails obligation (and later finding) reminders, once each."""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def remind(
    today: str = typer.Option(None, "--today", help="以此日期計算（YYYY-MM-DD）/ compute as of this date"),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="只列出，不寄信也不記錄 / list only: send and record nothing"
    ),
) -> None:
    """寄出到期與逾期提醒（cron 每日執行；同日重跑不重寄）/ Mail due and overdue reminders (cron, daily; idempotent)."""
    from zhengan.cli.database import ready

    ready()
    from django.utils import timezone

    from zhengan.reminders import ReminderError
    from zhengan.web.obligations.reminders import STATES, run

    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            console.print(
                f"[red]--today 日期格式不正確（應為 YYYY-MM-DD）/ --today is not a date (YYYY-MM-DD): {today}[/red]"
            )
            raise typer.Exit(2) from None
    else:
        day = timezone.localdate()
    try:
        result = run(day, dry_run=dry_run)
    except ReminderError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    table = Table(title=f"提醒 reminders {day.isoformat()}")
    table.add_column("狀態 state")
    table.add_column("收件人 recipients")
    table.add_column("主旨 subject")
    for outcome in result.outcomes:
        table.add_row(
            STATES[outcome.state].both(),
            ", ".join(outcome.recipients) or "—",
            outcome.subject + (f"\n{outcome.detail}" if outcome.detail else ""),
        )
    if result.outcomes:
        console.print(table)
    console.print(result.summary().both(), soft_wrap=True)
    if result.count("failed"):
        raise typer.Exit(1)
