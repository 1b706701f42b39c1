"""The record the rules ask to keep (CC17010-3.2, CC17010-11, CC17010-12: 留存紀錄), written atomically:
every file is first written into a temporary folder inside the output folder and moved into place only
when all of them are complete, so a failed run never leaves a half-written result.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

from zhengan.checks.logins.analyse import Analysis
from zhengan.checks.logins.quarantine import write_quarantine
from zhengan.checks.logins.report import render_html, render_markdown
from zhengan.spreadsheet_safety import csv_text

ALERT_CSV_COLUMNS = [
    "alert_id",
    "detection",
    "severity",
    "title_zh",
    "title_en",
    "control_ids",
    "subject",
    "first_seen",
    "last_seen",
    "first_seen_taipei",
    "last_seen_taipei",
    "observed",
    "thresholds",
    "detail",
    "user_names",
    "customer_names",
    "source_ips",
    "event_count",
    "event_ids",
]
NOTIFICATION_CSV_COLUMNS = [
    "customer",
    "reasons_zh",
    "reasons_en",
    "detections",
    "control_ids",
    "first_seen",
    "last_seen",
    "first_seen_taipei",
    "last_seen_taipei",
    "event_ids",
]


def write_outputs(analysis: Analysis, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=out))
    try:
        names = {
            "alerts_jsonl": "alerts.jsonl",
            "alerts_csv": "alerts.csv",
            "notifications_csv": "notifications.csv",
            "notifications_jsonl": "notifications.jsonl",
            "non_customer_daily_csv": "non_customer_daily.csv",
            "quarantine": "quarantine.jsonl",
            "report_md": "report.md",
            "report_html": "report.html",
            "result": "result.json",
        }
        _jsonl(staging / names["alerts_jsonl"], analysis.alerts)
        _csv(staging / names["alerts_csv"], analysis.alerts, ALERT_CSV_COLUMNS)
        _csv(staging / names["notifications_csv"], analysis.notifications, NOTIFICATION_CSV_COLUMNS)
        _jsonl(staging / names["notifications_jsonl"], analysis.notifications)
        _csv(staging / names["non_customer_daily_csv"], analysis.summaries, ALERT_CSV_COLUMNS)
        write_quarantine(analysis.quarantine, staging / names["quarantine"])
        (staging / names["report_md"]).write_text(render_markdown(analysis), encoding="utf-8")
        (staging / names["report_html"]).write_text(render_html(analysis), encoding="utf-8")
        (staging / names["result"]).write_text(analysis.result.to_json(), encoding="utf-8")
        paths = {}
        for key, name in names.items():
            os.replace(staging / name, out / name)
            paths[key] = out / name
        return paths
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def _cell(value) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


def _csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    # UTF-8 with BOM so that Excel on a Traditional-Chinese Windows opens it correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_text(_cell(row.get(c))) for c in columns])
