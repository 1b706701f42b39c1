"""The whole review: findings with control ids, six-month usage across snapshots and cluster members,
decommissioned systems, the review record and the command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from zhengan.checks.firewall.analysis import ReviewSettings
from zhengan.checks.firewall.hits import HitRecord, Usage, evaluate_usage, parse_hit_csv
from zhengan.checks.firewall.review import run_review
from zhengan.checks.firewall.review_record import write_html, write_xlsx
from zhengan.checks.result import CheckResult, Status
from zhengan.cli.firewall import app
from zhengan.timeutil import TAIPEI

DATA = Path(__file__).parents[2] / "data" / "firewall"
AS_OF = datetime(2024, 9, 2, 12, tzinfo=TAIPEI)


def found(result, name):
    return {o.details["position"]: o for o in result.observations if o.rule == f"firewall.{name}"}


def asa_review():
    return run_review(
        [DATA / "cisco_asa" / "fw-edge-01.cfg"], "asa", ReviewSettings(as_of=AS_OF),
        hits=sorted((DATA / "cisco_asa").glob("*show-access-list*")),
        decommissioned=DATA / "csv" / "decommissioned.csv",
    )  # fmt: skip


def test_asa_review_findings_cite_controls():
    run = asa_review()
    result = run.result
    permissive = [o for o in result.observations if o.rule == "firewall.permissive"]
    assert permissive and all("CC17010-2.7" in o.control_ids for o in permissive)
    assert permissive[0].details["untrusted_source"] is True  # internet-facing first
    risky = found(result, "risky_service")
    assert {"ssh", "rdp"} <= set(risky[7].details["services"]) and "ftp" in risky[6].details["services"]
    assert {"CC17010-1.7", "AP-4.6.2"} <= set(risky[7].control_ids)
    assert found(result, "redundant")[5].details["covered_by"] == ["outside_in #2"]
    unused = found(result, "unused")
    assert set(unused) == {5, 6}  # zero hits in both snapshots six months apart; line 2 grew
    assert unused[6].control_ids == ["CC17010-2.6"]
    decommissioned = found(result, "decommissioned")
    assert decommissioned[6].status is Status.FAIL  # 10.10.1.50 offline since 2023-12-31: overdue
    assert decommissioned[6].details["due"] == "2024-06-30"
    unresolved = found(result, "unresolved")
    assert set(unresolved) == {8, 9} and unresolved[8].status is Status.ERROR
    assert found(result, "disabled").keys() == {11}
    assert found(result, "no_description").keys() >= {5, 6, 7}
    final = [o for o in result.observations if o.rule == "firewall.final_deny"]
    assert {o.subject: o.status for o in final} == {
        "fw-edge-01 outside_in": Status.PASS,
        "fw-edge-01 dmz_in": Status.WARN,
    }
    # the bad ACE line and the bad decommissioned row are quarantined with file and line
    assert {(Path(e.source.file).name, e.source.line) for e in result.errors} == {
        ("fw-edge-01.cfg", 64),
        ("decommissioned.csv", 5),
    }
    assert result.quarantined == 2
    assert CheckResult.from_json(result.to_json()).observations == result.observations


def test_iptables_policy_accept_chain_has_no_final_deny_and_counters_give_usage():
    run = run_review(
        [DATA / "iptables" / "fw-linux01-2024-09-01.rules"], "iptables", ReviewSettings(as_of=AS_OF),
        hits=[DATA / "iptables" / "fw-linux01-2024-03-01.rules"],
    )  # fmt: skip
    final = {o.subject: o.status for o in run.result.observations if o.rule == "firewall.final_deny"}
    assert final["filter/FORWARD"] is Status.FAIL  # policy ACCEPT, no deny rule
    assert final["filter/INPUT"] is Status.PASS  # ends with -j LOGDROP: log, then drop all
    unused = {
        (o.details["ruleset"], o.details["position"])
        for o in run.result.observations
        if o.rule == "firewall.unused"
    }
    assert ("filter/INPUT", 4) in unused and ("filter/FORWARD", 2) in unused
    assert ("filter/INPUT", 3) not in unused  # 311 -> 402 hits
    redundant = found(run.result, "redundant")
    # -s 10.20.5.0/24 --dport 22 on any interface: covered by `-i lo` (#1) and 10.20.0.0/16 (#3) together
    assert redundant[4].details["covered_by"] == ["filter/INPUT #1", "filter/INPUT #3"]


def test_panos_review_with_hit_count_xml():
    run = run_review(
        [DATA / "panos" / "pa-fw01-running-config.xml"], "panos", ReviewSettings(as_of=AS_OF),
        hits=[DATA / "panos" / "pa-fw01-hit-count.xml"],
    )  # fmt: skip
    result = run.result
    unused = {o.details["rule"] for o in result.observations if o.rule == "firewall.unused"}
    assert unused == {"allow-partner-api"}  # dmz-to-db was reset a month ago: not enough observation
    shadowed = {o.details["rule"]: o for o in result.observations if o.rule == "firewall.shadowed"}
    assert shadowed["order-web-https-again"].details["covered_by"] == ["vsys1/security #1 (allow-order-web)"]
    assert {o.details["rule"] for o in result.observations if o.rule == "firewall.no_logging"} == {
        "web-browsing-only"
    }


def test_usage_needs_every_cluster_member_and_handles_counter_resets():
    hits = parse_hit_csv(DATA / "csv" / "hits.csv")
    assert [e.source.line for e in hits.errors] == [18]
    verdicts = evaluate_usage(hits.records, AS_OF)
    assert verdicts[("policy", "1")].usage is Usage.USED  # member b counted hits
    assert verdicts[("policy", "2")].usage is Usage.UNUSED  # no growth on either member
    assert verdicts[("policy", "2")].members == {"fgt-core-a": Usage.UNUSED, "fgt-core-b": Usage.UNUSED}
    assert verdicts[("policy", "3")].usage is Usage.UNKNOWN  # a reset 500 -> 0: the window is unobserved
    assert verdicts[("policy", "4")].usage is Usage.USED  # reset 9 -> 3: hits after the reset


def test_member_missing_makes_usage_unknown():
    t1, t2 = datetime(2024, 1, 1, tzinfo=TAIPEI), datetime(2024, 9, 1, tzinfo=TAIPEI)
    records = [
        HitRecord("a", "acl", "1", 5, t1), HitRecord("a", "acl", "1", 5, t2),
        HitRecord("a", "acl", "2", 5, t1), HitRecord("a", "acl", "2", 5, t2),
        HitRecord("b", "acl", "2", 0, t1), HitRecord("b", "acl", "2", 0, t2),
    ]  # fmt: skip
    verdicts = evaluate_usage(records, AS_OF)
    assert verdicts[("acl", "1")].usage is Usage.UNKNOWN  # member b never reported rule 1
    assert verdicts[("acl", "2")].usage is Usage.UNUSED


def test_review_record_xlsx_and_html(tmp_path):
    run = asa_review()
    xlsx = write_xlsx(tmp_path / "r.xlsx", run.result, run.review.facts, "full")
    sheet = openpyxl.load_workbook(xlsx)["檢視紀錄 review"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] and str(row[0]).startswith("裝置"))
    body = values[header + 1 :]
    assert len(body) == len(run.bases[0].rules)
    ftp = next(row for row in body if row[1] == "outside_in" and row[2] == "6")
    assert "已下線" in ftp[17] and "CC17010-2.6" in ftp[18]
    html = write_html(tmp_path / "r.html", run.result, run.review.facts, "dmz").read_text("utf-8")
    assert "每半年 DMZ" in html and "權責主管核准" in html
    assert html.count("<tr class=") == sum(1 for f in run.review.facts if f.dmz)


def test_command_writes_results(tmp_path):
    result = CliRunner().invoke(
        app,
        ["review", str(DATA / "fortios" / "fgt-core.conf"), "--vendor", "fortios", "--hits", str(DATA / "csv" / "hits.csv"),
         "--decommissioned", str(DATA / "csv" / "decommissioned.csv"), "--out", str(tmp_path), "--as-of", "2024-09-02"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # findings fail the review
    assert "防火牆規則檢視 Firewall rule-base review" in result.output
    assert (
        "hits.csv:18" in result.output and "decommissioned.csv:5" in result.output
    )  # quarantined rows named
    saved = CheckResult.from_json((tmp_path / "firewall-review.json").read_text("utf-8"))
    assert saved.check == "firewall.review"
    rules = {o.rule for o in saved.observations}
    assert {
        "firewall.permissive",
        "firewall.risky_service",
        "firewall.unused",
        "firewall.decommissioned",
        "firewall.unresolved",
    } <= rules
    assert (tmp_path / "firewall-review-full.xlsx").exists() and (
        tmp_path / "firewall-review-full.html"
    ).exists()
    assert (tmp_path / "firewall-review-quarantine.tsv").read_text("utf-8").count("\n") == 2


def test_command_rejects_unknown_vendor(tmp_path):
    result = CliRunner().invoke(app, ["review", str(DATA / "csv" / "rules.csv"), "--vendor", "checkpoint"])
    assert result.exit_code == 2 and "未知廠牌" in result.output
