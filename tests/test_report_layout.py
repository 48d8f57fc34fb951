"""Issue #19 item 2: the layout pass every report goes through (zhaoshang/reports/layout.py), on real
.docx files built with python-docx from the appraisal template's styles and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from zhaoshang.reports.appraisal import TEMPLATE
from zhaoshang.reports.common import docx_paragraph, docx_table, start_blank
from zhaoshang.reports.layout import column_widths, em_width, longest_unbreakable, tidy_layout


def test_widths_natural_when_they_fit_else_minimum_plus_a_share() -> None:
    assert column_widths([10, 30], [5, 5], 80) == [20, 60]  # all fit: the rest shared in proportion
    assert column_widths([10, 110], [10, 20], 60) == [10, 50]  # column 1 keeps its minimum, column 2 takes the rest
    assert column_widths([50, 50], [40, 80], 60) == [20, 40]  # even the minimums do not fit: scaled down


def test_text_measures_and_pieces_that_never_break() -> None:
    assert em_width("推进中") == 3
    assert em_width("2021-07-31（已超期）") == pytest.approx(8 * 0.56 + 2 * 0.42 + 5)  # digits, hyphens, 5 wide
    assert em_width("7月31日") == pytest.approx(3 * 0.56 + 2 + 3 * 0.25)  # a quarter space at each change
    assert longest_unbreakable("宋志刚") == 3  # a short text stays whole
    assert longest_unbreakable("项目年综合能耗约18万吨标准煤，能耗指标未落实") == 2.0  # may break anywhere but alone
    assert longest_unbreakable("已报送被退回（待更正）") == em_width("已报送被退回（待更正）")
    assert longest_unbreakable("本月完成投资（万元）", whole=False) == em_width("资（万元）")


def rendered(tmp_path: Path, rows: list[list[str]]) -> Document:
    document = Document(str(TEMPLATE))
    start_blank(document)
    docx_paragraph(document, "正文第一段。", "正文")
    docx_table(document, rows[0], rows[1:], [156 / len(rows[0])] * len(rows[0]))  # equal widths, as before the pass
    docx_paragraph(document, "", "正文")
    docx_paragraph(document, "兴安盟经济技术开发区投资促进局", "落款")
    docx_paragraph(document, "2021年9月8日", "落款")
    tidy_layout(document)
    path = tmp_path / "layout.docx"
    document.save(str(path))
    return Document(str(path))


def test_tables_get_widths_from_content_a_repeated_header_and_unwrapped_statuses(tmp_path: Path) -> None:
    rows = [["项目", "问题", "责任领导", "办结时限", "状态"],
            ["年产10万吨聚乳酸项目", "项目年综合能耗约18万吨标准煤，能耗指标未落实，能评报告无法获批", "宋志刚",
             "2021-07-31（已超期）", "推进中"]]
    document = rendered(tmp_path, rows)

    table = document.tables[0]
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) <= 8845 and sum(widths) > 8800  # the text width of the template's A4 page
    assert widths[1] == max(widths) and widths[4] < widths[3]  # the problem column widest, 状态 narrow
    assert widths[3] >= (em_width("2021-07-31（已超期）") + 0.6) * 10.5 * 20 * 1.06  # the status on one line
    rows_xml = table._tbl.findall(qn("w:tr"))
    assert rows_xml[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows_xml)
    status = rows_xml[1].findall(qn("w:tc"))[3]
    assert status.find(f"{qn('w:tcPr')}/{qn('w:noWrap')}") is not None
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_the_close_keeps_with_the_content(tmp_path: Path) -> None:
    document = rendered(tmp_path, [["工作组", "状态"], ["装备制造组", "按时报送"]])

    paragraphs = document.paragraphs
    names = [p.style.name for p in paragraphs]
    first = names.index("落款")
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[first - 1:first + 1])  # the blank line and 1st 落款
