"""1,000 hostile strings through everything a person reads (issue #8, Security).

Each string mixes markup (`& < > " '`), control characters, emoji (ZWJ sequences, astral
characters), GB18030-only characters (CJK Ext A/B, Mongolian, Tibetan, Yi — none of them in
GBK), an optional leading `= + - @` or a whole formula, and ordinary enterprise-name text. They
are typed into workbooks as enterprise names, signed project names and problem texts (Excel's own
encoding: "=SUM(A1)" is text, a control character is `_x0001_`), and go through one real ingest
pass, the bulletin and the digest. Then:

- the warehouse holds each string in the contract's normalised form (staging's clean_name for
  names, clean_text for free text — their rules are tested in test_normalise.py; here nothing
  else may change the text), and a string with NUL — which no warehouse text can hold — is
  refused at its cell with one exact Chinese finding;
- the .docx reports, their companion workbooks, the explanation workbooks and the HTML part of
  mails show each one with its control characters as `\\x01` (zhaoshang/visible.py), never
  dropping a character; the plain-text mail part carries it exactly;
- no cell of any workbook the pipeline writes is a formula.
"""

from __future__ import annotations

import datetime as dt
import email
import html
import random
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from docx import Document
from python_calamine import CalamineWorkbook

from tests.builders import LIBRARY_HEADERS, contact, monthly, problem, progress, project, signing, weekly, workbook
from tests.conftest import TODAY, make_settings
from tests.figures import record, warehouse_kind
from transforms.staging.normalise import clean_name, clean_text
from zhaoshang.settings import Settings

