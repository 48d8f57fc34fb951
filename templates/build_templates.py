"""Build the report templates in templates/ reproducibly (python-docx): `python templates/build_templates.py`.

The .docx files written here are real Word documents carrying docxtpl (Jinja) tags;
office staff may restyle them in Word or WPS (fonts, sizes, wording around the tags)
without touching code. Re-running this script overwrites their edits, so once staff own
a template, edit the .docx and stop regenerating it.

Layout follows GB/T 9704-2012 (党政机关公文格式): A4, margins top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm; red issuer line (文头) and red rule; title in 小标宋; body in
仿宋 三号 on a fixed 28 pt line pitch; first-level headings in 黑体; tables in 宋体;
page numbers "— 1 —" in 宋体 四号 at the foot. East Asian fonts are set on every style
and every run (w:rFonts w:eastAsia), with w:lang w:eastAsia="zh-CN", so a machine without
the named fonts (LibreOffice on Linux) substitutes a CJK font instead of showing boxes.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent

LATIN = "Times New Roman"
BODY = "仿宋_GB2312"  # 仿宋 (FangSong) where 仿宋_GB2312 is not installed
HEADING = "黑体"
TITLE = "方正小标宋简体"
TABLE = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)
SAN_HAO, SI_HAO, XIAO_SI, WU_HAO, ER_HAO = Pt(16), Pt(14), Pt(12), Pt(10.5), Pt(22)  # 三号, 四号, 小四, 五号, 二号
LINE = Pt(28)  # fixed line pitch of the body (22 lines on the GB/T 9704 type area)
# w:pPr children in schema order (ECMA-376 CT_PPrBase); Word refuses a part whose order is wrong
PPR_SEQUENCE = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
                "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
                "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


# ── low-level XML helpers ──

def set_fonts(element, east_asia: str, latin: str = LATIN) -> None:
    """Set w:rFonts (ascii, hAnsi, eastAsia, cs) on a style's or run's rPr."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def set_east_asian_lang(rpr) -> None:
    """Mark text as Simplified Chinese so renderers pick a Chinese font for substitution."""
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def insert_ordered(parent, child, sequence: tuple[str, ...]) -> None:
    """Insert `child` into `parent` where the OOXML schema sequence puts it (Word rejects misordered parts)."""
    tag = child.tag.split("}")[1]
    successors = sequence[sequence.index(f"w:{tag}") + 1:]
    parent.insert_element_before(child, *successors)


def paragraph_border(paragraph, side: str, size_eighths: int, color: str, space: int = 1) -> None:
    """A single-line paragraph border (sz in eighths of a point) on one side."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        insert_ordered(ppr, borders, PPR_SEQUENCE)
    line = OxmlElement(f"w:{side}")
    for attr, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", str(space)), ("w:color", color)):
        line.set(qn(attr), value)
    borders.append(line)


def indent_chars(style, first_line_chars: int) -> None:
    """First-line indent in characters (w:firstLineChars, hundredths), e.g. 200 = 空两字."""
    ind = style.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(first_line_chars))
    ind.set(qn("w:firstLine"), str(int(SAN_HAO.pt * 20 * first_line_chars / 100)))


def snap_off(style) -> None:
    """Do not snap to the document grid (keeps table and figure rows compact)."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    insert_ordered(style.element.get_or_add_pPr(), snap, PPR_SEQUENCE)


# ── styles ──

def paragraph_style(doc, name: str, font: str, size, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=LINE,
                    indent: int = 0, color: RGBColor | None = None, bold: bool = False, before: float = 0,
                    after: float = 0, keep_next: bool = False):
    """A named paragraph style with its East Asian font, size, alignment and spacing."""
    style = doc.styles[name] if name in [s.name for s in doc.styles] else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = doc.styles["Normal"]
    style.font.size = size
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    set_fonts(style.element, font)
    fmt = style.paragraph_format
    fmt.alignment = align
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep_next
    fmt.widow_control = True
    indent_chars(style, indent)  # explicit 0 too: Word inherits firstLineChars from Normal otherwise
    return style


