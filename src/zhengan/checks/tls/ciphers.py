"""Cipher-suite classes and how they are judged (SR-8.3: 公開、國際機構驗證且未遭破解之演算法).

Works on OpenSSL names (ECDHE-RSA-AES128-GCM-SHA256) and IANA names (TLS_RSA_WITH_3DES_EDE_CBC_SHA).
"""

from __future__ import annotations

from enum import StrEnum

from zhengan.checks.result import Severity, Status
from zhengan.text import Text


class CipherClass(StrEnum):
    NULL = "null"  # no encryption at all
    ANONYMOUS = "anonymous"  # no server authentication
    EXPORT = "export"  # 40/56-bit export grade
    RC4 = "rc4"  # broken stream cipher (RFC 7465)
    TRIPLE_DES = "3des"  # 64-bit block, SWEET32
    LOW = "low"  # single DES, RC2, IDEA and other 64-bit-block or 56-bit ciphers
    STATIC_KEY_EXCHANGE = "static_rsa"  # static RSA (or static DH) key exchange: no forward secrecy
    CBC = "cbc"  # CBC mode: allowed but padding-oracle prone (Lucky13); AEAD preferred


JUDGEMENT: dict[CipherClass, tuple[Status, Severity, Text]] = {
    CipherClass.NULL: (Status.FAIL, Severity.CRITICAL, Text(zh="無加密（NULL）", en="no encryption (NULL)")),
    CipherClass.ANONYMOUS: (
        Status.FAIL,
        Severity.HIGH,
        Text(zh="匿名金鑰交換，伺服器未經鑑別", en="anonymous key exchange, server not authenticated"),
    ),
    CipherClass.EXPORT: (
        Status.FAIL,
        Severity.HIGH,
        Text(zh="出口等級弱加密（EXPORT）", en="export-grade (EXPORT)"),
    ),
    CipherClass.RC4: (Status.FAIL, Severity.HIGH, Text(zh="RC4 已遭破解", en="RC4 is broken")),
    CipherClass.TRIPLE_DES: (
        Status.FAIL,
        Severity.MEDIUM,
        Text(zh="3DES（64 位元區塊，SWEET32）", en="3DES (64-bit block, SWEET32)"),
    ),
    CipherClass.LOW: (
        Status.FAIL,
        Severity.HIGH,
        Text(zh="低強度加密（DES、RC2、IDEA）", en="low-strength cipher (DES, RC2, IDEA)"),
    ),
    CipherClass.STATIC_KEY_EXCHANGE: (
        Status.FAIL,
        Severity.MEDIUM,
        Text(zh="靜態 RSA/DH 金鑰交換，不具前向保密", en="static RSA/DH key exchange, no forward secrecy"),
    ),
    CipherClass.CBC: (
        Status.WARN,
        Severity.LOW,
        Text(
            zh="CBC 模式（建議改用 GCM 或 ChaCha20-Poly1305）",
            en="CBC mode (prefer GCM or ChaCha20-Poly1305)",
        ),
    ),
}

_FS_KEY_EXCHANGES = ("ECDHE-", "DHE-", "EDH-")
_AEAD_MARKERS = ("GCM", "CCM", "CHACHA20", "POLY1305")
_BLOCK_CIPHERS = ("AES", "CAMELLIA", "ARIA", "SEED", "DES", "IDEA", "RC2", "SM4")


def classify(name: str) -> set[CipherClass]:
    """The weak classes a cipher suite belongs to (empty for a strong AEAD suite with forward secrecy)."""
    upper = name.upper()
    if upper.startswith("TLS_") and "_WITH_" not in upper:
        return set()  # a TLS 1.3 suite: always AEAD with ephemeral key exchange
    classes: set[CipherClass] = set()
    iana = upper.startswith(("TLS_", "SSL_"))
    if "NULL" in upper:
        classes.add(CipherClass.NULL)
    if upper.startswith(("ADH-", "AECDH-")) or "_ANON_" in upper or "-ANON-" in upper:
        classes.add(CipherClass.ANONYMOUS)
    if "EXP" in upper.split("-")[0] or "EXPORT" in upper:
        classes.add(CipherClass.EXPORT)
    if "RC4" in upper:
        classes.add(CipherClass.RC4)
    if "DES-CBC3" in upper or "3DES" in upper or "DES_EDE" in upper:
        classes.add(CipherClass.TRIPLE_DES)
    elif "DES" in upper or "RC2" in upper or "IDEA" in upper:
        classes.add(CipherClass.LOW)
    if _static_key_exchange(upper, iana) and CipherClass.ANONYMOUS not in classes:
        classes.add(CipherClass.STATIC_KEY_EXCHANGE)
    if (
        any(block in upper for block in _BLOCK_CIPHERS)
        and not any(marker in upper for marker in _AEAD_MARKERS)
        and CipherClass.NULL not in classes
    ):
        classes.add(CipherClass.CBC)
    return classes


def _static_key_exchange(upper: str, iana: bool) -> bool:
    if "PSK" in upper or "SRP" in upper:
        return False  # pre-shared-key suites need a shared secret; not offered to an ordinary browser
    if iana:
        kx = upper.split("_WITH_")[0]
        return kx.endswith(("_RSA", "_DH_RSA", "_DH_DSS", "_ECDH_RSA", "_ECDH_ECDSA"))
    # OpenSSL names without a key-exchange prefix (AES128-SHA, DES-CBC3-SHA) are static RSA;
    # DH-RSA-/ECDH-ECDSA- style prefixes are static (EC)DH.
    return not upper.startswith((*_FS_KEY_EXCHANGES, "ADH-", "AECDH-"))


def worst(classes: set[CipherClass]) -> tuple[Status, Severity] | None:
    """The most serious judgement over a set of classes (FAIL before WARN; higher severity first)."""
    if not classes:
        return None
    order = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO]
    judged = [JUDGEMENT[c][:2] for c in classes]
    judged.sort(key=lambda pair: (pair[0] != Status.FAIL, order.index(pair[1])))
    return judged[0]
