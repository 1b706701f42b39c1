"""Reader for testssl.sh JSON results: `--jsonfile` (a flat list) and `--jsonfile-pretty` (scanResult blocks).

Each entry is `{"id", "ip": "host/address", "port", "severity", "cve", "cwe", "finding"}`. Protocol entries
(`SSLv2` … `TLS1_3`), cipher-class summaries (`cipherlist_*`), per-suite lines (`cipher-tls1_2_xc02f`),
certificate fields (`cert`, `cert_notAfter` …) and vulnerability tests (`heartbleed`, `SWEET32` …) become
`EndpointFacts`. testssl.sh prints certificate dates as `YYYY-MM-DD HH:MM` in UTC.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zhengan.checks.result import InputError, SourceRef
from zhengan.checks.tls.certificate import facts_from_pem
from zhengan.checks.tls.ciphers import CipherClass
from zhengan.checks.tls.model import (
    CertificateFacts,
    CipherSuite,
    EndpointFacts,
    ProtocolSupport,
    ReportedCipherClass,
    ScannerFinding,
)
from zhengan.text import Text

_PROTOCOL_IDS = {
    "SSLv2": "SSLv2",
    "SSLv3": "SSLv3",
    "TLS1": "TLSv1.0",
    "TLS1_1": "TLSv1.1",
    "TLS1_2": "TLSv1.2",
    "TLS1_3": "TLSv1.3",
}
_CIPHER_LISTS = {
    "cipherlist_NULL": CipherClass.NULL,
    "cipherlist_aNULL": CipherClass.ANONYMOUS,
    "cipherlist_EXPORT": CipherClass.EXPORT,
    "cipherlist_LOW": CipherClass.LOW,
    "cipherlist_3DES_IDEA": CipherClass.TRIPLE_DES,
    "cipherlist_OBSOLETED": CipherClass.CBC,  # testssl 3.2
    "cipherlist_AVERAGE": CipherClass.CBC,  # testssl 3.0 name of the same list
    "cipherlist_STRONG_NOFS": CipherClass.STATIC_KEY_EXCHANGE,
}
_VULNERABILITIES = {
    "heartbleed", "CCS", "ticketbleed", "opossum", "ROBOT", "secure_renego", "secure_client_renego",
    "CRIME_TLS", "BREACH", "POODLE_SSL", "POODLE_TLS", "fallback_SCSV", "SWEET32", "FREAK", "DROWN",
    "DROWN_hint", "LOGJAM", "LOGJAM-common_primes", "BEAST_CBC_SSL3", "BEAST_CBC_TLS1", "BEAST",
    "LUCKY13", "winshock", "RC4", "GREASE",
}  # fmt: skip
_CIPHER_LINE = re.compile(r"^cipher-(?P<proto>tls1(?:_[0-3])?|ssl[23])_x[0-9a-f]+$", re.IGNORECASE)
_CIPHER_PROTOCOLS = {
    "ssl2": "SSLv2",
    "ssl3": "SSLv3",
    "tls1": "TLSv1.0",
    "tls1_1": "TLSv1.1",
    "tls1_2": "TLSv1.2",
}
_CERT_SUFFIX = re.compile(r"\s*<cert#(\d+)>$")


class TestsslFormatError(ValueError):
    """The file is not a testssl.sh JSON result."""

    __test__ = False  # its name starts with "Test"; it is not a pytest class


def read_testssl(path: Path) -> tuple[list[EndpointFacts], list[InputError]]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise TestsslFormatError(
            f"{path}:{error.lineno}: 不是有效的 JSON：{error.msg} / not valid JSON: {error.msg}"
        ) from error
    errors: list[InputError] = []
    if isinstance(document, list):
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for index, entry in enumerate(document):
            if not isinstance(entry, dict) or "id" not in entry or "finding" not in entry:
                errors.append(_bad_entry(path, index, entry))
                continue
            if not entry.get("ip") or not entry.get("port"):
                continue  # scan-wide entries (engine_problem, scanTime) belong to no endpoint
            groups.setdefault((str(entry["ip"]), str(entry["port"])), []).append(entry)
        endpoints = [
            _endpoint(path, ip, port, entries, None, "testssl.sh", errors)
            for (ip, port), entries in groups.items()
        ]
        return endpoints, errors
    if isinstance(document, dict) and isinstance(document.get("scanResult"), list):
        version = str(document.get("version", "")).strip()
        scanner = f"testssl.sh {version}".strip()
        started = _epoch(document.get("startTime"))
        endpoints = []
        for block in document["scanResult"]:
            entries = []
            for section, items in block.items():
                if isinstance(items, list):
                    for index, entry in enumerate(items):
                        if isinstance(entry, dict) and "id" in entry and "finding" in entry:
                            entries.append({**entry, "_section": section})
                        else:
                            errors.append(_bad_entry(path, index, entry, section))
            host = str(block.get("targetHost") or block.get("ip") or "")
            ip = f"{host}/{block.get('ip', '')}"
            endpoints.append(
                _endpoint(path, ip, str(block.get("port", "")), entries, started, scanner, errors)
            )
        return endpoints, errors
    raise TestsslFormatError(
        f"{path}: 不是 testssl.sh 的 JSON 結果（需為 --jsonfile 或 --jsonfile-pretty 輸出） / "
        "not a testssl.sh JSON result (expected --jsonfile or --jsonfile-pretty output)"
    )


def _bad_entry(path: Path, index: int, entry: Any, section: str | None = None) -> InputError:
    field = f"{section}[{index}]" if section else f"[{index}]"
    return InputError(
        source=SourceRef(file=str(path), line=None, field=field),
        message=Text(zh="項目缺少 id 或 finding 欄位", en="entry lacks the id or finding field"),
        raw=json.dumps(entry, ensure_ascii=False)[:500],
    )


def _epoch(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError):
        return None


def _endpoint(
    path: Path,
    ip: str,
    port: str,
    entries: list[dict[str, Any]],
    scanned_at: datetime | None,
    scanner: str,
    errors: list[InputError],
) -> EndpointFacts:
    host, _, address = ip.partition("/")
    facts = EndpointFacts(
        host=host or address,
        port=int(port) if port.isdigit() else 0,
        servername=host or address,
        scanner=scanner,
        scanned_at=scanned_at,
        source=SourceRef(file=str(path), field=f"{ip}:{port}"),
    )
    cert_fields: dict[str, str] = {}
    for entry in entries:
        entry_id = str(entry["id"])
        finding = str(entry["finding"]).strip()
        severity = str(entry.get("severity", "")).upper()
        cert_number = _CERT_SUFFIX.search(entry_id)
        if cert_number:
            if cert_number.group(1) != "1":
                continue  # a server with several certificates: the first is the default one
            entry_id = _CERT_SUFFIX.sub("", entry_id)
        if entry_id in _PROTOCOL_IDS:
            facts.protocols.append(_protocol(_PROTOCOL_IDS[entry_id], finding))
        elif entry_id in _CIPHER_LISTS:
            if finding.lower().startswith("offered"):
                facts.reported_classes.append(
                    ReportedCipherClass(
                        cipher_class=_CIPHER_LISTS[entry_id].value, evidence=f"{entry_id}: {finding}"
                    )
                )
        elif match := _CIPHER_LINE.match(entry_id):
            parts = finding.split()
            if len(parts) >= 3:
                protocol = _CIPHER_PROTOCOLS.get(match.group("proto").lower(), parts[0])
                facts.ciphers.append(CipherSuite(protocol=protocol, name=parts[2]))
            else:
                errors.append(
                    InputError(
                        source=SourceRef(file=str(path), field=entry_id),
                        message=Text(zh="無法解析加密套件行", en="cannot read the cipher-suite line"),
                        raw=finding,
                    )
                )
        elif entry_id.startswith("cert") or entry_id == "cert":
            cert_fields.setdefault(entry_id, finding)
        elif entry_id in _VULNERABILITIES or entry.get("_section") == "vulnerabilities":
            cves = [c for c in str(entry.get("cve", "")).split() if c]
            facts.findings.append(ScannerFinding(id=entry_id, severity=severity, finding=finding, cve=cves))
        elif severity in {"FATAL"} or entry_id == "scanProblem":
            facts.error = finding
    if not facts.protocols and not facts.ciphers and not cert_fields and facts.error is None:
        facts.error = "testssl.sh reported no protocol, cipher or certificate result for this endpoint"
    facts.certificate = _certificate(cert_fields, path, errors)
    chain = cert_fields.get("cert_chain_of_trust")
    if chain:
        facts.trusted = chain.lower().startswith("passed")
        facts.trust_detail = None if facts.trusted else chain
    return facts


def _protocol(protocol: str, finding: str) -> ProtocolSupport:
    lowered = finding.lower()
    if lowered.startswith("not offered"):
        return ProtocolSupport(protocol=protocol, accepted=False, detail=finding)
    if lowered.startswith("offered"):
        return ProtocolSupport(protocol=protocol, accepted=True, detail=finding)
    return ProtocolSupport(protocol=protocol, accepted=None, detail=finding)


def _certificate(fields: dict[str, str], path: Path, errors: list[InputError]) -> CertificateFacts | None:
    pem = fields.get("cert")
    if pem and "BEGIN CERTIFICATE" in pem:
        body = pem.replace("-----BEGIN CERTIFICATE-----", "").replace("-----END CERTIFICATE-----", "")
        wrapped = "\n".join(re.findall(r".{1,64}", "".join(body.split())))
        try:
            return facts_from_pem(f"-----BEGIN CERTIFICATE-----\n{wrapped}\n-----END CERTIFICATE-----\n")
        except ValueError as error:
            errors.append(
                InputError(
                    source=SourceRef(file=str(path), field="cert"),
                    message=Text(zh=f"憑證無法解析：{error}", en=f"certificate cannot be read: {error}"),
                )
            )
    if not fields:
        return None
    key_type = key_bits = None
    if match := re.match(
        r"(RSA|EC|ECDSA|DSA|Ed25519|Ed448)\s+(\d+)\s*bits", fields.get("cert_keySize", ""), re.I
    ):
        key_type = {"ECDSA": "EC"}.get(match.group(1).upper(), match.group(1).upper().replace("ED", "Ed"))
        key_bits = int(match.group(2))
    signature = fields.get("cert_signatureAlgorithm")
    hash_match = re.search(r"(MD5|SHA1|SHA224|SHA256|SHA384|SHA512)", signature or "", re.I)
    return CertificateFacts(
        subject=f"CN={fields.get('cert_commonName', '?')}",
        issuer=fields.get("cert_caIssuers", "?") or "?",
        serial=fields.get("cert_serialNumber"),
        not_before=_cert_date(fields.get("cert_notBefore"), "cert_notBefore", path, errors),
        not_after=_cert_date(fields.get("cert_notAfter"), "cert_notAfter", path, errors),
        key_type=key_type,
        key_bits=key_bits,
        signature_algorithm=signature,
        signature_hash=hash_match.group(1).lower() if hash_match else None,
        dns_names=fields.get("cert_subjectAltName", "").split(),
        sha256_fingerprint=(fields.get("cert_fingerprintSHA256") or "").lower() or None,
    )


def _cert_date(value: str | None, field: str, path: Path, errors: list[InputError]) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value.strip()[:16], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    except ValueError:
        errors.append(
            InputError(
                source=SourceRef(file=str(path), field=field),
                message=Text(zh=f"日期格式錯誤：{value}", en=f"bad date: {value}"),
                raw=value,
            )
        )
        return None
