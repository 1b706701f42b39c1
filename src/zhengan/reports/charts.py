"""Small bar charts for reports: SVG for HTML/PDF, PNG (Pillow, Noto CJK) for DOCX.

Hand-drawn on purpose: a horizontal bar chart of a few counts does not need a plotting library, and the
Chinese labels need the CJK font that the PDF uses too.
"""

from __future__ import annotations

import html
import io
import subprocess
from functools import cache

BAR_COLOURS = ["#b91c1c", "#ea580c", "#ca8a04", "#2563eb", "#6b7280"]


def bar_chart_svg(title: str, series: list[tuple[str, int]], width: int = 300, bar: int = 18) -> str:
    label_width, gap, top = 90, 6, 26
    height = top + len(series) * (bar + gap) + 8
    peak = max([count for _, count in series] + [1])
    usable = width - label_width - 40
    rows = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' aria-label='{html.escape(title)}'>",
        f"<text x='0' y='16' font-size='12' font-weight='bold'>{html.escape(title)}</text>",
    ]
    for index, (name, count) in enumerate(series):
        y = top + index * (bar + gap)
        length = round(usable * count / peak)
        colour = BAR_COLOURS[index % len(BAR_COLOURS)]
        rows.append(f"<text x='0' y='{y + bar - 5}' font-size='11'>{html.escape(name)}</text>")
        rows.append(f"<rect x='{label_width}' y='{y}' width='{length}' height='{bar}' fill='{colour}'/>")
        rows.append(f"<text x='{label_width + length + 4}' y='{y + bar - 5}' font-size='11'>{count}</text>")
    rows.append("</svg>")
    return "".join(rows)


@cache
def _cjk_font_path() -> str | None:
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK TC"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found or None


def bar_chart_png(title: str, series: list[tuple[str, int]], width: int = 900, bar: int = 44) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    path = _cjk_font_path()
    font = ImageFont.truetype(path, 26) if path else ImageFont.load_default()
    bold = ImageFont.truetype(path, 30) if path else font
    label_width, gap, top = 240, 14, 64
    height = top + len(series) * (bar + gap) + 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((0, 10), title, fill="black", font=bold)
    peak = max([count for _, count in series] + [1])
    usable = width - label_width - 90
    for index, (name, count) in enumerate(series):
        y = top + index * (bar + gap)
        length = round(usable * count / peak)
        draw.text((0, y + 6), name, fill="black", font=font)
        draw.rectangle(
            [label_width, y, label_width + max(length, 1), y + bar],
            fill=BAR_COLOURS[index % len(BAR_COLOURS)],
        )
        draw.text((label_width + length + 10, y + 6), str(count), fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
