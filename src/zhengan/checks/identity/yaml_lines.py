"""Validate a YAML file against a pydantic model, naming the file, line and field of the first error."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from zhengan.checks.identity.input_errors import ReadError
from zhengan.checks.identity.readers.text_files import read_text
from zhengan.checks.result import SourceRef
from zhengan.text import Text

Model = TypeVar("Model", bound=BaseModel)


def _lines(node: yaml.Node, path: tuple[Any, ...], found: dict[tuple[Any, ...], int]) -> None:
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found[(*path, key.value)] = key.start_mark.line + 1
            _lines(value, (*path, key.value), found)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*path, index), found)


def line_of(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    for end in range(len(loc), -1, -1):
        key = tuple(loc[:end])
        if key in lines:
            return lines[key]
    return None


def load_yaml_model(path: Path, model: type[Model]) -> tuple[Model, dict[tuple[Any, ...], int]]:
    text = read_text(path)
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ReadError(
            SourceRef(file=str(path), line=None if mark is None else mark.line + 1),
            Text(
                zh=f"YAML 格式錯誤：{getattr(exc, 'problem', exc)}",
                en=f"invalid YAML: {getattr(exc, 'problem', exc)}",
            ),
        ) from exc
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _lines(node, (), lines)
    try:
        return model.model_validate(data or {}), lines
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or "(root)"
        raise ReadError(
            SourceRef(file=str(path), line=line_of(lines, loc), field=field),
            Text(zh=f"{field}：{first['msg']}", en=f"{field}: {first['msg']}"),
        ) from exc
