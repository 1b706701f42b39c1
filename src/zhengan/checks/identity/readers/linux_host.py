"""One Linux host's effective password and lockout policy, assembled from the files that decide it.

Precedence follows the programs themselves: a PAM module argument overrides its .conf file, which overrides
the module's compiled default. When the pam.d lines are not given, the .conf files are taken at face value
and the result says so; when they are given, a module missing from the stack means its file is not in force.

- length and classes: pam_pwquality (or pam_cracklib) with pwquality.conf; the effective minimum length
  counts credits (libpwquality `simple()`: each character of a class with a positive credit lowers the
  required length by one, up to the credit), floored at 6 as libpwquality does; without pam_pwquality,
  pam_unix's `minlen` (default 6) decides. login.defs PASS_MIN_LEN is ignored when PAM is used.
- ageing: login.defs PASS_MAX_DAYS (99999 or -1 = never) and PASS_MIN_DAYS; they apply to accounts created
  after they were set (existing accounts keep their /etc/shadow values, see `chage -l`).
- history: pam_pwhistory `remember` (default 10) or pam_unix `remember`.
- lockout: pam_faillock (or pam_tally2) `deny` (default 3), `unlock_time` seconds (default 600; 0 or
  `never` = until an administrator runs `faillock --reset`), `fail_interval` seconds (default 900).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.password_model import Meaning, PasswordPolicy, Platform, Setting
from zhengan.checks.identity.readers.linux_config import (
    ConfigValue,
    KeyValueFile,
    PamLine,
    is_pam_file,
    read_key_equals_value,
    read_login_defs,
    read_pam,
)
from zhengan.checks.result import SourceRef
from zhengan.text import Text

FORMAT = "linux-host"
PWQUALITY_DEFAULTS = {"minlen": 8, "dcredit": 0, "ucredit": 0, "lcredit": 0, "ocredit": 0, "minclass": 0}
PWQUALITY_BASE_MIN_LENGTH = 6
PAM_UNIX_DEFAULT_MINLEN = 6
FAILLOCK_DEFAULTS = {"deny": 3, "unlock_time": 600, "fail_interval": 900}
PWHISTORY_DEFAULT_REMEMBER = 10
SHADOW_NEVER = {99999, -1}
_CREDIT_KEYS = ("dcredit", "ucredit", "lcredit", "ocredit")


@dataclass
class LinuxFiles:
    """The files collected from one host; any may be missing."""

    login_defs: Path | None = None
    pwquality: Path | None = None
    faillock: Path | None = None
    pwhistory: Path | None = None
    pam: list[Path] = field(default_factory=list)

    def all(self) -> list[Path]:
        return [p for p in (self.login_defs, self.pwquality, self.faillock, self.pwhistory) if p] + self.pam

    def add(self, path: Path) -> bool:
        """Place `path` by its name (or, for PAM files, by content); False if it is not a Linux policy file."""
        name = path.name
        if name == "login.defs":
            self.login_defs = path
        elif name.startswith("pwquality") and name.endswith(".conf"):
            self.pwquality = path
        elif name == "faillock.conf":
            self.faillock = path
        elif name == "pwhistory.conf":
            self.pwhistory = path
        elif is_pam_file(path):
            self.pam.append(path)
        else:
            return False
        return True


PAM_FILE_NAMES = (
    "system-auth",
    "password-auth",
    "common-auth",
    "common-password",
    "common-account",
    "sshd",
    "login",
)


def files_in_directory(directory: Path) -> LinuxFiles:
    """A copy of a host's /etc (or the etc directory itself): finds the policy files where Linux keeps them."""
    etc = directory / "etc" if (directory / "etc").is_dir() else directory
    files = LinuxFiles()
    for relative in (
        "login.defs",
        "security/pwquality.conf",
        "security/faillock.conf",
        "security/pwhistory.conf",
    ):
        if (etc / relative).is_file():
            files.add(etc / relative)
    pam_dir = etc / "pam.d"
    if pam_dir.is_dir():
        files.pam.extend(pam_dir / name for name in PAM_FILE_NAMES if (pam_dir / name).is_file())
    return files


