"""Each group's excerpt of the monthly bulletin (本组通报摘要) at the I/O edge.

read_excerpt_data – run the excerpt's own queries (submissions, library, procedures, problems) for one month
excerpt_content   – one group's template context and mail facts, from the bulletin's rows and these
render_excerpts   – one .docx per group from templates/excerpt.docx, beside the bulletin

The group's figures come from the bulletin's own rows (`BulletinData`) through the bulletin's
functions, so the excerpt prints what the bulletin prints for that group, and nothing of any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, text

from zhaoshang.reports.bulletin import figures as b
from zhaoshang.reports.bulletin.document import ordered_groups
from zhaoshang.reports.bulletin.figures import BulletinData
from zhaoshang.reports.common import finish_report, typed_frame, visible_context
from zhaoshang.reports.excerpt import figures as e
from zhaoshang.reports.pdf import convert_to_pdf, pdf_path
from zhaoshang.settings import PROJECT_DIR, Settings

TEMPLATE = PROJECT_DIR / "templates" / "excerpt.docx"

# The excerpt's reads beyond the bulletin's: what was due, the library, the month's procedures, open problems.
QUERIES: dict[str, str] = {
    "mart_submission": (
        "SELECT kind, subject, period, status, received_at, due_at\nFROM mart_submission\n"
        "WHERE (kind = '月报' AND period >= :first_month AND period <= :month)\n"
        "   OR (kind = '周报' AND period >= :first_day AND period <= :last_day)\nORDER BY kind, period, subject"),
    "project_snapshot": (
        "SELECT s.snapshot_at, s.project_code, s.project_name, s.group_code, s.cadre, s.leader, s.status\n"
        "FROM project_snapshot s\nJOIN ingested_file f ON f.id = s.file_id AND f.status = 'loaded'\n"
        "ORDER BY s.snapshot_at, s.project_code"),
    "fact_procedure_week": (
        "SELECT p.project_code, p.week_start, p.week_end, p.procedure, p.status, p.planned_on, p.cadre\n"
        "FROM fact_procedure_week p\nJOIN ingested_file f ON f.id = p.file_id AND f.status = 'loaded'\n"
        "WHERE p.week_start >= :first_day AND p.week_start <= :last_day\n"
        "ORDER BY p.project_code, p.week_start, p.file_id, p.sheet_row"),
    "mart_problem": (
        "SELECT project_code, description, category, leader, deadline, status, first_week\nFROM mart_problem\n"
        "WHERE status <> '已解决' AND first_week <= :last_day\nORDER BY deadline, project_code"),
}
DATES = ("week_start", "week_end", "planned_on", "deadline", "first_week")


@dataclass
class ExcerptFile:
    """One group's excerpt as written, and what its mail says."""

    group_code: str
    group_name: str
    title: str
    docx: Path
    summary: list[str] = field(default_factory=list)


def read_excerpt_data(engine: Engine, month: str) -> dict[str, pd.DataFrame]:
    """Run every excerpt query for `month` (its year's monthly reports, its weeks)."""
    first, last = e.month_bounds(month)
    params = {"first_month": b.year_months(month)[0], "month": month, "first_day": first.isoformat(),
              "last_day": last.isoformat()}
    frames = {}
    with engine.connect() as conn:
        for name, sql in QUERIES.items():
            result = conn.execute(text(sql), params)
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
            frames[name] = typed_frame(frame, dates=DATES, times=("received_at", "due_at", "snapshot_at"))
    return frames


def table_numbers(*present: tuple[str, bool]) -> dict[str, int]:
    """Tables numbered after 表1 in order, counting only those printed."""
    numbers, next_no = {}, 2
    for name, shown in present:
        if shown:
            numbers[name], next_no = next_no, next_no + 1
    return numbers


