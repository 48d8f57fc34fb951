"""The layout pass every rendered report goes through (common.finish_report), after the template
has been filled in, so it holds whatever rows and columns the content brought:

- tables: each column as wide as its content asks (the widest cell's text on one line, as far as
  the text width allows; a column never narrower than its longest unbreakable piece: a number, a
  date, a bracketed status such as "2021-07-31（已超期）"), the header row repeated on every page a
  table continues on, no row split across pages; a cell holding a bracketed status does not wrap;
- the close: the last lines of the content, the 落款 and the 版记 kept on one page, and the 版记
  set at the foot of that page (a frame anchored to the bottom margin), never alone at the top of
  a page of its own.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TWIPS_PER_PT = 20
DEFAULT_SIZE_PT = 10.5  # 五号, the tables' size in the templates
DEFAULT_PADDING_TWIPS = 108 * 2  # Word's default left and right cell margins
SAFETY = 1.06  # real glyphs are a little wider than the estimate; a column's text is given this much more
SLACK_EMS = 0.6  # and half a character more, so a text that just fits is not broken by rounding

# pieces a line must not break inside: a date or number with a bracketed remark after it, a
# bracketed remark, a run of Latin letters and digits
UNBREAKABLE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d+(?:天|个|家|周|项|份|次)"
                         r"|[0-9A-Za-z][0-9A-Za-z.,:/%+\-]*(?:（[^（）]{1,12}）)?|.?（[^（）]{1,12}）|[A-Za-z0-9.,:/%+\-]+")
BRACKETED_STATUS = re.compile(r"\d[\d\-./年月日]*（[^（）]{1,12}）")


def em_width(text: str) -> float:
    """The width of `text` in ems, generous (the stand-in faces are wider than Times New Roman): a CJK or
    full-width character 1, a capital 0.75, a digit 0.56, a small letter 0.52, anything else 0.42, and a
    quarter between Chinese and Latin text."""
    width, previous = 0.0, None
    for char in text:
        wide = unicodedata.east_asian_width(char) in "WF"
        if previous is not None and wide != previous and (char.isalnum() or not wide) and char != " ":
            width += 0.25  # Word, WPS and LibreOffice put a quarter space between Chinese and Latin text
        previous = wide
        if wide:
            width += 1.0
        elif char.isupper():
            width += 0.75
        elif char.isdigit():
            width += 0.56
        elif char.isalpha():
            width += 0.52
        else:
            width += 0.42
    return width


SHORT_EMS = 5.5  # a cell text this short (a name, 推进中, 已超期36天) is never broken
BRACKETED_EMS = 12.0  # nor a status with a bracketed remark this short (已报送被退回（待更正）)
BRACKETED = re.compile(r"（[^（）]{1,12}）$")


def longest_unbreakable(text: str, whole: bool = True) -> float:
    """The widest piece of `text` a line may not break inside, in ems: the whole text when it is short,
    else its widest number, date or bracketed remark (at least two CJK characters: 、。） stay with one)."""
    if whole and (em_width(text) <= SHORT_EMS or (BRACKETED.search(text) and em_width(text) <= BRACKETED_EMS)):
        return em_width(text)
    pieces = [em_width(m.group(0)) for m in UNBREAKABLE.finditer(text)]
    cjk = 2.0 if any(unicodedata.east_asian_width(c) in "WF" for c in text) else 0.0  # 、。） stay with a character
    return max([cjk, *pieces])


def column_widths(natural: Sequence[float], minimum: Sequence[float], available: float) -> list[float]:
    """Widths that share `available` between columns: every column its natural width when they all fit
    (the rest shared in proportion), else its minimum plus a share of what remains in proportion to
    how much more it would take; when even the minimums do not fit, the minimums scaled down."""
    natural = [max(n, m) for n, m in zip(natural, minimum)]
    total_natural, total_minimum = sum(natural), sum(minimum)
    if total_natural <= 0:
        return [available / len(natural)] * len(natural)
    if total_natural <= available:
        return [n * available / total_natural for n in natural]
    if total_minimum <= available:
        room = (available - total_minimum) / (total_natural - total_minimum)
        return [m + (n - m) * room for n, m in zip(natural, minimum)]
    return [m * available / total_minimum for m in minimum]


# ── tables ──

def _style_size_pt(paragraph) -> float:
    """The paragraph's font size from its style chain (五号 when none says)."""
    style = paragraph.style
    while style is not None:
        if style.font is not None and style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return DEFAULT_SIZE_PT