def _int(config: ConfigValue) -> int:
    try:
        return int(config.value)
    except ValueError as exc:
        raise ReadError(
            config.source,
            Text(zh=f"應為整數：{config.value!r}", en=f"must be an integer: {config.value!r}"),
            raw=config.value,
        ) from exc


def _pam_arg(line: PamLine, key: str) -> ConfigValue | None:
    if key in line.args:
        return ConfigValue(
            line.args[key],
            SourceRef(file=line.source.file, line=line.source.line, field=f"{line.module_name} {key}"),
        )
    return None


def effective_min_length(minlen: int, credits: dict[str, int]) -> tuple[int, int]:
    """The shortest password pwquality accepts, and the character classes it must mix.

    Required characters (negative credits) earn no credit; credited characters (positive credits) both
    count towards the length and lower the required length, so using c of them needs max(R + c, minlen - c).
    """
    minlen = max(minlen, PWQUALITY_BASE_MIN_LENGTH)
    required = sum(-c for c in credits.values() if c < 0)
    creditable = sum(c for c in credits.values() if c > 0)
    shortest = min(max(required + used, minlen - used) for used in range(creditable + 1))
    return shortest, sum(1 for c in credits.values() if c < 0)


def read(files: LinuxFiles, subject: str) -> PasswordPolicy:
    defs = read_login_defs(files.login_defs) if files.login_defs else None
    pwq = read_key_equals_value(files.pwquality) if files.pwquality else None
    faillock = read_key_equals_value(files.faillock) if files.faillock else None
    pwhistory = read_key_equals_value(files.pwhistory) if files.pwhistory else None
    pam_lines = [line for path in files.pam for line in read_pam(path)]
    pam_given = bool(files.pam)
    notes: list[Text] = []
    if not pam_given:
        notes.append(
            Text(
                zh="未提供 pam.d 設定：假設 pam_pwquality 與 pam_faillock 已啟用，請一併提供 pam.d 檔案以確認",
                en="no pam.d lines given: pam_pwquality and pam_faillock are assumed enabled; supply pam.d to confirm",
            )
        )

    def modules(kind: str, *names: str) -> list[PamLine]:
        return [line for line in pam_lines if line.kind == kind and line.module_name in names]

    policy = PasswordPolicy(
        subject=subject,
        platform=Platform.LINUX,
        notes=notes,
        source_file=str(files.all()[0]) if files.all() else "",
    )
    policy.min_length, policy.min_classes = _length(
        pwq,
        modules("password", "pam_pwquality.so", "pam_cracklib.so"),
        modules("password", "pam_unix.so"),
        pam_given,
    )
    policy.max_age_days, policy.min_age_days = _ageing(defs)
    policy.history = _history(
        modules("password", "pam_pwhistory.so"), modules("password", "pam_unix.so"), pwhistory, pam_given
    )
    (policy.lockout_threshold, policy.lockout_duration_minutes, policy.lockout_window_minutes) = _lockout(
        faillock, modules("auth", "pam_faillock.so", "pam_tally2.so"), pam_given
    )
    return policy


