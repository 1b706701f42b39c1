"""Password and lockout policy check: each setting against the clause that asks for it.

Securities firms (SR-6.5, SR-6.6, SR-6.7, SR-6.11, AP-4.3.3, AP-4.6.1):
  lockout after at most 5 failures (3 on electronic-trading systems, SR-6.6), for at least 15 minutes or until
  an administrator unlocks; passwords expire within 90 days, have a minimum age of at least 1 day and a history
  of at least 3; strong passwords (by default at least 8 characters mixing 3 classes: a reading, configurable).
Futures firms (FC-8.3.b, FC-8.3.e, FC-8.3.f):
  disconnect after 3 failures (evidenced by a lockout threshold of at most 3); more than six characters mixing
  letters with digits or symbols; a change within three months is recommended (宜), so missing it is a warning.

The firm profile's kinds decide which set applies; a firm that is both gets both. Every observation carries
the value found, the value required and the clause.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.password_model import SETTING_LABELS, Meaning, PasswordPolicy, Platform, Setting
from zhengan.checks.identity.readers import ad_json, linux_host, secedit_inf
from zhengan.checks.identity.thresholds import IdentityThresholds, load_thresholds
from zhengan.checks.result import CheckResult, InputFile, Observation, Severity, SourceRef, Status
from zhengan.text import Text

CHECK = "identity.password_policy"
TITLE = Text(zh="密碼與帳戶鎖定原則檢查", en="Password and account lockout policy check")

Test = Callable[[Setting], bool]


@dataclass(frozen=True)
class Requirement:
    """One setting the rules ask for: a test over the normalised setting, its clause and what it requires."""

    rule: str
    setting: str
    control_ids: tuple[str, ...]
    required: Text
    required_value: object
    test: Test
    must: bool = True  # 應 (must) -> FAIL when not met; 宜 (should) -> WARN
    severity: Severity = Severity.MEDIUM


def _at_most(limit: float) -> Test:
    return lambda s: s.meaning is Meaning.VALUE and s.value is not None and 1 <= s.value <= limit


def _at_least(limit: float) -> Test:
    return lambda s: s.meaning is Meaning.VALUE and s.value is not None and s.value >= limit


def _duration_at_least(minutes: float) -> Test:
    return lambda s: (
        s.meaning is Meaning.MANUAL
        or (s.meaning is Meaning.VALUE and s.value is not None and s.value >= minutes)
    )


def _expires_within(days: float) -> Test:
    return lambda s: s.meaning is Meaning.VALUE and s.value is not None and 0 < s.value <= days


def securities_requirements(t: IdentityThresholds, electronic_trading: bool = False) -> list[Requirement]:
    s = t.securities
    threshold = s.electronic_trading_lockout_threshold_max if electronic_trading else s.lockout_threshold_max
    lockout_ids = ("SR-6.5", "SR-6.6", "AP-4.6.1") if electronic_trading else ("SR-6.5", "AP-4.6.1")
    return [
        Requirement(
            "password.sr.lockout_threshold", "lockout_threshold", lockout_ids,
            Text(zh=f"失敗 1 至 {threshold} 次即鎖定", en=f"lock after 1 to {threshold} failures"),
            threshold, _at_most(threshold), severity=Severity.HIGH,
        ),
        Requirement(
            "password.sr.lockout_duration", "lockout_duration_minutes", ("SR-6.5", "AP-4.6.1"),
            Text(
                zh=f"鎖定至少 {s.lockout_duration_min_minutes} 分鐘或須由管理者解鎖",
                en=f"locked for at least {s.lockout_duration_min_minutes} minutes or until an administrator unlocks",
            ),
            s.lockout_duration_min_minutes, _duration_at_least(s.lockout_duration_min_minutes), severity=Severity.HIGH,
        ),
        Requirement(
            "password.sr.max_age", "max_age_days", ("SR-6.7", "AP-4.6.1"),
            Text(zh=f"最長 {s.max_age_days} 日（三個月）", en=f"at most {s.max_age_days} days (three months)"),
            s.max_age_days, _expires_within(s.max_age_days),
        ),
        Requirement(
            "password.sr.min_age", "min_age_days", ("SR-6.7", "AP-4.6.1"),
            Text(zh=f"至少 {s.min_age_days} 日", en=f"at least {s.min_age_days} day(s)"),
            s.min_age_days, _at_least(s.min_age_days),
        ),
        Requirement(
            "password.sr.history", "history", ("SR-6.7", "AP-4.6.1"),
            Text(zh=f"至少 {s.history_min} 代", en=f"at least {s.history_min} generations"),
            s.history_min, _at_least(s.history_min),
        ),
        Requirement(
            "password.sr.min_length", "min_length", ("SR-6.7", "AP-4.3.3", "AP-4.6.1"),
            Text(zh=f"優質密碼：至少 {s.min_length} 個字元", en=f"strong password: at least {s.min_length} characters"),
            s.min_length, _at_least(s.min_length),
        ),
        Requirement(
            "password.sr.complexity", "min_classes", ("SR-6.7", "AP-4.3.3", "AP-4.6.1"),
            Text(zh=f"優質密碼：至少混合 {s.min_classes} 類字元", en=f"strong password: at least {s.min_classes} character classes"),
            s.min_classes, _at_least(s.min_classes),
        ),
    ]  # fmt: skip


def futures_requirements(t: IdentityThresholds) -> list[Requirement]:
    f = t.futures
    return [
        Requirement(
            "password.fc.lockout_threshold", "lockout_threshold", ("FC-8.3.e",),
            Text(zh=f"錯誤 {f.lockout_threshold_max} 次內中斷連線（鎖定閾值 1 至 {f.lockout_threshold_max}）",
                 en=f"disconnect within {f.lockout_threshold_max} failures (lockout threshold 1 to {f.lockout_threshold_max})"),
            f.lockout_threshold_max, _at_most(f.lockout_threshold_max), severity=Severity.HIGH,
        ),
        Requirement(
            "password.fc.min_length", "min_length", ("FC-8.3.f",),
            Text(zh=f"長度超過六個字元（至少 {f.min_length}）", en=f"longer than six characters (at least {f.min_length})"),
            f.min_length, _at_least(f.min_length),
        ),
        Requirement(
            "password.fc.complexity", "min_classes", ("FC-8.3.f",),
            Text(zh=f"具有文數字或符號（至少 {f.min_classes} 類字元）",
                 en=f"letters with digits or symbols (at least {f.min_classes} classes)"),
            f.min_classes, _at_least(f.min_classes),
        ),
        Requirement(
            "password.fc.max_age", "max_age_days", ("FC-8.3.f",),
            Text(zh=f"宜不超過 {f.max_age_days} 日（三個月）更新", en=f"should change within {f.max_age_days} days (three months)"),
            f.max_age_days, _expires_within(f.max_age_days), must=False, severity=Severity.LOW,
        ),
    ]  # fmt: skip


def _meaning_text(setting: Setting) -> Text:
    if setting.meaning is Meaning.NEVER:
        return Text(zh="永不（停用）", en="never (off)")
    if setting.meaning is Meaning.MANUAL:
        return Text(zh="須由管理者解鎖", en="until an administrator unlocks")
    if setting.meaning is Meaning.NOT_SET:
        return Text(zh="未設定", en="not set")
    return Text(zh=setting.shown(), en=setting.shown())


def evaluate(
    policy: PasswordPolicy, requirement: Requirement, dependent_on_lockout: bool = False
) -> Observation:
    setting: Setting = getattr(policy, requirement.setting)
    label = SETTING_LABELS[requirement.setting]
    found = _meaning_text(setting)
    if dependent_on_lockout and policy.lockout_threshold.meaning is Meaning.NEVER:
        status = Status.FAIL
        why = Text(
            zh="帳戶永不鎖定，故無鎖定時間可言", en="accounts never lock, so there is no lockout duration"
        )
    elif setting.meaning is Meaning.NOT_SET:
        status = Status.ERROR
        why = setting.note or Text(zh="輸入未提供此設定", en="the input does not give this setting")
    elif requirement.test(setting):
        status = Status.PASS
        why = setting.note
    else:
        status = Status.FAIL if requirement.must else Status.WARN
        why = setting.note
    controls = "、".join(requirement.control_ids)
    verdict = {
        Status.PASS: Text(zh="符合", en="holds"),
        Status.FAIL: Text(zh="不符合", en="does not hold"),
        Status.WARN: Text(zh="未達建議（宜）", en="below the recommendation (should)"),
        Status.ERROR: Text(zh="無法判斷", en="cannot decide"),
    }[status]
    zh = f"{label.zh}：實際 {found.zh}，要求 {requirement.required.zh}（{controls}）— {verdict.zh}。"
    en = f"{label.en}: found {found.en}, required {requirement.required.en} ({', '.join(requirement.control_ids)}) — {verdict.en}."
    if why is not None:
        zh, en = f"{zh}{why.zh}。", f"{en} {why.en}."
    return Observation(
        rule=requirement.rule,
        status=status,
        control_ids=list(requirement.control_ids),
        title=label,
        subject=policy.subject,
        message=Text(zh=zh, en=en),
        severity=None
        if status is Status.PASS
        else (Severity.LOW if status is Status.WARN else requirement.severity),
        found=setting.shown(),
        required=requirement.required_value,
        source=setting.source,
        details={"raw": setting.raw, "meaning": setting.meaning.value, "platform": policy.platform.value},
    )


def _reversible(policy: PasswordPolicy, control_ids: list[str], rule: str) -> Observation | None:
    setting = policy.reversible_encryption
    if setting.meaning is not Meaning.VALUE:
        return None
    on = bool(setting.value)
    return Observation(
        rule=rule,
        status=Status.WARN if on else Status.PASS,
        control_ids=control_ids,
        title=SETTING_LABELS["reversible_encryption"],
        subject=policy.subject,
        message=Text(
            zh="密碼以可還原加密儲存，等同可取回明文；應以雜湊儲存" if on else "密碼未以可還原加密儲存",
            en="passwords are stored with reversible encryption, recoverable as plain text; store them hashed"
            if on
            else "passwords are not stored with reversible encryption",
        ),
        severity=Severity.MEDIUM if on else None,
        found=on,
        required=False,
        source=setting.source,
    )


# Which direction is weaker for each setting when comparing a fine-grained policy with the domain's.
def _strength(setting: Setting, name: str) -> float | None:
    if setting.meaning is Meaning.NOT_SET:
        return None
    big = 1e9
    if name == "lockout_threshold":  # fewer attempts is stronger; never is weakest
        return -big if setting.meaning is Meaning.NEVER else -(setting.value or 0)
    if name == "max_age_days":  # shorter is stronger; never is weakest
        return -big if setting.meaning is Meaning.NEVER else -(setting.value or 0)
    if name == "lockout_duration_minutes":
        return big if setting.meaning is Meaning.MANUAL else (setting.value or 0)
    return setting.value or 0


COMPARED = ("min_length", "min_classes", "max_age_days", "min_age_days", "history", "lockout_threshold",
            "lockout_duration_minutes")  # fmt: skip


def weaker_settings(policy: PasswordPolicy, baseline: PasswordPolicy) -> list[str]:
    weaker = []
    for name in COMPARED:
        mine, theirs = _strength(getattr(policy, name), name), _strength(getattr(baseline, name), name)
        if mine is not None and theirs is not None and mine < theirs:
            weaker.append(name)
    return weaker


def compare_fine_grained(policies: Sequence[PasswordPolicy], control_ids: list[str]) -> list[Observation]:
    domain = next((p for p in policies if p.platform is Platform.AD_DOMAIN), None)
    observations = []
    for policy in policies:
        if policy.platform is not Platform.AD_FINE_GRAINED:
            continue
        scope = ", ".join(policy.applies_to) or "—"
        if not policy.applies_to:
            observations.append(
                Observation(
                    rule="password.fine_grained.scope",
                    status=Status.INFO,
                    control_ids=control_ids,
                    title=Text(zh="細部密碼原則適用對象", en="fine-grained policy scope"),
                    subject=policy.subject,
                    message=Text(
                        zh="此細部密碼原則未套用於任何使用者或群組",
                        en="this fine-grained policy applies to no user or group",
                    ),
                )
            )
        if domain is None:
            continue
        weaker = weaker_settings(policy, domain)
        if not weaker:
            continue
        names = [SETTING_LABELS[w] for w in weaker]
        observations.append(
            Observation(
                rule="password.fine_grained.weaker",
                status=Status.WARN,
                control_ids=control_ids,
                title=Text(
                    zh="細部密碼原則弱於網域原則", en="fine-grained policy weaker than the domain policy"
                ),
                subject=policy.subject,
                message=Text(
                    zh=f"此原則覆寫網域原則（適用：{scope}），且下列設定較弱：{'、'.join(n.zh for n in names)}",
                    en=f"this policy overrides the domain policy (applies to: {scope}) and is weaker in: "
                    f"{', '.join(n.en for n in names)}",
                ),
                severity=Severity.MEDIUM,
                found={w: getattr(policy, w).shown() for w in weaker},
                required={w: getattr(domain, w).shown() for w in weaker},
                details={
                    "applies_to": policy.applies_to,
                    "precedence": policy.precedence,
                    "baseline": domain.subject,
                },
            )
        )
    return observations


def evaluate_policies(
    policies: Sequence[PasswordPolicy],
    kinds: Iterable[str],
    thresholds: IdentityThresholds,
    *,
    electronic_trading: bool = False,
    foreign_standard: str | None = None,
) -> list[Observation]:
    kinds = set(kinds)
    observations: list[Observation] = []
    for policy in policies:
        requirement_sets = []
        if "securities" in kinds:
            requirement_sets.append(
                (
                    securities_requirements(thresholds, electronic_trading),
                    ["SR-6.11"],
                    "password.sr.reversible",
                )
            )
        if "futures" in kinds:
            requirement_sets.append(
                (futures_requirements(thresholds), ["FC-8.3.b"], "password.fc.reversible")
            )
        for requirements, storage_ids, storage_rule in requirement_sets:
            for requirement in requirements:
                observations.append(
                    evaluate(
                        policy,
                        requirement,
                        dependent_on_lockout=requirement.setting == "lockout_duration_minutes",
                    )
                )
            if reversible := _reversible(policy, storage_ids, storage_rule):
                observations.append(reversible)
        for note in policy.notes:
            observations.append(
                Observation(
                    rule="password.input_note",
                    status=Status.INFO,
                    control_ids=["SR-6.7"] if "securities" in kinds else ["FC-8.3.f"],
                    title=Text(zh="輸入說明", en="note on the input"),
                    subject=policy.subject,
                    message=note,
                )
            )
    compare_ids = (["SR-6.5", "SR-6.7"] if "securities" in kinds else []) + (
        ["FC-8.3.e", "FC-8.3.f"] if "futures" in kinds else []
    )
    observations.extend(compare_fine_grained(policies, compare_ids))
    if foreign_standard and "securities" in kinds:
        observations.append(
            Observation(
                rule="password.sr.foreign_standard",
                status=Status.INFO,
                control_ids=["SR-6.5", "SR-6.7"],
                title=Text(zh="外國證券商較佳規範", en="foreign firm's better standard"),
                subject="firm",
                message=Text(
                    zh=f"外國證券商如有標準較佳之規範則從其規範：{foreign_standard}；以上結果係依本國規範衡量",
                    en=f"a foreign firm follows its better standard where it has one: {foreign_standard}; "
                    "the results above measure against the domestic rules",
                ),
            )
        )
    return observations


@dataclass
class ReadOutcome:
    policies: list[PasswordPolicy]
    inputs: list[InputFile]
    errors: list[ReadError]


def read_policies(paths: Sequence[Path], linux_host_name: str = "linux host") -> ReadOutcome:
    """Read every input: .inf (secedit/GptTmpl), .json (AD), a directory (a host's /etc), loose Linux files."""
    policies: list[PasswordPolicy] = []
    inputs: list[InputFile] = []
    errors: list[ReadError] = []
    loose_linux = linux_host.LinuxFiles()
    for path in paths:
        try:
            if path.is_dir() and (templates := sorted(path.rglob("[Gg]pt[Tt]mpl.inf"))):
                for template in templates:  # a GPO backup or SYSVOL copy: every GptTmpl.inf in it
                    inputs.append(InputFile.of(template, secedit_inf.FORMAT))
                    policies.append(secedit_inf.read(template))
            elif path.is_dir():
                files = linux_host.files_in_directory(path)
                if not files.all():
                    raise ReadError(
                        SourceRef(file=str(path)),
                        Text(zh="目錄中找不到 login.defs、pwquality.conf、faillock.conf 或 pam.d",
                             en="no login.defs, pwquality.conf, faillock.conf or pam.d in the directory"),
                    )  # fmt: skip
                inputs.extend(InputFile.of(p, linux_host.FORMAT) for p in files.all())
                policies.append(linux_host.read(files, f"linux host {path.name}"))
            elif not path.is_file():
                raise ReadError(SourceRef(file=str(path)), Text(zh="找不到檔案", en="file not found"))
            elif secedit_inf.looks_like(path):
                inputs.append(InputFile.of(path, secedit_inf.FORMAT))
                policies.append(secedit_inf.read(path))
            elif ad_json.looks_like(path):
                inputs.append(InputFile.of(path, ad_json.FORMAT))
                policies.extend(ad_json.read(path))
            elif loose_linux.add(path):
                inputs.append(InputFile.of(path, linux_host.FORMAT))
            else:
                raise ReadError(
                    SourceRef(file=str(path)),
                    Text(
                        zh="無法辨識的格式：請提供 secedit/GptTmpl .inf、AD 原則 .json、login.defs、pwquality.conf、"
                        "faillock.conf 或 pam.d 檔案",
                        en="unrecognised format: give a secedit/GptTmpl .inf, an AD policy .json, login.defs, "
                        "pwquality.conf, faillock.conf or pam.d files",
                    ),
                )
        except ReadError as error:
            errors.append(error)
    if loose_linux.all():
        try:
            policies.append(linux_host.read(loose_linux, linux_host_name))
        except ReadError as error:
            errors.append(error)
    return ReadOutcome(policies, inputs, errors)


def run(
    paths: Sequence[Path],
    kinds: Iterable[str],
    thresholds: IdentityThresholds | None = None,
    *,
    electronic_trading: bool = False,
    foreign_standard: str | None = None,
    linux_host_name: str = "linux host",
) -> CheckResult:
    """The whole check: read every input, evaluate every policy, return one result."""
    thresholds = thresholds or load_thresholds()
    kinds = sorted(set(kinds))
    result = CheckResult(
        check=CHECK,
        title=TITLE,
        parameters={
            "kinds": kinds,
            "electronic_trading": electronic_trading,
            "thresholds": thresholds.model_dump(),
        },
    )
    outcome = read_policies(paths, linux_host_name)
    result.inputs = outcome.inputs
    result.errors = [e.as_input_error() for e in outcome.errors]
    result.observations = evaluate_policies(
        outcome.policies,
        kinds,
        thresholds,
        electronic_trading=electronic_trading,
        foreign_standard=foreign_standard,
    )
    return result.finish()
