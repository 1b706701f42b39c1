"""Judge one endpoint's facts, clause by clause. Knows no input format.

SR-8.1 / CC17010-3.1 / AP-4.5: transmission must be encrypted (TLS on internet ordering, encrypted client
connections); SR-8.3 / CC17010-3.4: public, internationally vetted, unbroken algorithms; SR-8.4: keys and
certificates changed regularly; SR-8.5: keys of the longest length the algorithm supports (宜).
"""

from __future__ import annotations

from datetime import datetime

from zhengan.checks.result import Observation, Severity, Status
from zhengan.checks.tls.certificate import hostname_matches
from zhengan.checks.tls.ciphers import JUDGEMENT, CipherClass, classify, worst
from zhengan.checks.tls.model import LEGACY_PROTOCOLS, MODERN_PROTOCOLS, EndpointFacts, TlsPolicy
from zhengan.text import Text

PROTOCOL_CONTROLS = ["SR-8.3", "CC17010-3.1", "CC17010-3.4", "AP-4.5"]
CIPHER_CONTROLS = ["SR-8.3", "CC17010-3.4", "AP-4.5"]
EXPIRY_CONTROLS = ["SR-8.4", "CC17010-3.1", "AP-4.5"]
KEY_CONTROLS = ["SR-8.3", "SR-8.5", "CC17010-3.4"]
SIGNATURE_CONTROLS = ["SR-8.3", "CC17010-3.4"]
HOSTNAME_CONTROLS = ["SR-8.1", "CC17010-3.1", "AP-4.5"]
ROTATION_CONTROLS = ["SR-8.4"]
SCANNER_CONTROLS = ["SR-8.3", "AP-4.5.1"]

_SCANNER_STATUS = {
    "CRITICAL": (Status.FAIL, Severity.CRITICAL),
    "HIGH": (Status.FAIL, Severity.HIGH),
    "MEDIUM": (Status.FAIL, Severity.MEDIUM),
    "LOW": (Status.WARN, Severity.LOW),
}


def analyse(facts: EndpointFacts, policy: TlsPolicy, now: datetime) -> list[Observation]:
    where = facts.label
    if facts.error is not None:
        return [
            Observation(
                rule="tls.connect",
                status=Status.ERROR,
                control_ids=PROTOCOL_CONTROLS,
                title=Text(zh="無法建立 TLS 連線", en="No TLS connection"),
                subject=where,
                message=Text(
                    zh=f"{where} 無法完成 TLS 交握，無法判斷：{facts.error}",
                    en=f"{where}: no TLS handshake could be made, nothing can be judged: {facts.error}",
                ),
                source=facts.source,
            )
        ]
    observations = _protocols(facts, where) + _ciphers(facts, where)
    if facts.certificate is not None:
        observations += _certificate(facts, policy, now, where)
    observations += _scanner_findings(facts, where)
    return observations


def _protocols(facts: EndpointFacts, where: str) -> list[Observation]:
    out: list[Observation] = []
    for support in facts.protocols:
        legacy = support.protocol in LEGACY_PROTOCOLS
        if support.accepted is None:
            status, severity = Status.INFO, None
            message = Text(
                zh=f"{where} 未能測試 {support.protocol}：{support.detail or '掃描工具不支援'}",
                en=f"{where}: {support.protocol} not tested: {support.detail or 'not supported by the scanner'}",
            )
        elif support.accepted and legacy:
            status, severity = Status.FAIL, Severity.HIGH
            message = Text(
                zh=f"{where} 接受已淘汰的 {support.protocol}，應停用，僅允許 TLS 1.2 以上",
                en=f"{where} accepts the obsolete {support.protocol}; disable it and allow TLS 1.2 or later only",
            )
        elif support.accepted:
            status, severity = Status.PASS, None
            message = Text(zh=f"{where} 支援 {support.protocol}", en=f"{where} supports {support.protocol}")
        else:
            status, severity = Status.PASS, None
            message = Text(
                zh=f"{where} 不接受 {support.protocol}", en=f"{where} does not accept {support.protocol}"
            )
        out.append(
            Observation(
                rule="tls.protocol",
                status=status,
                severity=severity,
                control_ids=PROTOCOL_CONTROLS,
                title=Text(zh=f"通訊協定 {support.protocol}", en=f"Protocol {support.protocol}"),
                subject=f"{where} {support.protocol}",
                message=message,
                found=support.accepted,
                required=not legacy if support.protocol in LEGACY_PROTOCOLS | MODERN_PROTOCOLS else None,
                source=facts.source,
            )
        )
    tested = [p for p in facts.protocols if p.accepted is not None]
    if tested and not any(p.accepted and p.protocol in MODERN_PROTOCOLS for p in facts.protocols):
        out.append(
            Observation(
                rule="tls.protocol.modern",
                status=Status.FAIL,
                severity=Severity.HIGH,
                control_ids=PROTOCOL_CONTROLS,
                title=Text(zh="未支援 TLS 1.2 或 1.3", en="Neither TLS 1.2 nor TLS 1.3"),
                subject=f"{where} modern protocol",
                message=Text(
                    zh=f"{where} 未支援 TLS 1.2 或 TLS 1.3",
                    en=f"{where} supports neither TLS 1.2 nor TLS 1.3",
                ),
                source=facts.source,
            )
        )
    return out


