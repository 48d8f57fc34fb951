"""Build templates/digest.docx (项目周报汇总) reproducibly: `python templates/build_digest_template.py`.

Same official-document styling as the bulletin (A4, GB/T 9704 margins, 仿宋 body, 黑体 headings,
宋体 tables, East Asian fonts on every style and run, "— N —" page numbers): the styles and
table helpers are imported from build_templates.py, this script only lays out the digest.
Office staff may restyle the .docx in Word or WPS; keep the {{ … }} and {% … %} tags intact.
The character style 超期标注 (red, bold) marks what is late: restyle it to change every mark at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # build_templates.py is a sibling script, not a package module
    sys.path.insert(0, str(HERE))

from build_templates import (  # noqa: E402
    RED,
    TABLE,
    data_table,
    define_styles,
    loop_rows,
    page_number_footer,
    page_setup,
    para,
    paragraph_border,
    set_east_asian_lang,
    set_fonts,
)

MARK_STYLE = "超期标注"
LEFT, CENTRE = "表格左对齐", "表格文字"

# (header, [(field, cell style)], widths in mm) — the type area is 156 mm wide
LINES_TABLE = (["项目编号", "项目名称", "包联人", "本周完成投资（万元）", "累计完成投资（万元）", "占计划总投资", "建设阶段"],
               [("code", CENTRE), ("name", LEFT), ("cadre", CENTRE), ("week", "表格数字"), ("cum", "表格数字"),
                ("share", "表格数字"), ("stage", CENTRE)],
               [30, 35, 15, 19, 20, 18, 19])
COMPLETED_TABLE = (["项目", "手续", "计划办结日期", "实际办结日期", "办结情况"],
                   [("project", LEFT), ("procedure", CENTRE), ("planned", CENTRE), ("done", CENTRE),
                    ("verdict", CENTRE)],
                   [48, 20, 28, 28, 32])
OVERDUE_TABLE = (["项目", "手续", "计划办结日期", "超期天数", "责任领导", "包联人"],
                 [("project", LEFT), ("procedure", CENTRE), ("planned", CENTRE), ("days", CENTRE), ("leader", CENTRE),
                  ("cadre", CENTRE)],
                 [48, 20, 28, 20, 20, 20])
PROBLEM_TABLE = (["项目", "问题描述", "责任领导", "办结时限", "已持续", "办理状态"],
                 [("project", LEFT), ("description", LEFT), ("leader", CENTRE), ("deadline", CENTRE), ("weeks", CENTRE),
                  ("status", CENTRE)],
                 [28, 44, 20, 26, 16, 22])
MISSING_TABLE = (["项目编号", "项目名称", "包联人", "未报送情况"],
                 [("code", CENTRE), ("name", LEFT), ("cadre", CENTRE), ("situation", LEFT)],
                 [30, 46, 18, 62])
CHECK_TABLE = (["核对事项", "项目名称", "工作组", "签约日期", "说明"],
               [("kind", LEFT), ("name", LEFT), ("group", CENTRE), ("signed", CENTRE), ("note", LEFT)],
               [31, 36, 25, 20, 44])


def mark_style(doc) -> None:
    """The character style of every 超期 mark: red and bold over whatever the paragraph uses."""
    style = doc.styles.add_style(MARK_STYLE, WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = RED
    style.font.bold = True


def marked_run(paragraph, text: str) -> None:
    """Append a run of `text` in the 超期标注 character style (宋体, like the table it sits in)."""
    run = paragraph.add_run(text, style=MARK_STYLE)
    set_fonts(run._element, TABLE)
    set_east_asian_lang(run._element.get_or_add_rPr())


def loop_table(doc, spec, var: str, items: str, total: list[tuple[str, str]] | None = None):
    """A bordered table whose body row repeats over `items` ({%tr for %}), with an optional 合计 row."""
    header, fields, widths = spec
    body = loop_rows([(f"{{{{ {var}.{name} }}}}", style) for name, style in fields], f"{var} in {items}")
    if total:
        body.append(total)
    return data_table(doc, header, body, widths)


def mark_cell(table, column: int) -> None:
    """In the repeated row (row 2), set the whole of a cell's text in 超期标注."""
    paragraph = table.rows[2].cells[column].paragraphs[0]
    paragraph.runs[0].style = paragraph.part.document.styles[MARK_STYLE]


def mark_line(table, column: int, condition: str, text: str) -> None:
    """In the repeated row, a second line in 超期标注 under a cell's value, printed only when `condition` holds."""
    cell = table.rows[2].cells[column]
    style = cell.paragraphs[0].style.name
    cell.add_paragraph(f"{{%p if {condition} %}}", style)
    marked_run(cell.add_paragraph("", style), text)
    cell.add_paragraph("{%p endif %}", style)


