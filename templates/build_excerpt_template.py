"""Build templates/excerpt.docx (本组通报摘要) reproducibly: `python templates/build_excerpt_template.py`.

One group's excerpt of the monthly bulletin, in the bulletin's official-document style (A4,
GB/T 9704 margins, red 文头 and rule, 小标宋 title, 仿宋 body, 黑体 headings, 宋体 tables, East
Asian fonts on every style and run, "— N —" page numbers): the styles and table helpers are
imported from build_templates.py, this script only lays out the excerpt. Office staff may
restyle the .docx in Word or WPS; keep the {{ … }} and {% … %} tags intact. Re-running this
script overwrites their edits.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # build_templates.py is a sibling script, not a package module
    sys.path.insert(0, str(HERE))

from build_templates import (  # noqa: E402
    SAN_HAO,
    data_table,
    define_styles,
    loop_rows,
    page_number_footer,
    page_setup,
    para,
    paragraph_border,
    paragraph_style,
)

LEFT, CENTRE, NUMBER = "表格左对齐", "表格文字", "表格数字"
SUBTITLE = "摘要副标题"

# (header, [(field, cell style)], widths in mm) — the type area is 156 mm wide
FIGURE_TABLE = (["指标", "本月", "上月", "{{ ytd_label }}累计"],
                [("label", LEFT), ("month", NUMBER), ("previous", NUMBER), ("ytd", NUMBER)],
                [54, 34, 34, 34])
SUBMISSION_TABLE = (["报送内容", "报告期", "报送情况", "截止时间", "报送时间"],
                    [("what", CENTRE), ("period", CENTRE), ("status", CENTRE), ("due", CENTRE), ("received", CENTRE)],
                    [22, 28, 43, 31, 32])
# widths leave room for a date or a status word on one line (LibreOffice sets Latin digits wider than Word)
PROCEDURE_TABLE = (["项目", "手续", "计划办结日期", "办理状态", "超期天数", "包联人"],
                   [("project", LEFT), ("procedure", CENTRE), ("planned", CENTRE), ("status", CENTRE),
                    ("days", CENTRE), ("cadre", CENTRE)],
                   [60, 18, 26, 18, 17, 17])
PROBLEM_TABLE = (["项目", "问题", "责任领导", "办结时限", "办理状态"],
                 [("project", LEFT), ("description", LEFT), ("leader", CENTRE), ("deadline", CENTRE),
                  ("status", CENTRE)],
                 [36, 46, 18, 24, 32])

def loop_table(doc, spec, items: str) -> None:
    """A table whose body rows repeat over `items` ({%tr for r in items %}), each cell in its own style."""
    header, fields, widths = spec
    data_table(doc, header, loop_rows([(f"{{{{ r.{name} }}}}", style) for name, style in fields], f"r in {items}"),
               widths)


def optional_table(doc, caption: str, spec, items: str) -> None:
    """A captioned table printed only when `items` has rows."""
    para(doc, f"{{%p if {items} %}}", "正文")
    para(doc, caption, "表题")
    loop_table(doc, spec, items)
    para(doc, "{%p endif %}", "正文")


def build_excerpt(path: Path) -> Path:
    """Write templates/excerpt.docx: one group's 本组通报摘要 with docxtpl tags."""
    doc = Document()
    define_styles(doc)
    paragraph_style(doc, SUBTITLE, "楷体_GB2312", SAN_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    page_setup(doc.sections[0])
    page_number_footer(doc.sections[0])
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    para(doc, "{{ committee }}", "文头")
    issue = para(doc, "{{ issue_label }}", "期号")
    paragraph_border(issue, "bottom", 18, "FF0000", space=8)
    para(doc, "关于{{ month_label }}份招商引资工作情况的通报", "通报标题")
    para(doc, "（{{ group_name }}本组摘要）", SUBTITLE)
    para(doc, "{{ group_name }}：", "主送")
    para(doc, "现将{{ issue_label }}招商引资工作通报中涉及本组的情况摘要如下，请对照抓好落实。"
              "通报全文已报送管委会领导。", "正文")

    para(doc, "一、本组工作情况", "一级标题")
    para(doc, "{{ group_paragraph }}", "正文")
    para(doc, "表1  {{ month_label }}本组主要指标", "表题")
    loop_table(doc, FIGURE_TABLE, "figure_rows")
    para(doc, "{%p if ytd_note %}", "表注")
    para(doc, "{{ ytd_note }}", "表注")
    para(doc, "{%p endif %}", "表注")

    para(doc, "二、招商经费使用情况", "一级标题")
    para(doc, "{{ budget_paragraph }}", "正文")

    para(doc, "三、报送情况", "一级标题")
    para(doc, "{{ submission_paragraph }}", "正文")
    optional_table(doc, "表{{ tables.submissions }}  本组逾期、退回和未报送情况", SUBMISSION_TABLE, "submission_rows")

    para(doc, "四、本组项目推进情况", "一级标题")
    para(doc, "{{ projects_paragraph }}", "正文")
    optional_table(doc, "表{{ tables.procedures }}  本组项目超期未办结手续", PROCEDURE_TABLE, "procedure_rows")
    optional_table(doc, "表{{ tables.problems }}  本组项目未解决问题", PROBLEM_TABLE, "problem_rows")

    para(doc, "", "正文")
    para(doc, "{{ office_full }}", "落款")
    para(doc, "{{ issue_date }}", "落款")
    para(doc, "", "正文")
    imprint = para(doc, "{{ office_full }}\t{{ issue_date }}印发", "版记")
    imprint.paragraph_format.tab_stops.add_tab_stop(Mm(156), WD_TAB_ALIGNMENT.RIGHT)
    paragraph_border(imprint, "top", 8, "000000", space=4)
    paragraph_border(imprint, "bottom", 8, "000000", space=4)

    doc.core_properties.title = "本组通报摘要"
    doc.core_properties.author = "投资促进局"
    doc.core_properties.comments = ("由 templates/build_excerpt_template.py 生成；可在 Word/WPS 中修改样式与文字，"
                                    "请勿改动双花括号及花括号百分号标记。")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def main() -> None:
    """Write templates/excerpt.docx."""
    print(build_excerpt(HERE / "excerpt.docx"))


if __name__ == "__main__":
    main()
