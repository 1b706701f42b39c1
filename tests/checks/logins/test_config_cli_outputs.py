"""The firm's configuration, the command line and the output files: mistakes are refused with the file
and the field named, and what outsiders write into logs cannot act on the reader of the outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from zhengan.checks.logins.analyse import analyse
from zhengan.checks.logins.blacklist import read_blacklist
from zhengan.checks.logins.config import ConfigError, LoginConfig
from zhengan.cli import app
from zhengan.spreadsheet_safety import csv_text, no_formulas


def _analyse(*arguments: str):
    return CliRunner().invoke(app, ["logins", "analyse", *arguments])


def test_account_names_cannot_become_spreadsheet_formulas(data_dir: Path, tmp_path: Path):
    # An internet scanner chooses the account name of an sshd attempt; the CSVs are opened in Excel.
    out = tmp_path / "out"
    result = _analyse(str(data_dir / "sshd" / "formula-names.log"), "--year", "2026", "--out", str(out))
    assert result.exit_code in (0, 1), result.output
    with (out / "alerts.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    subjects = {
        row["detection"]: row["subject"] for row in rows if row["detection"] == "logins.failed_passwords"
    }
    assert subjects == {"logins.failed_passwords": '\'=HYPERLINK("http://evil.example/x","click")'}
    assert {row["user_names"] for row in rows} >= {"'@SUM(1+1)"}
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values()), row
    # The JSON lines keep the name exactly as logged: they are evidence, not a spreadsheet.
    alerts = [json.loads(line) for line in (out / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert '=HYPERLINK("http://evil.example/x","click")' in {a["subject"] for a in alerts}


def test_xlsx_cells_from_data_are_text_never_formulas(tmp_path: Path):
    workbook = Workbook()
    workbook.active.append(['=HYPERLINK("http://evil.example","x")', "-5", -5, "plain"])
    no_formulas(workbook)
    workbook.save(tmp_path / "record.xlsx")
    cells = list(load_workbook(tmp_path / "record.xlsx").active[1])
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("http://evil.example","x")', "s"),
        ("-5", "s"),
        (-5, "n"),
        ("plain", "s"),
    ]
    assert [csv_text(v) for v in ("=1+1", "+1", "-x", "@x", "\tx", "ok", 5)] == [
        "'=1+1", "'+1", "'-x", "'@x", "'\tx", "ok", 5,
    ]  # fmt: skip


def test_stix_sets_and_validity(data_dir: Path):
    listed = read_blacklist(data_dir / "blacklist" / "stix21-in-and-validity.json")
    # The IN set gives both addresses; every indicator keeps its validity for the detection to judge
    # against each event's time; the LIKE pattern is about addresses in a form not read here: quarantined.
    assert sorted((e.network, e.valid_from, e.valid_until) for e in listed.entries) == [
        ("192.0.2.10/32", 1795046400, None),  # 2026-11-19T00:00:00Z
        ("192.0.2.11/32", 1795046400, None),
        ("192.0.2.20/32", 1577836800, 1580515200),  # 2020-01-01 to 2020-02-01
        ("192.0.2.30/32", 4070908800, None),  # 2099-01-01
    ]
    assert [i.rsplit("-", 1)[1] for i in listed.bounded] == ["000000000001", "000000000002", "000000000003"]
    assert len(listed.errors) == 1 and "unsupported address pattern" in listed.errors[0].message.en
    assert listed.errors[0].raw == "[ipv4-addr:value LIKE '198.51.100.%']"


def _validity_day(data_dir: Path, tmp_path: Path) -> tuple[Path, LoginConfig]:
    events = tmp_path / "day.csv"
    events.write_text(
        "@timestamp,event.outcome,user.name,user.type,source.ip,service.name\n"
        "2020-01-15T10:00:00Z,failure,A1,customer,192.0.2.20,web\n"  # within 2020-01-01..02-01
        "2020-02-01T00:00:00Z,failure,A2,customer,192.0.2.20,web\n"  # at valid_until: excluded
        "2020-01-15T10:00:00Z,failure,A3,customer,192.0.2.10,web\n"  # before its valid_from (2026-11-19)
        "2026-11-20T10:00:00Z,failure,A4,customer,192.0.2.10,web\n"  # within
        "2026-11-20T10:00:01Z,failure,A5,customer,192.0.2.30,web\n",  # valid only from 2099
        encoding="utf-8",
    )
    return events, LoginConfig(blacklists=[data_dir / "blacklist" / "stix21-in-and-validity.json"])


def test_stix_validity_is_judged_at_each_events_time(data_dir: Path, tmp_path: Path):
    """An indicator marks an address only for events within its validity, whenever the run happens."""
    events, config = _validity_day(data_dir, tmp_path)
    analysis = analyse([events], config)
    found = {a["subject"]: a for a in analysis.alerts if a["detection"] == "logins.blacklisted_source"}
    assert set(found) == {"192.0.2.20", "192.0.2.10"}
    assert found["192.0.2.20"]["event_ids"] == [f"{events}:2"]
    assert found["192.0.2.10"]["event_ids"] == [f"{events}:5"]
    assert any("3 STIX indicators carry a validity" in note.en for note in analysis.notes)


@pytest.mark.spark
def test_stix_validity_on_spark_as_on_duckdb(data_dir: Path, tmp_path: Path, spark):
    events, config = _validity_day(data_dir, tmp_path)
    on_duckdb = analyse([events], config)
    assert len(on_duckdb.alerts) == 2
    on_spark = analyse([events], config, engine="spark", spark_session=spark)
    assert on_spark.parameters["prepared_on"] == "spark"
    assert on_spark.alerts == on_duckdb.alerts


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zhengan-logins.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("detections:\n  logins.failed_pasword: {threshold: 5}\n", "logins.failed_pasword"),
        ("default_user_type: client\n", "client"),
        ("home_country: Taiwan\n", "alpha-2"),
        ("office_hours: {start: 19, end: 8}\n", "before end"),
        ("office_hours: {exempt_user_types: [batch]}\n", "batch"),
        ('account_types:\n  - {pattern: "^svc(?=-)", type: service}\n', "RE2"),
    ],
)
def test_configuration_mistakes_are_refused(tmp_path: Path, text: str, words: str):
    path = _config(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        LoginConfig.load(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_country_code_is_read_in_capitals(tmp_path: Path):
    assert LoginConfig.load(_config(tmp_path, "home_country: tw\n")).home_country == "TW"


def _day(tmp_path: Path, rows: list[str], name: str = "day.csv") -> Path:
    path = tmp_path / name
    header = "@timestamp,event.outcome,user.name,user.type,source.ip,service.name,host.name\n"
    path.write_text(header + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


CLEAN = "2026-11-20T10:00:00+08:00,success,A123456789,customer,114.36.20.8,web,order-gw-01"
WRONG = "2026-11-20T10:0{}:00+08:00,failure,F223456781,customer,36.230.1.77,app,order-gw-01"


def test_exit_codes_and_the_json_result(tmp_path: Path):
    clean = _day(tmp_path, [CLEAN], "clean.csv")
    result = _analyse(str(clean), "--out", str(tmp_path / "o1"), "--json", str(tmp_path / "r1.json"))
    assert result.exit_code == 0, result.output  # nothing to act on
    assert json.loads((tmp_path / "r1.json").read_text(encoding="utf-8"))["check"] == "logins"
    attacked = _day(tmp_path, [CLEAN, *(WRONG.format(i) for i in range(3))], "attacked.csv")
    assert _analyse(str(attacked), "--out", str(tmp_path / "o2")).exit_code == 1  # SR-6.6 alert
    with (tmp_path / "o2" / "notifications.csv").open(encoding="utf-8-sig") as handle:
        notified = list(csv.DictReader(handle))
    assert [
        (n["customer"], n["first_seen"], n["first_seen_taipei"], n["last_seen_taipei"]) for n in notified
    ] == [
        ("F223456781", "2026-11-20T02:00:00+00:00", "2026-11-20 10:00:00 +0800", "2026-11-20 10:02:00 +0800")
    ]
    with (tmp_path / "o2" / "alerts.csv").open(encoding="utf-8-sig") as handle:
        alert = next(csv.DictReader(handle))
    assert (
        alert["last_seen_taipei"] == "2026-11-20 10:02:00 +0800" and alert["customer_names"] == "F223456781"
    )
    empty = tmp_path / "empty.log"
    empty.write_text("", encoding="utf-8")
    result = _analyse(str(empty), "--out", str(tmp_path / "o3"))
    assert result.exit_code == 1 and "no login events at all" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--timezone", "Asia/Taipai"], "Asia/Taipai"),
        (["--default-user-type", "client"], "client"),
    ],
)
def test_unusable_options_exit_2(tmp_path: Path, extra: list[str], words: str):
    result = _analyse(str(_day(tmp_path, [CLEAN])), "--out", str(tmp_path / "o"), *extra)
    assert result.exit_code == 2 and words in result.output
    assert not (tmp_path / "o").exists()


def test_missing_input_or_output_that_is_a_file_exit_2_bilingual(tmp_path: Path):
    result = _analyse(str(tmp_path / "nope.log"), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "找不到檔案 / file not found" in result.output
    blocker = tmp_path / "o.txt"
    blocker.write_text("x", encoding="utf-8")
    result = _analyse(str(_day(tmp_path, [CLEAN])), "--out", str(blocker))
    assert result.exit_code == 2 and "existing file" in result.output


def test_missing_blacklist_exits_2_naming_it(tmp_path: Path):
    config = _config(tmp_path, "blacklists: [gone.csv]\n")
    result = _analyse(str(_day(tmp_path, [CLEAN])), "--config", str(config), "--out", str(tmp_path / "o"))
    assert (
        result.exit_code == 2 and "gone.csv" in result.output and "blacklist file not found" in result.output
    )


def test_a_damaged_file_is_quarantined_and_the_others_analysed(tmp_path: Path):
    damaged = tmp_path / "export.parquet"
    damaged.write_bytes(b"PAR1 this is not a parquet file")
    attacked = _day(tmp_path, [CLEAN, *(WRONG.format(i) for i in range(3))])
    analysis = analyse([damaged, attacked], LoginConfig())
    assert [(q.source.file, q.source.line) for q in analysis.quarantine] == [(str(damaged), None)]
    assert "file cannot be read" in analysis.quarantine[0].message.en
    assert {a["detection"] for a in analysis.alerts} >= {"logins.failed_passwords"}
    assert analysis.events == 4


def test_a_file_given_twice_or_copied_is_analysed_once(tmp_path: Path):
    day = _day(tmp_path, [CLEAN, *(WRONG.format(i) for i in range(2))])
    copy = tmp_path / "copy.csv"
    copy.write_bytes(day.read_bytes())
    analysis = analyse([day, day, copy], LoginConfig())
    assert analysis.events == 3 and [i.path for i in analysis.result.inputs] == [str(day)]
    assert not any(a["detection"] == "logins.failed_passwords" for a in analysis.alerts)  # 2 failures, not 6
    assert sum("analysed once" in n.en for n in analysis.notes) == 2


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        ('columns: {"@timestamp": "@timestamp", event.outcome: event.outcome, user.name: user.name, '
         "source.ip: no_such_column}\n", "source.ip → 'no_such_column'"),
        ("columns: [a, b]\n", "columns"),
        ("values: {event.outcome: Y}\n", "values"),
        ("- just a list\n", "YAML mapping"),
    ],
)  # fmt: skip
def test_mapping_mistakes_are_refused_naming_the_field(tmp_path: Path, mapping: str, words: str):
    path = tmp_path / "mapping.yaml"
    path.write_text(mapping, encoding="utf-8")
    result = _analyse(str(_day(tmp_path, [CLEAN])), "--mapping", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and words in " ".join(result.output.split()), result.output


def test_core_hosts_match_regardless_of_case_and_by_short_name(data_dir: Path):
    # Windows names its computers in full (BO-APP-01.corp.example.com.tw); firms list them short (SR-3.6).
    export = data_dir / "windows-xml" / "security-wevtutil.xml"
    everything = {s["subject"] for s in analyse([export], LoginConfig()).summaries}
    assert everything
    for hosts in (["bo-app-01"], ["BO-APP-01"], ["bo-app-01.CORP.example.com.tw"]):
        listed = analyse([export], LoginConfig(core_hosts=hosts)).summaries
        assert {s["subject"] for s in listed} == everything, hosts
    assert analyse([export], LoginConfig(core_hosts=["bo-app"])).summaries == []  # a label, not a prefix
    assert LoginConfig(core_services=["Web"]).core_services == ["web"]
