"""Decommissioned systems (CC17010-2.6: 針對已下線資通系統於六個月內調整或停用該規則).

Until the asset register can export them, a CSV with columns:
  address            required: an address, CIDR or range a-b (one per row; repeat rows for more)
  system             optional: the system's name
  decommissioned_on  optional: the date it went offline (YYYY-MM-DD); the rule is due six months later
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from zhengan.checks.firewall.model import ModelError, Range, parse_address
from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text


@dataclass(frozen=True)
class DecommissionedSystem:
    address: str
    ranges: tuple[Range, ...]
    system: str
    decommissioned_on: date | None
    line: int


def read_decommissioned(path: Path) -> tuple[list[DecommissionedSystem], list[InputError]]:
    systems: list[DecommissionedSystem] = []
    errors: list[InputError] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "address" not in (reader.fieldnames or []):
            errors.append(
                InputError(
                    source=SourceRef(file=str(path), line=1, field="address"),
                    message=Text(zh="缺少 address 欄位", en="missing column address"),
                )
            )
            return systems, errors
        for row in reader:
            line = reader.line_num
            field = "address"
            try:
                ranges = parse_address(row["address"] or "")
                field = "decommissioned_on"
                when = (row.get("decommissioned_on") or "").strip()
                systems.append(
                    DecommissionedSystem(
                        address=row["address"].strip(),
                        ranges=ranges,
                        system=(row.get("system") or "").strip(),
                        decommissioned_on=date.fromisoformat(when) if when else None,
                        line=line,
                    )
                )
            except (ModelError, ValueError) as exc:
                errors.append(
                    InputError(
                        source=SourceRef(file=str(path), line=line, field=field),
                        message=Text(zh=f"欄位 {field} 無法解析：{exc}", en=f"column {field}: {exc}"),
                        raw=",".join(str(v) for v in row.values()),
                    )
                )
    return systems, errors
