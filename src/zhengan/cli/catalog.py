"""`zhengan catalog ...` and `zhengan soa`: the regulation catalogue and the statement of applicability."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from zhengan.applicability import statement
from zhengan.catalog.loader import CatalogError, load_catalog, validate_catalog
from zhengan.catalog.schema import Strength
from zhengan.profile import load_profile
from zhengan.yamlutil import InputFileError

app = typer.Typer(
    help="法規目錄：五份規範的每一條款。The regulation catalogue: every clause of the five rulebooks.",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)

STRENGTH_ZH = {"must": "應", "should": "宜", "may": "得"}


def _catalog():
    try:
        return load_catalog()
    except CatalogError as exc:
        errors.print("[red]法規目錄有錯誤 / the catalogue has errors:[/red]")
        for problem in exc.problems:
            errors.print(f"  {problem}", markup=False)
        raise typer.Exit(2) from exc


@app.command()
def validate() -> None:
    """檢查目錄格式與原文，列出各規範控制項數。Validate the catalogue and count controls per document."""
    catalog, problems = validate_catalog()
    if catalog is not None:
        table = Table(title="法規目錄 Catalogue")
        for column in [
            "規範 Document",
            "名稱 Title",
            "控制項 Controls",
            "應 must",
            "宜 should",
            "得 may",
            "標題 Sections",
            "參考 Informative",
        ]:
            table.add_column(column)
        for prefix, counts in catalog.counts().items():
            document = catalog.document(prefix)
            table.add_row(
                prefix,
                document.title.zh,
                str(counts["controls"]),
                str(counts["strength.must"]),
                str(counts["strength.should"]),
                str(counts["strength.may"]),
                str(counts["sections"]),
                str(counts["informative"]),
            )
        table.add_row("合計 total", "", str(len(catalog.controls)), "", "", "", "", "")
        console.print(table)
    if problems:
        errors.print(f"[red]{len(problems)} 個問題 / problem(s):[/red]")
        for problem in problems:
            errors.print(f"  {problem}", markup=False)
        raise typer.Exit(1)
    console.print("[green]目錄有效 / catalogue valid[/green]")


@app.command("list")
def list_controls(
    source: str | None = typer.Option(
        None, "--source", help="規範前綴 document prefix: SR, ET, CC17010, FC, AP"
    ),
    strength: Strength | None = typer.Option(None, "--strength", help="must / should / may"),
    tag: str | None = typer.Option(None, "--tag", help="標籤 topic tag, e.g. password"),
    search: str | None = typer.Option(None, "--search", help="搜尋中英文 search Chinese or English text"),
) -> None:
    """列出控制項（可依規範、強度、標籤、關鍵字篩選）。List controls, filtered."""
    catalog = _catalog()
    controls = catalog.search(search) if search else list(catalog.controls.values())
    if source:
        controls = [c for c in controls if catalog.document_of(c.id).prefix.lower() == source.lower()]
    if strength:
        controls = [c for c in controls if c.strength == strength]
    if tag:
        controls = [c for c in controls if tag in c.tags]
    table = Table(title=f"控制項 Controls ({len(controls)})")
    for column in ["編號 ID", "條次 Citation", "強度", "原文 Text"]:
        table.add_column(column, overflow="fold")
    for control in controls:
        table.add_row(control.id, control.citation, STRENGTH_ZH[control.strength], control.text)
    console.print(table)


@app.command()
def show(control_id: str = typer.Argument(..., help="控制項編號 control id, e.g. SR-3.6")) -> None:
    """顯示一個控制項的原文、英譯、強度、週期、保存期限與關聯條款。Show one control."""
    catalog = _catalog()
    try:
        control = catalog.control(control_id)
    except KeyError as exc:
        errors.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(1) from exc
    document = catalog.document_of(control_id)
    lines = [
        f"[bold]{document.title.zh}[/bold] {control.citation}",
        f"{document.title.en}",
        "",
        control.text,
        "",
        control.text_en,
        "",
        f"強度 Strength: {STRENGTH_ZH[control.strength]} {control.strength.value}",
    ]
    lines += [
        f"  「{s.text}」: {STRENGTH_ZH[s.strength]} {s.strength.value}" for s in control.sentence_strengths
    ]
    if control.period:
        lines.append(
            f"週期 Period: {control.period.value}"
            + (f"（{control.period_text}）" if control.period_text else "")
        )
    for event in control.events:
        label = catalog.trigger_label(event.trigger)
        lines.append(
            f"事件 Event: {label.zh} / {label.en}" + (f" within {event.within}" if event.within else "")
        )
    for retention in control.retention:
        lines.append(f"保存 Retention: {retention.duration} {retention.records.zh} / {retention.records.en}")
    if control.system_scope:
        lines.append(
            "系統範圍 Scope: " + ", ".join(catalog.scope_label(s).both() for s in control.system_scope)
        )
    conditions = catalog.conditions(control_id)
    lines.append(
        "適用對象 Binds: "
        + "；".join(c.condition.zh for c in conditions)
        + " / "
        + "; ".join(c.condition.en for c in conditions)
    )
    lines.append("證據 Evidence: " + "；".join(e.zh for e in control.evidence))
    lines.append("標籤 Tags: " + ", ".join(control.tags))
    related = catalog.related(control_id)
    if related:
        lines.append("關聯條款 Related: " + ", ".join(related))
    if control.notes:
        lines += ["", f"解讀 Reading: {control.notes.zh}", control.notes.en]
    console.print(Panel("\n".join(lines), title=control.id, expand=False))


class ExportFormat(StrEnum):
    oscal = "oscal"


@app.command()
def export(
    format: ExportFormat = typer.Option(
        ExportFormat.oscal, "--format", help="oscal (OSCAL 1.1 catalog JSON)"
    ),
    out: Path = typer.Option(..., "--out", help="輸出檔 output file"),
) -> None:
    """匯出目錄為 OSCAL 1.1 catalog (JSON)。Export the catalogue as an OSCAL 1.1 catalog."""
    from zhengan.catalog.oscal import write_oscal

    write_oscal(_catalog(), out)
    console.print(f"已寫入 written: {out}")


class SoaFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    md = "md"


def soa(
    profile: Path = typer.Option(..., "--profile", help="公司概況 YAML firm profile"),
    format: SoaFormat = typer.Option(SoaFormat.table, "--format", help="table | json | csv | xlsx | md"),
    out: Path | None = typer.Option(
        None, "--out", help="輸出檔（xlsx 必填） output file (required for xlsx)"
    ),
    only_applicable: bool = typer.Option(
        False, "--only-applicable", help="只列適用者 only applicable controls"
    ),
) -> None:
    """適用性聲明：每一控制項是否適用及理由（中英文）。The statement of applicability, with reasons."""
    from zhengan import soa as render

    try:
        firm = load_profile(profile)
    except InputFileError as exc:
        errors.print(exc.describe(), markup=False)
        raise typer.Exit(2) from exc
    result = statement(_catalog(), firm)
    if format == SoaFormat.xlsx:
        if out is None:
            errors.print("[red]xlsx 需要 --out / xlsx needs --out[/red]")
            raise typer.Exit(2)
        render.write_xlsx(result, out)
        console.print(f"已寫入 written: {out}")
        return
    if format == SoaFormat.table:
        _print_table(result, only_applicable)
        return
    text = {SoaFormat.json: render.to_json, SoaFormat.csv: render.to_csv, SoaFormat.md: render.to_markdown}[
        format
    ](result)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig" if format == SoaFormat.csv else "utf-8")
        console.print(f"已寫入 written: {out}")


def _print_table(result, only_applicable: bool) -> None:
    summary = Table(title=f"適用性聲明摘要 SoA summary: {result.profile.name}")
    for column in ["規範 Document", "強度 Strength", "適用 Applies", "不適用 Not"]:
        summary.add_column(column)
    for row in result.summary():
        summary.add_row(
            f"{row.prefix} {row.title.zh}",
            f"{STRENGTH_ZH[row.strength]} {row.strength.value}",
            str(row.applicable),
            str(row.not_applicable),
        )
    table = Table(title="適用性聲明 Statement of applicability", show_lines=False)
    for column in ["編號 ID", "強度", "適用", "理由 Reason"]:
        table.add_column(column, overflow="fold")
    for decision in result.decisions:
        if only_applicable and not decision.applies:
            continue
        mark = "[green]✔[/green]" if decision.applies else "[dim]✘[/dim]"
        table.add_row(
            decision.control_id,
            STRENGTH_ZH[decision.strength],
            mark,
            f"{decision.reason.zh}\n{decision.reason.en}",
        )
    console.print(table)
    console.print(summary)