def _ciphers(facts: EndpointFacts, where: str) -> list[Observation]:
    out: list[Observation] = []
    by_name: dict[str, list[str]] = {}
    for suite in facts.ciphers:
        by_name.setdefault(suite.name, []).append(suite.protocol)
    weak_seen = False
    for name, protocols in by_name.items():
        classes = classify(name)
        judged = worst(classes)
        if judged is None:
            continue
        weak_seen = weak_seen or judged[0] == Status.FAIL
        reasons = [JUDGEMENT[c][2] for c in sorted(classes, key=list(CipherClass).index)]
        out.append(
            Observation(
                rule="tls.cipher",
                status=judged[0],
                severity=judged[1],
                control_ids=CIPHER_CONTROLS,
                title=Text(zh=f"加密套件 {name}", en=f"Cipher suite {name}"),
                subject=f"{where} {name}",
                message=Text(
                    zh=f"{where} 於 {', '.join(protocols)} 接受 {name}：{'；'.join(r.zh for r in reasons)}",
                    en=f"{where} accepts {name} over {', '.join(protocols)}: {'; '.join(r.en for r in reasons)}",
                ),
                found=name,
                details={"protocols": protocols, "classes": sorted(c.value for c in classes)},
                source=facts.source,
            )
        )
    for reported in facts.reported_classes:
        cipher_class = CipherClass(reported.cipher_class)
        status, severity, reason = JUDGEMENT[cipher_class]
        weak_seen = weak_seen or status == Status.FAIL
        out.append(
            Observation(
                rule="tls.cipher",
                status=status,
                severity=severity,
                control_ids=CIPHER_CONTROLS,
                title=Text(zh=f"加密套件類別 {cipher_class.value}", en=f"Cipher class {cipher_class.value}"),
                subject=f"{where} class {cipher_class.value}",
                message=Text(
                    zh=f"{where} 提供{reason.zh}之加密套件（{reported.evidence}）",
                    en=f"{where} offers {reason.en} cipher suites ({reported.evidence})",
                ),
                found=reported.evidence,
                source=facts.source,
            )
        )
    if by_name and not weak_seen:
        out.append(
            Observation(
                rule="tls.cipher.summary",
                status=Status.PASS,
                control_ids=CIPHER_CONTROLS,
                title=Text(zh="加密套件", en="Cipher suites"),
                subject=f"{where} cipher suites",
                message=Text(
                    zh=f"{where} 未接受 NULL、EXPORT、RC4、3DES 或靜態 RSA 加密套件（共 {len(by_name)} 組）",
                    en=f"{where} accepts no NULL, EXPORT, RC4, 3DES or static-RSA suite ({len(by_name)} suites)",
                ),
                found=sorted(by_name),
                source=facts.source,
            )
        )
    return out