# ── the strings ───────────────────────────────────────────────────────────────
MARKUP = ["&", "<", ">", '"', "'", "&amp;", "<b>粗体</b>", "]]>", "{{ 1 }}", "{% if x %}", "_x0041_"]
# (U+FFFE/U+FFFF are left out: calamine reads Excel's `_xFFFF_` back as those seven characters.)
CONTROL = ["\x00", "\x01", "\x02", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f", "\t", "\n", "\r\n"]
EMOJI = ["😀", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🏳\ufe0f\u200d🌈", "🇨🇳", "❤\ufe0f", "𝕏", "🀄"]
GB18030_ONLY = ["𠀀", "𪚥", "𠮷", "䶮", "㐀", "ᠬᠢᠩᠭᠠᠨ", "ཀ", "ꆈ", "€"]  # Ext B, Ext A, Mongolian, Tibetan, Yi, euro
LEADING = ["=", "+", "-", "@", "=SUM(A1:A9)", '=HYPERLINK("http://example.cn","点我")', "=cmd|' /C calc'!A0",
           "+1+1", "-2+3", "@SUM(1)"]
WORDS = ["兴安盟", "科技", "新能源", "食品", "（集团）", "(香港)", "有限公司", "股份有限公司", "农牧业", "乌兰浩特"]
COUNT = 1000
# Hand-written ones first, each with what the contract makes of it (see the exact tests below).
EXEMPLARS = [
    "=SUM(A1:A9)兴安盟\x01科技\t有限公司",
    "<b>乌兰浩特</b> & \"食品\" '𠮷' 👨\u200d👩\u200d👧",
    "@农牧业(集团)\x1b𪚥_x0041_\x7f",
    "-兴安盟\x00新能源",
]
NUL_MESSAGE = "单元格中含有不可见的空字符（显示为 \\x00），系统无法保存。"
NUL_FIX = "请删除该单元格的内容后重新输入（不要从其他系统复制粘贴），保存后重新放入。"
# The rejected files: each string typed as text and again where it cannot be (an amount, a date).
# file → (sheet, (column, header) of the text, (column, header) where it cannot be, message, fix)
REJECTED = {
    "能源8月.xlsx": ("对接企业", ("B", "企业名称"), ("I", "意向投资额（万元）"), "无法识别的金额“{}”。",
                   "请填写数字（单位：万元），如 1200、1,200、1.2万 或 12000元。"),
    "李明远-0823.xlsx": ("问题清单", ("B", "问题描述"), ("F", "办结时限"), "无法识别的日期“{}”。",
                       "请按“年-月-日”填写，如 2021-08-03。"),
}


def hostile(i: int, rng: random.Random) -> str:
    """One generated string: company words, its number (so all differ), 1–2 pieces of every pool, maybe a lead."""
    pieces = [rng.choice(WORDS), f"{i:04d}"]
    for pool in (MARKUP, CONTROL, EMOJI, GB18030_ONLY):
        pieces += rng.sample(pool, rng.randint(1, 2))
    rng.shuffle(pieces)
    lead = rng.choice(LEADING) if rng.random() < 0.6 else ""
    return lead + "".join(pieces)


def hostile_strings(count: int = COUNT, seed: int = 8) -> list[str]:
    """The exemplars, then generated strings up to `count` (the same on every run)."""
    rng = random.Random(seed)
    return EXEMPLARS + [hostile(i, rng) for i in range(len(EXEMPLARS), count)]


STRINGS = hostile_strings()
REFUSED = [s for s in STRINGS if "\x00" in s]  # NUL: no PostgreSQL text can hold it
STORED = [s for s in STRINGS if "\x00" not in s]


def shown(text: str) -> str:
    """The documented visible form (README, zhaoshang/visible.py), restated independently of the code: every
    character XML 1.0 cannot carry as a backslash, x and two lower-case hex digits (U+FFFE/U+FFFF as \\ufffe)."""
    def code(m: re.Match) -> str:
        return "\\x%02x" % ord(m.group()) if ord(m.group()) < 0x100 else "\\u%04x" % ord(m.group())
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", code, text)


def test_the_strings_mix_every_kind_of_trouble() -> None:
    assert len(STRINGS) == COUNT
    generated = STRINGS[len(EXEMPLARS):]
    for pool in (MARKUP, CONTROL, EMOJI, GB18030_ONLY):
        assert all(any(piece in s for piece in pool) for s in generated)
    assert sum(s[0] in "=+-@" for s in STRINGS) > 500  # about 60 % lead with a formula character
    for piece in GB18030_ONLY:
        piece.encode("gb18030")
        with pytest.raises(UnicodeEncodeError):
            piece.encode("gbk")
    assert 50 < len(REFUSED) < 200 and len(STORED) == COUNT - len(REFUSED)
    assert len({clean_name(s) for s in STORED}) == len({clean_text(s) for s in STORED}) == len(STORED)


# ── one pass: the files, the ingest, the bulletin and the digest ──────────────
MONTH, WEEK = "2021-08", "2021-08-30"
SIGNED_BY_WEEK = 8  # signed 1–8 August: more than 4 weeks before the digest's Sunday (5 September), so listed


@dataclass
class Run:
    """The share after the pass and the reports, and how to look at it."""

    settings: Settings

    def query(self, sql: str) -> list[tuple]:
        engine = sa.create_engine(self.settings.warehouse_url)
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(sql))]
        finally:
            engine.dispose()

    def ledger(self, name: str) -> tuple[int, str, str]:
        """(id, status, explanation_path) of a file."""
        return self.query(f"SELECT id, status, explanation_path FROM ingested_file WHERE original_name = '{name}'")[0]

    def report(self, folder: str, suffix: str) -> Path:
        """The file under reports/<folder>/ whose name ends with `suffix`."""
        return next((self.settings.reports / folder).glob(f"*{suffix}"))

    def mails(self) -> list[email.message.EmailMessage]:
        """Every mail in outbox/, parsed."""
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(self.settings.outbox.glob("*.eml"))]


