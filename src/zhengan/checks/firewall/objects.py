"""Named objects and groups, resolved with undefined and circular references reported, never guessed.

A parser fills an `ObjectTable` with each object's literal values and the names of its members; `resolve`
flattens a name. A reference that cannot be resolved is returned as a problem string; the rule that uses
it is marked unresolved, so the analysis treats it as matching neither nothing nor everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Definition(Generic[T]):
    values: list[T] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    problems: list[str] = field(
        default_factory=list
    )  # e.g. "fqdn www.example.com cannot be resolved offline"
    line: int | None = None


class ObjectTable(Generic[T]):
    """Objects of one kind (addresses or services) with case-sensitive names."""

    def __init__(self, kind: str, builtin: Callable[[str], list[T] | None] | None = None) -> None:
        self.kind = kind
        self.definitions: dict[str, Definition[T]] = {}
        self.builtin = builtin
        self._cache: dict[str, tuple[tuple[T, ...], tuple[str, ...]]] = {}

    def define(self, name: str, line: int | None = None) -> Definition[T]:
        self._cache.clear()
        definition = self.definitions.get(name)
        if definition is None:
            definition = self.definitions[name] = Definition(line=line)
        return definition

    def __contains__(self, name: str) -> bool:
        return name in self.definitions or (self.builtin is not None and self.builtin(name) is not None)

    def resolve(self, name: str) -> tuple[tuple[T, ...], tuple[str, ...]]:
        """(values, problems) of a name; problems name undefined and circular references."""
        if name in self._cache:
            return self._cache[name]
        values: list[T] = []
        problems: list[str] = []
        self._walk(name, [], values, problems)
        result = (tuple(dict.fromkeys(values)), tuple(dict.fromkeys(problems)))
        self._cache[name] = result
        return result

    def _walk(self, name: str, path: list[str], values: list[T], problems: list[str]) -> None:
        if name in path:
            cycle = " -> ".join([*path[path.index(name) :], name])
            problems.append(f"circular {self.kind} group / 循環參照: {cycle}")
            return
        definition = self.definitions.get(name)
        if definition is None:
            builtin = self.builtin(name) if self.builtin else None
            if builtin is None:
                problems.append(f"undefined {self.kind} / 未定義物件: {name}")
            else:
                values.extend(builtin)
            return
        values.extend(definition.values)
        problems.extend(f"{name}: {problem}" for problem in definition.problems)
        for member in definition.members:
            self._walk(member, [*path, name], values, problems)