def _certificate(facts: EndpointFacts, policy: TlsPolicy, now: datetime, where: str) -> list[Observation]:
    cert = facts.certificate
    assert cert is not None
    subject = f"{where} certificate {cert.serial or cert.subject}"
    details = {"subject": cert.subject, "issuer": cert.issuer, "sha256": cert.sha256_fingerprint}
    out: list[Observation] = []

    def add(rule: str, status: Status, controls: list[str], title: Text, message: Text, **extra) -> None:
        out.append(
            Observation(
                rule=rule,
                status=status,
                control_ids=controls,
                title=title,
                subject=subject,
                message=message,
                details=details,
                source=facts.source,
                **extra,
            )
        )

    if cert.not_after is not None:
        days_left = (cert.not_after - now).total_seconds() / 86400
        expiry = cert.not_after.date().isoformat()
        if days_left < 0:
            status, severity = Status.FAIL, Severity.HIGH
            message = Text(
                zh=f"{where} 憑證已於 {expiry} 過期", en=f"{where} certificate expired on {expiry}"
            )
        elif days_left <= policy.expiry_warning_days:
            status, severity = Status.WARN, Severity.MEDIUM
            message = Text(
                zh=f"{where} 憑證將於 {expiry} 到期（剩 {int(days_left)} 天），請更換",
                en=f"{where} certificate expires on {expiry} ({int(days_left)} days left); renew it",
            )
        else:
            status, severity = Status.PASS, None
            message = Text(zh=f"{where} 憑證有效至 {expiry}", en=f"{where} certificate valid until {expiry}")
        add(
            "tls.cert.expiry",
            status,
            EXPIRY_CONTROLS,
            Text(zh="憑證效期", en="Certificate expiry"),
            message,
            severity=severity,
            found=expiry,
            required=f">{policy.expiry_warning_days} days",
        )

    if cert.key_bits is not None and cert.key_type is not None:
        minimum = {"RSA": policy.min_rsa_bits, "DSA": policy.min_rsa_bits, "EC": policy.min_ec_bits}.get(
            cert.key_type
        )
        key = f"{cert.key_type} {cert.key_bits}"
        if cert.key_type == "DSA":
            status, severity = Status.FAIL, Severity.MEDIUM
            message = Text(
                zh=f"{where} 使用 DSA 金鑰，已不建議使用", en=f"{where} uses a DSA key, deprecated"
            )
        elif minimum is not None and cert.key_bits < minimum:
            status, severity = Status.FAIL, Severity.HIGH
            message = Text(
                zh=f"{where} 憑證金鑰 {key} 位元，低於 {minimum} 位元",
                en=f"{where} certificate key is {key} bits, below {minimum}",
            )
        else:
            status, severity = Status.PASS, None
            message = Text(zh=f"{where} 憑證金鑰 {key} 位元", en=f"{where} certificate key is {key} bits")
        add(
            "tls.cert.key_size",
            status,
            KEY_CONTROLS,
            Text(zh="憑證金鑰長度", en="Certificate key size"),
            message,
            severity=severity,
            found=key,
            required=minimum,
        )

    if cert.signature_hash is not None or cert.signature_algorithm is not None:
        algorithm = cert.signature_algorithm or cert.signature_hash or ""
        weak = cert.signature_hash in policy.weak_signature_hashes
        add(
            "tls.cert.signature",
            Status.FAIL if weak else Status.PASS,
            SIGNATURE_CONTROLS,
            Text(zh="憑證簽章演算法", en="Certificate signature algorithm"),
            Text(
                zh=f"{where} 憑證以 {algorithm} 簽章" + ("，該雜湊已遭破解" if weak else ""),
                en=f"{where} certificate is signed with {algorithm}" + (", a broken hash" if weak else ""),
            ),
            severity=Severity.HIGH if weak else None,
            found=algorithm,
        )

    matched = hostname_matches(facts.servername, cert.dns_names, cert.ip_addresses)
    names = ", ".join(cert.dns_names + cert.ip_addresses) or "(no subjectAltName)"
    add(
        "tls.cert.hostname",
        Status.PASS if matched else Status.FAIL,
        HOSTNAME_CONTROLS,
        Text(zh="憑證主機名稱", en="Certificate hostname"),
        Text(
            zh=f"{where} 憑證" + ("涵蓋" if matched else "未涵蓋") + f" {facts.servername}（{names}）",
            en=f"{where} certificate "
            + ("covers" if matched else "does not cover")
            + f" {facts.servername} ({names})",
        ),
        severity=None if matched else Severity.HIGH,
        found=names,
        required=facts.servername,
    )

    if cert.not_before is not None:
        age = (now - cert.not_before).days
        overdue = age > policy.rotation_days
        issued = cert.not_before.date().isoformat()
        add(
            "tls.cert.rotation",
            Status.FAIL if overdue else Status.PASS,
            ROTATION_CONTROLS,
            Text(zh="憑證定期更換", en="Certificate rotation"),
            Text(
                zh=f"{where} 憑證簽發於 {issued}，已 {age} 天"
                + (f"，超過更換週期 {policy.rotation_days} 天" if overdue else ""),
                en=f"{where} certificate issued {issued}, {age} days ago"
                + (f", beyond the rotation period of {policy.rotation_days} days" if overdue else ""),
            ),
            severity=Severity.MEDIUM if overdue else None,
            found=age,
            required=policy.rotation_days,
        )

    if facts.trusted is not None:
        add(
            "tls.cert.trust",
            Status.PASS if facts.trusted else Status.WARN,
            HOSTNAME_CONTROLS,
            Text(zh="憑證信任鏈", en="Certificate chain of trust"),
            Text(
                zh=f"{where} 憑證"
                + ("可驗證至受信任根憑證" if facts.trusted else f"無法驗證：{facts.trust_detail}"),
                en=f"{where} certificate "
                + (
                    "chains to a trusted root"
                    if facts.trusted
                    else f"cannot be verified: {facts.trust_detail}"
                ),
            ),
            severity=None if facts.trusted else Severity.MEDIUM,
            found=facts.trust_detail,
        )
    return out


def _scanner_findings(facts: EndpointFacts, where: str) -> list[Observation]:
    out = []
    for finding in facts.findings:
        judged = _SCANNER_STATUS.get(finding.severity.upper())
        if judged is None:
            continue
        out.append(
            Observation(
                rule=f"tls.scanner.{finding.id}",
                status=judged[0],
                severity=judged[1],
                control_ids=SCANNER_CONTROLS,
                title=Text(zh=f"掃描發現 {finding.id}", en=f"Scanner finding {finding.id}"),
                subject=f"{where} {finding.id}",
                message=Text(
                    zh=f"{where}（{facts.scanner}）{finding.id}：{finding.finding}",
                    en=f"{where} ({facts.scanner}) {finding.id}: {finding.finding}",
                ),
                found=finding.finding,
                details={"cve": finding.cve, "scanner_severity": finding.severity},
                source=facts.source,
            )
        )
    return out
