"""Issue #19 item 3: every report also as PDF beside its .docx (LibreOffice headless), its body in a
serif CJK face and its headings as the template says, whatever fonts the reader's PC has; the
leaders' mail carries the PDF and the .docx. The documents come from the real flows over the
scenarios of test_bulletin, test_digest and test_appraisal (on SQLite: the PDF does not depend on
the warehouse), and are read back with poppler (pdftohtml -xml for each text's font, pdftotext per page).
"""

from __future__ import annotations

import email
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from email import policy
from pathlib import Path

import pytest
from docx import Document

from flows.appraisal import appraisal
from flows.digest import digest
from tests.conftest import make_settings
from tests.test_appraisal import TODAY as APPRAISAL_TODAY
from tests.test_appraisal import load_cohort, write_config
from tests.test_bulletin import config, run_bulletin, scenario  # noqa: F401 (fixtures)
from tests.test_digest import seed_week_35
from tests.test_ingest_flow import run_pass
from zhaoshang.reports.fonts import FACES, fontconfig_text
from zhaoshang.reports.pdf import convert_to_pdf
from zhaoshang.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture(autouse=True)
def with_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """This module's reports are written with their PDF (conftest turns it off for the rest of the suite)."""
    monkeypatch.setenv("ZHAOSHANG_REPORT_PDF", "1")


@pytest.fixture
def warehouse_url(tmp_path: Path) -> str:
    """SQLite only: what the PDF shows does not depend on the warehouse (conftest runs both elsewhere)."""
    return f"sqlite:///{tmp_path / 'warehouse.sqlite'}"


# ── reading a PDF back ──

