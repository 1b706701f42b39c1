"""`zhengan check password-policy | accounts | mfa`: thin commands over zhengan.checks.identity.

Exit codes: 0 every requirement holds; 1 something fails or cannot be decided; 2 the inputs cannot be used.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zhengan.checks.identity import accounts, mfa, password_policy
from zhengan.checks.identity.firm import FirmFacts, load_firm
from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.review_record import write_review_record
from zhengan.checks.identity.thresholds import IdentityThresholds, load_thresholds
from zhengan.checks.result import STATUS_LABELS, CheckResult, Status

console = Console()
STYLES = {
    Status.PASS: "green",
    Status.FAIL: "red",
    Status.WARN: "yellow",
    Status.INFO: "blue",
    Status.ERROR: "magenta",
}

PROFILE = typer.Option(
    ..., "--profile", "-p", help="公司基本資料 YAML。Firm profile YAML.", exists=True, dir_okay=False
)
THRESHOLDS = typer.Option(
    None,
    "--thresholds",
    help="覆寫門檻之 YAML（預設見文件）。YAML overriding the default thresholds.",
    exists=True,
)
JSON_OUT = typer.Option(None, "--json", help="將結果寫成 JSON 檔。Write the result as JSON.", dir_okay=False)
SHOW_PASSED = typer.Option(False, "--show-passed", help="一併列出符合項目。Also list what holds.")


def _setup(profile: Path, thresholds: Path | None) -> tuple[FirmFacts, IdentityThresholds]:
    try:
        return load_firm(profile), load_thresholds(thresholds)
    except ReadError as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    except ValueError as error:  # the profile loader's own validation error names file, line and field
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error


def _report(result: CheckResult, json_out: Path | None, show_passed: bool) -> None:
    table = Table(title=result.title.both(), show_lines=True)
    for header in ("結果 Result", "對象 Subject", "條款 Clauses", "說明 Message"):
        table.add_column(header, overflow="fold")
    for observation in result.observations:
        if observation.status is Status.PASS and not show_passed:
            continue
        style = STYLES[observation.status]
        table.add_row(
            f"[{style}]{STATUS_LABELS[observation.status].both(' ')}[/{style}]",
            escape(observation.subject),
            ", ".join(observation.control_ids),
            escape(f"{observation.message.zh}\n{observation.message.en}"),
        )
    console.print(table)
    counts = result.by_status()
    summary = Table(title="摘要 Summary")
    for status in Status:
        summary.add_column(STATUS_LABELS[status].both(" "), justify="right")
    summary.add_row(*(str(counts[s]) for s in Status))
    console.print(summary)
    for error in result.errors:
        console.print(f"[magenta]{escape(str(error.source))}: {escape(error.message.both())}[/magenta]")
    if result.quarantined:
        console.print(
            f"隔離 {result.quarantined} 筆無法判讀之紀錄。Quarantined {result.quarantined} unreadable records."
        )
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        temporary = json_out.with_name(f".{json_out.name}.tmp")
        temporary.write_text(result.to_json(), encoding="utf-8")
        temporary.replace(json_out)
        console.print(f"結果已寫入 Result written: {json_out}")
    if not result.passed:
        raise typer.Exit(1)


def password_policy_command(
    inputs: list[Path] = typer.Argument(
        ...,
        help="secedit/GptTmpl .inf、AD 原則 .json、Linux 設定檔或主機 /etc 目錄。"
        ".inf, AD policy .json, Linux files or a host's /etc directory.",
        exists=True,
    ),
    profile: Path = PROFILE,
    thresholds: Path | None = THRESHOLDS,
    electronic_trading: bool = typer.Option(
        False,
        "--electronic-trading",
        help="輸入屬電子式交易資通系統（SR-6.6：三次鎖定）。The inputs are electronic-trading systems (SR-6.6).",
    ),
    host: str = typer.Option(
        "linux host", "--host", help="個別 Linux 檔案所屬主機名稱。Host of loose Linux files."
    ),
    json_out: Path | None = JSON_OUT,
    show_passed: bool = SHOW_PASSED,
) -> None:
    """檢查密碼與帳戶鎖定原則。Check password and account lockout policy."""
    firm, limits = _setup(profile, thresholds)
    result = password_policy.run(
        inputs,
        firm.kinds,
        limits,
        electronic_trading=electronic_trading,
        foreign_standard=firm.foreign_standard,
        linux_host_name=host,
    )
    _report(result, json_out, show_passed)


def accounts_command(
    account_files: list[Path] = typer.Argument(
        ...,
        help="帳號匯出 CSV（zhengan、AD 或 LDAP 欄位）。Account export CSV (zhengan, AD or LDAP columns).",
        exists=True,
    ),
    roster: Path | None = typer.Option(
        None,
        "--roster",
        help="人事名冊 CSV（含離職日）。HR roster CSV with leaving dates.",
        exists=True,
        dir_okay=False,
    ),
    output: Path = typer.Option(
        ...,
        "--output",
        "-o",
        help="半年度帳號審查紀錄 XLSX。The half-yearly review record (XLSX).",
        dir_okay=False,
    ),
    profile: Path = PROFILE,
    thresholds: Path | None = THRESHOLDS,
    as_of: str | None = typer.Option(
        None, "--as-of", help="審查基準日 yyyy-mm-dd（台北）。Review date (Taipei)."
    ),
    system: str | None = typer.Option(
        None, "--system", help="帳號所屬系統名稱。Name of the accounts' system."
    ),
    json_out: Path | None = JSON_OUT,
) -> None:
    """審查帳號（閒置、離職、臨時、共用、特權、顯性資料識別）並產出審查紀錄。Review accounts and write the review record."""
    firm, limits = _setup(profile, thresholds)
    try:
        moment = accounts.as_of_from(as_of)
    except ValueError as error:
        console.print(f"[red]--as-of 應為 yyyy-mm-dd / --as-of must be yyyy-mm-dd: {as_of!r}[/red]")
        raise typer.Exit(2) from error
    result, review = accounts.run(account_files, roster, firm.kinds, limits, as_of=moment, system=system)
    written = write_review_record(output, result, review)
    console.print(f"審查紀錄已寫入 Review record written: {written}")
    _report(result, json_out, show_passed=False)


def mfa_command(
    declaration: Path = typer.Argument(
        ...,
        help="登入通道與驗證因子宣告 YAML。Login channels and factors (YAML).",
        exists=True,
        dir_okay=False,
    ),
    profile: Path = PROFILE,
    thresholds: Path | None = THRESHOLDS,
    json_out: Path | None = JSON_OUT,
    show_passed: bool = SHOW_PASSED,
) -> None:
    """檢查多因子認證之因子類別與憑證申請因子。Check MFA factor categories and certificate-application factors."""
    firm, limits = _setup(profile, thresholds)
    result = mfa.run(declaration, firm.kinds, firm.securities_internet_ordering, limits)
    _report(result, json_out, show_passed)


def register(app: typer.Typer) -> None:
    """Add this module's commands to `zhengan check`."""
    app.command(
        "password-policy",
        help="檢查密碼與帳戶鎖定原則（SR-6.5、SR-6.7、FC-8.3、AP-4.6.1）。Check password and lockout policy.",
    )(password_policy_command)
    app.command(
        "accounts",
        help="半年度帳號審查並產出審查紀錄（SR-3.2、SR-3.3、SR-3.7、SR-6.1、FC-5.2）。Review accounts, write the record.",
    )(accounts_command)
    app.command(
        "mfa",
        help="檢查多因子認證（CC17010-4、CC17010-5.1、SR-6.2）。Check multi-factor authentication.",
    )(mfa_command)