def excerpt_content(data: BulletinData, frames: Mapping[str, pd.DataFrame], settings: Settings,
                    code: str) -> tuple[dict, list[str]]:
    """Group `code`'s template context and the paragraphs of its mail."""
    month, bf = data.month, data.frames
    gm, groups, contacts = bf["mart_group_month"], ordered_groups(bf["dim_group"], settings), bf["fact_contact"]
    name = groups.loc[groups["group_code"] == code, "name"].iloc[0]
    start = settings.zone.reporting_start
    current = e.group_row(gm, groups, month, code)
    previous = e.group_row(gm, groups, b.previous_month(month), code) if b.previous_month(month) >= start else None
    status = e.monthly_status(frames["mart_submission"], month, code)
    if current["reported"]:
        group_paragraph = b.group_sentence(current, month, e.key_names(contacts, bf["dim_key_enterprise"], code),
                                           e.region_names(contacts, settings.zone.key_regions, code))
    else:
        group_paragraph = e.no_report_sentence(month, name, status)
    submissions = e.submission_rows(frames["mart_submission"], month, code, e.group_cadres(settings.people, code))
    projects = e.group_projects(frames["project_snapshot"], month, code)
    overdue = e.overdue_procedures(frames["fact_procedure_week"], projects)
    problems = e.open_problems(frames["mart_problem"], projects, settings.today())
    tables = table_numbers(("submissions", bool(submissions)), ("procedures", not overdue.empty),
                           ("problems", not problems.empty))
    budget = e.budget_sentence(month, e.budget_row(gm, groups, month, code))
    submission_paragraph = e.submission_sentence(month, status, submissions, tables.get("submissions", 0))
    reported = frames["fact_procedure_week"]["project_code"].isin(projects["project_code"]).any()
    projects_paragraph = e.projects_sentence(month, projects, overdue, problems, tables, bool(reported))
    context = {
        "committee": settings.zone.committee, "office_full": f"{settings.zone.name}{settings.zone.office}",
        "issue_label": b.issue_label(month), "month_label": b.month_label(month), "ytd_label": b.ytd_label(month),
        "issue_date": b.date_label(settings.today()), "group_name": name, "group_paragraph": group_paragraph,
        "figure_rows": e.figure_table(current, previous, e.group_ytd(gm, month, code), month),
        "ytd_note": e.ytd_note(e.months_without_report(gm, month, code, start), month,
                               e.status_words_of(frames["mart_submission"], code)),
        "budget_paragraph": budget, "submission_paragraph": submission_paragraph, "submission_rows": submissions,
        "projects_paragraph": projects_paragraph, "procedure_rows": e.procedure_table(overdue, month),
        "problem_rows": e.problem_table(problems, month), "tables": tables,
    }
    summary = [f"现将《{b.issue_label(month)}招商引资工作通报》中涉及{name}的情况摘要发给你，全文见附件"
               f"《{e.excerpt_title(month, name)}》。通报全文已报送管委会领导。",
               group_paragraph, submission_paragraph, projects_paragraph]
    return context, summary


def release_table_ends(document) -> None:
    """Let what follows a table start a new page: the template's table text keeps with the next paragraph
    (a table stays on one page with its caption), so without this the last tables pull the 落款 along."""
    for table in document.tables:
        for cell in table.rows[-1].cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = False


def excerpt_path(folder: Path, month: str, group_name: str) -> Path:
    """The group's excerpt beside the bulletin: <bulletin folder>/2021年第8期装备制造组本组通报摘要.docx."""
    return folder / f"{e.excerpt_title(month, group_name)}.docx"


def render_excerpts(settings: Settings, data: BulletinData, frames: Mapping[str, pd.DataFrame],
                    folder: Path, codes: Sequence[str] | None = None) -> list[ExcerptFile]:
    """One .docx per group (every group of dim_group, in configuration order, or `codes`) in `folder`."""
    from docxtpl import DocxTemplate

    groups = ordered_groups(data.frames["dim_group"], settings)
    written = []
    for code, name in zip(groups["group_code"], groups["name"]):
        if codes is not None and code not in codes:
            continue
        context, summary = excerpt_content(data, frames, settings, code)
        template = DocxTemplate(TEMPLATE)
        template.render(visible_context(context), autoescape=True)
        release_table_ends(template.docx)
        path = excerpt_path(folder, data.month, name)
        finish_report(settings, template, path, pdf=False)  # fallback faces and layout; the PDFs below together
        written.append(ExcerptFile(code, name, e.excerpt_title(data.month, name), path, summary))
    if settings.report_pdf:
        convert_to_pdf([f.docx for f in written])  # one LibreOffice start for every group
    else:
        for f in written:
            pdf_path(f.docx).unlink(missing_ok=True)
    return written