def _length(
    pwq: KeyValueFile | None, quality_lines: list[PamLine], unix_lines: list[PamLine], pam_given: bool
) -> tuple[Setting, Setting]:
    if pam_given and not quality_lines:
        minlen = next((v for line in unix_lines if (v := _pam_arg(line, "minlen"))), None)
        value = _int(minlen) if minlen else PAM_UNIX_DEFAULT_MINLEN
        note = Text(
            zh="pam.d 未啟用 pam_pwquality/pam_cracklib：僅 pam_unix 檢查長度，未要求字元類別",
            en="no pam_pwquality/pam_cracklib in pam.d: only pam_unix checks length; no character classes required",
        )
        return (
            Setting(
                value=value,
                raw=None if minlen is None else minlen.value,
                source=None if minlen is None else minlen.source,
                note=note,
            ),
            Setting(value=1, note=note),
        )
    if pwq is None and not quality_lines:
        missing = Text(zh="未提供 pwquality.conf", en="pwquality.conf not given")
        return Setting.not_set(missing), Setting.not_set(missing)
    values: dict[str, int] = {}
    sources: dict[str, SourceRef | None] = {}
    for key, default in PWQUALITY_DEFAULTS.items():
        found = pwq.values.get(key) if pwq else None
        for line in quality_lines:  # module arguments override the file
            found = _pam_arg(line, key) or found
        values[key] = _int(found) if found else default
        sources[key] = found.source if found else None
    credits = {k: values[k] for k in _CREDIT_KEYS}
    shortest, required_classes = effective_min_length(values["minlen"], credits)
    classes = max(values["minclass"], required_classes, 1)
    shown = ", ".join(f"{k}={values[k]}" for k in ("minlen", *_CREDIT_KEYS, "minclass"))
    defaults = [k for k in PWQUALITY_DEFAULTS if sources[k] is None]
    default_note = f"; defaults / 預設值: {', '.join(defaults)}" if defaults else ""
    length_note = Text(
        zh=f"{shown}：計入字元類別加分（credit）後，最短可接受 {shortest} 個字元{default_note}",
        en=f"{shown}: counting credits, the shortest accepted password has {shortest} characters{default_note}",
    )
    return (
        Setting(value=shortest, raw=shown, source=sources["minlen"], note=length_note),
        Setting(
            value=classes,
            raw=shown,
            source=sources["minclass"] or next((sources[k] for k in _CREDIT_KEYS if credits[k] < 0), None),
            note=Text(
                zh=f"minclass 與負值 credit 要求至少 {classes} 類字元",
                en=f"minclass and negative credits require at least {classes} character classes",
            ),
        ),
    )


def _ageing(defs: KeyValueFile | None) -> tuple[Setting, Setting]:
    if defs is None:
        missing = Text(zh="未提供 login.defs", en="login.defs not given")
        return Setting.not_set(missing), Setting.not_set(missing)
    applies = Text(
        zh="login.defs 僅適用於之後建立的帳號；既有帳號請以 chage -l 核對",
        en="login.defs applies to accounts created afterwards; check existing ones with chage -l",
    )
    max_found = defs.values.get("PASS_MAX_DAYS")
    max_value = _int(max_found) if max_found else 99999
    if max_value in SHADOW_NEVER:
        max_age = Setting(
            meaning=Meaning.NEVER,
            raw=str(max_value),
            source=max_found.source if max_found else None,
            note=Text(
                zh=f"PASS_MAX_DAYS {max_value}{'' if max_found else '（未設定，預設）'} 表示密碼永不過期",
                en=f"PASS_MAX_DAYS {max_value}{'' if max_found else ' (unset, the default)'} means passwords never expire",
            ),
        )
    else:
        max_age = Setting(
            value=max_value, raw=str(max_value), source=max_found.source if max_found else None, note=applies
        )
    min_found = defs.values.get("PASS_MIN_DAYS")
    min_age = Setting(
        value=_int(min_found) if min_found else 0,
        raw=min_found.value if min_found else None,
        source=min_found.source if min_found else None,
        note=applies
        if min_found
        else Text(zh="PASS_MIN_DAYS 未設定，預設 0", en="PASS_MIN_DAYS unset, default 0"),
    )
    return max_age, min_age