def drop_files(settings: Settings) -> None:
    """Loaded: the library, a monthly report (the stored strings as enterprises and signed projects) and a
    weekly report (as problems). Rejected: a monthly and a weekly report with every string, and the same
    string in a column it cannot be (an amount, a date), so that every one is also an error's value."""
    inbox = settings.inbox
    workbook(inbox / "项目库" / "项目库.xlsx", {"项目库": [LIBRARY_HEADERS, project("P1")]}, dt.datetime(2021, 6, 1, 9))
    monthly(inbox / "月报" / "装备8月.xlsx", "装备制造组", MONTH, received=dt.datetime(2021, 9, 3, 10), typed=True,
            contacts=[contact(s, f"2021-08-{1 + i % 28:02d}") for i, s in enumerate(STORED)],
            signings=[signing(s, s, f"2021-08-{1 + i % SIGNED_BY_WEEK:02d}", 10) for i, s in enumerate(STORED)])
    weekly(inbox / "周报" / "李明远-0830.xlsx", "李明远", WEEK, received=dt.datetime(2021, 9, 6, 9), typed=True,
           progress=[progress("P1", 10, 100)], problems=[problem("P1", s, "2021-09-30") for s in STORED])
    monthly(inbox / "月报" / "能源8月.xlsx", "清洁能源和新型建材组", MONTH, reporter="张海涛", typed=True,
            received=dt.datetime(2021, 9, 3, 11),
            contacts=[contact(s, "2021-08-02", person="李明远", intended=s) for s in STRINGS])
    weekly(inbox / "周报" / "李明远-0823.xlsx", "李明远", "2021-08-23", received=dt.datetime(2021, 8, 30, 9), typed=True,
           progress=[progress("P1", 10, 90)], problems=[problem("P1", s, s) for s in STRINGS])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
        prefect_server: None) -> Iterator[Run]:
    """The files above through the real ingest flow, then the bulletin and the digest, both mailed."""
    from flows.bulletin import bulletin
    from flows.digest import digest
    from flows.ingest import ingest
    from tests.conftest import _throwaway_pg_database

    base = tmp_path_factory.mktemp(f"hostile-{request.param}")
    databases = _throwaway_pg_database() if request.param == "postgresql" else iter([f"sqlite:///{base / 'w.sqlite'}"])
    url = next(databases)
    try:
        settings = make_settings(base / "share", url)
        drop_files(settings)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ZHAOSHANG_TODAY", TODAY)
            places = {"root": str(settings.root), "warehouse_url": url}
            summary = ingest(**places)
            assert sorted((f.name, f.status) for f in summary.files) == [
                ("李明远-0823.xlsx", "rejected"), ("李明远-0830.xlsx", "loaded"), ("能源8月.xlsx", "rejected"),
                ("装备8月.xlsx", "loaded"), ("项目库.xlsx", "loaded")], [(f.name, f.first_problem) for f in summary.files]
            bulletin(month=MONTH, send=True, **places)
            digest(week=WEEK, send=True, **places)
        yield Run(settings)
    finally:
        next(databases, None)  # drops the PostgreSQL database


# ── the warehouse ─────────────────────────────────────────────────────────────
def test_the_warehouse_holds_each_string_in_its_normalised_form(run: Run) -> None:
    contacts = run.query("SELECT enterprise FROM fact_contact ORDER BY sheet_row")
    signings = run.query("SELECT enterprise, project_name FROM fact_signing ORDER BY sheet_row")
    problems = run.query("SELECT description FROM fact_problem_week ORDER BY sheet_row")
    assert [r[0] for r in contacts] == [clean_name(s) for s in STORED]
    assert signings == [(clean_name(s), clean_text(s)) for s in STORED]
    assert [r[0] for r in problems] == [clean_text(s) for s in STORED]
    # Why these are right: names lose every space (the tab too) and take Chinese brackets; free text
    # collapses a run of spaces to one; both drop zero-width joiners (DESIGN §3.5); the rest is kept,
    # "=SUM(…)", markup, \x01, \x1b, DEL and a literal _x0041_ included.
    assert contacts[:3] == [("=SUM（A1:A9）兴安盟\x01科技有限公司",), ("<b>乌兰浩特</b>&\"食品\"'𠮷'👨👩👧",),
                            ("@农牧业（集团）\x1b𪚥_x0041_\x7f",)]
    assert problems[:3] == [("=SUM(A1:A9)兴安盟\x01科技 有限公司",), ("<b>乌兰浩特</b> & \"食品\" '𠮷' 👨👩👧",),
                            ("@农牧业(集团)\x1b𪚥_x0041_\x7f",)]


def test_a_string_with_nul_is_refused_at_its_cell(run: Run) -> None:
    file_id, status, _ = run.ledger("能源8月.xlsx")
    assert status == "rejected"
    found = run.query(f"SELECT row, col, header, value, message FROM file_finding WHERE file_id = {file_id} "
                      "AND severity = 'error' ORDER BY row, col")
    rows = {s: 2 + i for i, s in enumerate(STRINGS)}  # row 1 is the header
    nul = [(rows[s], col, header, s.replace("\x00", "\\x00"), NUL_MESSAGE)
           for s in REFUSED for col, header in ((2, "企业名称"), (9, "意向投资额（万元）"))]
    amounts = [(rows[s], 9, "意向投资额（万元）", s, f"无法识别的金额“{clean_text(s)}”。") for s in STORED]
    assert found == sorted(nul + amounts)
    assert ("-兴安盟\\x00新能源", NUL_MESSAGE) in [(v, m) for _, _, _, v, m in found]


