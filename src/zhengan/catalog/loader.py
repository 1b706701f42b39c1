"""Load the catalogue: read each document's YAML, validate it, and check it against its source.

`load_catalog()` returns a `Catalog` only when every check holds: every quote is verbatim, every
tag, scope and trigger is in the vocabulary, every applicability expression uses known facts, every
related id exists. `validate_catalog()` returns the problems instead of raising, for the CLI.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from zhengan.catalog import expression
from zhengan.catalog.schema import Applicability, Control, Document, Informative, Section, Vocabulary
from zhengan.catalog.sources import fold, is_verbatim, source_path
from zhengan.profile import FACTS
from zhengan.yamlutil import InputFileError, line_of, load_model, read_yaml

DATA_DIR = Path(__file__).parent / "data"
VOCABULARY_FILE = "vocabulary.yaml"

Entry = Section | Control | Informative


class CatalogError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Catalog:
    documents: list[Document]
    vocabulary: Vocabulary
    entries: dict[str, Entry] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)
    _document_of: dict[str, Document] = field(default_factory=dict)
    _children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _parent: dict[str, str | None] = field(default_factory=dict)
    _related: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for document in self.documents:
            for entry in [*document.sections, *document.controls, *document.informative]:
                self.entries[entry.id] = entry
                self._document_of[entry.id] = document
                if isinstance(entry, Control):
                    self.controls[entry.id] = entry
        for entry_id in self.entries:
            parent = _parent_id(entry_id, self.entries)
            self._parent[entry_id] = parent
            if parent is not None:
                self._children[parent].append(entry_id)
        related: dict[str, set[str]] = defaultdict(set)
        for control in self.controls.values():
            for other in control.related:
                if other in self.entries and other != control.id:
                    related[control.id].add(other)
                    related[other].add(control.id)
        order = {entry_id: i for i, entry_id in enumerate(self.entries)}
        self._related = {k: sorted(v, key=lambda i: order[i]) for k, v in related.items()}

    # Look-ups -----------------------------------------------------------------------------------
    def control(self, control_id: str) -> Control:
        try:
            return self.controls[control_id]
        except KeyError:
            raise KeyError(f"no control {control_id!r} in the catalogue / 目錄中無此控制項") from None

    def entry(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def document_of(self, entry_id: str) -> Document:
        return self._document_of[entry_id]

    def document(self, prefix: str) -> Document:
        for document in self.documents:
            if document.prefix == prefix:
                return document
        raise KeyError(prefix)

    def parent_of(self, entry_id: str) -> str | None:
        return self._parent[entry_id]

    def children_of(self, entry_id: str) -> list[str]:
        return list(self._children.get(entry_id, []))

    def ancestors(self, entry_id: str) -> list[str]:
        """Parents from the outermost to the nearest."""
        chain = []
        parent = self._parent[entry_id]
        while parent is not None:
            chain.append(parent)
            parent = self._parent[parent]
        return chain[::-1]

    def related(self, entry_id: str) -> list[str]:
        return list(self._related.get(entry_id, []))

    def conditions(self, entry_id: str) -> list[Applicability]:
        """Every condition that must hold for the entry to bind: document, ancestors, then its own."""
        chain = [self.document_of(entry_id).applicability]
        for entry in [*(self.entries[a] for a in self.ancestors(entry_id)), self.entries[entry_id]]:
            condition = getattr(entry, "applicability", None)
            if condition is not None:
                chain.append(condition)
        return chain

    def foreign_better_standard(self, control_id: str) -> bool:
        """The clause or one of its parents says a foreign firm's better standard may be followed."""
        ids = [*self.ancestors(control_id), control_id]
        return any(getattr(self.entries[i], "foreign_better_standard", False) for i in ids)

    def search(self, text: str) -> list[Control]:
        """Controls whose id, citation, title or text (Chinese or English) contain `text`."""
        # NFKC so that compatibility ideographs in the sources (AP-8.1's U+F96F) match the ordinary character.
        needle = unicodedata.normalize("NFKC", text.strip()).casefold()
        folded = unicodedata.normalize("NFKC", fold(text))
        found = []
        for control in self.controls.values():
            haystack = " ".join(
                [
                    control.id,
                    control.citation,
                    control.text_en,
                    *((control.title and [control.title.zh, control.title.en]) or []),
                ]
            ).casefold()
            haystack = unicodedata.normalize("NFKC", haystack)
            if needle in haystack or (folded and folded in unicodedata.normalize("NFKC", fold(control.text))):
                found.append(control)
        return found

    def tag_label(self, tag: str):
        return self.vocabulary.tags[tag].label

    def scope_label(self, scope: str):
        return self.vocabulary.system_scopes[scope].label

    def trigger_label(self, trigger: str):
        return self.vocabulary.triggers[trigger].label

    def counts(self) -> dict[str, Counter[str]]:
        """Per document prefix: controls, sections, informative entries and controls per strength."""
        result = {}
        for document in self.documents:
            counts: Counter[str] = Counter(
                controls=len(document.controls),
                sections=len(document.sections),
                informative=len(document.informative),
            )
            counts.update(f"strength.{c.strength.value}" for c in document.controls)
            result[document.prefix] = counts
        return result


