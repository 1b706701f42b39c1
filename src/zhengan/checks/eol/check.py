"""`zhengan check eol`: software past or nearing end of life (CC17010-1.10: 避免使用生命週期終止之軟體及網路
設備，且於到期前擬定汰除計畫).

Inventory CSV (UTF-8, header row): `host,product,version`. `product` may be a name ("Windows Server"),
an endoflife.date id ("windows-server"), a purl or a CPE; `version` may be empty when the purl or CPE
carries it. A product or version the snapshot does not know is listed as undecided, never ignored.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from zhengan.checks.eol.match import ProductIndex, cycle, version_from_identifier
from zhengan.checks.eol.snapshot import Snapshot, load_snapshot
from zhengan.checks.result import CheckResult, InputError, InputFile, Observation, Severity, SourceRef, Status
from zhengan.text import Text
from zhengan.timeutil import to_taipei, utc_now

EOL_CONTROLS = ["CC17010-1.10"]
PATCH_CONTROLS = ["SR-7.10", "AP-4.6.4"]


class InventoryError(ValueError):
    """The inventory file cannot be read at all."""


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(last, day.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def read_inventory(path: Path) -> tuple[list[tuple[int, str, str, str]], list[InputError]]:
    rows: list[tuple[int, str, str, str]] = []
    errors: list[InputError] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
        missing = {"host", "product", "version"} - set(fields)
        if missing:
            raise InventoryError(
                f"{path}:1: 缺少欄位 {sorted(missing)}（需 host,product,version） / missing columns "
                f"{sorted(missing)} (host,product,version needed)"
            )
        for record in reader:
            values = {
                (k or "").strip().lower(): (v or "").strip() for k, v in record.items() if k is not None
            }
            line = reader.line_num
            host, product, version = values["host"], values["product"], values["version"]
            version = version or version_from_identifier(product) or ""
            empty = [
                name
                for name, value in (("host", host), ("product", product), ("version", version))
                if not value
            ]
            if empty:
                errors.append(
                    InputError(
                        source=SourceRef(file=str(path), line=line, field=empty[0]),
                        message=Text(
                            zh=f"第 {line} 行缺少 {empty[0]}", en=f"line {line}: {empty[0]} is empty"
                        ),
                        raw=",".join((record.get(k) or "") for k in reader.fieldnames or []),
                    )
                )
                continue
            rows.append((line, host, product, version))
    return rows, errors


def check_eol(
    inventory: Path,
    snapshot: Snapshot | None = None,
    as_of: date | None = None,
    horizon_months: int = 12,
) -> CheckResult:
    snapshot = snapshot or load_snapshot()
    as_of = as_of or to_taipei(utc_now()).date()
    horizon = add_months(as_of, horizon_months)
    rows, errors = read_inventory(inventory)
    result = CheckResult(
        check="eol",
        title=Text(zh="生命週期終止軟體", en="End-of-life software"),
        parameters={
            "as_of": as_of.isoformat(),
            "horizon_months": horizon_months,
            "horizon": horizon.isoformat(),
            "snapshot_date": snapshot.snapshot_date.isoformat(),
        },
        inputs=[InputFile.of(inventory, format="inventory-csv")],
        errors=errors,
        quarantined=len(errors),
    )
    index = ProductIndex(snapshot)
    for line, host, product_text, version in rows:
        source = SourceRef(file=str(inventory), line=line)
        subject = f"{host} {product_text} {version}"
        product = index.product(product_text)
        found = cycle(product, version) if product else None
        if product is None or found is None:
            what = (
                Text(
                    zh=f"快照中無此產品「{product_text}」",
                    en=f"product {product_text!r} is not in the snapshot",
                )
                if product is None
                else Text(
                    zh=f"{product.label or product.name} 無對應版本週期「{version}」",
                    en=f"{product.label or product.name} has no release cycle matching {version!r}",
                )
            )
            result.observations.append(
                Observation(
                    rule="eol.unmatched",
                    status=Status.ERROR,
                    control_ids=EOL_CONTROLS,
                    title=Text(zh="無法比對生命週期", en="End of life unknown"),
                    subject=subject,
                    message=Text(
                        zh=f"{host}：{what.zh}，請人工確認支援期限或更新快照",
                        en=f"{host}: {what.en}; confirm the support end by hand or update the snapshot",
                    ),
                    source=source,
                    details={"product": product.name if product else None},
                )
            )
            continue
        label = f"{product.label or product.name} {found.cycle}"
        eol_day = found.eol_date()
        if found.eol is True or (eol_day is not None and eol_day <= as_of):
            status, severity = Status.FAIL, Severity.HIGH
            when = eol_day.isoformat() if eol_day else "?"
            message = Text(
                zh=f"{host}：{label} 已於 {when} 終止支援，應汰除或建立補償性措施",
                en=f"{host}: {label} reached end of life on {when}; replace it or put compensating controls in place",
            )
        elif eol_day is not None and eol_day <= horizon:
            status, severity = Status.WARN, Severity.MEDIUM
            message = Text(
                zh=f"{host}：{label} 將於 {eol_day} 終止支援，應於到期前擬定汰除計畫",
                en=f"{host}: {label} reaches end of life on {eol_day}; plan its replacement before then",
            )
        else:
            status, severity = Status.PASS, None
            until = eol_day.isoformat() if eol_day else "未定 / not announced"
            message = Text(
                zh=f"{host}：{label} 支援至 {until}", en=f"{host}: {label} supported until {until}"
            )
        result.observations.append(
            Observation(
                rule="eol.lifecycle",
                status=status,
                severity=severity,
                control_ids=EOL_CONTROLS,
                title=Text(zh="軟體生命週期", en="Software life cycle"),
                subject=subject,
                message=message,
                found=eol_day.isoformat() if eol_day else found.eol,
                required=f"> {horizon.isoformat()}",
                source=source,
                details={"product": product.name, "cycle": found.cycle, "latest": found.latest},
            )
        )
        if found.latest and _older(version, found.latest):
            result.observations.append(
                Observation(
                    rule="eol.latest_patch",
                    status=Status.INFO,
                    control_ids=PATCH_CONTROLS,
                    title=Text(zh="有較新的修補版本", en="Newer patch release available"),
                    subject=subject,
                    message=Text(
                        zh=f"{host}：{label} 目前為 {version}，快照所知最新為 {found.latest}",
                        en=f"{host}: {label} is at {version}; the snapshot knows {found.latest}",
                    ),
                    found=version,
                    required=found.latest,
                    source=source,
                )
            )
    return result.finish()


def _older(version: str, latest: str) -> bool:
    def key(text: str) -> list[int]:
        return [int(part) for part in re.findall(r"\d+", text)]

    return key(version) < key(latest)
