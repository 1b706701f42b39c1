"""Exact match spaces: a rule is a union of disjoint 7-dimensional boxes, and boxes can be subtracted.

Dimensions: source zone, destination zone, source address, destination address, protocol, source port,
destination port. A box is a flat tuple (lo0, hi0, lo1, hi1, …) of inclusive bounds. Zones are numbered
per rule set; `any` zone is the whole zone axis.

`PrefixIndex` finds earlier rules that may intersect a rule without comparing against all of them: each
range lies in one smallest aligned block (a prefix); two ranges intersect only if one's block contains
the other's, so a query looks up the query's own block at coarser levels and the key interval at finer ones.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable

from zhengan.checks.firewall.model import ADDRESS_BITS, Range, Rule, merge_ranges

Box = tuple[int, ...]
DIMENSIONS = 7
ZONE_MAX = (1 << 31) - 1
ANY_ZONE: Range = (0, ZONE_MAX)


class ZoneNumbers:
    """Numbers zone names of one rule set (1, 2, …); the empty tuple means any zone."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def ranges(self, zones: tuple[str, ...]) -> tuple[Range, ...]:
        if not zones or any(z.lower() == "any" for z in zones):
            return (ANY_ZONE,)
        out = []
        for zone in zones:
            number = self.numbers.setdefault(zone, len(self.numbers) + 1)
            out.append((number, number))
        return merge_ranges(out)


def rule_boxes(rule: Rule, zones: ZoneNumbers) -> list[Box]:
    """The rule's match space as disjoint boxes (cross product of its merged per-dimension ranges)."""
    services = sorted({(s.protocol, s.source_ports, s.destination_ports) for s in rule.services})
    boxes: list[Box] = []
    for sz, dz, src, dst in itertools.product(
        zones.ranges(rule.source_zones),
        zones.ranges(rule.destination_zones),
        merge_ranges(rule.sources),
        merge_ranges(rule.destinations),
    ):
        head = (*sz, *dz, *src, *dst)
        pieces: list[Box] = []
        for protocol, sport, dport in services:
            box = (*head, *protocol, *sport, *dport)
            # services may overlap each other: keep the union disjoint
            fresh = [box]
            for existing in pieces:
                fresh = [part for f in fresh for part in subtract(f, existing)]
                if not fresh:
                    break
            pieces.extend(fresh)
        boxes.extend(pieces)
    return boxes


def intersects(a: Box, b: Box) -> bool:
    return (
        a[6] <= b[7] and b[6] <= a[7]  # destination address first: the most selective
        and a[4] <= b[5] and b[4] <= a[5]
        and a[12] <= b[13] and b[12] <= a[13]
        and a[8] <= b[9] and b[8] <= a[9]
        and a[0] <= b[1] and b[0] <= a[1]
        and a[2] <= b[3] and b[2] <= a[3]
        and a[10] <= b[11] and b[10] <= a[11]
    )  # fmt: skip


def subtract(a: Box, b: Box) -> list[Box]:
    """a minus b as disjoint boxes (a itself when they do not intersect)."""
    if not intersects(a, b):
        return [a]
    pieces: list[Box] = []
    current = list(a)
    for k in range(0, 2 * DIMENSIONS, 2):
        lo, hi = current[k], current[k + 1]
        blo, bhi = b[k], b[k + 1]
        if lo < blo:
            piece = current.copy()
            piece[k + 1] = blo - 1
            pieces.append(tuple(piece))
            current[k] = blo
        if hi > bhi:
            piece = current.copy()
            piece[k] = bhi + 1
            pieces.append(tuple(piece))
            current[k + 1] = bhi
    return pieces


def subtract_all(boxes: list[Box], minus: list[Box]) -> tuple[list[Box], bool]:
    """(boxes minus every box of `minus`, whether anything was removed)."""
    changed = False
    for b in minus:
        out: list[Box] = []
        for a in boxes:
            if intersects(a, b):
                changed = True
                out.extend(subtract(a, b))
            else:
                out.append(a)
        boxes = out
        if not boxes:
            break
    return boxes, changed