def _parent_id(entry_id: str, entries: dict[str, Entry]) -> str | None:
    candidate = entry_id
    while "." in candidate:
        candidate = candidate.rsplit(".", 1)[0]
        if candidate in entries:
            return candidate
    return None


def _document_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.glob("*.yaml") if p.name != VOCABULARY_FILE)


def _check_document(path: Path, document: Document, vocabulary: Vocabulary) -> list[str]:
    problems: list[str] = []
    _, node = read_yaml(path)
    source = document.source_file
    if not source_path(source).exists():
        return [f"{path}: source_file {source!r} is not among the bundled sources / 來源檔不存在"]

    def where(kind: str, index: int) -> str:
        line = line_of(node, (kind, index))
        return f"{path}:{line}" if line else str(path)

    def quote(loc: str, entry_id: str, label: str, text: str | None) -> None:
        if text is not None and not is_verbatim(text, source):
            problems.append(f"{loc} {entry_id} {label}: not verbatim in {source} / 非來源原文: {text[:40]}…")

    def condition(loc: str, entry_id: str, applicability: Applicability | None) -> None:
        if applicability is None:
            return
        quote(loc, entry_id, "applicability.condition.zh", applicability.condition.zh)
        try:
            unknown = expression.names(expression.parse(applicability.when)) - set(FACTS)
        except expression.ExpressionError as exc:
            problems.append(f"{loc} {entry_id} applicability.when: {exc}")
            return
        if unknown:
            problems.append(
                f"{loc} {entry_id} applicability.when: unknown fact(s) {sorted(unknown)} / 未知條件"
            )

    condition(str(path), document.prefix, document.applicability)
    for index, section in enumerate(document.sections):
        loc = where("sections", index)
        quote(loc, section.id, "text", section.text)
        condition(loc, section.id, section.applicability)
    for index, item in enumerate(document.informative):
        loc = where("informative", index)
        quote(loc, item.id, "text", item.text)
    for index, control in enumerate(document.controls):
        loc = where("controls", index)
        quote(loc, control.id, "text", control.text)
        quote(loc, control.id, "period_text", control.period_text)
        condition(loc, control.id, control.applicability)
        for event in control.events:
            quote(loc, control.id, "events.text", event.text)
            if event.trigger not in vocabulary.triggers:
                problems.append(f"{loc} {control.id}: unknown trigger {event.trigger!r} / 未定義的事件")
        for retention in control.retention:
            quote(loc, control.id, "retention.text", retention.text)
        for part in control.sentence_strengths:
            if fold(part.text) not in fold(control.text):
                problems.append(
                    f"{loc} {control.id}: sentence_strengths text is not part of the control's text"
                )
        for tag in control.tags:
            if tag not in vocabulary.tags:
                problems.append(f"{loc} {control.id}: unknown tag {tag!r} / 未定義的標籤")
        for scope in control.system_scope:
            if scope not in vocabulary.system_scopes:
                problems.append(f"{loc} {control.id}: unknown system scope {scope!r} / 未定義的系統範圍")
    return problems


def validate_catalog(data_dir: Path = DATA_DIR) -> tuple[Catalog | None, list[str]]:
    """Load and check every document; return the catalogue (if it could be built) and the problems."""
    problems: list[str] = []
    try:
        vocabulary = load_model(data_dir / VOCABULARY_FILE, Vocabulary)
    except InputFileError as exc:
        return None, [exc.describe()]
    documents: list[Document] = []
    for path in _document_files(data_dir):
        try:
            document = load_model(path, Document)
        except InputFileError as exc:
            problems.append(exc.describe())
            continue
        problems.extend(_check_document(path, document, vocabulary))
        documents.append(document)
    prefixes = Counter(d.prefix for d in documents)
    problems.extend(f"prefix {p} appears in {n} files / 前綴重複" for p, n in prefixes.items() if n > 1)
    all_ids = Counter(e.id for d in documents for e in [*d.sections, *d.controls, *d.informative])
    problems.extend(f"id {i} appears {n} times / 編號重複" for i, n in all_ids.items() if n > 1)
    catalog = Catalog(documents=documents, vocabulary=vocabulary)
    for control in catalog.controls.values():
        for other in control.related:
            if other not in catalog.entries:
                problems.append(f"{control.id}: related id {other!r} does not exist / 關聯編號不存在")
            elif other == control.id:
                problems.append(f"{control.id}: related to itself / 不得關聯自身")
    return catalog, problems


@cache
def load_catalog(data_dir: Path = DATA_DIR) -> Catalog:
    """The validated catalogue (cached). Raises CatalogError listing every problem."""
    catalog, problems = validate_catalog(data_dir)
    if problems or catalog is None:
        raise CatalogError(problems)
    return catalog
