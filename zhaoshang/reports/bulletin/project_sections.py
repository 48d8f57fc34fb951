"""The bulletin's sections built from the weekly reports: key projects and open problems.

They plug into the bulletin through its `sections` seam; each figure is traced like the
bulletin's own (the query, and the rows it came from).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, text

from zhaoshang.reports.bulletin import projects as p

QUERIES = {
    "mart_project_week": """SELECT project_code, project_name, cadre, week_start, invest_week_wan, invest_cum_wan,
       stage, procedures_done, procedures_overdue, open_problems
FROM mart_project_week WHERE week_start >= :first_day AND week_start <= :last_day
ORDER BY project_code, week_start""",
    "mart_problem": """SELECT project_code, description, category, leader, deadline, status, first_week, last_week
FROM mart_problem WHERE status <> '已解决' AND first_week <= :last_day
ORDER BY deadline, project_code""",
}


def read_weekly_rows(engine: Engine, month: str) -> dict[str, pd.DataFrame]:
    """The weekly marts' rows for the weeks starting in `month` (and problems open by its end)."""
    first, last = p.month_bounds(month)
    frames = {}
    with engine.connect() as conn:
        for name, sql in QUERIES.items():
            result = conn.execute(text(sql), {"first_day": first, "last_day": last})
            frames[name] = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    weeks = frames["mart_project_week"]
    for column in ("invest_week_wan", "invest_cum_wan"):
        weeks[column] = weeks[column].astype(float)
    return frames


def _trace(place: str, label: str, value: str, method: str, query: str, rows: list[int]) -> dict:
    """One trace row in the bulletin's format."""
    return {"位置": place, "指标": label, "通报中的数值": value, "计算方法": method, "查询": query,
            "来源行（行号）": f"{query}: {', '.join(map(str, rows)) or '（无）'}", "SQL": QUERIES[query]}


def project_sections(engine: Engine, month: str, as_of: dt.date) -> list[dict]:
    """The key-projects and open-problems sections for `month`; none when no weekly report exists yet."""
    frames = read_weekly_rows(engine, month)
    weeks, problems = frames["mart_project_week"], frames["mart_problem"]
    if weeks.empty and problems.empty:
        return []
    rows = p.project_month_rows(weeks)
    names = dict(zip(rows["project_code"], rows["project_name"]))
    all_rows = list(range(1, len(weeks) + 1))
    covered = p.weeks_covered(weeks)
    procedure_problems, procedure_asks = p.overdue_procedure_lines(rows, covered)
    problem_problems, problem_asks = p.overdue_problem_lines(problems, names, as_of)
    sections = [{
        "title": "重点项目推进情况",
        "paragraphs": [p.projects_paragraph(month, rows, covered)],
        "problems": procedure_problems + problem_problems, "requirements": procedure_asks + problem_asks,
        "table": {"caption": f"{int(month[5:])}月重点项目推进情况",
                  "header": ["项目", "包联人", "本月完成投资（万元）", "累计完成投资（万元）", "建设阶段", "手续办结/超期（项）"],
                  "rows": p.project_table_rows(rows)},
        "trace": [_trace("重点项目推进情况", "本月完成投资合计（万元）", p.fmt(rows["month_wan"].sum()),
                         "各项目本月各周 invest_week_wan 之和", "mart_project_week", all_rows),
                  _trace("重点项目推进情况", "累计完成投资合计（万元）", p.fmt(rows["cum_wan"].sum()),
                         "各项目本月最后一周 invest_cum_wan 之和", "mart_project_week", all_rows)],
    }]
    if not problems.empty:
        sections.append({
            "title": "需协调解决的问题",
            "paragraphs": [p.problems_paragraph(problems, as_of)],
            "table": {"caption": "未解决的项目问题", "header": ["项目", "问题", "责任领导", "办结时限", "状态"],
                      "rows": p.problem_table_rows(problems, names, as_of)},
            "trace": [_trace("需协调解决的问题", "未解决问题（个）", str(len(problems)),
                             "mart_problem 中状态不为“已解决”的行数", "mart_problem",
                             list(range(1, len(problems) + 1)))],
        })
    return sections