def section(doc, heading: str, paragraphs: str) -> None:
    """A 一级标题 heading and the loop over its paragraphs."""
    para(doc, heading, "一级标题")
    para(doc, f"{{%p for text in {paragraphs} %}}", "正文")
    para(doc, "{{ text }}", "正文")
    para(doc, "{%p endfor %}", "正文")


def captioned(doc, condition: str, caption: str) -> None:
    """Open a conditional block ({%p if %}) and write the table caption (the caller closes it)."""
    para(doc, f"{{%p if {condition} %}}", "正文")
    para(doc, caption, "表题")


def build_digest(path: Path) -> Path:
    """Write templates/digest.docx: the weekly 项目周报汇总 with docxtpl tags."""
    doc = Document()
    define_styles(doc)
    for name in (CENTRE, LEFT, "表格数字"):  # a long table continues on the next page (its header row repeats)
        doc.styles[name].paragraph_format.keep_with_next = False  # rather than leave half a page empty
    mark_style(doc)
    page_setup(doc.sections[0])
    page_number_footer(doc.sections[0])
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    para(doc, "{{ title }}", "通报标题")
    para(doc, "（{{ span }}）", "期号")
    byline = para(doc, "{{ office }}\t{{ issue_date }}", "主送")
    byline.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    paragraph_border(byline, "bottom", 12, "FF0000", space=4)

    section(doc, "一、本周项目推进总体情况", "overview")
    para(doc, "{%p if grid_charts %}", "正文")
    para(doc, "{%p for chart in grid_charts %}", "正文")
    para(doc, "{{ chart.image }}", "图片")
    para(doc, "图1{{ chart.part }}  {{ week_label }}项目手续办理挂图作战图", "图题")
    para(doc, "{%p endfor %}", "正文")
    para(doc, "{{ grid_note }}", "表注")
    para(doc, "{%p endif %}", "正文")

    section(doc, "二、项目进展一览", "lines_paragraphs")
    captioned(doc, "lines", "表{{ t.lines }}  {{ week_label }}项目进展一览")
    loop_table(doc, LINES_TABLE, "r", "lines", total=[("合计", CENTRE), ("{{ lines_total.name }}", LEFT), ("", CENTRE),
                                                      ("{{ lines_total.week }}", "表格数字"),
                                                      ("{{ lines_total.cum }}", "表格数字"),
                                                      ("{{ lines_total.share }}", "表格数字"), ("", CENTRE)])
    para(doc, "{{ lines_note }}", "表注")
    para(doc, "{%p endif %}", "正文")

    section(doc, "三、本周办结手续", "completed_paragraphs")
    captioned(doc, "completed", "表{{ t.completed }}  {{ week_label }}办结手续")
    loop_table(doc, COMPLETED_TABLE, "r", "completed")
    para(doc, "{%p endif %}", "正文")

    section(doc, "四、超期未办结手续（倒排工期）", "overdue_paragraphs")
    captioned(doc, "overdue", "表{{ t.overdue }}  超期未办结手续（截至{{ sunday_label }}）")
    mark_cell(loop_table(doc, OVERDUE_TABLE, "r", "overdue"), 3)
    para(doc, "{%p endif %}", "正文")

    section(doc, "五、需协调解决的问题", "problem_paragraphs")
    captioned(doc, "problems", "表{{ t.problems }}  需协调解决的问题（超过办结时限的排在前面）")
    mark_line(loop_table(doc, PROBLEM_TABLE, "r", "problems"), 3, "r.mark", "{{ r.mark }}")
    para(doc, "{%p endif %}", "正文")

    section(doc, "六、未报送情况", "missing_paragraphs")
    captioned(doc, "missing", "表{{ t.missing }}  本周未报送周报的项目")
    loop_table(doc, MISSING_TABLE, "r", "missing")
    para(doc, "{%p endif %}", "正文")

    section(doc, "七、待核对事项", "check_paragraphs")
    captioned(doc, "checks", "表{{ t.checks }}  签约项目与项目周报待核对事项")
    loop_table(doc, CHECK_TABLE, "r", "checks")
    para(doc, "{{ checks_note }}", "表注")
    para(doc, "{%p endif %}", "正文")

    doc.core_properties.title = "项目周报汇总"
    doc.core_properties.author = "投资促进局"
    doc.core_properties.comments = ("由 templates/build_digest_template.py 生成；可在 Word/WPS 中修改样式与文字，"
                                    "请勿改动双花括号及花括号百分号标记。")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build_digest(HERE / "digest.docx"))
