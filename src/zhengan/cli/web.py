"""Commands of the web application (issue #4): serve, createuser, demo, audit verify, manage."""

from __future__ import annotations

import sys

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
def audit_verify() -> None:
    """驗證稽核紀錄雜湊鏈，回報第一個斷點 / Verify the hash chain; report the first broken link."""
    _setup()
    from zhengan.web.audit.chain import verify

    result = verify()
    if result.ok:
        console.print(f"[green]{result.message()}[/green]")
        return
    console.print(f"[red]{result.message()}[/red]")
    raise typer.Exit(1)


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
