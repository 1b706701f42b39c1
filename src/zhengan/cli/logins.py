"""`zhengan logins`: daily login-anomaly monitoring (issue #7). Thin: it calls zhengan.checks.logins."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(help="登入紀錄異常監控。Daily login-anomaly monitoring.", no_args_is_help=True)
console = Console()


@app.command("analyse")
def analyse_command(
    inputs: list[Path] = typer.Argument(..., help="登入紀錄檔 Log files"),
    format: str | None = typer.Option(
        None,
        "--format",
        help="格式（預設自動判斷）Format, auto-detected if omitted: csv, jsonl, parquet, sshd, syslog5424, "
        "evtx, windows-xml, windows-json",
    ),
    config: Path | None = typer.Option(
        None, "--config", exists=True, help="公司設定檔 YAML firm configuration"
    ),
    out: Path = typer.Option(Path("logins-out"), "--out", help="輸出資料夾 Output folder"),
    json_out: Path | None = typer.Option(
        None, "--json", dir_okay=False, help="另將結果存為 JSON 檔 Also write the result as JSON"
    ),
    engine: str = typer.Option("duckdb", "--engine", help="分析引擎 Engine: duckdb | spark"),
    spark_master: str = typer.Option("local[2]", "--spark-master", help="Spark 叢集位址 Spark master URL"),
    mapping: Path | None = typer.Option(
        None, "--mapping", exists=True, help="CSV/JSON 欄位對照檔 Column mapping"
    ),
    timezone: str = typer.Option(
        "Asia/Taipei", "--timezone", help="未含時差之時間所屬時區 Zone of stamps without offset"
    ),
    year: int | None = typer.Option(
        None, "--year", help="無年份 syslog 時間之年份 Year of year-less syslog stamps"
    ),
    default_user_type: str | None = typer.Option(
        None, "--default-user-type", help="日誌未載明時之帳號類型 Account type when the log does not say"
    ),
) -> None:
    """分析登入紀錄並產出警示、通知名單、隔離檔與每日報告。Analyse login logs.

    結束碼 Exit codes: 0 無須處理 nothing to act on; 1 有警示、應通知客戶、隔離紀錄或全無事件 alerts, customers
    to notify, quarantined records or no events at all; 2 無法使用之輸入或設定 unusable input or configuration.
    """
    from zhengan.checks.logins.analyse import analyse
    from zhengan.checks.logins.config import ConfigError, LoginConfig
    from zhengan.checks.logins.outputs import write_outputs
    from zhengan.checks.logins.readers import FORMATS, UnknownFormat
    from zhengan.checks.logins.readers.base import ReadOptions
    from zhengan.checks.logins.readers.mapping import MappingError
    from zhengan.checks.logins.schema import USER_TYPES
    from zhengan.timeutil import format_taipei

    if format is not None and format not in FORMATS:
        raise typer.BadParameter(f"格式須為 / format must be one of {', '.join(FORMATS)}")
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter("引擎須為 duckdb 或 spark / engine must be duckdb or spark")
    if default_user_type is not None and default_user_type not in USER_TYPES:
        raise typer.BadParameter(
            f"{default_user_type!r}：帳號類型須為 / account type must be one of {', '.join(USER_TYPES)}",
            param_hint="--default-user-type",
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise typer.BadParameter(
            f"未知的時區 / unknown time zone {timezone!r} (e.g. Asia/Taipei)", param_hint="--timezone"
        ) from exc
    unusable = [
        f"{path}: {'不是檔案 / not a file' if path.exists() else '找不到檔案 / file not found'}"
        for path in inputs
        if not path.is_file()
    ]
    if out.exists() and not out.is_dir():
        unusable.append(f"{out}: 輸出位置已是檔案 / the output folder is an existing file")
    if unusable:
        for problem in unusable:
            console.print(f"[red]{problem}[/red]")
        raise typer.Exit(2)
    try:
        firm = LoginConfig.load(config)
    except ConfigError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    options = ReadOptions(timezone=timezone, year=year, mapping=mapping, default_user_type=default_user_type)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("開始 starting", total=len(inputs) + 2)
        steps = {"done": 0}

        def progress(stage: str, done: int, total: int) -> None:
            steps["done"] = max(
                steps["done"], done if stage.startswith("讀取") else len(inputs) + (1 if done else 0)
            )
            bar.update(task, description=stage, completed=steps["done"])

        try:
            analysis = analyse(
                inputs,
                firm,
                options,
                format=format,
                engine=engine,
                spark_master=spark_master,
                progress=progress,
            )
        except (UnknownFormat, MappingError, ConfigError) as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        bar.update(task, description="寫出 writing", completed=len(inputs) + 2)
        paths = write_outputs(analysis, out)

    table = Table(title="登入監控結果 Login monitoring")
    table.add_column("偵測 detection")
    table.add_column("名稱 title")
    table.add_column("結果 rows", justify="right")
    table.add_column("需處理 alerts", justify="right")
    for detection in analysis.detections:
        count = analysis.counts[detection.id]
        table.add_row(detection.id, detection.title.zh, str(count["rows"]), str(count["alerts"]))
    console.print(table)
    console.print(
        f"事件 events: {analysis.events}　警示 alerts: {len(analysis.alerts)}　應通知客戶 customers to notify: "
        f"{len(analysis.notifications)}　隔離 quarantined: {len(analysis.quarantine)}"
    )
    if analysis.period:
        first, last = (format_taipei(moment) for moment in analysis.period)
        console.print(f"事件期間 period (Asia/Taipei): {first} – {last}")
    for note in analysis.notes:
        console.print(f"[yellow]{note.both()}[/yellow]")
    console.print(f"輸出 output: {out} ({', '.join(p.name for p in paths.values())})")
    if json_out is not None:
        json_out.write_text(paths["result"].read_text(encoding="utf-8"), encoding="utf-8")
    act = (
        any(alert["notable"] for alert in analysis.alerts)
        or analysis.notifications
        or analysis.quarantine
        or analysis.events == 0  # an empty day: most likely a feed that broke
    )
    raise typer.Exit(1 if act else 0)


@app.command("synth")
def synth_command(
    events: int = typer.Option(100_000, "--events", min=1000, help="事件數 Number of events"),
    seed: int = typer.Option(7, "--seed", help="亂數種子 Seed"),
    out: Path = typer.Option(Path("logins-synth"), "--out", help="輸出資料夾 Output folder"),
    format: list[str] = typer.Option(["csv"], "--format", help="csv and/or parquet"),
    day: str = typer.Option("2026-11-20", "--day", help="日期（台北）Day (Asia/Taipei)"),
) -> None:
    """產生含注入攻擊與標準答案之合成登入日誌。Write a synthetic day with injected attacks and ground truth."""
    from zhengan.checks.logins.synth import generate

    bad = set(format) - {"csv", "parquet"}
    if bad:
        raise typer.BadParameter(f"格式須為 csv 或 parquet / format must be csv or parquet: {sorted(bad)}")
    with console.status("產生中 generating..."):
        truth = generate(out, events, seed=seed, day=date.fromisoformat(day), formats=tuple(format))
    console.print(
        f"已寫出 {truth['events']} 筆事件、{len(truth['attacks'])} 個注入攻擊 / wrote {truth['events']} events and "
        f"{len(truth['attacks'])} injected attacks to {out} (ground_truth.json, zhengan-logins.yaml)"
    )
