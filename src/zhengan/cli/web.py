"""Commands of the web application (issue #4): serve, createuser, demo, audit verify, manage."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console()
audit_app = typer.Typer(help="稽核紀錄 / the audit trail (SR-4)", no_args_is_help=True)

ROLE_HELP = "角色 / role: administrator, compliance_officer, it_security, internal_auditor, external_assessor, board_viewer"


def _setup(settings: str | None = None) -> None:
    from zhengan.web.bootstrap import setup

    setup(settings)


def serve(
    host: str = typer.Option("127.0.0.1", help="位址 / address to listen on"),
    port: int = typer.Option(8000, help="連接埠 / port"),
    migrate: bool = typer.Option(True, help="先執行資料庫移轉 / apply migrations first"),
) -> None:
    """啟動網頁應用程式 / Run the web application."""
    _setup()
    from zhengan.web import bootstrap

    if migrate:
        bootstrap.migrate()
    console.print(f"證安 zhengan：http://{host}:{port}/")
    bootstrap.serve(host, port)


def createuser(
    username: str = typer.Argument(..., help="使用者名稱（個人帳號）/ user name (personal account)"),
    email: str = typer.Option(..., help="電子郵件 / e-mail"),
    full_name: str = typer.Option(..., "--name", help="姓名 / full name"),
    role: str = typer.Option(..., help=ROLE_HELP),
) -> None:
    """建立使用者並顯示一次性初始密碼 / Create a user and print a one-time initial password."""
    _setup()
    from django.core.exceptions import ValidationError

    from zhengan.web import bootstrap

    bootstrap.migrate()
    try:
        password = bootstrap.create_user(username, full_name, email, role)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                console.print(f"[red]欄位 {field} 不正確 / invalid {field}: {problem}[/red]")
        raise typer.Exit(2) from None
    console.print(f"已建立 {username}（{role}） / created {username} ({role})")
    console.print(f"一次性初始密碼 / one-time initial password: [bold]{password}[/bold]")
    console.print("首次登入須變更密碼並設定多因子驗證 / must be changed, and MFA enrolled, at first sign-in")


def demo(
    host: str = typer.Option("127.0.0.1", help="位址 / address"),
    port: int = typer.Option(8000, help="連接埠 / port"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="設定後啟動服務 / serve afterwards"),
) -> None:
    """移轉資料庫、載入示範公司與各角色使用者，並啟動服務 / Set up the demo firm and users, then serve."""
    _setup()
    from zhengan.web import bootstrap

    bootstrap.migrate()
    users = bootstrap.load_demo()
    table = Table(title="示範帳號 / demo accounts")
    table.add_column("使用者 user")
    table.add_column("角色 role")
    table.add_column("一次性初始密碼 one-time initial password")
    for user in users:
        table.add_row(
            user.username, user.role, user.password or "（已使用，保留原密碼）/ (in use, unchanged)"
        )
    console.print(table)
    console.print(
        "首次登入須變更密碼並以驗證器 App 設定多因子驗證。/ At first sign-in change the password and enrol MFA."
    )
    if serve_after:
        console.print(f"證安 zhengan：http://{host}:{port}/")
        bootstrap.serve(host, port)


@audit_app.command("verify")
def audit_verify(
    anchors_files: list[Path] = typer.Option(
        [],
        "--anchors",
        help="錨點檔（zhengan audit anchor --to 所寫）/ an anchor file written by `audit anchor --to`",
    ),
    anchor_values: list[str] = typer.Option(
        [], "--anchor", help="郵件中的錨點 SEQ:HASH / an anchor as mailed, SEQ:HASH"
    ),
) -> None:
    """驗證稽核紀錄雜湊鏈（及錨點），回報第一個斷點 / Verify the hash chain (and anchors); report the first broken link."""
    from zhengan.cli.database import ready

    ready()
    from zhengan.web.audit import anchor
    from zhengan.web.audit.chain import verify

    try:
        anchors = [a for path in anchors_files for a in anchor.read(path)]
        anchors += [anchor.parse(value) for value in anchor_values]
    except anchor.AnchorError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    result = verify()
    if not result.ok:
        console.print(f"[red]{result.message()}[/red]")
        raise typer.Exit(1)
    console.print(f"[green]{result.message()}[/green]")
    if anchors:
        checked = anchor.check(anchors)
        if not checked.ok:
            console.print(f"[red]{checked.message()}[/red]")
            raise typer.Exit(1)
        console.print(f"[green]{checked.message()}[/green]")


@audit_app.command("anchor")
def audit_anchor(
    to: list[Path] = typer.Option(
        [],
        "--to",
        help="附加至此檔（建議置於資料庫管理者無法改寫之處）/ append to this file (keep it beyond the DBA's reach)",
    ),
    mail_to: list[str] = typer.Option([], "--mail", help="寄送至此信箱 / mail to this address"),
    mail_auditors: bool = typer.Option(
        False, "--mail-auditors", help="寄送給所有內部稽核人員 / mail to every internal auditor"
    ),
) -> None:
    """記下稽核紀錄鏈最新雜湊值於資料庫之外（cron 每日）/ Keep the chain's newest hash outside the database (cron, daily)."""
    from zhengan.cli.database import ready

    ready()
    from zhengan.web.audit import anchor
    from zhengan.web.audit.chain import append

    try:
        taken = anchor.take()
    except anchor.AnchorError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    recipients = sorted({*mail_to, *(anchor.auditor_addresses() if mail_auditors else [])})
    if mail_auditors and not anchor.auditor_addresses():
        console.print("[red]沒有設定電子郵件的內部稽核人員 / no internal auditor has an e-mail address[/red]")
        raise typer.Exit(1)
    for path in to:
        anchor.append_to(path, taken)
    if recipients:
        try:
            anchor.mail(taken, recipients)
        except OSError as error:
            console.print(f"[red]錨點郵件寄送失敗：{error} / the anchor could not be mailed: {error}[/red]")
            raise typer.Exit(1) from None
    append(
        "audit_anchor_taken",
        username="zhengan audit anchor",
        detail={"seq": taken.seq, "hash": taken.hash, "files": [str(p) for p in to], "mailed_to": recipients},
    )
    console.print(f"{taken.seq}:{taken.hash}")
    where = [str(p) for p in to] + recipients
    console.print(
        f"錨點已記錄於 / anchor kept in: {', '.join(where)}"
        if where
        else "錨點僅顯示於上，請自行保存 / the anchor is only printed above: keep it somewhere safe"
    )


def manage(ctx: typer.Context) -> None:
    """執行 Django 管理指令（如 check --deploy）/ Run a Django management command (e.g. check --deploy)."""
    from zhengan.web.manage import main

    main([f"{sys.argv[0]} manage", *ctx.args])


def register(app: typer.Typer) -> None:
    """Add the web application's commands to the top-level app."""
    app.command("serve")(serve)
    app.command("createuser")(createuser)
    app.command("demo")(demo)
    app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(manage)
    app.add_typer(audit_app, name="audit")