def _history(
    history_lines: list[PamLine], unix_lines: list[PamLine], pwhistory: KeyValueFile | None, pam_given: bool
) -> Setting:
    for line in history_lines:
        found = _pam_arg(line, "remember") or (pwhistory.values.get("remember") if pwhistory else None)
        if found:
            return Setting(value=_int(found), raw=found.value, source=found.source)
        return Setting(
            value=PWHISTORY_DEFAULT_REMEMBER,
            source=line.source,
            note=Text(
                zh="pam_pwhistory 未指定 remember，預設 10", en="pam_pwhistory without remember: default 10"
            ),
        )
    for line in unix_lines:
        if found := _pam_arg(line, "remember"):
            return Setting(value=_int(found), raw=found.value, source=found.source)
    if pam_given:
        return Setting(
            value=0,
            note=Text(
                zh="pam.d 未啟用 pam_pwhistory，pam_unix 亦無 remember：不保留密碼歷程",
                en="no pam_pwhistory and no pam_unix remember in pam.d: no password history kept",
            ),
        )
    if pwhistory and (found := pwhistory.values.get("remember")):
        return Setting(value=_int(found), raw=found.value, source=found.source)
    return Setting.not_set(Text(zh="未提供 pam.d 或 pwhistory.conf", en="pam.d or pwhistory.conf not given"))


def _lockout(
    faillock: KeyValueFile | None, lines: list[PamLine], pam_given: bool
) -> tuple[Setting, Setting, Setting]:
    if pam_given and not lines:
        note = Text(
            zh="pam.d 的 auth 未啟用 pam_faillock（或 pam_tally2）：帳戶永不鎖定",
            en="no pam_faillock (or pam_tally2) in the pam.d auth stack: accounts never lock",
        )
        return Setting(meaning=Meaning.NEVER, note=note), Setting.not_set(note), Setting.not_set(note)
    if faillock is None and not lines:
        missing = Text(zh="未提供 faillock.conf 或 pam.d", en="faillock.conf or pam.d not given")
        return Setting.not_set(missing), Setting.not_set(missing), Setting.not_set(missing)
    found: dict[str, ConfigValue | None] = {}
    for key in FAILLOCK_DEFAULTS:
        value = faillock.values.get(key) if faillock else None
        for line in lines:
            value = _pam_arg(line, key) or value
        found[key] = value

    deny = found["deny"]
    deny_value = _int(deny) if deny else FAILLOCK_DEFAULTS["deny"]
    default_note = Text(zh="未設定，採模組預設值", en="unset: the module's default")
    threshold = (
        Setting(
            meaning=Meaning.NEVER,
            raw="0",
            source=deny.source if deny else None,
            note=Text(zh="deny = 0：不鎖定", en="deny = 0: no lockout"),
        )
        if deny_value == 0
        else Setting(
            value=deny_value,
            raw=deny.value if deny else None,
            source=deny.source if deny else None,
            note=None if deny else default_note,
        )
    )
    unlock = found["unlock_time"]
    raw_unlock = unlock.value if unlock else str(FAILLOCK_DEFAULTS["unlock_time"])
    if raw_unlock == "never" or raw_unlock == "0":
        duration = Setting(
            meaning=Meaning.MANUAL,
            raw=raw_unlock,
            source=unlock.source if unlock else None,
            note=Text(
                zh=f"unlock_time = {raw_unlock}：須由管理者以 faillock --reset 解除鎖定",
                en=f"unlock_time = {raw_unlock}: locked until an administrator runs faillock --reset",
            ),
        )
    else:
        seconds = _int(unlock) if unlock else FAILLOCK_DEFAULTS["unlock_time"]
        duration = Setting(
            value=round(seconds / 60, 2),
            raw=raw_unlock,
            source=unlock.source if unlock else None,
            note=Text(zh=f"unlock_time = {seconds} 秒", en=f"unlock_time = {seconds} seconds")
            if unlock
            else Text(zh="unlock_time 未設定，預設 600 秒", en="unlock_time unset, default 600 seconds"),
        )
    interval = found["fail_interval"]
    window_seconds = _int(interval) if interval else FAILLOCK_DEFAULTS["fail_interval"]
    window = Setting(
        value=round(window_seconds / 60, 2),
        raw=interval.value if interval else None,
        source=interval.source if interval else None,
    )
    return threshold, duration, window
