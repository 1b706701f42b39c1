"""Compare an analysis with the ground truth of a synthetic day (`synth.generate` writes it): the attacks
missed and the alerts made only of clean events. Used by the tests of both engines and the benchmarks,
which measure only correct runs; a firm can use it to check a deployment on a synthetic day."""

from __future__ import annotations

from zhengan.checks.logins.analyse import Analysis

# CSV line = row + 2 (header); JSON-lines line and Parquet record = row + 1
FIRST_LINE = {"csv": 2, "jsonl": 1, "parquet": 1}


def injected_ids(truth: dict, path: str, format: str) -> dict[int, set[str]]:
    return {
        index: {f"{path}:{row + FIRST_LINE[format]}" for row in attack["rows"]}
        for index, attack in enumerate(truth["attacks"])
    }


def missed_attacks(analysis: Analysis, truth: dict, path: str, format: str) -> list[str]:
    """Injected attacks that no result of their detection reports (with the right subject)."""
    records = analysis.alerts + analysis.summaries + analysis.notification_records
    missed = []
    for index, ids in injected_ids(truth, path, format).items():
        attack = truth["attacks"][index]
        found = [
            r
            for r in records
            if r["detection"] == attack["detection"]
            and r["notable"]
            and ids <= set(r["event_ids"])
            and (attack["subject"] is None or r["subject"].split(" ")[0] == attack["subject"])
        ]
        if not found:
            missed.append(f"{attack['detection']}: {attack['description']}")
    return missed


def false_alerts(analysis: Analysis, truth: dict, path: str, format: str) -> list[dict]:
    """Alerts made only of clean events."""
    every_injected = set().union(*injected_ids(truth, path, format).values())
    return [a for a in analysis.alerts if not every_injected & set(a["event_ids"])]
