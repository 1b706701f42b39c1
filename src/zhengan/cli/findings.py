"""`zhengan findings import`: bring check results (`--output`/`--json` of the checks) into findings.

Exit codes: 0 imported (or previewed); 2 a file, a system or an owner cannot be used (nothing imported).
"""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zhengan.checks.result import SEVERITY_LABELS, Severity

console = Console()
app = typer.Typer(help="缺失及改善追蹤 / findings and their remediation (AP-8)", no_args_is_help=True)

SEVERITY_STYLES = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "blue"}
OUTCOME_STYLES = {"new": "green", "seen_again": "cyan", "reopened": "magenta"}


def _refuse(message: str) -> None:
    console.print(f"[red]{escape(message)}[/red]", soft_wrap=True)
    raise typer.Exit(2)


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(
        ..., help="檢查結果 JSON 檔（CheckResult）/ check result JSON files (CheckResult)"
    ),
    system: list[str] = typer.Option(
        [],
        "--system",
        help="關聯之資訊系統名稱（可重複）/ register system name for new findings (repeatable)",
    ),
    owner: str = typer.Option(
        None, "--owner", help="新缺失之負責人帳號（接收提醒）/ user name owning new findings (gets reminders)"
    ),
    include_warnings: bool = typer.Option(
        False,
        "--include-warnings",
        help="注意事項（warn）亦列為缺失（預設僅不符合）/ also turn warnings into findings (default: fail only)",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="只顯示將如何匯入，不寫入 / show what would happen, write nothing"
    ),
    raised_on: str = typer.Option(
        None,
        "--raised-on",
        help="改善期限起算日 YYYY-MM-DD（預設為各檢查執行日）/ count deadlines from this day (default: the day each check ran)",
    ),
) -> None:
    """將檢查結果之不符合項目匯入為缺失（全部檔案一次完成或全部不匯入）/ Import check results as findings (all files or none)."""
    from zhengan.cli.database import ready

    ready()
    from zhengan.web.accounts.models import User
    from zhengan.web.findings import imports
    from zhengan.web.register.models import InformationSystem

    contents = []
    for path in files:
        try:
            contents.append((str(path), path.read_bytes()))
        except OSError as error:
            _refuse(f"{path}: 無法讀取檔案 / cannot read the file: {error.strerror or error}")
    try:
        results = imports.read_results(contents)
    except imports.ImportRefused as refused:
        _refuse(f"{refused}\n未匯入任何檔案 / nothing was imported")

    found = {s.name: s for s in InformationSystem.objects.filter(name__in=system)}
    unknown = [name for name in system if name not in found]
    if unknown:
        _refuse(f"系統清冊中沒有這些系統 / not in the system register: {', '.join(unknown)}")
    owner_user = None
    if owner:
        owner_user = User.objects.filter(username=owner, is_active=True).first()
        if owner_user is None:
            _refuse(f"沒有此使用者或已停用 / no such active user: {owner}")

    discovered = None
    if raised_on:
        try:
            discovered = date.fromisoformat(raised_on)
        except ValueError:
            _refuse(
                f"--raised-on 日期格式應為 YYYY-MM-DD / --raised-on is not a date (YYYY-MM-DD): {raised_on}"
            )

    try:
        report = imports.run_import(
            results,
            username=f"zhengan findings import ({getpass.getuser()})",
            owner=owner_user,
            systems=[found[name] for name in dict.fromkeys(system)],
            include_warnings=include_warnings,
            dry_run=dry_run,
            raised_on=discovered,
        )
    except imports.ImportRefused as refused:
        _refuse(f"{refused}\n未匯入任何檔案 / nothing was imported")

    title = "缺失匯入試算 / findings import (dry run)" if dry_run else "缺失匯入 / findings import"
    table = Table(title=title, show_lines=False)
    table.add_column("缺失編號 Reference", no_wrap=True)
    table.add_column("結果 Outcome", no_wrap=True)
    table.add_column("嚴重度 Severity", no_wrap=True)
    table.add_column("改善期限 Deadline", no_wrap=True)
    table.add_column("標題 Title", overflow="fold", ratio=1)
    for line in report.lines:
        outcome_style = OUTCOME_STYLES[line.outcome]
        severity_style = SEVERITY_STYLES.get(line.severity, "")
        table.add_row(
            line.reference,
            f"[{outcome_style}]{line.outcome_text.both(' ')}[/{outcome_style}]",
            f"[{severity_style}]{SEVERITY_LABELS[Severity(line.severity)].both(' ')}[/{severity_style}]",
            line.deadline.isoformat(),
            escape(line.title),
        )
    if report.lines:
        console.print(table)
    console.print(report.summary().both("\n"), soft_wrap=True)
