"""The readers of each password-policy format, on samples written as the systems write them."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.password_model import Meaning, Platform
from zhengan.checks.identity.readers import ad_json, linux_host, secedit_inf
from zhengan.checks.identity.readers.linux_host import LinuxFiles, effective_min_length


def test_secedit_sample_is_utf16_with_bom(data: Path) -> None:
    assert (data / "secedit/dc01-compliant.inf").read_bytes().startswith(codecs.BOM_UTF16_LE)


def test_secedit_export_values_and_lines(data: Path) -> None:
    policy = secedit_inf.read(data / "secedit/dc01-compliant.inf")
    assert policy.platform is Platform.WINDOWS_LOCAL
    assert (policy.min_length.value, policy.min_classes.value, policy.history.value) == (10, 3, 5)
    assert (policy.max_age_days.value, policy.min_age_days.value) == (90, 1)
    assert (policy.lockout_threshold.value, policy.lockout_duration_minutes.value) == (5, 30)
    assert policy.lockout_window_minutes.value == 30
    assert policy.max_age_days.source is not None and policy.max_age_days.source.line == 5


def test_secedit_never_values(data: Path) -> None:
    policy = secedit_inf.read(data / "secedit/fs02-weak.inf")
    assert policy.max_age_days.meaning is Meaning.NEVER  # MaximumPasswordAge = -1
    assert policy.lockout_threshold.meaning is Meaning.NEVER  # LockoutBadCount = 0
    assert policy.lockout_duration_minutes.meaning is Meaning.NOT_SET
    assert policy.min_classes.value == 1
    assert policy.reversible_encryption.value == 1
    assert "never expire" in policy.max_age_days.note.en


def test_secedit_manual_unlock(data: Path) -> None:
    policy = secedit_inf.read(data / "secedit/trade01-manual-unlock.inf")
    assert policy.lockout_duration_minutes.meaning is Meaning.MANUAL  # LockoutDuration = -1
    assert "administrator" in policy.lockout_duration_minutes.note.en


def test_gpttmpl_missing_keys_are_not_set(data: Path) -> None:
    path = next((data / "gpo").rglob("GptTmpl.inf"))
    policy = secedit_inf.read(path)
    assert policy.platform is Platform.WINDOWS_GPO
    assert policy.subject == "GPO {31B2F340-016D-11D2-945F-00C04FB984F9}"
    assert policy.min_length.value == 7
    assert policy.lockout_threshold.meaning is Meaning.NOT_SET
    assert "GPO" in policy.lockout_threshold.note.en


def test_secedit_bad_value_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.inf"
    text = "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordLength = eight\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    with pytest.raises(ReadError) as caught:
        secedit_inf.read(path).min_length  # noqa: B018
    assert (caught.value.source.line, caught.value.source.field) == (4, "MinimumPasswordLength")
    assert "整數" in caught.value.message.zh


def test_not_a_security_template(tmp_path: Path) -> None:
    path = tmp_path / "driver.inf"
    path.write_text("[Strings]\nName=driver\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a Windows security template"):
        secedit_inf.read(path)


def test_ad_default_domain_policy_ps51(data: Path) -> None:
    (policy,) = ad_json.read(data / "ad_json/domain-policy.json")
    assert policy.platform is Platform.AD_DOMAIN
    assert (policy.max_age_days.value, policy.min_age_days.value) == (90, 1)
    assert (policy.lockout_threshold.value, policy.lockout_duration_minutes.value) == (5, 30)
    assert policy.min_classes.value == 3
    assert policy.lockout_threshold.source.line is not None


def test_ad_fine_grained_policies(data: Path) -> None:
    admins, service = ad_json.read(data / "ad_json/fine-grained-policies.json")
    assert admins.platform is Platform.AD_FINE_GRAINED and admins.precedence == 10
    assert admins.lockout_duration_minutes.meaning is Meaning.MANUAL  # zero duration
    assert service.max_age_days.meaning is Meaning.NEVER  # zero MaxPasswordAge
    assert service.lockout_threshold.meaning is Meaning.NEVER
    assert len(service.applies_to) == 2
    # each policy's keys are located on their own lines
    assert admins.min_length.source.line < service.min_length.source.line


def test_ad_timespan_strings(data: Path) -> None:
    (policy,) = ad_json.read(data / "ad_json/fine-grained-tostring.json")
    assert (policy.max_age_days.value, policy.lockout_duration_minutes.value) == (84, 20)
    assert policy.applies_to == ["CN=GG-Tellers,OU=Groups,DC=corp,DC=example-fut,DC=com,DC=tw"]


def test_ad_bad_timespan(tmp_path: Path, data: Path) -> None:
    text = (
        (data / "ad_json/fine-grained-tostring.json").read_text().replace('"84.00:00:00"', '"three months"')
    )
    path = tmp_path / "fgpp.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        ad_json.read(path)
    assert caught.value.source.field == "MaxPasswordAge"
    assert caught.value.source.line == 8


def test_ad_invalid_json_names_line(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{\n  "LockoutThreshold": 5,\n  "MinPasswordLength": \n}\n', encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        ad_json.read(path)
    assert caught.value.source.line == 4


def test_linux_rhel_host(data: Path) -> None:
    files = linux_host.files_in_directory(data / "linux/rhel9-trade01")
    assert files.login_defs and files.pwquality and files.faillock and len(files.pam) == 2
    policy = linux_host.read(files, "trade01")
    assert (policy.max_age_days.value, policy.min_age_days.value) == (90, 1)
    assert policy.history.value == 5  # pam_pwhistory remember=5
    assert (policy.min_length.value, policy.min_classes.value) == (12, 3)
    assert (policy.lockout_threshold.value, policy.lockout_duration_minutes.value) == (5, 30)  # 1800 s
    assert policy.lockout_threshold.source.file.endswith("faillock.conf")
    assert policy.notes == []


def test_linux_without_pam_modules(data: Path) -> None:
    policy = linux_host.read(linux_host.files_in_directory(data / "linux/ubuntu-jump02"), "jump02")
    assert policy.lockout_threshold.meaning is Meaning.NEVER  # no pam_faillock in common-auth
    assert policy.max_age_days.meaning is Meaning.NEVER  # PASS_MAX_DAYS 99999
    assert policy.history.value == 0
    assert (policy.min_length.value, policy.min_classes.value) == (6, 1)  # pam_unix default


def test_linux_loose_files_manual_unlock_and_credits(data: Path) -> None:
    files = LinuxFiles()
    for name in ("pwquality.conf", "faillock.conf"):
        assert files.add(data / "linux/loose-legacy01" / name)
    policy = linux_host.read(files, "legacy01")
    assert policy.lockout_duration_minutes.meaning is Meaning.MANUAL  # unlock_time = 0
    assert policy.min_length.value == 6  # minlen 8 less two credits
    assert policy.max_age_days.meaning is Meaning.NOT_SET
    assert policy.notes and "pam.d" in policy.notes[0].en


def test_pam_arguments_override_conf(tmp_path: Path, data: Path) -> None:
    pam = tmp_path / "system-auth"
    pam.write_text(
        "auth required pam_faillock.so preauth silent deny=3 unlock_time=never\n"
        "password requisite pam_pwquality.so minlen=14 retry=3\n",
        encoding="utf-8",
    )
    files = LinuxFiles(faillock=data / "linux/rhel9-trade01/etc/security/faillock.conf",
                       pwquality=data / "linux/rhel9-trade01/etc/security/pwquality.conf", pam=[pam])  # fmt: skip
    policy = linux_host.read(files, "h")
    assert policy.lockout_threshold.value == 3
    assert policy.lockout_duration_minutes.meaning is Meaning.MANUAL
    assert policy.min_length.value == 14
    assert policy.lockout_threshold.source.file == str(pam)


@pytest.mark.parametrize(
    ("minlen", "credits", "shortest", "classes"),
    [
        (8, {"dcredit": 0, "ucredit": 0, "lcredit": 0, "ocredit": 0}, 8, 0),
        (9, {"dcredit": 1, "ucredit": 1, "lcredit": 1, "ocredit": 1}, 5, 0),  # old libpwquality defaults
        (12, {"dcredit": -1, "ucredit": -1, "lcredit": -1, "ocredit": 0}, 12, 3),
        (10, {"dcredit": 2, "ucredit": -1, "lcredit": 0, "ocredit": 0}, 8, 1),
        (4, {"dcredit": 0, "ucredit": 0, "lcredit": 0, "ocredit": 0}, 6, 0),  # floored at 6
    ],
)
def test_effective_min_length(minlen: int, credits: dict[str, int], shortest: int, classes: int) -> None:
    assert effective_min_length(minlen, credits) == (shortest, classes)


def test_pam_line_errors_name_the_line(tmp_path: Path) -> None:
    pam = tmp_path / "pam.d" / "system-auth"
    pam.parent.mkdir()
    pam.write_text("auth required pam_env.so\nthis is not pam\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        linux_host.read(LinuxFiles(pam=[pam]), "h")
    assert caught.value.source.line == 2


def _libpwquality_simple_accepts(counts: dict[str, int], minlen: int, credits: dict[str, int]) -> bool:
    """libpwquality check.c simple(), transcribed literally over per-class character counts."""
    size = max(minlen, 6)
    for key, count in counts.items():
        credit = credits[key]
        if credit >= 0:
            size -= min(count, credit)
        elif count < -credit:
            return False
    return size <= sum(counts.values())


@pytest.mark.parametrize("minlen", [6, 8, 9, 12])
@pytest.mark.parametrize(
    "credit_set", [(1, 1, 1, 1), (0, 0, 0, 0), (-1, -1, 0, 2), (2, 0, -2, 1), (3, -1, -1, -1)]
)
def test_effective_min_length_matches_libpwquality_by_brute_force(
    minlen: int, credit_set: tuple[int, ...]
) -> None:
    keys = ("dcredit", "ucredit", "lcredit", "ocredit")
    credits = dict(zip(keys, credit_set, strict=True))
    shortest = min(
        d + u + low + o
        for d in range(13)
        for u in range(13)
        for low in range(13)
        for o in range(13)
        if _libpwquality_simple_accepts(dict(zip(keys, (d, u, low, o), strict=True)), minlen, credits)
    )
    assert effective_min_length(minlen, credits)[0] == shortest
