"""Derive every numbered item of the five sources from their own numbering, independently of the catalogue.

Each source numbers differently (第三條 一、(一); (一) 1. (1) A.; 1. (1) a. (a); 1、 1、 1. (1)), so each has
its own small reader here. A marker is accepted only where the numbering expects it (the next number at
its level, or 1 at a new level), which keeps cross-references such as 「(一)、(二)、(六)、(十三)項」 or
「本條第二、三、四款」 from being taken for items.
"""

from __future__ import annotations

import re

from zhengan.catalog.sources import raw_text, strip_tags, text_in_force

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int:
    """一 … 九十九 as an int (enough for article and item numbers)."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN[tens] if tens else 1) * 10 + (_CN[units] if units else 0)
    return _CN[text]


def _file(prefix: str) -> str:
    from zhengan.catalog.sources import source_files

    number = {"SR": "000", "ET": "001", "CC17010": "002", "FC": "003", "AP": "004"}[prefix]
    return next(f for f in source_files() if f.startswith(number))


class Outline:
    """Accepts markers level by level: a marker at level L is taken when it is 1 or the next number."""

    def __init__(self, prefix: str, separator_for_level=lambda level: "."):
        self.prefix = prefix
        self.path: list[str] = []
        self.counters: list[int] = []
        self.ids: list[str] = []

    def accept(self, level: int, number: int, label: str | None = None) -> bool:
        """level 0 is the top; `label` is the id segment (defaults to the number)."""
        if level > len(self.path):
            return False
        current = self.counters[level] if level < len(self.counters) else 0
        if number != current + 1 and not (level == len(self.path) and number == 1):
            return False
        if level == len(self.path) and number == 1 and current != 0 and level < len(self.counters):
            return False
        del self.path[level:]
        del self.counters[level:]
        self.path.append(label or str(number))
        self.counters.append(number)
        self.ids.append(f"{self.prefix}-" + ".".join(self.path))
        return True


def sr_ids() -> list[str]:
    text = raw_text(_file("SR"))
    marker = re.compile(
        r"第(?P<art>[一二三四五六七八九十]+)條\s"
        r"|(?:^|(?<=[。\s]))(?P<item>[一二三四五六七八九十]+)、"
        r"|(?:^|(?<=\s))\((?P<sub>[一二三四五六七八九十]+)\)",
        re.MULTILINE,
    )
    outline = Outline("SR")
    for match in marker.finditer(text):
        if match["art"]:
            outline.accept(0, cn_number(match["art"]))
        elif match["item"]:
            outline.accept(1, cn_number(match["item"]))
        else:
            outline.accept(2, cn_number(match["sub"]))
    return outline.ids


def et_ids() -> list[str]:
    text = raw_text(_file("ET")).split("修正條文對照表")[0]
    marker = re.compile(
        r"^\s*(?:-\s*)?(?:第(?P<art>[一二三四五六七八九十]+)條"
        r"|(?P<item>[一二三四五六七八九十]+)、"
        r"|[（(](?P<sub>[一二三四五六七八九十]+)[）)]"
        r"|(?P<point>\d+)\.)",
        re.MULTILINE,
    )
    outline = Outline("ET")
    for match in marker.finditer(text):
        if match["art"]:
            outline.accept(0, cn_number(match["art"]))
        elif match["item"]:
            outline.accept(1, cn_number(match["item"]))
        elif match["sub"]:
            outline.accept(2, cn_number(match["sub"]))
        else:
            outline.accept(3, int(match["point"]))
    return outline.ids


def cc17010_ids() -> list[str]:
    text = strip_tags(text_in_force(_file("CC17010")))
    text = text.split("並適用於所有證券商", 1)[1]  # the opening line cites (一)(二)(六)(十三) by reference
    marker = re.compile(
        r"\((?P<section>[一二三四五六七八九十]+)\)"
        r"|(?<![\d.])(?P<item>\d{1,2})\.(?!\d)"
        r"|\((?P<sub>\d{1,2})\)"
        r"|(?<![A-Za-z])(?P<letter>[A-H])\.(?![A-Za-z])"
    )
    outline = Outline("CC17010")
    for match in marker.finditer(text):
        if match["section"]:
            outline.accept(0, cn_number(match["section"]))
        elif match["item"]:
            outline.accept(1, int(match["item"]))
        elif match["sub"]:
            outline.accept(2, int(match["sub"]))
        else:
            outline.accept(3, ord(match["letter"]) - ord("A") + 1, match["letter"])
    return outline.ids


def fc_ids() -> list[str]:
    text = raw_text(_file("FC"))
    marker = re.compile(
        r"^\s*(?:(?P<item>\d{1,2})\.(?!\d)"
        r"|\((?P<sub>\d{1,2})\)"
        r"|(?P<letter>[a-z])\.(?![a-z])"
        r"|\((?P<subletter>[a-z])\))",
        re.MULTILINE,
    )
    outline = Outline("FC")
    for match in marker.finditer(text):
        if match["item"]:
            outline.accept(0, int(match["item"]))
        elif match["sub"]:
            outline.accept(1, int(match["sub"]))
        elif match["letter"]:
            letter = match["letter"]
            number = ord(letter) - ord("a") + 1
            # Item 12 lists letters directly under the item (12. a. b. c. d.).
            if not outline.accept(2, number, letter):
                outline.accept(1, number, letter)
        else:
            letter = match["subletter"]
            outline.accept(3, ord(letter) - ord("a") + 1, letter)
    return outline.ids


def ap_ids() -> list[str]:
    text = raw_text(_file("AP"))
    lines = text.splitlines()
    marker = re.compile(r"^\s*(?:(?P<dun>\d)、|(?P<point>\d)\.(?!\d)|\((?P<sub>\d)\))")
    found = [(i, m) for i, line in enumerate(lines) if (m := marker.match(line))]
    outline = Outline("AP")
    section = item = 0
    for position, (_, match) in enumerate(found):
        if match["dun"]:
            number = int(match["dun"])
            following = next((m for _, m in found[position + 1 :] if m["dun"]), None)
            starts_items = following is not None and following["dun"] == "1"
            # 「k、」 is the next section when k follows the section and is not simply the next item,
            # or when the items that follow start again at 1.
            if number == section + 1 and (number != item + 1 or starts_items or section == 0):
                outline.accept(0, number)
                section, item = number, 0
            else:
                outline.accept(1, number)
                item = number
        elif match["point"]:
            outline.accept(2, int(match["point"]))
        else:
            outline.accept(3, int(match["sub"]))
    return outline.ids


NUMBERING = {"SR": sr_ids, "ET": et_ids, "CC17010": cc17010_ids, "FC": fc_ids, "AP": ap_ids}
