"""Export the catalogue as an OSCAL 1.1 catalog (JSON), so GRC tools can import the five rulebooks.

Mapping: a source document is a top-level group; its headings are nested groups while they sit under
headings only; every control is an OSCAL control (children nested), with the verbatim Chinese text as
the `statement` part and zhengan's facts (strength, period, scope, retention) as namespaced props.
Informative entries (definitions, purpose, enactment) are parts of their document's group.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from zhengan import __version__
from zhengan.catalog.loader import Catalog
from zhengan.catalog.schema import Control, Document, Informative, Section
from zhengan.timeutil import utc_now

OSCAL_VERSION = "1.1.2"
NS = "urn:zhengan:catalog"
_UUID_NS = uuid.UUID("6f1c5e0a-3c0b-4a35-9a4b-7a0f0d5e2b11")


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": value}


def _title(entry: Section | Control) -> str:
    return f"{entry.title.zh} {entry.title.en}" if entry.title else entry.citation


def _control(catalog: Catalog, entry: Section | Control) -> dict[str, Any]:
    props = [{"name": "label", "value": entry.id}, _prop("citation", entry.citation)]
    parts: list[dict[str, Any]] = []
    if isinstance(entry, Control):
        props.append(_prop("strength", entry.strength.value))
        if entry.period:
            props.append(_prop("period", entry.period.value))
        props += [_prop("system-scope", s) for s in entry.system_scope]
        props += [_prop("tag", t) for t in entry.tags]
        props += [_prop("retention", r.duration) for r in entry.retention]
        if catalog.foreign_better_standard(entry.id):
            props.append(_prop("foreign-better-standard", "true"))
        parts.append({"id": f"{entry.id}_smt", "name": "statement", "prose": entry.text})
        parts.append({"id": f"{entry.id}_en", "name": "statement-en", "ns": NS, "prose": entry.text_en})
        parts += [
            {"id": f"{entry.id}_evd{i}", "name": "evidence", "ns": NS, "prose": f"{e.zh} / {e.en}"}
            for i, e in enumerate(entry.evidence, 1)
        ]
    else:
        props.append(_prop("class", "heading"))
        if entry.text:
            parts.append({"id": f"{entry.id}_smt", "name": "overview", "prose": entry.text})
    control: dict[str, Any] = {
        "id": entry.id,
        "class": "clause" if isinstance(entry, Control) else "heading",
        "title": _title(entry),
        "props": props,
    }
    if parts:
        control["parts"] = parts
    links = [{"href": f"#{other}", "rel": "related"} for other in catalog.related(entry.id)]
    if links:
        control["links"] = links
    children = [
        _control(catalog, catalog.entry(c)) for c in catalog.children_of(entry.id) if _is_clause(catalog, c)
    ]
    if children:
        control["controls"] = children
    return control


def _is_clause(catalog: Catalog, entry_id: str) -> bool:
    return not isinstance(catalog.entry(entry_id), Informative)


def _group(catalog: Catalog, section: Section) -> dict[str, Any]:
    group: dict[str, Any] = {"id": section.id, "class": "heading", "title": _title(section)}
    group["props"] = [{"name": "label", "value": section.id}, _prop("citation", section.citation)]
    if section.text:
        group["parts"] = [{"id": f"{section.id}_smt", "name": "overview", "prose": section.text}]
    children = [catalog.entry(c) for c in catalog.children_of(section.id) if _is_clause(catalog, c)]
    group.update(_members(catalog, children))
    return group


def _members(catalog: Catalog, children: list[Section | Control]) -> dict[str, Any]:
    """OSCAL lets a group hold sub-groups or controls, not both: mixed children all become controls
    (headings as controls of class "heading")."""
    if children and all(isinstance(c, Section) for c in children):
        return {"groups": [_group(catalog, c) for c in children]}
    if children:
        return {"controls": [_control(catalog, c) for c in children]}
    return {}


def _document_group(catalog: Catalog, document: Document) -> dict[str, Any]:
    group: dict[str, Any] = {
        "id": f"doc-{document.prefix}",
        "class": "source-document",
        "title": f"{document.title.zh} {document.title.en}",
        "props": [_prop("source-file", document.source_file), _prop("issuer", document.issuer.zh)],
    }
    parts = [
        {
            "id": item.id,
            "name": item.kind.value,
            "ns": NS,
            "title": f"{item.term.zh} {item.term.en}" if item.term else item.citation,
            "prose": f"{item.text}\n\n{item.text_en}",
        }
        for item in document.informative
    ]
    if parts:
        group["parts"] = parts
    top = [
        e
        for e in catalog.entries.values()
        if catalog.document_of(e.id) is document and catalog.parent_of(e.id) is None
    ]
    group.update(_members(catalog, [e for e in top if not isinstance(e, Informative)]))
    return group


def to_oscal(catalog: Catalog) -> dict[str, Any]:
    digest = hashlib.sha256(
        json.dumps([d.model_dump(mode="json") for d in catalog.documents], ensure_ascii=False).encode()
    ).hexdigest()
    return {
        "catalog": {
            "uuid": str(uuid.uuid5(_UUID_NS, digest)),
            "metadata": {
                "title": "證安法規目錄：證券期貨業資通安全規範 zhengan catalogue of Taiwan securities and futures cybersecurity rules",
                "last-modified": utc_now().isoformat(timespec="seconds"),
                "version": f"{__version__}+{digest[:12]}",
                "oscal-version": OSCAL_VERSION,
                "props": [_prop("content-sha256", digest)],
            },
            "groups": [_document_group(catalog, d) for d in catalog.documents],
        }
    }


def write_oscal(catalog: Catalog, path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(to_oscal(catalog), handle, ensure_ascii=False, indent=2)
