"""`zhengan firewall`: firewall rule-base review (issue #8). Thin: calls zhengan.checks.firewall."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from zhengan.checks.firewall.analysis import DEFAULT_DMZ_ZONES, DEFAULT_UNTRUSTED_ZONES, ReviewSettings
from zhengan.checks.firewall.parsers import VENDORS
from zhengan.checks.firewall.review import run_review
from zhengan.checks.firewall.review_record import SCOPES, write_html, write_xlsx
from zhengan.checks.result import SEVERITY_LABELS, STATUS_LABELS, Status
from zhengan.timeutil import TAIPEI, utc_now

app = typer.Typer(help="防火牆規則檢視。Firewall rule-base review.", no_args_is_help=True)


@app.callback()
def firewall() -> None:
    """防火牆規則檢視（CC17010-2.5 至 2.8、AP-4.6.2）。Firewall rule-base review."""


@app.command()
def review(
    configs: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, help="設定檔 configuration file(s)"
    ),
    vendor: str = typer.Option(..., "--vendor", help=f"廠牌格式 vendor format: {', '.join(VENDORS)}"),
    hits: list[Path] = typer.Option(
        [], "--hits", exists=True, dir_okay=False, help="命中次數快照 hit-count snapshot(s)"
    ),
    decommissioned: Path | None = typer.Option(
        None,
        "--decommissioned",
        exists=True,
        dir_okay=False,
        help="已下線系統 CSV / decommissioned systems CSV",
    ),
    out: Path | None = typer.Option(None, "--out", file_okay=False, help="輸出目錄 output directory"),
    scope: str = typer.Option("full", "--scope", help="檢視紀錄範圍 review scope: full, dmz, external"),
    as_of: str | None = typer.Option(None, "--as-of", help="檢視基準日 review date (ISO 8601; default now)"),
    untrusted_zones: str = typer.Option(
        DEFAULT_UNTRUSTED_ZONES, "--untrusted-zones", help="不信任區域（正規表示式）untrusted zones regex"
    ),
    dmz_zones: str = typer.Option(
        DEFAULT_DMZ_ZONES, "--dmz-zones", help="DMZ 區域（正規表示式）DMZ zones regex"
    ),
    risky_services: Path | None = typer.Option(
        None,
        "--risky-services",
        exists=True,
        dir_okay=False,
        help="自訂高風險服務 YAML / extra risky services",
    ),
) -> None:
    """檢視防火牆規則庫並產生檢視紀錄。Review firewall rule bases and write the review record."""
    console = Console()
    if vendor not in VENDORS:
        console.print(f"[red]未知廠牌 unknown vendor: {vendor} ({', '.join(VENDORS)})[/red]")
        raise typer.Exit(2)
    if scope not in SCOPES:
        console.print(f"[red]未知範圍 unknown scope: {scope} ({', '.join(SCOPES)})[/red]")
        raise typer.Exit(2)
    moment = utc_now()
    if as_of:
        try:
            moment = datetime.fromisoformat(as_of)
        except ValueError:
            console.print(f"[red]--as-of 日期格式錯誤 bad date: {as_of}[/red]")
            raise typer.Exit(2) from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=TAIPEI)
    settings = ReviewSettings(as_of=moment, untrusted_zones=untrusted_zones, dmz_zones=dmz_zones)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("分析規則 analysing rules", total=None)
        run = run_review(
            configs, vendor, settings, hits=hits, decommissioned=decommissioned, risky_services=risky_services,
            progress=lambda n: bar.advance(task, n), on_total=lambda total: bar.update(task, total=total),
        )  # fmt: skip
    result = run.result
    table = Table(title=f"{result.title.zh} {result.title.en}")
    for column in ("發現 finding", "狀態 status", "嚴重度 severity", "數量 count", "控制項 controls"):
        table.add_column(column)
    groups: dict[tuple[str, Status, str], list] = {}
    for o in result.observations:
        groups.setdefault((o.rule, o.status, o.severity.value if o.severity else ""), []).append(o)
    for (_, status, _severity), items in sorted(
        groups.items(), key=lambda kv: (kv[0][1] != Status.FAIL, kv[0][0])
    ):
        first = items[0]
        table.add_row(f"{first.title.zh}\n{first.title.en}", STATUS_LABELS[status].both(),
                      SEVERITY_LABELS[first.severity].both() if first.severity else "", str(len(items)), ", ".join(first.control_ids))  # fmt: skip
    console.print(table)
    rules = sum(len(b.rules) for b in run.bases)
    console.print(f"規則 rules: {rules}；輸入錯誤（已隔離）input errors (quarantined): {len(result.errors)}")
    for error in result.errors[:20]:
        console.print(f"[yellow]{error.source}: {error.message.both()}[/yellow]")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "firewall-review.json.part").write_text(result.to_json(), encoding="utf-8")
        (out / "firewall-review.json.part").replace(out / "firewall-review.json")
        if result.errors:
            quarantine = (
                "\n".join(f"{e.source}\t{e.message.both()}\t{e.raw or ''}" for e in result.errors) + "\n"
            )
            (out / "firewall-review-quarantine.tsv").write_text(quarantine, encoding="utf-8")
        write_xlsx(out / f"firewall-review-{scope}.xlsx", result, run.review.facts, scope)
        write_html(out / f"firewall-review-{scope}.html", result, run.review.facts, scope)
        console.print(f"結果已寫入 results written to {out}")
    raise typer.Exit(0 if result.passed else 1)
