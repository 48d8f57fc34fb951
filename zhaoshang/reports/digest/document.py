"""The weekly digest (项目周报汇总) at the I/O edge.

read_digest_data  – run the named queries below for one week (the marts first; fact and library rows
                    only where no mart carries the field)
digest_content    – turn their rows into the template's context and the mail summary (figures from
                    zhaoshang/reports/digest/figures.py)
render_digest     – draw the 挂图作战 grid, render templates/digest.docx, write the companion workbook

Every row of every table in the digest comes from rows of these queries: the companion workbook
`…_数据来源.xlsx` holds the SQL and, one sheet per query, the rows it returned (with file_id and
sheet_row, which lead to the submitted file and its Excel row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from transforms.due import library_as_of
from zhaoshang.reports.common import chinese_font, finish_report, start_source_workbook, visible_context
from zhaoshang.reports.digest import figures as w
from zhaoshang.reports.digest.figures import QUERIES, DigestData, read_digest_data  # noqa: F401 (re-exported)
from zhaoshang.reports.digest.mail import mail_summary
from zhaoshang.reports.grid_chart import draw_grid, font_faces
from zhaoshang.reports.printed import date_label, number_text, percent_text
from zhaoshang.settings import PROJECT_DIR, Settings

TEMPLATE = PROJECT_DIR / "templates" / "digest.docx"
CHART_WIDTH_MM = 156
GRID_ROWS_PER_PAGE = 28  # projects per 挂图作战 picture: 28 rows at 156 mm wide fill one A4 page
NO_DATA = "—"

@dataclass
class DigestFiles:
    """What one rendering wrote, and the paragraphs of the mail body."""

    docx: Path
    trace: Path
    charts: list[Path]  # the 挂图作战 grid, one picture per page of GRID_ROWS_PER_PAGE projects
    summary: list[str]
    overview: list[str] = field(default_factory=list)


# ── the week's figures ──

@dataclass
class WeekFigures:
    """Everything the digest shows about one week, as DataFrames from zhaoshang/reports/digest/figures.py."""

    week: dt.date
    library: pd.DataFrame
    lines: pd.DataFrame
    directory: pd.DataFrame
    completed: pd.DataFrame
    overdue: pd.DataFrame
    grid: pd.DataFrame
    ledger: pd.DataFrame
    open_problems: pd.DataFrame
    resolved: pd.DataFrame
    missing_projects: pd.DataFrame
    silent_cadres: pd.DataFrame
    late_cadres: list[str]
    signed_unreported: pd.DataFrame
    unsigned_reported: pd.DataFrame
    group_names: dict[str, str]
    labels: dict[str, str]  # how tables name each project (project_labels)


def week_figures(data: DigestData, grace_weeks: int = w.GRACE_WEEKS, cutoff: float = w.MATCH_CUTOFF) -> WeekFigures:
    """Apply the weekly transforms to the query rows of `data`."""
    week, f = data.week, data.frames
    library = library_as_of(f["project_snapshot"], dt.datetime.combine(week + dt.timedelta(days=7), dt.time()))
    weeks, procedures = f["mart_project_week"], f["fact_procedure_week"]
    lines = w.project_week_lines(weeks, week)
    directory = w.project_directory(weeks, library, week)
    ledger = w.problem_ledger(f["mart_problem"], week)
    matches = w.signing_matches(f["fact_signing"], library, cutoff)
    subs = f["mart_submission"]
    return WeekFigures(
        week=week, library=library, lines=lines, directory=directory,
        completed=w.procedures_completed(procedures, week),
        overdue=w.overdue_procedures(procedures, directory, week), grid=w.procedure_grid(procedures, lines, week),
        ledger=ledger, open_problems=w.open_problems(ledger), resolved=w.problems_resolved_in(ledger, week),
        missing_projects=w.projects_not_reported(library, weeks, week),
        silent_cadres=w.cadres_not_reported(library, weeks, week),
        late_cadres=sorted(subs.loc[subs["status"] == "late", "subject"]),
        signed_unreported=w.signed_without_reports(matches, weeks, week, grace_weeks),
        unsigned_reported=w.reported_without_signing(weeks, matches, week),
        group_names=dict(zip(f["dim_group"]["group_code"], f["dim_group"]["name"])),
        labels=w.project_labels(directory),
    )


# ── the context: rows as printed ──

def _text(value: object) -> str:
    """A text cell: the value, or "—" when missing."""
    return str(value) if isinstance(value, str) and value.strip() else NO_DATA


def _day(value: object, week: dt.date) -> str:
    """A date cell: "8月20日" (the year only when it is not the digest's), or "—"."""
    return w.table_date(value, week) if isinstance(value, dt.date) else NO_DATA


def line_rows(fig: WeekFigures) -> tuple[list[dict], dict]:
    """表 项目进展一览: one row per reported project, and the 合计 row."""
    rows = [{"code": r.project_code, "name": r.project_name, "cadre": _text(r.cadre),
             "week": number_text(r.invest_week_wan, 4), "cum": number_text(r.invest_cum_wan, 4),
             "share": percent_text(r.invest_cum_wan, r.planned_wan), "stage": r.stage} for r in fig.lines.itertuples()]
    totals = w.week_totals(fig.lines)
    total = {"name": f"共{totals['projects']}个项目", "week": number_text(totals["invest_week_wan"], 4),
             "cum": number_text(totals["invest_cum_wan"], 4),
             "share": percent_text(totals["invest_cum_wan"], totals["planned_wan"])}
    return rows, total


def completed_rows(fig: WeekFigures) -> list[dict]:
    """表 本周办结手续: project, procedure, planned and actual dates, on time or how late."""
    def verdict(r) -> str:
        if r.on_time is None or pd.isna(r.on_time):
            return NO_DATA
        return "按期办结" if r.on_time else f"逾期{(r.done_on - r.planned_on).days}天办结"
    return [{"project": fig.labels.get(r.project_code, r.project_code), "procedure": r.procedure,
             "planned": _day(r.planned_on, fig.week), "done": _day(r.done_on, fig.week), "verdict": verdict(r)}
            for r in fig.completed.itertuples()]


def overdue_table_rows(fig: WeekFigures) -> list[dict]:
    """表 超期未办结手续: longest overdue first, with who answers for it."""
    return [{"project": fig.labels.get(r.project_code, r.project_code), "procedure": r.procedure,
             "planned": _day(r.planned_on, fig.week), "days": f"{r.days_overdue}天", "leader": _text(r.leader),
             "cadre": _text(r.cadre)} for r in fig.overdue.itertuples()]


def problem_rows(fig: WeekFigures) -> list[dict]:
    """表 需协调解决的问题: open problems, those past their deadline first and marked."""
    return [{"project": fig.labels.get(r.project_code, r.project_code), "description": r.description,
             "leader": _text(r.leader), "deadline": _day(r.deadline, fig.week),
             "mark": f"已超期{r.days_past_deadline}天" if r.overdue else "",
             "weeks": f"{r.weeks_open}周", "status": r.status_as_of} for r in fig.open_problems.itertuples()]


def missing_rows(fig: WeekFigures) -> list[dict]:
    """表 本周未报送周报的项目."""
    return [{"code": r.project_code, "name": r.project_name, "cadre": r.cadre,
             "situation": "包联人已报送周报，但未包含该项目" if r.cadre_reported else "包联人本周未报送周报"}
            for r in fig.missing_projects.itertuples()]


def check_rows(fig: WeekFigures, grace_weeks: int) -> list[dict]:
    """表 待核对事项: (a) signed but never reported, (b) reported but never signed."""
    groups = dict(zip(fig.library["project_code"], fig.library["group_code"]))
    rows = [{"kind": "已签约未见周报", "name": r.project_name, "group": fig.group_names.get(r.group_code, r.group_code),
             "signed": _day(r.signed_on, fig.week),
             "note": f"签约已满{grace_weeks}周；项目库编号：{r.project_code}" if r.in_library else "项目库中未找到对应项目"}
            for r in fig.signed_unreported.itertuples()]
    rows += [{"kind": "在报未见签约", "name": fig.labels.get(r.project_code, r.project_code),
              "group": fig.group_names.get(groups.get(r.project_code), NO_DATA), "signed": NO_DATA,
              "note": f"自{w.short_week_label(r.first_week, fig.week)}起在报，各组月报无签约记录"}
             for r in fig.unsigned_reported.itertuples()]
    return rows


def table_numbers(present: Mapping[str, bool]) -> dict[str, int]:
    """表1, 表2 … in document order, counting only the tables that are printed."""
    numbers, n = {}, 0
    for name, shown in present.items():
        n += bool(shown)
        numbers[name] = n if shown else 0
    return numbers


def section_paragraphs(fig: WeekFigures, tables: Mapping[str, int]) -> dict[str, list[str]]:
    """The text of sections 二 to 七 (the overview is built separately)."""
    resolved = "；".join(f"{fig.labels.get(r.project_code, r.project_code)}“{r.description}”"
                        f"（责任领导：{_text(r.leader)}）" for r in fig.resolved.itertuples())
    cadres = len(w.cadres_due(fig.library))
    checks = len(fig.signed_unreported) + len(fig.unsigned_reported)
    return {
        "lines_paragraphs": ([f"本周{len(fig.lines)}个项目报送了周报，投资完成和建设阶段情况见表{tables['lines']}。"
                              + w.stage_sentence(fig.lines)] if len(fig.lines) else ["本周没有项目报送周报。"]),
        "completed_paragraphs": [w.completed_sentence(fig.completed)
                                 + (f"详见表{tables['completed']}。" if tables["completed"] else "")],
        "overdue_paragraphs": [w.overdue_sentence(fig.overdue, fig.week)
                               + (f"明细见表{tables['overdue']}。" if tables["overdue"] else "")],
        "problem_paragraphs": [w.problem_sentence(fig.open_problems, fig.resolved).removesuffix("。")
                               + (f"，明细见表{tables['problems']}。" if tables["problems"] else "。")]
                              + ([f"本周已解决的问题：{resolved}。"] if resolved else []),
        "missing_paragraphs": [w.cadre_sentence(cadres, fig.silent_cadres, fig.late_cadres)
                               + (f"应报未报的项目{len(fig.missing_projects)}个，见表{tables['missing']}。"
                                  if tables["missing"] else "应报项目均已报送。")],
        "check_paragraphs": [f"将各组月报的签约项目与项目周报核对，待核对事项{checks}项，见表{tables['checks']}，"
                             "请有关工作组和包联人核实。" if checks else "将各组月报的签约项目与项目周报核对，未发现不一致。"],
    }


def digest_content(data: DigestData, settings: Settings, grace_weeks: int = w.GRACE_WEEKS,
                   cutoff: float = w.MATCH_CUTOFF) -> tuple[dict, list[str], WeekFigures]:
    """The template context (without the chart), the mail paragraphs, and the figures behind them."""
    fig = week_figures(data, grace_weeks, cutoff)
    week, sunday = data.week, w.week_end(data.week)
    lines, total = line_rows(fig)
    rows = {"lines": lines, "completed": completed_rows(fig), "overdue": overdue_table_rows(fig),
            "problems": problem_rows(fig), "missing": missing_rows(fig), "checks": check_rows(fig, grace_weeks)}
    tables = table_numbers({name: bool(r) for name, r in rows.items()})
    overview = [
        w.progress_sentence(week, len(w.active_projects(fig.library)), len(fig.lines), len(fig.missing_projects),
                            w.week_totals(fig.lines)),
        w.procedure_sentence(len(fig.completed), fig.overdue, w.procedures_unreported(data.frames["mart_project_week"], week)),
        w.problem_sentence(fig.open_problems, fig.resolved),
        w.reporting_sentence(len(w.cadres_due(fig.library)), fig.silent_cadres, fig.late_cadres,
                             len(fig.signed_unreported) + len(fig.unsigned_reported)),
    ]
    context = {
        "title": f"{w.iso_week_label(week)}项目周报汇总", "span": w.week_span_label(week),
        "office": f"{settings.zone.name}{settings.zone.office}", "issue_date": date_label(settings.today()),
        "week_label": w.iso_week_label(week), "sunday_label": f"{sunday.month}月{sunday.day}日",
        "overview": overview, "t": tables, **rows, "lines_total": total, **section_paragraphs(fig, tables),
        "lines_note": "注：占计划总投资＝累计完成投资÷计划总投资；投资数据以包联人报送的项目周报为准。",
        "grid_note": ("注：绿色为已办结（标“本周”的为本周办结），蓝色为办理中，灰色为未启动，红色为超过计划办结日期"
                      "仍未办结（标注超期天数），斜线为不涉及，空白为周报未填报该手续。"
                      + ("本周未报送周报的项目未列入本图（见第六部分）。" if len(fig.missing_projects) else "")),
        "checks_note": (f"注：签约项目按项目名称或签约企业与项目库匹配（名称相似度不低于{number_text(cutoff)}%）；"
                        f"签约满{grace_weeks}周仍未见周报的，以及周报在报但各组月报从未报送签约的，列为待核对。"),
    }
    return context, mail_summary(week, overview), fig


# ── the 挂图作战 grid (drawn by reports/grid_chart.py) ──

def grid_pages(grid: pd.DataFrame, rows_per_page: int = GRID_ROWS_PER_PAGE) -> list[pd.DataFrame]:
    """The grid cut into pages of at most `rows_per_page` projects (in the grid's order), so each picture fits a page."""
    codes = list(dict.fromkeys(grid["project_code"]))
    pages = [set(codes[start:start + rows_per_page]) for start in range(0, len(codes), rows_per_page)]
    return [grid[grid["project_code"].isin(page)] for page in pages]


def draw_grid_charts(grid: pd.DataFrame, names: Mapping[str, object], folder: Path, stem: str, font: str) -> list[Path]:
    """The 挂图作战 pictures in `font` (a family name): `stem`.png for one page, `stem`_1.png, `stem`_2.png … for several."""
    pages, faces = grid_pages(grid), font_faces(font)
    paths = [folder / f"{stem}.png"] if len(pages) == 1 else [folder / f"{stem}_{i}.png" for i in range(1, len(pages) + 1)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # a page's PNG compression releases the GIL: two cores draw
        return list(pool.map(lambda page, path: draw_grid(page, names, path, faces), pages, paths))


# ── writing ──

def digest_paths(settings: Settings, week: dt.date) -> tuple[Path, Path, Path]:
    """The .docx, its companion workbook and the charts folder under reports/周报/."""
    folder = settings.reports / "周报"
    name = f"{w.iso_week_label(week)}项目周报汇总"
    return folder / f"{name}.docx", folder / f"{name}_数据来源.xlsx", folder / "图表"


def source_sheets(data: DigestData) -> dict[str, pd.DataFrame]:
    """The companion workbook's sheets: 查询语句 (each query's SQL and parameters), then one sheet of rows per query."""
    params = "，".join(f":{k} = {v}" for k, v in data.params.items())
    sheets = {"查询语句": pd.DataFrame([(n, sql, params) for n, sql in QUERIES.items()], columns=["查询", "SQL", "参数"])}
    for name, frame in data.frames.items():
        sheets[name[:31]] = frame.reset_index(drop=True)
        sheets[name[:31]].insert(0, "行号", range(1, len(frame) + 1))
    return sheets


def render_digest(settings: Settings, data: DigestData) -> DigestFiles:
    """Grid charts and companion workbook → .docx from templates/digest.docx (autoescaped); the paths and mail summary."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    docx_path, sources_path, chart_dir = digest_paths(settings, data.week)
    context, summary, fig = digest_content(data, settings)
    names = dict(zip(fig.directory["project_code"], fig.directory["project_name"]))
    if len(fig.grid):
        chart_dir.mkdir(parents=True, exist_ok=True)
    with start_source_workbook(sources_path, source_sheets(data)) as sources:  # a child interpreter writes it meanwhile
        charts = draw_grid_charts(fig.grid, names, chart_dir, f"{w.iso_week_label(data.week)}_挂图作战图",
                                  chinese_font()) if len(fig.grid) else []
        template = DocxTemplate(TEMPLATE)
        context["grid_charts"] = [
            {"image": InlineImage(template, str(chart), width=Mm(CHART_WIDTH_MM)),
             "part": f"（{i}/{len(charts)}）" if len(charts) > 1 else ""} for i, chart in enumerate(charts, 1)]
        template.render(visible_context(context), autoescape=True)
        finish_report(settings, template, docx_path)  # fallback faces, layout, the file and its PDF
        sources.finish()
    return DigestFiles(docx_path, sources_path, charts, summary, context["overview"])
