"""Build templates/appraisal.docx (半年考核汇总) reproducibly: `python templates/build_appraisal_template.py`.

Same official-document styling as the bulletin (A4, GB/T 9704 margins, 仿宋 body, 黑体 headings,
宋体 tables, East Asian fonts on every style and run, "— N —" page numbers): the styles and
table helpers are imported from build_templates.py; this script only lays out the appraisal.

Layout: a portrait body (result, ranking tables, one chart per group, 方法说明, signature),
then a landscape section with the two detail tables (附表1 groups, 附表2 people), each
indicator as a pair of columns 数值 | 得分 under a header that names its weight.
The indicator columns are fixed here (zhaoshang/reports/appraisal/figures.py PERSON_INDICATORS and
GROUP_INDICATORS); weights and every number come from the context.
Office staff may restyle the .docx in Word or WPS; keep the {{ … }} and {% … %} tags intact.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # build_templates.py is a sibling script, not a package module
    sys.path.insert(0, str(HERE))

from build_templates import (  # noqa: E402
    BODY,
    HEADING,
    SAN_HAO,
    TABLE,
    cell_text,
    data_table,
    define_styles,
    loop_rows,
    page_number_footer,
    page_setup,
    para,
    paragraph_border,
    paragraph_style,
    row_flags,
    set_east_asian_lang,
    set_fonts,
    snap_off,
    table_borders,
)

XIAO_WU = Pt(9)  # 小五: the landscape detail tables
LEFT, CENTRE, NUMBER = "表格左对齐", "表格文字", "表格数字"
WIDE_HEAD, WIDE_TEXT = "附表表头", "附表文字"
FORMULA = "算式"
LANDSCAPE_MARGINS_MM = (28, 22, 20, 20)  # top, bottom, left, right → a 257 mm wide type area
NARROW_CELL_MARGIN_MM = 0.8  # left and right padding of the dense tables (Word's default is 1.9 mm)

GROUP_TABLE = (["名次", "工作组", "对接企业（家次）", "签约项目（个）", "协议投资额（万元）", "按时报送率", "综合得分"],
               [("rank", CENTRE), ("name", LEFT), ("contacts", NUMBER), ("signings", NUMBER), ("investment", NUMBER),
                ("timeliness", NUMBER), ("score", NUMBER)],
               [11, 42, 19, 17, 23, 23, 21])
# 小五 with narrow padding: twelve and more rows that should stay on one page
PERSON_TABLE = (["名次", "姓名", "工作组", "对接企业（家次）", "签约项目（个）", "协议投资额（万元）", "述职评议平均分",
                 "综合得分", "备注"],
                [("rank", WIDE_TEXT), ("name", WIDE_TEXT), ("group", WIDE_TEXT), ("contacts", WIDE_TEXT),
                 ("signings", WIDE_TEXT), ("investment", WIDE_TEXT), ("review", WIDE_TEXT), ("score", WIDE_TEXT),
                 ("note", WIDE_TEXT)],
                [10, 14, 34, 16, 15, 19, 15, 15, 18])

# (indicator, header, width of its 数值 column, width of its 得分 column) in mm
PERSON_COLUMNS = [("contacts", "对接企业（家次）", 10, 13), ("key_enterprise_contacts", "重点企业对接（家次）", 10, 13),
                  ("key_regions", "覆盖重点区域（个）", 10, 13), ("signings", "签约项目（个）", 13, 13),
                  ("signed_investment", "协议投资额（万元）", 18, 13), ("construction_starts", "开工项目（个）", 10, 13),
                  ("timeliness", "按时报送率（%）", 13, 13), ("review", "述职评议平均分", 12, 13)]
GROUP_COLUMNS = [("contacts", "对接企业（家次）", 10, 13), ("key_enterprise_contacts", "重点企业对接（家次）", 10, 13),
                 ("key_regions", "覆盖重点区域（个）", 10, 13), ("signings", "签约项目（个）", 10, 13),
                 ("signed_investment", "协议投资额（万元）", 18, 13), ("construction_starts", "开工项目（个）", 11, 13),
                 ("timeliness", "按时报送率（%）", 13, 13), ("budget_execution", "经费执行接近度（%）", 13, 13)]


def wide_styles(doc) -> None:
    """The 小五 styles of the dense tables, and 算式 (a worked formula: left-aligned, no stretched gaps)."""
    paragraph_style(doc, FORMULA, BODY, SAN_HAO, align=WD_ALIGN_PARAGRAPH.LEFT, indent=200)
    paragraph_style(doc, WIDE_HEAD, HEADING, XIAO_WU, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True)
    paragraph_style(doc, WIDE_TEXT, TABLE, XIAO_WU, align=WD_ALIGN_PARAGRAPH.CENTER, line=None, keep_next=True)
    for name in (WIDE_HEAD, WIDE_TEXT):
        snap_off(doc.styles[name])


def narrow_padding(table, mm: float = NARROW_CELL_MARGIN_MM) -> None:
    """Left and right cell padding of a dense table (w:tblCellMar)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(mm * 56.7)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def loop_table(doc, spec, var: str, items: str, dense: bool = False):
    """A bordered portrait table whose body row repeats over `items` ({%tr for %}); dense: 小五, narrow padding."""
    header, fields, widths = spec
    table = data_table(doc, header, loop_rows([(f"{{{{ {var}.{f} }}}}", s) for f, s in fields], f"{var} in {items}"),
                       widths)
    if dense:
        narrow_padding(table)
        for cell in table.rows[0].cells:
            cell.paragraphs[0].style = doc.styles[WIDE_HEAD]
            for run in cell.paragraphs[0].runs:
                set_fonts(run._element, HEADING)
    return table