def define_styles(doc) -> None:
    """Every style the bulletin uses, Chinese fonts on each (names are what staff see in Word's style list)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_east_asian_lang(rpr_default)
    fonts = rpr_default.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr_default.insert(0, fonts)
    for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", BODY), ("w:cs", LATIN)):
        fonts.set(qn(attr), value)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    paragraph_style(doc, "Normal", BODY, SAN_HAO, indent=200)
    paragraph_style(doc, "文头", TITLE, Pt(26), align=WD_ALIGN_PARAGRAPH.CENTER, line=None, color=RED, after=6)
    paragraph_style(doc, "期号", BODY, SAN_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, after=18)
    paragraph_style(doc, "通报标题", TITLE, ER_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(35), before=12, after=18)
    paragraph_style(doc, "主送", BODY, SAN_HAO, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(doc, "正文", BODY, SAN_HAO, indent=200)
    paragraph_style(doc, "一级标题", HEADING, SAN_HAO, indent=200, keep_next=True)
    paragraph_style(doc, "二级标题", "楷体_GB2312", SAN_HAO, indent=200, keep_next=True)
    paragraph_style(doc, "表题", HEADING, SI_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=6, after=4,
                    keep_next=True)
    paragraph_style(doc, "图题", HEADING, SI_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=2, after=8)
    paragraph_style(doc, "图片", BODY, SAN_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True, before=8)
    paragraph_style(doc, "表注", BODY, XIAO_SI, align=WD_ALIGN_PARAGRAPH.LEFT, line=None, before=3)
    paragraph_style(doc, "落款", BODY, SAN_HAO, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)  # 落款 and 版记 on one page
    paragraph_style(doc, "版记", BODY, SI_HAO, align=WD_ALIGN_PARAGRAPH.LEFT, line=None, before=6)
    # keep_next on table text keeps a short table on one page (and with what follows it)
    paragraph_style(doc, "表头", HEADING, WU_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True)
    paragraph_style(doc, "表格文字", TABLE, WU_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True)
    paragraph_style(doc, "表格数字", TABLE, WU_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True)
    paragraph_style(doc, "表格左对齐", TABLE, WU_HAO, align=WD_ALIGN_PARAGRAPH.LEFT, line=None, keep_next=True)
    paragraph_style(doc, "页码", TABLE, SI_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    for name in ("表题", "图题", "图片", "表注", "版记", "表头", "表格文字", "表格数字", "表格左对齐", "页码"):
        snap_off(doc.styles[name])


# ── content helpers ──

def para(container, text: str, style: str, font: str | None = None):
    """A paragraph in `style` holding one run of `text` (one run keeps Jinja tags intact)."""
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        set_fonts(run._element, font or style_font(container, style))
        set_east_asian_lang(run._element.get_or_add_rPr())
    return paragraph


def style_font(container, style: str) -> str:
    """The East Asian font a style declares (runs repeat it, so Word and WPS keep it after restyling)."""
    element = container.part._document_part.styles[style].element
    fonts = element.rPr.find(qn("w:rFonts")) if element.rPr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else BODY


def cell_text(cell, text: str, style: str) -> None:
    """Replace a cell's content with one paragraph of `text` in `style`."""
    cell.paragraphs[0].style = cell.part.document.styles[style]
    if text:
        run = cell.paragraphs[0].add_run(text)
        set_fonts(run._element, style_font(cell, style))
        set_east_asian_lang(run._element.get_or_add_rPr())
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def table_borders(table, size_eighths: int = 6) -> None:
    """Single black borders on every edge and inside line of a table."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for attr, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "0"), ("w:color", "000000")):
            line.set(qn(attr), value)
        borders.append(line)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")


def cell_margins(table, side_mm: float = 1.0) -> None:
    """Narrow left/right cell padding (Word's default 1.9 mm wraps ten-character group names)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(int(Mm(side_mm).twips)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on each page."""
    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    row.height = Mm(8)


def data_table(doc, header: list[str], body: list[list[tuple[str, str]]], widths_mm: list[float]):
    """A bordered, centred table: a header row, then body rows of (text, style) cells."""
    table = doc.add_table(rows=1 + len(body), cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table_borders(table)
    cell_margins(table)
    for i, text in enumerate(header):
        cell_text(table.rows[0].cells[i], text, "表头")
    row_flags(table.rows[0], header=True)
    for r, cells in enumerate(body, start=1):
        for i, (text, style) in enumerate(cells):
            cell_text(table.rows[r].cells[i], text, style)
        row_flags(table.rows[r])
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    for col, width in zip(table.columns, widths_mm):
        col.width = Mm(width)
    return table


def loop_rows(fields: list[tuple[str, str]], loop: str) -> list[list[tuple[str, str]]]:
    """The three template rows of a docxtpl row loop: {%tr for %}, the repeated row, {%tr endfor %}."""
    opening = [(f"{{%tr for {loop} %}}", "表格文字")] + [("", "表格文字")] * (len(fields) - 1)
    closing = [("{%tr endfor %}", "表格文字")] + [("", "表格文字")] * (len(fields) - 1)
    return [opening, fields, closing]


def page_number_footer(section) -> None:
    """"— N —" centred at the foot of every page (宋体 四号)."""
    footer = section.footer
    paragraph = footer.paragraphs[0]
    paragraph.style = "页码"
    for kind, text in (("text", "— "), ("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"),
                       ("end", None), ("text", " —")):
        run = paragraph.add_run()
        set_fonts(run._element, TABLE)
        set_east_asian_lang(run._element.get_or_add_rPr())
        if kind == "text":
            run.text = text
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)


def page_setup(section) -> None:
    """A4 portrait with GB/T 9704 margins."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    section.start_type = WD_SECTION.NEW_PAGE


# ── the bulletin ──

GROUP_TABLE = (["工作组", "对接企业（家次）", "对接企业（家）", "其中重点企业（家次）", "签约项目（个）", "协议投资额（万元）"],
               ["name", "contacts", "enterprises", "key_contacts", "signings", "investment"],
               [42, 22, 22, 24, 21, 25])
REACH_TABLE = (["工作组", "对接的重点企业", "覆盖的重点区域"], ["name", "key_enterprises", "regions"], [42, 52, 62])
BUDGET_TABLE = (["工作组", "本月支出（元）", "{{ ytd_label }}累计支出（元）", "年度预算（元）", "预算使用率",
                 "对照序时进度（{{ elapsed_text }}）"],
                ["name", "month_yuan", "ytd_yuan", "budget_yuan", "used", "pace"],
                [40, 20, 22, 22, 22, 30])
SIGNED_TABLE = (["项目名称", "签约企业", "协议类型", "协议投资额（万元）", "签约日期", "工作组", "包联人"],
                ["project", "enterprise", "agreement", "investment", "date", "group", "cadre"],
                [30, 28, 18, 20, 20, 24, 16])
# 下步工作: the office's standing text (staff reword it here or in Word); the month's 要求 lines follow it
NEXT_STEPS = [
    "（一）坚持全员招商。各专项招商工作组要围绕清洁能源和新型建材、装备制造、玉米深加工产业，聚焦重点区域和重点企业，"
    "“建链、强链、补链”，持续开展上门拜访、来访接待和会议推介，推动已达成意向的项目尽早签约入园。",
    "（二）抓好项目调度。完善项目包联、倒排工期、挂图作战等项目推进机制，包联人要定期深入企业了解实际困难，"
    "按时报送项目周报，帮助企业协调推进各项手续办理。",
    "（三）抓好手续和问题办结。针对能评手续、用地手续、草原调整、耕地占补、建设手续等突出问题，明确责任领导，"
    "成立工作专班，专项推进，限期办结。",
    "（四）规范报送工作。各专项招商工作组于每月5日前报送上月招商工作月报，包联人于每周一12时前报送上周项目周报；"
    "被退回的报表要对照错误说明及时更正后重新报送。",
]
SUBMISSION_TABLE = (["工作组", "报告月份", "报送情况", "截止时间", "报送时间"],
                    ["name", "period", "status", "due", "received"], [34, 22, 44, 28, 28])


def styled(fields: list[str], var: str, first_style: str = "表格文字", rest: str = "表格数字") -> list[tuple[str, str]]:
    """A row of `{{ var.field }}` cells: the first in `first_style`, the others in `rest`."""
    return [(f"{{{{ {var}.{f} }}}}", first_style if i == 0 else rest) for i, f in enumerate(fields)]


def fixed_table(doc, spec, loop_var: str, items: str, total: str | None = None,
                styles: tuple[str, str] = ("表格文字", "表格数字")) -> None:
    """A table whose body rows repeat over `items`, with an optional 合计 row from `total`."""
    header, fields, widths = spec
    body = loop_rows(styled(fields, loop_var, *styles), f"{loop_var} in {items}")
    if total:
        body.append([("合计", "表格文字")] + styled(fields, total, rest=styles[1])[1:])
    data_table(doc, header, body, widths)


def dynamic_table(doc) -> None:
    """The seam for later sections: header and rows of any width ({%tc %} column loops)."""
    header = ["{%tc for h in s.table.header %}", "{{ h }}", "{%tc endfor %}"]
    table = doc.add_table(rows=4, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table_borders(table)
    cell_margins(table)
    for i, text in enumerate(header):
        cell_text(table.rows[0].cells[i], text, "表头")
    row_flags(table.rows[0], header=True)
    cell_text(table.rows[1].cells[0], "{%tr for row in s.table.rows %}", "表格文字")
    for i, text in enumerate(["{%tc for cell in row %}", "{{ cell }}", "{%tc endfor %}"]):
        cell_text(table.rows[2].cells[i], text, "表格文字")
    row_flags(table.rows[2])
    cell_text(table.rows[3].cells[0], "{%tr endfor %}", "表格文字")


def note_if(doc, expression: str) -> None:
    """A 表注 paragraph holding `expression`, rendered only when it is not empty."""
    para(doc, f"{{%p if {expression} %}}", "表注")
    para(doc, f"{{{{ {expression} }}}}", "表注")
    para(doc, "{%p endif %}", "表注")


def build_bulletin(path: Path) -> Path:
    """Write templates/bulletin.docx: the monthly 招商引资工作通报 with docxtpl tags."""
    doc = Document()
    define_styles(doc)
    page_setup(doc.sections[0])
    page_number_footer(doc.sections[0])
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    para(doc, "{{ committee }}", "文头")
    issue = para(doc, "{{ issue_label }}", "期号")
    paragraph_border(issue, "bottom", 18, "FF0000", space=8)
    para(doc, "关于{{ month_label }}份招商引资工作情况的通报", "通报标题")
    para(doc, "各专项招商工作组、管委会各部门：", "主送")
    para(doc, "现将{{ month_label }}份招商引资工作情况通报如下。", "正文")

    para(doc, "{{ no.overview }}、总体情况", "一级标题")
    para(doc, "{%p for text in overview %}", "正文")
    para(doc, "{{ text }}", "正文")
    para(doc, "{%p endfor %}", "正文")
    note_if(doc, "gap.ytd")
    para(doc, "{%p if signed_rows %}", "正文")
    para(doc, "表{{ t.signed }}  {{ month_label }}签约项目", "表题")
    header, fields, widths = SIGNED_TABLE
    cells = [(f"{{{{ r.{f} }}}}", "表格左对齐" if i < 2 else "表格文字") for i, f in enumerate(fields)]
    data_table(doc, header, loop_rows(cells, "r in signed_rows"), widths)
    para(doc, "{%p endif %}", "正文")
    para(doc, "{{ trend_chart }}", "图片")
    para(doc, "图1  {{ ytd_label }}各月对接企业和签约项目情况", "图题")
    note_if(doc, "gap.trend")

    para(doc, "{{ no.groups }}、各工作组工作情况", "一级标题")
    para(doc, "{%p for text in group_paragraphs %}", "正文")
    para(doc, "{{ text }}", "正文")
    para(doc, "{%p endfor %}", "正文")
    para(doc, "表{{ t.groups }}  {{ month_label }}各工作组招商工作情况", "表题")
    fixed_table(doc, GROUP_TABLE, "r", "group_rows", total="group_total")
    para(doc, "{%p for text in group_notes %}", "表注")
    para(doc, "{{ text }}", "表注")
    para(doc, "{%p endfor %}", "表注")
    para(doc, "表{{ t.reach }}  {{ month_label }}重点企业对接和重点区域覆盖情况", "表题")
    fixed_table(doc, REACH_TABLE, "r", "reach_rows", styles=("表格文字", "表格左对齐"))
    para(doc, "{{ investment_chart }}", "图片")
    para(doc, "图2  各工作组签约项目协议投资额", "图题")
    note_if(doc, "gap.investment")

    para(doc, "{{ no.budget }}、招商经费使用情况", "一级标题")
    para(doc, "{{ budget_paragraph }}", "正文")
    para(doc, "表{{ t.budget }}  {{ ytd_label }}招商经费使用情况", "表题")
    fixed_table(doc, BUDGET_TABLE, "r", "budget_rows", total="budget_total")
    note_if(doc, "gap.budget")

    # the seam for later issues: key projects, open problems … rendered only when present
    para(doc, "{%p for s in sections %}", "正文")
    para(doc, "{{ s.number }}、{{ s.title }}", "一级标题")
    para(doc, "{%p for text in s.paragraphs %}", "正文")
    para(doc, "{{ text }}", "正文")
    para(doc, "{%p endfor %}", "正文")
    para(doc, "{%p if s.table %}", "正文")
    para(doc, "{{ s.table.caption }}", "表题")
    dynamic_table(doc)
    para(doc, "{%p endif %}", "正文")
    para(doc, "{%p endfor %}", "正文")

    para(doc, "{{ no.submissions }}、月报报送情况", "一级标题")
    para(doc, "{{ submission_paragraph }}", "正文")
    para(doc, "{%p if submission_rows %}", "正文")
    para(doc, "表{{ submission_table_no }}  月报未按时报送情况", "表题")
    fixed_table(doc, SUBMISSION_TABLE, "r", "submission_rows", styles=("表格文字", "表格文字"))
    para(doc, "{%p endif %}", "正文")

    para(doc, "{{ no.problems }}、存在问题", "一级标题")
    para(doc, "{%p for text in problems %}", "正文")
    para(doc, "{{ text }}", "正文")
    para(doc, "{%p endfor %}", "正文")

    para(doc, "{{ no.next }}、下步工作", "一级标题")
    for text in NEXT_STEPS:
        para(doc, text, "正文")
    last_standing = doc.paragraphs[-1]
    last_standing.paragraph_format.keep_with_next = True  # the closing lines travel with the 落款
    para(doc, "{%p if requirements %}", "正文")
    para(doc, "针对本月存在的问题，提出以下具体要求：", "正文").paragraph_format.keep_with_next = True
    para(doc, "{%p for text in requirements[:-1] %}", "正文")
    para(doc, "{{ text }}", "正文")
    para(doc, "{%p endfor %}", "正文")
    para(doc, "{{ requirements[-1] }}", "正文").paragraph_format.keep_with_next = True  # the last line keeps the 落款 company
    para(doc, "{%p endif %}", "正文")

    para(doc, "", "正文").paragraph_format.keep_with_next = True
    para(doc, "{{ committee }}", "落款")
    para(doc, "{{ issue_date }}", "落款")
    para(doc, "", "正文").paragraph_format.keep_with_next = True
    imprint = para(doc, "{{ office_full }}\t{{ issue_date }}印发", "版记")
    imprint.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    paragraph_border(imprint, "top", 8, "000000", space=4)
    paragraph_border(imprint, "bottom", 8, "000000", space=4)

    doc.core_properties.title = "招商引资工作通报"
    doc.core_properties.author = "投资促进局"
    doc.core_properties.comments = "由 templates/build_templates.py 生成；可在 Word/WPS 中修改样式与文字，请勿改动双花括号及花括号百分号标记。"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def main() -> None:
    """Write every template of this folder."""
    print(build_bulletin(HERE / "bulletin.docx"))


if __name__ == "__main__":
    main()
