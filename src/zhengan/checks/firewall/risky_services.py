"""The maintained list of high-risk services (risky_services.yaml), extendable by the firm."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from zhengan.checks.firewall.model import ANY_PORT, ModelError, Service, port_range, protocol_range
from zhengan.checks.result import Severity
from zhengan.text import Text


@dataclass(frozen=True)
class RiskyService:
    id: str
    name: Text
    service: Service
    severity: Severity


def _read(text: str, origin: str) -> list[RiskyService]:
    entries = yaml.safe_load(text) or []
    if not isinstance(entries, list):
        raise ModelError(f"{origin}: expected a list / 應為清單")
    out = []
    for number, entry in enumerate(entries, start=1):
        try:
            protocol = protocol_range(str(entry["protocol"]))
            ports = port_range(str(entry["ports"])) if entry.get("ports") else ANY_PORT
            out.append(
                RiskyService(
                    id=str(entry["id"]),
                    name=Text(zh=str(entry["zh"]), en=str(entry["en"])),
                    service=Service(protocol, ANY_PORT, ports),
                    severity=Severity(entry.get("severity", "high")),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{origin} entry {number}: {exc} / 第 {number} 筆有誤") from exc
    return out


def load_risky_services(extra: Path | None = None) -> list[RiskyService]:
    builtin = _read(
        resources.files("zhengan.checks.firewall").joinpath("risky_services.yaml").read_text("utf-8"),
        "risky_services.yaml",
    )
    by_id = {s.id: s for s in builtin}
    if extra is not None:
        by_id.update({s.id: s for s in _read(extra.read_text("utf-8"), str(extra))})
    return list(by_id.values())