def header_cell(cell, lines: list[str]) -> None:
    """A header cell of one or more lines (one paragraph each) in the 附表表头 style."""
    cell_text(cell, lines[0], WIDE_HEAD)
    for line in lines[1:]:
        run = cell.add_paragraph(style=WIDE_HEAD).add_run(line)
        set_fonts(run._element, HEADING)
        set_east_asian_lang(run._element.get_or_add_rPr())


def detail_table(doc, leading: list[tuple[str, str, float]], columns, weights: str, var: str, items: str):
    """附表: two header rows (indicator over 数值 | 得分, its weight named), then one looped row per item.

    `leading`: (header, field, width) of the columns before the indicators; 综合得分 closes the row.
    """
    widths = [w for _, _, w in leading] + [w for _, _, v, p in columns for w in (v, p)] + [15]
    table = doc.add_table(rows=5, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table_borders(table)
    narrow_padding(table)
    top, sub, opening, body, closing = table.rows
    for i, (title, _, _) in enumerate(leading):
        top.cells[i].merge(sub.cells[i])
        header_cell(top.cells[i], [title])
    for k, (name, title, _, _) in enumerate(columns):
        col = len(leading) + 2 * k
        top.cells[col].merge(top.cells[col + 1])
        label, _, unit = title.partition("（")
        header_cell(top.cells[col], [label, *([f"（{unit}"] if unit else []), f"{{{{ {weights}.{name} }}}}"])
        header_cell(sub.cells[col], ["数值"])
        header_cell(sub.cells[col + 1], ["得分"])
    last = len(widths) - 1
    top.cells[last].merge(sub.cells[last])
    header_cell(top.cells[last], ["综合得分"])
    for row in (top, sub):
        row_flags(row, header=True)
    cell_text(opening.cells[0], f"{{%tr for {var} in {items} %}}", WIDE_TEXT)
    cell_text(closing.cells[0], "{%tr endfor %}", WIDE_TEXT)
    fields = [f"{var}.{field}" for _, field, _ in leading]
    fields += [f"{var}.{part}.{name}" for name, _, _, _ in columns for part in ("v", "p")] + [f"{var}.score"]
    for cell, field in zip(body.cells, fields):
        cell_text(cell, f"{{{{ {field} }}}}", WIDE_TEXT)
    row_flags(body)
    for row in table.rows:
        row.height = Mm(7)
        for cell, width in zip(row.cells, widths):
            cell.width = Mm(width)
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    return table


def landscape(section) -> None:
    """A4 landscape with the detail tables' margins (page numbers continue from the body)."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    top, bottom, left, right = LANDSCAPE_MARGINS_MM
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Mm(top), Mm(bottom), Mm(left), Mm(right))
    section.header_distance, section.footer_distance = Mm(12), Mm(10)


def loop_paragraphs(doc, items: str, style: str = "正文") -> None:
    """One paragraph per string of `items`."""
    para(doc, f"{{%p for text in {items} %}}", style)
    para(doc, "{{ text }}", style)
    para(doc, "{%p endfor %}", style)


def build_appraisal(path: Path) -> Path:
    """Write templates/appraisal.docx: the half-year 招商引资工作考核汇总 with docxtpl tags."""
    doc = Document()
    define_styles(doc)
    wide_styles(doc)
    page_setup(doc.sections[0])
    page_number_footer(doc.sections[0])
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    issuer = para(doc, "{{ office_full }}", "文头")
    paragraph_border(issuer, "bottom", 18, "FF0000", space=12)
    para(doc, "{{ half_label }}招商引资工作考核汇总", "通报标题")
    para(doc, "管委会领导：", "主送")
    loop_paragraphs(doc, "intro")

    para(doc, "一、考核结果", "一级标题")
    loop_paragraphs(doc, "result_paragraphs")
    para(doc, "表1  {{ half_label }}专项招商工作组考核排名", "表题")
    loop_table(doc, GROUP_TABLE, "r", "group_rows")
    para(doc, "表2  {{ half_label }}招商人员个人考核排名", "表题")
    loop_table(doc, PERSON_TABLE, "r", "person_rows", dense=True)
    loop_paragraphs(doc, "table_notes", "表注")

    para(doc, "二、各工作组得分构成", "一级标题")
    para(doc, "{%p for g in group_sections %}", "正文")
    para(doc, "{{ g.paragraph }}", "正文")
    para(doc, "{{ g.chart }}", "图片")
    para(doc, "图{{ g.number }}  {{ g.name }}成员综合得分构成", "图题")
    para(doc, "{%p endfor %}", "正文")

    para(doc, "三、考核方法说明", "一级标题")
    para(doc, "{%p for m in method %}", "正文")
    para(doc, "{{ m.heading }}", "二级标题")
    loop_paragraphs(doc, "m.paragraphs")
    loop_paragraphs(doc, "m.formulas", FORMULA)
    para(doc, "{%p endfor %}", "正文")

    para(doc, "", "正文")
    para(doc, "附件：1. {{ half_label }}专项招商工作组考核指标明细表", "主送")
    para(doc, "　　　2. {{ half_label }}招商人员个人考核指标明细表", "主送")
    para(doc, "", "正文")
    para(doc, "{{ office_full }}", "落款")
    para(doc, "{{ issue_date }}", "落款")

    landscape(doc.add_section(WD_SECTION.NEW_PAGE))
    para(doc, "附件1", "一级标题").paragraph_format.first_line_indent = Mm(0)
    para(doc, "{{ half_label }}专项招商工作组考核指标明细表", "表题")
    detail_table(doc, [("名次", "rank", 9), ("工作组", "name", 34)], GROUP_COLUMNS, "gw", "r", "group_detail")
    loop_paragraphs(doc, "group_detail_notes", "表注")
    para(doc, "附件2", "一级标题").paragraph_format.first_line_indent = Mm(0)
    para(doc, "{{ half_label }}招商人员个人考核指标明细表", "表题")
    detail_table(doc, [("名次", "rank", 9), ("姓名", "name", 12), ("工作组", "group", 21)], PERSON_COLUMNS, "pw", "r",
                 "person_detail")
    loop_paragraphs(doc, "person_detail_notes", "表注")

    doc.core_properties.title = "招商引资工作考核汇总"
    doc.core_properties.author = "投资促进局"
    doc.core_properties.comments = ("由 templates/build_appraisal_template.py 生成；可在 Word/WPS 中修改样式与文字，"
                                    "请勿改动双花括号及花括号百分号标记。")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build_appraisal(HERE / "appraisal.docx"))
