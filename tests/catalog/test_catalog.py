"""The catalogue: valid, verbatim, complete against the sources' own numbering, ids as promised."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.catalog.source_numbering import NUMBERING
from zhengan.catalog.loader import DATA_DIR, CatalogError, load_catalog, validate_catalog
from zhengan.catalog.schema import Control, Period, Strength
from zhengan.catalog.sources import SOURCE_DIR, fold, is_verbatim

SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def test_catalogue_validates_without_problems():
    catalog, problems = validate_catalog()
    assert problems == []
    assert {d.prefix for d in catalog.documents} == {"SR", "ET", "CC17010", "FC", "AP"}


@pytest.mark.parametrize("prefix", list(NUMBERING))
def test_no_numbered_item_of_the_source_is_missing(catalog, prefix):
    expected = NUMBERING[prefix]()
    present = {e for e in catalog.entries if catalog.document_of(e).prefix == prefix}
    missing = [i for i in expected if i not in present]
    assert missing == [], f"{prefix}: numbered items of the source without an entry: {missing}"


@pytest.mark.parametrize("prefix", list(NUMBERING))
def test_every_extra_entry_hangs_under_a_numbered_item(catalog, prefix):
    """Entries the numbering does not name (ET-7.p2, AP-3.1.1) must sit below one it does."""
    expected = set(NUMBERING[prefix]())
    for entry_id, document in ((e, catalog.document_of(e)) for e in catalog.entries):
        if document.prefix == prefix and entry_id not in expected:
            assert catalog.parent_of(entry_id) in expected, entry_id


def test_every_quote_is_an_exact_substring_of_its_source(catalog):
    for document in catalog.documents:
        for control in document.controls:
            assert is_verbatim(control.text, document.source_file), control.id
        for item in document.informative:
            assert is_verbatim(item.text, document.source_file), item.id


def test_bundled_sources_are_the_shared_seeds():
    if not SHARED_SEEDS.is_dir():
        pytest.skip(f"{SHARED_SEEDS} is not beside this checkout")
    for seed in sorted(SHARED_SEEDS.glob("*.txt")):
        assert (SOURCE_DIR / seed.name).read_bytes() == seed.read_bytes(), seed.name


@pytest.mark.parametrize(
    ("control_id", "citation_fragment"),
    [
        ("SR-3.6", "第三條第六款"),
        ("SR-10.1.2", "第十條第一款"),
        ("ET-6.3.1.3", "第六條"),
        ("CC17010-3.2", "(三)"),
        ("CC17010-8.3.5", "(八)"),
        ("CC17010-8.1.3.A", "A"),
        ("FC-7.1.b.c", "7"),
        ("FC-8.3.f", "8"),
        ("FC-12.d", "12"),
        ("AP-3.2", "3"),
        ("AP-4.6.3", "4"),
        ("AP-4.7.1.6", "4"),
        ("AP-8.1", "8"),
        ("ET-4", "第四條"),
    ],
)
def test_control_ids_follow_the_source_numbering(catalog, control_id, citation_fragment):
    control = catalog.control(control_id)
    assert isinstance(control, Control)
    assert citation_fragment in control.citation


def test_known_clauses_carry_their_text_strength_period_and_retention(catalog):
    assert "至少每半年一次" in catalog.control("SR-3.3").text
    assert catalog.control("SR-3.3").period == Period.HALF_YEARLY
    assert catalog.control("SR-3.6").period == Period.DAILY
    assert [r.duration for r in catalog.control("SR-4.1").retention] == ["P3Y"]
    assert [r.duration for r in catalog.control("FC-7.1.b.c").retention] == ["P2M"]
    assert [r.duration for r in catalog.control("CC17010-2.3").retention] == ["P3Y"]
    assert [r.duration for r in catalog.control("AP-8.4").retention] == ["P5Y"]
    assert catalog.control("AP-6").period == Period.YEARLY
    assert catalog.control("AP-2.2").period == Period.EVERY_3_YEARS
    assert any(e.trigger == "major_incident" and e.within == "P3M" for e in catalog.control("AP-3.3").events)
    assert catalog.control("SR-6.5").strength == Strength.MUST
    assert catalog.control("ET-7.p3").strength == Strength.SHOULD  # 宜優先採購取得資安標章之物聯網設備
    assert catalog.control("CC17010-2.7").text.startswith("公司建立網路設備規則應以最小授權及正面表列為原則")


def test_a_clause_that_mixes_must_and_should_records_each_sentence(catalog):
    control = catalog.control("SR-6.8")
    strengths = {part.strength for part in control.sentence_strengths}
    assert strengths == {Strength.MUST, Strength.SHOULD}
    assert control.strength == Strength.MUST


def test_related_links_are_symmetric(catalog):
    assert "CC17010-10.7" in catalog.related("SR-6.8")
    assert "SR-6.8" in catalog.related("CC17010-10.7")
    assert "FC-8.3.e" in catalog.related("SR-6.5") or "SR-6.5" in catalog.related("FC-8.3.e")
    for control_id in catalog.controls:
        for other in catalog.related(control_id):
            assert control_id in catalog.related(other)


def test_children_and_ancestors_follow_ids(catalog):
    assert catalog.parent_of("SR-10.1.2") == "SR-10.1"
    assert "SR-10.1.2" in catalog.children_of("SR-10.1")
    assert catalog.ancestors("CC17010-8.1.3.A")[-3:] == ["CC17010-8", "CC17010-8.1", "CC17010-8.1.3"]


def test_search_finds_chinese_and_english(catalog):
    assert "SR-6.5" in {c.id for c in catalog.search("帳戶鎖定")}
    assert "SR-6.5" in {c.id for c in catalog.search("lock")}
    assert "SR-4.1" in {c.id for c in catalog.search("保存 政策")}  # white space folded as in the source
    assert "AP-8.1" in {c.id for c in catalog.search("風險說明")}  # the source writes 說 as U+F96F


# Broken copies of the catalogue: each defect is reported with file, line and what is wrong.


def _broken_copy(tmp_path: Path, old: str, new: str, file_prefix: str = "000") -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    path = next(target.glob(f"{file_prefix}_*.yaml"))
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_a_quote_that_is_not_verbatim_is_reported_with_its_line(tmp_path):
    data = _broken_copy(tmp_path, "至少保存三年", "至少保存五年")
    _, problems = validate_catalog(data)
    assert any("not verbatim" in p and "000_sr.yaml:" in p and "SR-4.1" in p for p in problems), problems
    with pytest.raises(CatalogError):
        load_catalog.__wrapped__(data)


def test_an_unknown_tag_and_a_dangling_link_are_reported(tmp_path):
    catalog = load_catalog()
    tag = catalog.control("SR-3.3").tags[0]
    data = _broken_copy(tmp_path, f"- {tag}\n", "- no_such_tag\n")
    _, problems = validate_catalog(data)
    assert any("unknown tag 'no_such_tag'" in p for p in problems), problems


def test_an_applicability_expression_with_an_unknown_fact_is_reported(tmp_path):
    data = _broken_copy(tmp_path, "when: first_category", "when: first_categroy")
    _, problems = validate_catalog(data)
    assert any("unknown fact(s) ['first_categroy']" in p for p in problems), problems


def test_a_missing_required_field_names_file_line_and_field(tmp_path):
    data = _broken_copy(tmp_path, "strength: must", "strenght: must")
    _, problems = validate_catalog(data)
    text = "\n".join(problems)
    assert "000_sr.yaml:" in text and "strength" in text and "strenght" in text


def test_fold_removes_tags_and_white_space():
    assert fold("<li>1. 應定期\n 評估</li>") == "1.應定期評估"
