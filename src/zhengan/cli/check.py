"""`zhengan check <name>`: the identity, TLS, end-of-life and vulnerability-scan checks (issue #9)."""

from __future__ import annotations

import typer

from zhengan.cli import check_identity, check_network

app = typer.Typer(
    help="技術檢查：密碼與鎖定原則、帳號審查、多因子認證、TLS、生命週期終止軟體、弱點掃描匯入。\n\n"
    "Technical checks: password and lockout policy, account review, MFA, TLS, end-of-life software, "
    "vulnerability-scan import.",
    no_args_is_help=True,
)

check_identity.register(app)
check_network.register(app)