# ── the .docx reports ─────────────────────────────────────────────────────────
def table_cells(path: Path) -> Counter:
    """Every table cell's text in a .docx, counted."""
    return Counter(cell.text for table in Document(path).tables for row in table.rows for cell in row.cells)


def raw_controls(path: Path) -> set[str]:
    """Characters below U+0020 other than tab and line ends anywhere in the document's XML (must be none)."""
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return {c for c in xml if ord(c) < 32 and c not in "\t\n\r"}


def test_the_reports_show_every_string_with_controls_visible(run: Run) -> None:
    texts = [shown(clean_text(s)) for s in STORED]
    digest, bulletin = run.report("周报", "项目周报汇总.docx"), run.report("通报", "工作通报.docx")
    digest_cells, bulletin_cells = table_cells(digest), table_cells(bulletin)
    # digest: each text twice — 需协调解决的问题 (the problem) and 待核对事项 (the signed project, never reported)
    assert {t: digest_cells[t] for t in texts} == {t: 2 for t in texts}
    # bulletin: 需协调解决的问题 (from the weekly marts) and 表 签约项目's 项目名称, and its 签约企业 too where the
    # enterprise's normalised form (clean_name) reads the same as the text's
    assert {t: bulletin_cells[t] for t in texts} == {
        shown(clean_text(s)): 2 + (shown(clean_name(s)) == shown(clean_text(s))) for s in STORED}
    assert raw_controls(digest) == raw_controls(bulletin) == set()
    for cells in (digest_cells, bulletin_cells):  # control characters shown, markup as text, nothing lost
        assert cells["=SUM(A1:A9)兴安盟\\x01科技 有限公司"] >= 1
        assert cells["<b>乌兰浩特</b> & \"食品\" '𠮷' 👨👩👧"] >= 1
        assert cells["@农牧业(集团)\\x1b𪚥_x0041_\x7f"] >= 1