def _padding_twips(table) -> int:
    """Left plus right cell margin of a table (its tblCellMar, else Word's default)."""
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    total = 0
    for sides in (("w:left", "w:start"), ("w:right", "w:end")):
        found = [margins.find(qn(t)) for t in sides] if margins is not None else []
        side = next((e for e in found if e is not None and e.get(qn("w:w"))), None)
        total += int(side.get(qn("w:w"))) if side is not None else DEFAULT_PADDING_TWIPS // 2
    return total


def _grid_cells(row) -> list[tuple[int, int, object]]:
    """(first grid column, span, tc element) of each cell of a row."""
    cells, column = [], 0
    for tc in row._tr.findall(qn("w:tc")):
        span_el = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
        span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
        cells.append((column, span, tc))
        column += span
    return cells


def _tc_text_and_size(tc, document) -> tuple[list[str], float]:
    """The lines of a cell's text and its font size (pt)."""
    from docx.text.paragraph import Paragraph

    lines, size = [], DEFAULT_SIZE_PT
    for p in tc.findall(qn("w:p")):
        paragraph = Paragraph(p, document)
        size = _style_size_pt(paragraph)
        runs = [r.font.size.pt for r in paragraph.runs if r.font.size is not None]
        size = max(runs) if runs else size
        lines.extend(paragraph.text.split("\n"))
    return lines, size


def text_width_twips(document) -> int:
    """The width between the margins of the document's last section."""
    section = document.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)  # EMU → twips


def fit_table(table, document, available_twips: int) -> list[int]:
    """Set the table's column widths from its content (fixed layout, full text width); returns them in twips."""
    rows = table.rows
    n = max((sum(span for _, span, _ in _grid_cells(row)) for row in rows), default=0)
    if n == 0:
        return []
    grid = table._tbl.tblGrid
    columns = grid.findall(qn("w:gridCol"))
    if len(columns) != n:  # a column loop ({%tc %}) leaves the template's grid: one gridCol per column
        for column in columns:
            grid.remove(column)
        columns = [OxmlElement("w:gridCol") for _ in range(n)]
        for column in columns:
            grid.append(column)
    natural, minimum = [0.0] * n, [0.0] * n
    padding = _padding_twips(table)
    for r, row in enumerate(rows):
        header = r == 0 and len(rows) > 1
        for column, span, tc in _grid_cells(row):
            if span != 1 or column >= n:
                continue
            lines, size = _tc_text_and_size(tc, document)
            em = size * TWIPS_PER_PT * SAFETY
            widest = max([em_width(line) for line in lines] + [0.0])
            least = max([longest_unbreakable(line, whole=not header) for line in lines] + [0.0])
            if header:  # a header may take two lines (never one character alone on the second)
                least = max(least, math.ceil(widest / 2))
                widest = least
            natural[column] = max(natural[column], (widest + SLACK_EMS) * em + padding)
            minimum[column] = max(minimum[column], (least + SLACK_EMS) * em + padding)
    widths = [int(w) for w in column_widths(natural, minimum, available_twips)]
    for column, width in zip(columns, widths):
        column.set(qn("w:w"), str(width))
    tbl_pr = table._tbl.tblPr
    _set_child(tbl_pr, "w:tblW", {"w:w": str(sum(widths)), "w:type": "dxa"})
    _set_child(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
    for row in rows:
        for column, span, tc in _grid_cells(row):
            width = sum(widths[column:column + span])
            tc_pr = tc.get_or_add_tcPr()
            _set_child(tc_pr, "w:tcW", {"w:w": str(width), "w:type": "dxa"})
    return widths


_TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                "w:tblLayout", "w:tblCellMar", "w:tblLook")
_TCPR_ORDER = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap",
               "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
_TRPR_ORDER = ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
               "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_ORDERS = {qn("w:tblPr"): _TBLPR_ORDER, qn("w:tcPr"): _TCPR_ORDER, qn("w:trPr"): _TRPR_ORDER}


def _set_child(parent, tag: str, attributes: dict[str, str]):
    """The child `tag` of `parent` (added in schema order when missing) with `attributes` set."""
    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        order = _ORDERS.get(parent.tag, ())
        later = order[order.index(tag) + 1:] if tag in order else ()
        following = next((e for e in (parent.find(qn(t)) for t in later) if e is not None), None)
        if following is not None:
            following.addprevious(child)
        else:
            parent.append(child)
    for key, value in attributes.items():
        child.set(qn(key), value)
    return child


