"""Find a product and its release cycle in the snapshot from what an inventory says.

A product is matched by its endoflife.date name, label or alias (case and punctuation ignored), by a
purl (`pkg:deb/debian/openssl@3.0.11` matches `pkg:generic/openssl`-style identifiers by name) or by a CPE
(`cpe:2.3:a:apache:tomcat:9.0.80` or `cpe:/a:apache:tomcat`, matched on vendor and product). A version
is matched to the longest cycle that prefixes it on a dot or hyphen boundary: 3.11.4 → 3.11, 2012 R2 →
2012-r2, 22.04.3 LTS → 22.04.
"""

from __future__ import annotations

import re

from zhengan.checks.eol.snapshot import Cycle, Product, Snapshot


def normalise(text: str) -> str:
    return re.sub(r"[^0-9a-z.+]+", "-", text.strip().lower()).strip("-")


def _cpe_key(cpe: str) -> str | None:
    if cpe.startswith("cpe:2.3:"):
        parts = cpe.split(":")
        return ":".join(parts[2:5]) if len(parts) >= 5 else None
    if cpe.startswith("cpe:/"):
        parts = cpe[5:].split(":")
        return ":".join(parts[:3]) if len(parts) >= 3 else None
    return None


def _purl_name(purl: str) -> str | None:
    match = re.match(r"pkg:[^/]+/(?:[^@?#]*/)?([^/@?#]+)", purl)
    return match.group(1).lower() if match else None


class ProductIndex:
    def __init__(self, snapshot: Snapshot) -> None:
        self.by_name: dict[str, Product] = {}
        self.by_cpe: dict[str, Product] = {}
        self.by_purl: dict[str, Product] = {}
        for product in snapshot.products:
            for name in [product.name, product.label or "", *product.aliases]:
                if name:
                    self.by_name.setdefault(normalise(name), product)
            for identifier in product.identifiers:
                if identifier.type == "cpe" and (key := _cpe_key(identifier.id)):
                    self.by_cpe.setdefault(key, product)
                elif identifier.type == "purl" and (name := _purl_name(identifier.id)):
                    self.by_purl.setdefault(name, product)

    def product(self, text: str) -> Product | None:
        stripped = text.strip()
        if stripped.lower().startswith("cpe:"):
            key = _cpe_key(stripped.lower())
            return self.by_cpe.get(key) if key else None
        if stripped.lower().startswith("pkg:"):
            name = _purl_name(stripped)
            return (self.by_purl.get(name) or self.by_name.get(normalise(name))) if name else None
        return self.by_name.get(normalise(stripped))


def version_from_identifier(text: str) -> str | None:
    """The version carried inside a purl or CPE, when the inventory gave one there."""
    stripped = text.strip()
    if stripped.lower().startswith("pkg:") and "@" in stripped:
        return stripped.split("@", 1)[1].split("?")[0].split("#")[0] or None
    if stripped.lower().startswith("cpe:2.3:"):
        parts = stripped.split(":")
        return parts[5] if len(parts) > 5 and parts[5] not in {"*", "-"} else None
    if stripped.lower().startswith("cpe:/"):
        parts = stripped[5:].split(":")
        return parts[3] if len(parts) > 3 and parts[3] else None
    return None


def cycle(product: Product, version: str) -> Cycle | None:
    wanted = normalise(version)
    best: Cycle | None = None
    for candidate in product.cycles:
        name = normalise(candidate.cycle)
        if (wanted == name or wanted.startswith(name + ".") or wanted.startswith(name + "-")) and (
            best is None or len(name) > len(normalise(best.cycle))
        ):
            best = candidate
    return best