# ── workbooks: companion 数据来源 and explanations ─────────────────────────────
def sheet_values(path: Path, sheet: str) -> list[list[object]]:
    """A sheet's values as Excel shows them (calamine decodes _xHHHH_ as Excel does)."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def formula_cells(path: Path) -> list[str]:
    """Every formula cell of every sheet: <f> elements in the sheet XML, and cells openpyxl takes for formulas
    (or for text starting with "=" not stored as a string)."""
    found = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += [f"{name}: <f>"] * len(re.findall(rb"<(?:\w+:)?f[ >/]", package.read(name)))
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            found += [f"{ws.title}!{c.coordinate}" for c in row if c.data_type == "f"
                      or (isinstance(c.value, str) and c.value.startswith("=") and c.data_type != "s")]
    return found


def column(rows: list[list[object]], header: str) -> list[object]:
    """The values under `header` (the first row), top to bottom."""
    j = rows[0].index(header)
    return [r[j] for r in rows[1:]]


def test_companion_workbooks_hold_the_text_and_never_a_formula(run: Run) -> None:
    trace, sources = run.report("通报", "_数据来源.xlsx"), run.report("周报", "_数据来源.xlsx")
    assert column(sheet_values(trace, "fact_contact"), "enterprise") == [shown(clean_name(s)) for s in STORED]
    signings = sheet_values(sources, "fact_signing")
    assert Counter(column(signings, "enterprise")) == Counter(shown(clean_name(s)) for s in STORED)
    assert Counter(column(signings, "project_name")) == Counter(shown(clean_text(s)) for s in STORED)
    assert Counter(column(sheet_values(sources, "mart_problem"), "description")) == Counter(
        shown(clean_text(s)) for s in STORED)
    formulas = formula_cells(trace) + formula_cells(sources)
    assert formulas == []
    record(f"hostile-strings[companions-{warehouse_kind(run.settings.warehouse_url)}]",
           {"strings": len(STRINGS), "shown": len(STORED), "refused": len(REFUSED), "formulas": len(formulas)})


def test_explanation_workbooks_carry_every_string_and_never_a_formula(run: Run) -> None:
    formulas = []
    for name, (sheet, (_, text_header), (_, bad_header), message, _) in REJECTED.items():
        _, status, explanation = run.ledger(name)
        path = run.settings.root / explanation
        assert status == "rejected"
        # the submitter's own sheet, copied: every string exactly as they typed it (NUL included)
        copied = sheet_values(path, sheet)
        assert column(copied, text_header) == STRINGS and column(copied, bad_header) == STRINGS
        # 错误汇总: one row per error with the cell's content and the message, control characters shown
        summary = sheet_values(path, "错误汇总")[2:]  # below the heading and the guidance
        rows = [dict(zip(summary[0], r)) for r in summary[1:] if r[summary[0].index("列名")] == bad_header]
        assert [r["单元格内容"] for r in rows] == [shown(s) for s in STRINGS]
        assert [r["问题说明"] for r in rows] == [
            NUL_MESSAGE if "\x00" in s else shown(message.format(clean_text(s))) for s in STRINGS]
        formulas += formula_cells(path)
    assert formulas == []
    record(f"hostile-strings[explanations-{warehouse_kind(run.settings.warehouse_url)}]",
           {"strings": len(STRINGS), "shown": len(STORED), "refused": len(REFUSED), "formulas": len(formulas)})


# ── mail ──────────────────────────────────────────────────────────────────────
def bodies(message: email.message.EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a mail, decoded."""
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def lf(text: str) -> str:
    """Line ends as LF (a mail travels with CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def mailed_errors(name: str) -> list[str]:
    """The first ten error lines of a rejection mail, in reading order (row by row, left to right)."""
    sheet, text_col, bad_col, message, fix = REJECTED[name]
    errors = []
    for row, s in enumerate(STRINGS, start=2):
        if "\x00" in s:
            errors += [(row, *text_col, NUL_MESSAGE, NUL_FIX), (row, *bad_col, NUL_MESSAGE, NUL_FIX)]
        else:
            errors.append((row, *bad_col, message.format(clean_text(s)), fix))
    return [f"{n}. 工作表“{sheet}”第{row}行{col}列（{header}）：{text}（{how}）"
            for n, (row, col, header, text, how) in enumerate(errors[:10], start=1)]


def test_rejection_mails_carry_the_strings_escaped_in_html_exactly_in_text(run: Run) -> None:
    rejections = {m["Subject"]: m for m in run.mails() if m["Subject"].startswith("【退回】")}
    assert sorted(rejections) == [f"【退回】{name} 未通过校验，请修改后重新报送" for name in sorted(REJECTED)]
    for name in REJECTED:
        text, page = bodies(rejections[f"【退回】{name} 未通过校验，请修改后重新报送"])
        lines = lf(text).split("\n")
        for line in mailed_errors(name):
            assert line in lines  # exactly, control characters and all
            assert f"<p>{html.escape(shown(line))}</p>" in lf(page)  # &amp; &lt; &quot; …, control characters shown


def test_mail_bodies_carry_every_string(tmp_path: Path) -> None:
    from zhaoshang.delivery.mail import build_message

    settings = make_settings(tmp_path / "share")
    message = email.message_from_bytes(build_message(
        settings, key="hostile", to=["a@example.cn"], cc=[], subject="测试", paragraphs=STRINGS,
        attachments=[]).as_bytes(), policy=policy.default)
    text, page = bodies(message)
    # the text part is the paragraphs exactly; on the wire every line ends in CRLF, which is all that changes
    assert lf(text) == lf("\n\n".join(STRINGS) + "\n")
    paragraphs = re.findall(r"<p>(.*?)</p>", lf(page), flags=re.S)
    assert paragraphs == [lf(html.escape(shown(s)).replace("\n", "<br>")) for s in STRINGS]
    assert paragraphs[:4] == [  # why: html.escape escapes & < > " ' ; control characters shown as \x01
        "=SUM(A1:A9)兴安盟\\x01科技\t有限公司",
        "&lt;b&gt;乌兰浩特&lt;/b&gt; &amp; &quot;食品&quot; &#x27;𠮷&#x27; 👨\u200d👩\u200d👧",
        "@农牧业(集团)\\x1b𪚥_x0041_\x7f",
        "-兴安盟\\x00新能源"]
