"""The daily report (Markdown and HTML): counts per detection, top sources and accounts, the alerts,
and the run's parameters - Traditional Chinese first, then English."""

from __future__ import annotations

import html
import json

from zhengan.checks.logins.analyse import Analysis
from zhengan.timeutil import format_taipei

MAX_ALERTS_IN_REPORT = 200


def _sections(analysis: Analysis) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, header, rows) tables shared by both renderings."""
    result = analysis.result
    run = [
        ["開始 started", format_taipei(result.started_at)],
        ["結束 finished", format_taipei(result.finished_at) if result.finished_at else "-"],
        ["引擎 engine", analysis.parameters["engine"]],
        ["事件數 events analysed", str(analysis.events)],
        ["隔離筆數 quarantined records", str(len(analysis.quarantine))],
        [
            "未含時差之時間視為 stamps without offset read as",
            analysis.parameters["timezone_for_stamps_without_offset"],
        ],
    ]
    inputs = [
        [s.path, s.format, str(s.records), str(s.events), str(s.quarantined), str(s.skipped)]
        for s in analysis.inputs
    ]
    hashes = [[f.path, f.format or "", f.sha256] for f in result.inputs]
    counts = []
    for detection in analysis.detections:
        count = analysis.counts[detection.id]
        counts.append(
            [
                detection.id,
                f"{detection.title.zh} / {detection.title.en}",
                ", ".join(detection.control_ids),
                str(count["rows"]),
                str(count["alerts"]),
            ]
        )
    thresholds = [
        [k, json.dumps(v, ensure_ascii=False)] for k, v in analysis.parameters["thresholds"].items()
    ]
    sources = [[ip, str(n), str(accounts)] for ip, n, accounts in analysis.top_sources]
    accounts_rows = [[user, str(n), str(ips)] for user, n, ips in analysis.top_accounts]
    alerts = [
        [
            a["first_seen_taipei"],
            a["detection"],
            a["severity"],
            a["subject"],
            str(a["observed"]),
            str(a["event_count"]),
            ", ".join(a["control_ids"]),
        ]
        for a in analysis.alerts[:MAX_ALERTS_IN_REPORT]
    ]
    notes = [[n.zh, n.en] for n in analysis.notes]
    return [
        ("執行資訊 Run", ["項目 item", "值 value"], run),
        (
            "輸入檔 Inputs",
            ["檔案 file", "格式 format", "紀錄 records", "事件 events", "隔離 quarantined", "略過 skipped"],
            inputs,
        ),
        ("輸入檔雜湊 Input hashes (SHA-256)", ["檔案 file", "格式 format", "SHA-256"], hashes),
        (
            "各偵測結果 Counts per detection",
            ["偵測 detection", "名稱 title", "條文 controls", "結果 rows", "需處理 alerts"],
            counts,
        ),
        ("門檻 Thresholds", ["偵測 detection", "門檻 thresholds"], thresholds),
        (
            "失敗最多之來源 Top failing sources",
            ["來源 IP source", "失敗 failures", "帳號數 accounts"],
            sources,
        ),
        (
            "失敗最多之帳號 Top failing accounts",
            ["帳號 account", "失敗 failures", "來源數 sources"],
            accounts_rows,
        ),
        (
            "警示 Alerts",
            [
                "時間 first seen (Asia/Taipei)",
                "偵測 detection",
                "嚴重度 severity",
                "對象 subject",
                "觀察值 observed",
                "事件 events",
                "條文 controls",
            ],
            alerts,
        ),
        ("推定與說明 Assumptions", ["中文", "English"], notes),
    ]


def _intro(analysis: Analysis) -> tuple[str, str]:
    zh = (
        f"本報告為每日登入紀錄監控之留存紀錄（SR-3.6、CC17010-3.2、CC17010-11、CC17010-12）。"
        f"共分析 {analysis.events} 筆事件，產生 {len(analysis.alerts)} 筆警示、"
        f"{len(analysis.notifications)} 位應通知客戶，隔離 {len(analysis.quarantine)} 筆無法解讀之紀錄。"
    )
    en = (
        f"This report is the record kept of the daily login monitoring (SR-3.6, CC17010-3.2, CC17010-11, "
        f"CC17010-12). {_count(analysis.events, 'event')} analysed: {_count(len(analysis.alerts), 'alert')}, "
        f"{_count(len(analysis.notifications), 'customer')} to notify, "
        f"{_count(len(analysis.quarantine), 'unreadable record')} quarantined."
    )
    if analysis.period:
        first, last = (format_taipei(moment) for moment in analysis.period)
        zh += f"事件期間（台北時間）：{first} 至 {last}。"
        en += f" Events from {first} to {last} (Asia/Taipei)."
    else:
        zh += "本次無任何事件，未涵蓋任何期間。"
        en += " No events: the report covers no period."
    return zh, en


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def render_markdown(analysis: Analysis) -> str:
    zh, en = _intro(analysis)
    lines = ["# 每日登入紀錄異常監控報告 Daily login-anomaly report", "", zh, "", en, ""]
    for heading, header, rows in _sections(analysis):
        lines += [f"## {heading}", ""]
        if not rows:
            lines += ["（無 none）", ""]
            continue
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row in rows:
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        lines.append("")
    if len(analysis.alerts) > MAX_ALERTS_IN_REPORT:
        lines.append(f"完整警示見 alerts.csv / the full list is in alerts.csv ({len(analysis.alerts)}).")
    return "\n".join(lines) + "\n"


def render_html(analysis: Analysis) -> str:
    zh, en = _intro(analysis)
    parts = [
        "<!doctype html><html lang='zh-Hant'><head><meta charset='utf-8'>",
        "<title>每日登入紀錄異常監控報告 Daily login-anomaly report</title>",
        "<style>body{font-family:'Noto Sans CJK TC',sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:1.5em}td,th{border:1px solid #999;padding:.25em .5em;font-size:90%}th{background:#eee}</style>",
        "</head><body>",
        "<h1>每日登入紀錄異常監控報告 <small>Daily login-anomaly report</small></h1>",
        f"<p>{html.escape(zh)}</p><p lang='en'>{html.escape(en)}</p>",
    ]
    for heading, header, rows in _sections(analysis):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if not rows:
            parts.append("<p>（無 none）</p>")
            continue
        parts.append(
            "<table><thead><tr>"
            + "".join(f"<th>{html.escape(h)}</th>" for h in header)
            + "</tr></thead><tbody>"
        )
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)