def texts_by_font(pdf: Path) -> list[tuple[str, str]]:
    """(font family, text) of every text piece of the PDF, as pdftohtml -xml reports them."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)], check=True, capture_output=True,
                         text=True, timeout=60).stdout
    root = ET.fromstring(xml)
    families = {spec.get("id"): spec.get("family", "").split("+")[-1] for spec in root.iter("fontspec")}
    return [(families[t.get("font")], "".join(t.itertext())) for t in root.iter("text")]


def cjk_count(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


def body_family(pdf: Path) -> str:
    """The face most Chinese characters of the PDF are set in."""
    counts = Counter()
    for family, text in texts_by_font(pdf):
        counts[family] += cjk_count(text)
    return counts.most_common(1)[0][0]


def family_of(pdf: Path, text: str) -> str:
    """The face of the first text piece that is `text`."""
    return next(family for family, piece in texts_by_font(pdf) if piece.strip() == text)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text (pdftotext, one call per page)."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout for n in range(1, pages + 1)]


PAGE_NUMBER = re.compile(r"^[—\-\s]*\d+[—\-\s]*$")
IMPRINT = re.compile(r"印发\s*$")


def assert_no_page_with_only_the_close(pdf: Path) -> None:
    """No page holds nothing but a page number, or nothing but the 版记 (and a page number)."""
    for n, text in enumerate(page_texts(pdf), 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        content = [line for line in lines if not PAGE_NUMBER.match(line)]
        assert content, f"page {n} of {pdf.name} holds only a page number"
        assert not all(IMPRINT.search(line) for line in content), f"page {n} of {pdf.name} holds only the 版记: {content}"


def serif_cjk(family: str) -> bool:
    return bool(re.search(r"Serif.*CJK|CJK.*Serif|Song|FangSong|Ming", family))


def sans_cjk(family: str) -> bool:
    return bool(re.search(r"Sans.*CJK|CJK.*Sans|Hei", family))


def attachment_names(outbox: Path, subject_part: str) -> list[str]:
    """The attachment names of the one .eml in outbox/ whose subject is 【`subject_part`】… (the leaders' mail)."""
    found = []
    for path in outbox.rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["Subject"].startswith(f"【{subject_part}】"):
            found.append([part.get_filename() for part in message.iter_attachments()])
    assert len(found) == 1, found
    return found[0]


def attachments_of(outbox: Path, subject: str) -> list[str]:
    """The attachment names of the one .eml in outbox/ with exactly this subject."""
    found = [[part.get_filename() for part in message.iter_attachments()]
             for message in (email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in outbox.rglob("*.eml"))
             if message["Subject"] == subject]
    assert len(found) == 1, found
    return found[0]


# ── the three reports ──

def test_bulletin_pdf_serif_body_heiti_headings_no_lonely_close_and_mail(scenario: Settings) -> None:  # noqa: F811
    docx = run_bulletin(scenario, send=True)

    pdf = docx.with_suffix(".pdf")
    assert pdf.is_file() and pdf.stat().st_size > 20_000
    assert serif_cjk(body_family(pdf)), body_family(pdf)
    assert sans_cjk(family_of(pdf, "一、总体情况"))  # 一级标题 in 黑体 → Noto Sans CJK SC
    assert serif_cjk(family_of(pdf, "兴安盟经济技术开发区管理委员会"))  # the 红头 in 方正小标宋简体 → Noto Serif CJK SC
    assert_no_page_with_only_the_close(pdf)
    last = page_texts(pdf)[-1]
    assert "印发" in last and "兴安盟经济技术开发区管理委员会" in last  # 落款 and 版记 on the same page
    assert attachment_names(scenario.outbox, "招商引资工作通报") == [pdf.name, docx.name]
    # each group's excerpt has its PDF too, and its secretary's mail carries both
    for group in scenario.groups:
        excerpt = docx.parent / f"2021年第8期{group.name}本组通报摘要.docx"
        assert serif_cjk(body_family(excerpt.with_suffix(".pdf")))
        assert_no_page_with_only_the_close(excerpt.with_suffix(".pdf"))
        subject = f"【本组通报摘要】2021年第8期招商引资工作通报（{group.name}）"
        assert attachments_of(scenario.outbox, subject) == [excerpt.with_suffix(".pdf").name, excerpt.name]


def test_digest_pdf_beside_the_docx_and_in_the_mail(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")
    seed_week_35(settings)
    assert all(f.status == "loaded" for f in run_pass(settings).files)

    docx = digest(week="2021-08-30", send=True, root=str(settings.root), warehouse_url=settings.warehouse_url)

    pdf = settings.reports / "周报" / "2021年第35周项目周报汇总.pdf"
    assert pdf.is_file()
    assert serif_cjk(body_family(pdf)), body_family(pdf)
    assert sans_cjk(family_of(pdf, "一、本周项目推进总体情况"))
    assert_no_page_with_only_the_close(pdf)
    assert attachment_names(settings.outbox, "项目周报汇总") == [pdf.name, docx.name]


def test_appraisal_and_its_summaries_as_pdf(tmp_path: Path, warehouse_url: str) -> None:
    config_path = write_config(tmp_path / "zhaoshang.toml")
    settings = make_settings(tmp_path / "share", warehouse_url, ZHAOSHANG_CONFIG=str(config_path),
                             ZHAOSHANG_TODAY=APPRAISAL_TODAY)
    load_cohort(settings)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ZHAOSHANG_TODAY", APPRAISAL_TODAY)
        docx = appraisal(half="2021H1", config=str(config_path), root=str(settings.root),
                         warehouse_url=settings.warehouse_url, send=True, prefill=True)

    pdf = docx.with_suffix(".pdf")
    assert pdf.is_file()
    assert serif_cjk(body_family(pdf)), body_family(pdf)
    assert_no_page_with_only_the_close(pdf)
    assert attachment_names(settings.outbox, "招商引资工作考核汇总") == [pdf.name, docx.name]
    summaries = sorted((settings.reports / "考核" / "述职数据摘要").glob("*.docx"))
    assert summaries and all(s.with_suffix(".pdf").is_file() for s in summaries)
    assert serif_cjk(body_family(summaries[0].with_suffix(".pdf")))


# ── fallbacks in the .docx, and what happens without a PDF ──

def test_font_table_names_a_fallback_for_every_template_face(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHAOSHANG_TODAY", "2021-09-08")
    monkeypatch.setenv("ZHAOSHANG_REPORT_PDF", "0")  # this test reads the .docx only
    seed_week_35(settings)
    run_pass(settings)

    docx = digest(week="2021-08-30", root=str(settings.root), warehouse_url=settings.warehouse_url)

    assert not docx.with_suffix(".pdf").exists()
    document = Document(str(docx))
    part = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable"))
    table = part.blob.decode("utf-8")
    for face, alternative in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "方正小标宋_GBK"), ("楷体_GB2312", "楷体"),
                              ("黑体", "SimHei"), ("宋体", "SimSun")):
        entry = re.search(rf'<w:font w:name="{face}">(.*?)</w:font>', table, re.S)
        assert entry, face
        assert f'<w:altName w:val="{alternative}"/>' in entry.group(1) and '<w:charset w:val="86"/>' in entry.group(1)


def test_fontconfig_maps_each_face_to_windows_then_free_faces() -> None:
    text = fontconfig_text("/etc/fonts/fonts.conf")
    assert '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' in text
    assert ("<alias binding=\"same\"><family>仿宋_GB2312</family><prefer><family>仿宋</family><family>FangSong</family>"
            "<family>STFangsong</family><family>Source Han Serif SC</family><family>Noto Serif CJK SC</family>"
            "</prefer></alias>") in text
    assert {face.name for face in FACES} == {"方正小标宋简体", "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体"}
    resolved = subprocess.run(["fc-match", "-f", "%{family[0]}", "仿宋_GB2312"], capture_output=True, text=True,
                              env={"FONTCONFIG_FILE": str(_written(text))}).stdout
    assert resolved == "Noto Serif CJK SC"


def _written(text: str) -> Path:
    import tempfile

    handle = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False, encoding="utf-8")
    handle.write(text)
    handle.close()
    return Path(handle.name)


def test_a_conversion_that_times_out_is_logged_and_leaves_the_docx(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    docx = tmp_path / "报告.docx"
    document = Document()
    document.add_paragraph("正文")
    document.save(str(docx))
    stale = docx.with_suffix(".pdf")
    stale.write_bytes(b"%PDF-1.4 an earlier one")

    assert convert_to_pdf([docx], timeout=0.01) == [None]

    assert docx.is_file() and not stale.exists()
    assert "No PDF for 报告.docx: LibreOffice did not finish within 0.01 s" in caplog.text
