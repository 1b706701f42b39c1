"""YAML in, validated models out, with errors that name the file, the line and the field.

PyYAML's composed node tree keeps each key's line; we walk it along a pydantic error's location so a
compliance officer reads 「profile.yaml 第 12 行，欄位 cloud.critical：缺少」 instead of a stack trace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class InputFileError(ValueError):
    """A file that could not be used, with every problem located (file, line, field) in both languages."""

    def __init__(self, path: Path, problems: list[tuple[int | None, str, str]]):
        self.path = path
        self.problems = problems  # (line, field, message)
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"{self.path}: {len(self.problems)} 個錯誤 / {len(self.problems)} error(s)"]
        for line, field, message in self.problems:
            where = f"{self.path}:{line}" if line else str(self.path)
            lines.append(f"  {where} 欄位 field `{field or '(root)'}`: {message}")
        return "\n".join(lines)


def line_of(node: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest node reachable along `location` in a composed YAML tree."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == part), None)
            if match is None:
                break
            key, node = match
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


_MESSAGES_ZH = {
    "missing": "缺少必填欄位",
    "extra_forbidden": "不認得的欄位",
    "bool_type": "須為 true 或 false",
    "bool_parsing": "須為 true 或 false",
    "int_type": "須為整數",
    "int_parsing": "須為整數",
    "string_type": "須為文字",
    "literal_error": "值不在允許範圍內",
    "less_than_equal": "數值過大",
    "greater_than_equal": "數值過小",
    "too_short": "項目不足",
    "value_error": "值不正確",
    "list_type": "須為清單",
    "model_type": "須為對應的欄位集合",
}


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file; a syntax error is reported with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputFileError(path, [(None, "", "找不到檔案 / file not found")]) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(path, [(None, "", "不是 UTF-8 文字檔 / not UTF-8 text")]) from exc
    try:
        return yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputFileError(path, [(line, "", f"YAML 語法錯誤 / YAML syntax error: {exc}")]) from exc


def validation_problems(error: ValidationError, node: yaml.Node | None) -> list[tuple[int | None, str, str]]:
    problems = []
    for item in error.errors():
        location = tuple(item["loc"])
        field = ".".join(str(p) for p in location)
        zh = _MESSAGES_ZH.get(item["type"], "值不正確")
        problems.append((line_of(node, location), field, f"{zh} / {item['msg']}"))
    return problems


def load_model(path: Path, model: type[M]) -> M:
    """Read `path` and validate it as `model`; raise InputFileError naming file, line and field."""
    data, node = read_yaml(path)
    if data is None:
        raise InputFileError(path, [(None, "", "檔案是空的 / the file is empty")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputFileError(path, validation_problems(exc, node)) from exc
