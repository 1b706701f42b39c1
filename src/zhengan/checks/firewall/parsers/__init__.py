"""One parser per vendor format; each returns the normalised `RuleBase` (and hit counts where it can)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zhengan.checks.firewall.hits import HitFile, parse_hit_csv, records_from_rulebase
from zhengan.checks.firewall.model import RuleBase
from zhengan.checks.firewall.parsers import cisco_asa, csv_rules, fortios, iptables, nftables, panos

PARSERS: dict[str, Callable[[Path], RuleBase]] = {
    "iptables": iptables.parse,
    "nftables": nftables.parse,
    "asa": cisco_asa.parse,
    "fortios": fortios.parse,
    "panos": panos.parse,
    "csv": csv_rules.parse,
}
VENDORS = tuple(PARSERS)


def parse_config(path: Path, vendor: str) -> RuleBase:
    if vendor not in PARSERS:
        raise ValueError(f"未知廠牌 unknown vendor: {vendor} ({', '.join(VENDORS)})")
    return PARSERS[vendor](path)


def parse_hits(path: Path, vendor: str) -> HitFile:
    """Hit-count snapshots: `show access-list` (asa), rule-hit-count XML (panos), counters of an
    iptables-save -c / nft -j file, or the generic hit CSV (any vendor, and whenever the file is .csv)."""
    if path.suffix.lower() == ".csv":
        return parse_hit_csv(path)
    if vendor == "asa":
        return cisco_asa.parse_hits(path)
    if vendor == "panos":
        return panos.parse_hits(path)
    if vendor in ("iptables", "nftables"):
        base = PARSERS[vendor](path)
        return HitFile(path=str(path), records=records_from_rulebase(base), errors=base.errors)
    raise ValueError(f"{vendor} 的命中次數請用通用 CSV / give {vendor} hit counts as the generic hit CSV")