def tidy_table(table, document, available_twips: int) -> None:
    """Widths from the content; the header row repeated on each page; no row split; bracketed statuses unwrapped."""
    rows = table.rows
    for r, row in enumerate(rows):
        tr_pr = row._tr.get_or_add_trPr()
        _set_child(tr_pr, "w:cantSplit", {})
        if r == 0 and len(rows) > 1:
            _set_child(tr_pr, "w:tblHeader", {})
        for _, span, tc in _grid_cells(row) if r > 0 else ():
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if BRACKETED_STATUS.search(text) or (BRACKETED.search(text) and em_width(text) <= BRACKETED_EMS):
                _set_child(tc.get_or_add_tcPr(), "w:noWrap", {})
    fit_table(table, document, available_twips)


# ── the close: 落款 and 版记 ──

CLOSING_STYLES = ("落款", "版记")


def _style_name(paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""


def keep_close_together(document) -> int:
    """Keep the close on the page of the content's last lines: every paragraph from the last non-empty
    one before the first 落款 up to the 版记 keeps with the next; the 版记 goes to the foot of the page
    (a frame at the bottom margin). Returns how many paragraphs were tied; 0 when there is no 落款 or 版记."""
    body = document.element.body
    paragraphs = document.paragraphs
    names = [_style_name(p) for p in paragraphs]
    closing = [i for i, name in enumerate(names) if name in CLOSING_STYLES]
    if not closing:
        return 0
    first = closing[0]
    start = first
    while start > 0 and not paragraphs[start - 1].text.strip():
        start -= 1
    start = max(0, start - 1)  # the content's last non-empty paragraph comes along
    # a table right before the close: its last row keeps with what follows (its paragraphs keep with the next)
    last = closing[-1]
    for i in range(start, last):
        paragraphs[i].paragraph_format.keep_with_next = True
        paragraphs[i].paragraph_format.keep_together = True
    imprint = [i for i in closing if names[i] == "版记"]
    if imprint:
        _to_page_foot(paragraphs[imprint[0]], body)
    return last - start


def _to_page_foot(paragraph, body) -> None:
    """Set the 版记 paragraph as a frame at the foot of the page's text area (full text width)."""
    p_pr = paragraph._p.get_or_add_pPr()
    frame = p_pr.find(qn("w:framePr"))
    if frame is None:
        frame = OxmlElement("w:framePr")
        anchor = next((p_pr.find(qn(t)) for t in ("w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr",
                                                 "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")
                       if p_pr.find(qn(t)) is not None), None)
        if anchor is not None:
            anchor.addprevious(frame)
        else:
            p_pr.append(frame)
    for key, value in (("w:wrap", "notBeside"), ("w:vAnchor", "margin"), ("w:hAnchor", "margin"),
                       ("w:yAlign", "bottom"), ("w:xAlign", "center")):
        frame.set(qn(key), value)


def _section_width(sect_pr) -> int | None:
    """The width between the margins a w:sectPr sets, in twips (None when it says nothing)."""
    size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
    if size is None or margins is None or size.get(qn("w:w")) is None:
        return None
    return int(size.get(qn("w:w"))) - int(margins.get(qn("w:left"), 0)) - int(margins.get(qn("w:right"), 0))


def tables_by_section(document) -> list[tuple[object, int]]:
    """Each body table with the text width of the section it lies in (a landscape 附件 is wider)."""
    from docx.table import Table

    body = document.element.body
    found, waiting = [], []
    fallback = text_width_twips(document)
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            waiting.append(Table(child, document._body))
        elif child.tag == qn("w:p"):
            sect_pr = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
            if sect_pr is not None:
                found += [(t, _section_width(sect_pr) or fallback) for t in waiting]
                waiting = []
        elif child.tag == qn("w:sectPr"):
            found += [(t, _section_width(child) or fallback) for t in waiting]
            waiting = []
    return found + [(t, fallback) for t in waiting]


def tidy_layout(document) -> None:
    """The whole layout pass over a rendered document (see the module's docstring)."""
    for table, width in tables_by_section(document):
        tidy_table(table, document, width)
    keep_close_together(document)