def any_intersection(a_boxes: list[Box], b_boxes: list[Box]) -> bool:
    return any(intersects(a, b) for a in a_boxes for b in b_boxes)


def is_subset(a_boxes: list[Box], b_boxes: list[Box]) -> bool:
    remaining, _ = subtract_all(a_boxes, b_boxes)
    return not remaining


def hull(boxes: list[Box]) -> Box:
    return tuple(
        (min if k % 2 == 0 else max)(box[k] for box in boxes)  # type: ignore[operator]
        for k in range(2 * DIMENSIONS)
    )


def volume(boxes: Iterable[Box]) -> int:
    total = 0
    for box in boxes:
        size = 1
        for k in range(0, 2 * DIMENSIONS, 2):
            size *= box[k + 1] - box[k] + 1
        total += size
    return total


class PrefixIndex:
    """Ranges of one dimension, each stored under its smallest enclosing aligned block."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.levels: dict[int, dict[int, list[int]]] = {}
        self.sorted_keys: dict[int, list[int]] = {}

    def level(self, value: Range) -> int:
        return self.width - (value[0] ^ value[1]).bit_length()

    def insert(self, item: int, ranges: Iterable[Range]) -> None:
        for value in ranges:
            level = self.level(value)
            key = value[0] >> (self.width - level)
            table = self.levels.setdefault(level, {})
            bucket = table.get(key)
            if bucket is None:
                table[key] = [item]
                bisect.insort(self.sorted_keys.setdefault(level, []), key)
            elif bucket[-1] != item:
                bucket.append(item)

    def query(self, ranges: Iterable[Range], found: set[int]) -> None:
        for lo, hi in ranges:
            for level, table in self.levels.items():
                shift = self.width - level
                first, last = lo >> shift, hi >> shift
                if first == last:
                    bucket = table.get(first)
                    if bucket:
                        found.update(bucket)
                    continue
                keys = self.sorted_keys[level]
                for position in range(bisect.bisect_left(keys, first), bisect.bisect_right(keys, last)):
                    found.update(table[keys[position]])


def selectivity(ranges: Iterable[Range], width: int) -> float:
    """Bits that narrow the widest range: the IPv4 prefix length for addresses (the mapped-IPv4 block
    fixes 96 bits that select nothing), half the fixed bits for ports (rule bases reuse a few ports)."""
    level = min(width - (lo ^ hi).bit_length() for lo, hi in ranges)
    if width == ADDRESS_BITS:
        return max(0, level - 96)
    return level / 2


class RuleIndex:
    """Finds rules that may intersect a rule: each rule is indexed on its most selective dimension."""

    DIMENSION_WIDTHS = ((4, ADDRESS_BITS), (6, ADDRESS_BITS), (12, 16))  # box offset, bit width

    def __init__(self) -> None:
        self.indexes = [PrefixIndex(width) for _, width in self.DIMENSION_WIDTHS]

    @staticmethod
    def _ranges(boxes: list[Box], offset: int) -> list[Range]:
        return list(merge_ranges([(box[offset], box[offset + 1]) for box in boxes]))

    def insert(self, item: int, boxes: list[Box]) -> None:
        best, best_ranges, best_score = 0, None, -1.0
        for number, (offset, width) in enumerate(self.DIMENSION_WIDTHS):
            ranges = self._ranges(boxes, offset)
            score = selectivity(ranges, width) + (0.5 if number == 1 else 0)  # ties: destination
            if score > best_score:
                best, best_ranges, best_score = number, ranges, score
        assert best_ranges is not None
        self.indexes[best].insert(item, best_ranges)

    def query(self, boxes: list[Box]) -> set[int]:
        found: set[int] = set()
        for index, (offset, _) in zip(self.indexes, self.DIMENSION_WIDTHS, strict=True):
            if index.levels:
                index.query(self._ranges(boxes, offset), found)
        return found
