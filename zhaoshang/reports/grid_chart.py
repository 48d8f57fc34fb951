"""The 挂图作战 picture of the weekly digest: projects × procedures, one coloured cell per state.

Drawn with Pillow rather than matplotlib: a page holds about 350 labels, and matplotlib lays
out every one of them as an artist (≈0.35 s a page, eight pages for 200 projects), where
Pillow draws the same page in a few hundredths of a second. The picture is laid out in
pixels at DPI, so it prints sharp at the width the digest gives it (156 mm ≈ 1,230 px).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DPI = 200
WIDTH_PX = 1260  # 6.3 in at 200 dpi
ROW_PX = 54  # 0.27 in a project
TEXT_PT, NOTE_PT = 8, 6.5
LINE, HATCH, INK = "#7F7F7F", "#8C8C8C", "#000000"
COLOURS = {"done": "#5A9E3A", "in_progress": "#2E75B6", "not_started": "#BFBFBF", "overdue": "#C00000",
           "not_applicable": "#FFFFFF", "missing": "#FFFFFF"}
LEGEND = [("done", "已办结"), ("in_progress", "办理中"), ("not_started", "未启动"), ("overdue", "超期未办结"),
          ("not_applicable", "不涉及"), ("missing", "未填报")]


@dataclass(frozen=True)
class Face:
    """One face of an installed font file (a .ttc holds several: JP, KR, SC …)."""

    path: str
    index: int


def _px(points: float) -> int:
    return round(points * DPI / 72)


def _font(face: Face, points: float):
    """A font of its own for each page (0.6 ms): pages are drawn on two threads, and a FreeType face is not shared."""
    from PIL import ImageFont

    return ImageFont.truetype(face.path, _px(points), index=face.index, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=8)
def font_faces(family: str) -> tuple[Face, Face]:
    """The regular and bold faces of an installed `family` (the regular one twice when it has no bold)."""
    from matplotlib import font_manager
    from PIL import ImageFont

    entries = sorted((f for f in font_manager.fontManager.ttflist if f.name == family and f.style == "normal"),
                     key=lambda f: abs(int(f.weight) - 400) if str(f.weight).isdigit() else 500)
    if not entries:
        raise LookupError(f"font family {family!r} is not installed")

    def face(path: str) -> Face:
        for index in range(64):  # a .ttc: the face whose family is `family`
            try:
                if ImageFont.truetype(path, 10, index=index).getname()[0] == family:
                    return Face(path, index)
            except OSError:
                break
        return Face(path, 0)

    bold = [f for f in entries if str(f.weight).isdigit() and int(f.weight) >= 700]
    regular = face(entries[0].fname)
    return regular, (face(bold[0].fname) if bold else regular)


def _cell_label(procedure: str) -> list[str]:
    """Four-character procedure names on two lines (公司 / 注册) so eleven columns fit the page."""
    return [procedure[:2], procedure[2:]] if len(procedure) == 4 else [procedure]


def row_label(code: str, name: object, longest: int = 12) -> str:
    """A row label "P1 风电装备项目", shortened with … beyond `longest` characters of name."""
    name = name if isinstance(name, str) else ""
    return f"{code} {name[:longest]}{'…' if len(name) > longest else ''}"


def _hatched(width: int, height: int, step: int = 12):
    """A white cell crossed by thin diagonal lines (不涉及), pasted wherever such a cell is."""
    from PIL import Image, ImageDraw

    tile = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(tile)
    for x in range(-height, width, step):
        draw.line([(x, height), (x + height, 0)], fill=HATCH, width=2)
    return tile


def draw_grid(grid: pd.DataFrame, names: Mapping[str, object], path: Path, faces: Sequence[Face]) -> Path:
    """One page of the grid as a PNG: row labels, two-line procedure headers, coloured cells with their
    notes ("超N天" in bold, "本周"), and the legend below."""
    from PIL import Image, ImageDraw

    regular, bold = faces
    text, note, note_bold = _font(regular, TEXT_PT), _font(regular, NOTE_PT), _font(bold, NOTE_PT)
    codes = list(dict.fromkeys(grid["project_code"]))
    procedures = list(dict.fromkeys(grid["procedure"]))
    labels = [row_label(c, names.get(c)) for c in codes]
    line_px = round(_px(TEXT_PT) * 1.25)
    pad = 10
    label_px = max(round(text.getlength(label)) for label in labels) + 2 * pad
    left, top = label_px, pad + 2 * line_px + pad
    cell_px = (WIDTH_PX - left - pad) // len(procedures)
    bottom = top + ROW_PX * len(codes)
    height = bottom + 3 * pad + line_px + pad

    image = Image.new("RGB", (WIDTH_PX, height), "white")
    draw = ImageDraw.Draw(image)
    for j, procedure in enumerate(procedures):  # headers, bottom-aligned above their column
        parts = _cell_label(procedure)
        for k, part in enumerate(parts):
            y = top - pad - (len(parts) - k - 0.5) * line_px
            draw.text((left + (j + 0.5) * cell_px, y), part, font=text, fill=INK, anchor="mm")
    for i, label in enumerate(labels):
        draw.text((left - pad, top + (i + 0.5) * ROW_PX), label, font=text, fill=INK, anchor="rm")

    row_of, column_of = {c: i for i, c in enumerate(codes)}, {p: j for j, p in enumerate(procedures)}
    hatch = _hatched(cell_px, ROW_PX)
    for code, procedure, state, mark in zip(grid["project_code"], grid["procedure"], grid["state"], grid["note"]):
        x, y = left + column_of[procedure] * cell_px, top + row_of[code] * ROW_PX
        if state == "not_applicable":
            image.paste(hatch, (x, y))
        else:
            draw.rectangle([x, y, x + cell_px, y + ROW_PX], fill=COLOURS.get(state, "white"))
        if isinstance(mark, str) and mark:
            draw.text((x + cell_px / 2, y + ROW_PX / 2), mark, font=note_bold if state == "overdue" else note,
                      fill="white", anchor="mm")
    right = left + cell_px * len(procedures)
    for j in range(len(procedures) + 1):  # grid lines over the cells
        draw.line([(left + j * cell_px, top), (left + j * cell_px, bottom)], fill=LINE, width=2)
    for i in range(len(codes) + 1):
        draw.line([(left, top + i * ROW_PX), (right, top + i * ROW_PX)], fill=LINE, width=2)

    swatch_w, swatch_h, gap = 44, 22, 28  # the legend, centred under the grid
    widths = [swatch_w + pad + round(text.getlength(label)) for _, label in LEGEND]
    x, y = (WIDTH_PX - sum(widths) - gap * (len(widths) - 1)) // 2, bottom + 3 * pad + line_px // 2
    for (state, label), width in zip(LEGEND, widths):
        box = [x, y - swatch_h // 2, x + swatch_w, y + swatch_h // 2]
        if state == "not_applicable":
            image.paste(_hatched(swatch_w, swatch_h), (x, box[1]))
        else:
            draw.rectangle(box, fill=COLOURS[state])
        draw.rectangle(box, outline=LINE, width=2)
        draw.text((x + swatch_w + pad, y), label, font=text, fill=INK, anchor="lm")
        x += width + gap

    image.save(path, format="PNG", dpi=(DPI, DPI), compress_level=1)  # zlib level 6 took 3× as long for 10% less
    return path
