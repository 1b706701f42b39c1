"""Commands of `zhengan check`: TLS endpoints, end-of-life software and vulnerability scans (issue #9 B).

Thin: every command calls a function of `zhengan.checks`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from zhengan.checks.result import STATUS_LABELS, CheckResult, Status

console = Console()
# `--json FILE` on every command here (`--output` / `-o` the older names of it)
JSON_OUTPUT = typer.Option(
    None,
    "--json",
    "--output",
    "-o",
    help="將結果存為 JSON（--output 同義）。Write the result as JSON (--output is the same).",
)

_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "red",
    Status.WARN: "yellow",
    Status.INFO: "cyan",
    Status.ERROR: "magenta",
}


def _show(result: CheckResult, output: Path | None, quiet_pass: bool = False) -> None:
    table = Table(title=result.title.both())
    for header in ("狀態 Status", "對象 Subject", "說明 Message", "條款 Controls"):
        table.add_column(header)
    for o in result.observations:
        if quiet_pass and o.status == Status.PASS:
            continue
        table.add_row(
            f"[{_STYLE[o.status]}]{STATUS_LABELS[o.status].both()}[/]",
            o.subject,
            o.message.both("\n"),
            ", ".join(o.control_ids),
        )
    console.print(table)
    counts = result.by_status()
    console.print(
        " ".join(f"{STATUS_LABELS[s].both()}: {counts[s]}" for s in Status)
        + f"  隔離 quarantined: {result.quarantined}"
    )
    for error in result.errors:
        console.print(f"[magenta]{error.source}[/] {error.message.both()}")
    if output is not None:
        output.write_text(result.to_json(), encoding="utf-8")
        console.print(f"結果已寫入 Result written to {output}")


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/]")
    return typer.Exit(code=2)


def tls(
    targets: list[str] = typer.Argument(
        None, help="HOST:PORT 或 SERVERNAME@ADDRESS:PORT。HOST:PORT or SERVERNAME@ADDRESS:PORT."
    ),
    testssl: list[Path] = typer.Option(
        None, "--testssl", help="匯入 testssl.sh JSON。Import testssl.sh JSON results."
    ),
    rotation_days: int = typer.Option(
        365, help="憑證更換週期（天，SR-8.4）。Certificate rotation period in days."
    ),
    warn_days: int = typer.Option(30, help="憑證到期前警示天數。Warn this many days before expiry."),
    ca_file: Path | None = typer.Option(None, help="私有 CA 憑證檔。Private CA bundle for chain checks."),
    timeout: float = typer.Option(5.0, help="連線逾時秒數。Connect timeout in seconds."),
    output: Path | None = JSON_OUTPUT,
) -> None:
    """TLS 端點：通訊協定、加密套件、憑證效期與更換。TLS endpoints: protocols, ciphers, certificates, rotation."""
    from zhengan.checks.tls import Target, TlsPolicy, check_endpoints, check_testssl
    from zhengan.checks.tls.testssl import TestsslFormatError

    policy = TlsPolicy(rotation_days=rotation_days, expiry_warning_days=warn_days)
    if not targets and not testssl:
        raise _fail("請指定連線目標或 --testssl 檔案 / give targets or --testssl files")
    try:
        parsed = [Target.parse(t) for t in targets or []]
    except ValueError as error:
        raise _fail(str(error)) from error
    results = []
    if parsed:
        with Progress(console=console) as progress:
            task = progress.add_task("探測 Probing", total=len(parsed))
            results.append(
                check_endpoints(
                    parsed,
                    policy,
                    timeout=timeout,
                    ca_file=str(ca_file) if ca_file else None,
                    on_endpoint=lambda _t: progress.advance(task),
                )
            )
    if testssl:
        try:
            results.append(check_testssl(testssl, policy))
        except (TestsslFormatError, OSError) as error:
            raise _fail(str(error)) from error
    for index, result in enumerate(results):
        _show(result, output if index == 0 else (output.with_suffix(".testssl.json") if output else None))
    if not all(r.passed for r in results):
        raise typer.Exit(code=1)


def eol(
    inventory: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="軟體清冊 CSV：host,product,version。Software inventory CSV."
    ),
    horizon_months: int = typer.Option(
        12, help="預警期間（月）。Warn of end of life within this many months."
    ),
    snapshot: Path | None = typer.Option(None, help="指定快照檔。Use this snapshot file."),
    as_of: str | None = typer.Option(None, help="評估日期 YYYY-MM-DD。Judge as of this date."),
    output: Path | None = JSON_OUTPUT,
) -> None:
    """生命週期終止軟體與汰除預警（CC17010-1.10）。End-of-life software and replacement warnings."""
    from zhengan.checks.eol import check_eol, load_snapshot
    from zhengan.checks.eol.check import InventoryError
    from zhengan.checks.eol.snapshot import SnapshotError

    try:
        result = check_eol(
            inventory,
            load_snapshot(snapshot),
            as_of=date.fromisoformat(as_of) if as_of else None,
            horizon_months=horizon_months,
        )
    except (InventoryError, SnapshotError, ValueError) as error:
        raise _fail(str(error)) from error
    _show(result, output)
    if not result.passed:
        raise typer.Exit(code=1)


def eol_update(
    snapshot: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="endoflife.date 格式快照 JSON。Snapshot JSON."
    ),
) -> None:
    """載入較新的 endoflife.date 快照。Load a newer endoflife.date snapshot."""
    from zhengan.checks.eol import SnapshotError, install_snapshot

    try:
        loaded, target = install_snapshot(snapshot)
    except SnapshotError as error:
        raise _fail(str(error)) from error
    console.print(
        f"已載入 {loaded.snapshot_date} 快照（{len(loaded.products)} 項產品）至 {target} / "
        f"loaded the {loaded.snapshot_date} snapshot ({len(loaded.products)} products) into {target}"
    )


def scans(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, help="掃描結果檔。Scan result files."
    ),
    state: Path = typer.Option(
        ..., "--state", help="掃描狀態 JSON 檔（不存在則建立）。Scan state JSON file."
    ),
    policy: Path | None = typer.Option(
        None, "--policy", help="嚴重度修補期限 YAML。Severity deadline policy YAML."
    ),
    format: str | None = typer.Option(
        None, "--format", help="nessus|openvas|trivy|sarif|zap（預設自動判斷）。Default: detect."
    ),
    as_of: str | None = typer.Option(None, help="評估日期 YYYY-MM-DD。Judge deadlines as of this date."),
    output: Path | None = JSON_OUTPUT,
) -> None:
    """匯入弱點與源碼掃描並追蹤修補期限。Import vulnerability and code scans; track remediation deadlines."""
    from zhengan.checks.scans import ScanFormatError, import_scans, load_state, save_state
    from zhengan.checks.scans.state import StateError
    from zhengan.checks.severity_policy import PolicyError, load_policy

    try:
        result, new_state, _ = import_scans(
            files,
            load_state(state),
            load_policy(policy),
            as_of=date.fromisoformat(as_of) if as_of else None,
            format=format,
        )
    except (ScanFormatError, StateError, PolicyError, ValueError) as error:
        raise _fail(str(error)) from error
    save_state(new_state, state)
    _show(result, output, quiet_pass=False)
    if not result.passed:
        raise typer.Exit(code=1)


def scan_coverage(
    register: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="適用系統清冊 CSV：host,system,scan_required,note。Register CSV.",
    ),
    state: Path = typer.Option(
        ..., "--state", exists=True, dir_okay=False, help="掃描狀態 JSON 檔。Scan state JSON file."
    ),
    months: int = typer.Option(6, help="掃描週期（月，SR-7.8）。Scan period in months."),
    as_of: str | None = typer.Option(None, help="評估日期 YYYY-MM-DD。Judge as of this date."),
    output: Path | None = JSON_OUTPUT,
) -> None:
    """每個適用系統是否於半年內完成弱點掃描。Was every applicable system scanned within six months?"""
    from zhengan.checks.scans import check_coverage, load_state
    from zhengan.checks.scans.coverage import RegisterError
    from zhengan.checks.scans.state import StateError

    try:
        result = check_coverage(
            register, load_state(state), as_of=date.fromisoformat(as_of) if as_of else None, months=months
        )
    except (RegisterError, StateError, ValueError) as error:
        raise _fail(str(error)) from error
    _show(result, output)
    if not result.passed:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add this module's commands to `zhengan check`."""
    app.command(
        "tls",
        help="TLS 端點：通訊協定、加密套件、憑證效期與更換。TLS endpoints: protocols, ciphers, certificates, rotation.",
    )(tls)
    app.command("eol", help="生命週期終止軟體與汰除預警。End-of-life software and replacement warnings.")(eol)
    app.command("eol-update", help="載入較新的 endoflife.date 快照。Load a newer endoflife.date snapshot.")(
        eol_update
    )
    app.command(
        "scans",
        help="匯入弱點與源碼掃描並追蹤修補期限。Import vulnerability and code scans; track remediation deadlines.",
    )(scans)
    app.command(
        "scan-coverage",
        help="適用系統是否於半年內完成弱點掃描。Was every applicable system scanned within six months?",
    )(scan_coverage)
