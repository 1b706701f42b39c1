"""Firm profiles: every field required, unknown fields refused, errors name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from zhengan.profile import FACTS, FirmProfile, load_profile
from zhengan.yamlutil import InputFileError

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "profiles" / "first_category_securities.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "firm.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_example_profile_loads(profiles):
    assert set(profiles) == {
        "first_category_securities",
        "second_category_securities",
        "futures_internet",
        "futures_no_internet",
        "foreign_branch",
    }


def test_facts_cover_every_name_the_expressions_may_use(profiles):
    for profile in profiles.values():
        assert set(profile.facts()) == set(FACTS)


def test_a_missing_field_is_named_with_its_line(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("  critical: true\n", "")
    with pytest.raises(InputFileError) as caught:
        load_profile(_write(tmp_path, text))
    message = caught.value.describe()
    assert "cloud.critical" in message
    assert "缺少必填欄位" in message and "Field required" in message
    assert "firm.yaml:" in message  # the line of the `cloud` mapping


def test_an_unknown_field_is_refused_with_its_line(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8") + "internet_orderng: true\n"
    with pytest.raises(InputFileError) as caught:
        load_profile(_write(tmp_path, text))
    line_count = text.count("\n")
    assert f"firm.yaml:{line_count}" in caught.value.describe()
    assert "internet_orderng" in caught.value.describe()


def test_nothing_defaults_silently():
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for field in FirmProfile.model_fields:
        partial = {k: v for k, v in data.items() if k != field}
        with pytest.raises(ValueError, match=field):
            FirmProfile.model_validate(partial)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"securities_category": None}, "securities_category"),
        ({"kinds": ["futures"], "futures_broker": False}, "securities_category"),
        ({"better_group_standard": "X"}, "better_group_standard"),
        ({"futures_broker": True}, "futures_broker"),
        ({"internet_ordering": ["futures"]}, "internet_ordering"),
        ({"security_tier": 6}, "security_tier"),
    ],
)
def test_inconsistent_answers_are_refused(change, message):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) | change
    with pytest.raises(ValueError, match=message):
        FirmProfile.model_validate(data)


def test_internet_ordering_may_name_the_kinds(profiles):
    data = profiles["first_category_securities"].model_dump() | {
        "kinds": ["securities", "futures"],
        "internet_ordering": ["securities"],
    }
    profile = FirmProfile.model_validate(data)
    facts = profile.facts()
    assert facts["securities_internet_ordering"] is True
    assert facts["futures_internet_ordering"] is False
    assert facts["internet_ordering"] is True


def test_a_yaml_syntax_error_names_the_line(tmp_path):
    with pytest.raises(InputFileError) as caught:
        load_profile(_write(tmp_path, "name: x\nkinds: [securities\n"))
    assert "YAML" in caught.value.describe()
