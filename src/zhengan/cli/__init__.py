"""The `zhengan` command line: thin; every command calls a function of the package.

Each group lives in its own module so that each capability owns its commands.
"""

from __future__ import annotations

import typer

from zhengan.cli import catalog, check, findings, firewall, logins, web
from zhengan.cli.remind import remind as remind_command  # obligations calendar (issue 5)

app = typer.Typer(
    name="zhengan",
    help="證安 zhengan：證券期貨業資通安全規範的法規目錄、適用性、評估與技術檢查。\n\n"
    "zhengan: Taiwan's securities and futures cybersecurity rules as working software.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)

app.add_typer(catalog.app, name="catalog")
app.command("soa")(catalog.soa)
app.add_typer(check.app, name="check")
app.add_typer(logins.app, name="logins")
app.add_typer(firewall.app, name="firewall")
app.add_typer(findings.app, name="findings")
web.register(app)
# --- obligations calendar (issue 5) ---
app.command("remind")(remind_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
