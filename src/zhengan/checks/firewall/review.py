"""`run_review`: read configurations, hit counts and decommissioned systems, analyse, return the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zhengan.checks.firewall.analysis import Review, ReviewSettings, analyse
from zhengan.checks.firewall.decommissioned import read_decommissioned
from zhengan.checks.firewall.hits import HitRecord, evaluate_usage, records_from_rulebase
from zhengan.checks.firewall.model import RuleBase
from zhengan.checks.firewall.parsers import parse_config, parse_hits
from zhengan.checks.firewall.risky_services import load_risky_services
from zhengan.checks.result import CheckResult, InputFile
from zhengan.text import Text

TITLE = Text(zh="防火牆規則檢視", en="Firewall rule-base review")


@dataclass
class ReviewRun:
    result: CheckResult
    bases: list[RuleBase]
    review: Review
    settings: ReviewSettings


def run_review(
    configs: list[Path],
    vendor: str,
    settings: ReviewSettings,
    hits: list[Path] | None = None,
    decommissioned: Path | None = None,
    risky_services: Path | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ReviewRun:
    result = CheckResult(
        check="firewall.review",
        title=TITLE,
        parameters={
            "vendor": vendor,
            "as_of": settings.as_of.isoformat(),
            "untrusted_zones": settings.untrusted_zones,
            "dmz_zones": settings.dmz_zones,
            "unused_months": settings.unused_months,
        },
    )
    bases = []
    for path in configs:
        base = parse_config(path, vendor)
        bases.append(base)
        result.inputs.append(InputFile.of(path, format=vendor))
        result.errors.extend(base.errors)
    records: list[HitRecord] = []
    for base in bases:
        records.extend(records_from_rulebase(base))
    for path in hits or []:
        hit_file = parse_hits(path, vendor)
        result.inputs.append(
            InputFile.of(path, format=f"{vendor}-hits" if path.suffix.lower() != ".csv" else "hits-csv")
        )
        result.errors.extend(hit_file.errors)
        records.extend(hit_file.records)
    systems = []
    if decommissioned is not None:
        systems, errors = read_decommissioned(decommissioned)
        result.inputs.append(InputFile.of(decommissioned, format="decommissioned-csv"))
        result.errors.extend(errors)
    services = load_risky_services(risky_services)
    if risky_services is not None:
        result.inputs.append(InputFile.of(risky_services, format="risky-services-yaml"))
    usage = evaluate_usage(records, settings.as_of, settings.unused_months)
    if on_total is not None:
        on_total(sum(len(b.rules) for b in bases))
    review = analyse(bases, settings, services, usage, systems, progress)
    result.observations = review.observations
    result.quarantined = len(result.errors)
    return ReviewRun(result.finish(), bases, review, settings)
