"""The half-year appraisal (半年考核汇总) at the I/O edge.

read_appraisal_data  – run the named queries below (current versions of every submission) for one half
appraise             – the configuration's cohort, groups and method + those rows → zhaoshang/reports/appraisal/figures.py
store_person_scores  – materialise the person scores of the half into person_half_score (→ mart_person_half)
render_appraisal     – one chart per group, templates/appraisal.docx, and the companion 计算明细 workbook
render_prefill       – one 述职数据摘要 .docx per person: the facts the warehouse holds, to set beside self-reports

Every figure in the summary is in the companion workbook `…_计算明细.xlsx`, down to the
fact rows (file_id, sheet_row → the submitted file and its Excel row) it was counted from.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, insert

from transforms.status_words import STATUS_WORDS
from warehouse.schema import POINT_COLUMNS, person_half_score
from zhaoshang.reports.appraisal import figures as a
from zhaoshang.reports.appraisal.figures import QUERIES, AppraisalData, read_appraisal_data  # noqa: F401 (re-exported)
from zhaoshang.reports.appraisal.mail import mail_summary
from zhaoshang.reports.common import chinese_font, finish_report, visible_context, write_source_workbook
from zhaoshang.reports.pdf import convert_to_pdf
from zhaoshang.reports.printed import date_label, number_text
from zhaoshang.settings import PROJECT_DIR, Settings

TEMPLATE = PROJECT_DIR / "templates" / "appraisal.docx"
CHART_WIDTH_MM = 150
NO_DATA = "—"
SCORE_DECIMALS, PERCENT_DECIMALS = 2, 1  # every score (分, points) and every percentage, everywhere
ROLE_ZH = {"secretary": "工作组秘书", "member": "组员", "cadre": "包联人"}

@dataclass
class AppraisalFiles:
    """What one rendering wrote, and the paragraphs of the mail body."""

    docx: Path
    workbook: Path
    charts: list[Path]
    summary: list[str]
    headline: list[str] = field(default_factory=list)


# ── configuration → the transform's inputs ──

def cohort_of(settings: Settings) -> pd.DataFrame:
    """The appraised: roster members (role "member") with a group, in roster order, with their duties."""
    return pd.DataFrame(
        [(p.name, p.group, "secretary" in p.roles, "cadre" in p.roles) for p in settings.people_with("member") if p.group],
        columns=["person", "group_code", "secretary", "cadre"])


def groups_of(settings: Settings) -> pd.DataFrame:
    """The groups in configuration order: code, name, yearly budget (元)."""
    return pd.DataFrame([(g.code, g.name, g.budget_yuan) for g in settings.groups],
                        columns=["group_code", "name", "budget_yuan"])


def method_of(settings: Settings) -> a.Method:
    """The appraisal method configured in [appraisal] (a ValueError names what cannot be applied)."""
    c = settings.appraisal
    return a.Method(weights=dict(c.weights), group_weights=dict(c.group_weights), normalisation=c.normalisation,
                    targets=dict(c.targets), signing_credit=c.signing_credit, key_regions=tuple(settings.zone.key_regions))


def appraise(settings: Settings, data: AppraisalData) -> a.AppraisalResult:
    """Scores, ranks and the rows behind them for the half of `data`."""
    return a.half_appraisal(data.frames, cohort_of(settings), groups_of(settings), method_of(settings),
                            data.half, data.as_of)


# ── the warehouse: person_half_score (read through mart_person_half) ──

def method_json(method: a.Method) -> str:
    """The configuration the scores were computed with, as stored beside them."""
    return json.dumps({"weights": dict(method.weights), "group_weights": dict(method.group_weights),
                       "normalisation": method.normalisation, "targets": dict(method.targets),
                       "signing_credit": method.signing_credit, "key_regions": list(method.key_regions)},
                      ensure_ascii=False, sort_keys=True)


def _none(value: object) -> object:
    """NaN → None (NULL)."""
    return None if isinstance(value, float) and pd.isna(value) else value


def score_rows(result: a.AppraisalResult, computed_at: dt.datetime) -> list[dict]:
    """One person_half_score row per appraised person."""
    method = method_json(result.method)
    rows = []
    for r in result.people.to_dict("records"):
        rows.append({
            "half": result.half.code, "person": r["person"], "group_code": r["group_code"],
            "contacts": r["contacts"], "key_enterprise_contacts": r["key_enterprise_contacts"],
            "key_regions": r["key_regions"], "signings": r["signings"], "signed_investment_wan": r["signed_investment"],
            "construction_starts": r["construction_starts"], "submissions_due": r["submissions_due"],
            "submissions_on_time": r["submissions_on_time"], "timeliness_pct": _none(r["timeliness"]),
            "review_score": _none(r["review"]), "raters": r["raters"],
            **{f"points_{n}": _none(r[f"points_{n}"]) for n in POINT_COLUMNS},
            "appraisal_score": r["appraisal_score"], "rank": r["rank"], "note": r["note"] or None,
            "method": method, "computed_at": computed_at,
        })
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in rows]


def store_person_scores(engine: Engine, result: a.AppraisalResult, computed_at: dt.datetime) -> int:
    """Replace the half's rows of person_half_score in one transaction; returns how many were written."""
    rows = score_rows(result, computed_at)
    with engine.begin() as conn:
        conn.execute(delete(person_half_score).where(person_half_score.c.half == result.half.code))
        if rows:
            conn.execute(insert(person_half_score), rows)
    return len(rows)


# ── numbers as printed ──

def fixed_text(value: float, decimals: int) -> str:
    """A number with exactly `decimals` decimals, rounded half up (85 → "85.00", 100 → "100.0")."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


def value_text(name: str, value: float, percent_sign: bool = True) -> str:
    """An indicator's raw value as printed ("—" where it does not apply): one format per kind of figure,
    everywhere: percentages with one decimal ("100.0%"), scores (分) with two ("85.00"), counts and
    amounts as officials print them; "%" left to the header when asked."""
    if value is None or pd.isna(value):
        return NO_DATA
    _, unit, places = a.INDICATORS[name]
    if unit == "%":
        return fixed_text(value, PERCENT_DECIMALS) + ("%" if percent_sign else "")
    if unit == "分":
        return fixed_text(value, SCORE_DECIMALS)
    return number_text(value, places)


def percent_value_text(value: float) -> str:
    """A percentage already computed (e.g. 64.03 for 64.03%) as printed: one decimal and the sign."""
    return NO_DATA if value is None or pd.isna(value) else f"{fixed_text(value, PERCENT_DECIMALS)}%"


def points_text(value: float) -> str:
    """Points and scores always with two decimals ("—" where not applicable)."""
    return NO_DATA if value is None or pd.isna(value) else fixed_text(value, SCORE_DECIMALS)


def weight_text(weights: Mapping[str, float], name: str) -> str:
    """A header's weight: "权重15", or "不计权" when the indicator carries no weight."""
    weight = weights.get(name, 0)
    return f"权重{number_text(weight, 2)}" if weight > 0 else "不计权"


def names_joined(names: Sequence[str]) -> str:
    """"甲、乙和丙"."""
    names = list(names)
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


# ── the document's text ──

def indicator_header(name: str) -> str:
    """"对接企业（家次）"."""
    label, unit, _ = a.INDICATORS[name]
    return label if unit in ("%", "分") else f"{label}（{unit}）"


def formula(points: Mapping[str, float], weights: Mapping[str, float], score: float) -> str:
    """The score's arithmetic as printed: "（15×100.00＋…）÷100＝95.00"."""
    used = [(n, w) for n, w in weights.items() if w > 0 and not pd.isna(points[n])]
    terms = "＋".join(f"{number_text(w, 2)}×{points_text(points[n])}" for n, w in used)
    total = number_text(sum(w for _, w in used), 2)
    return f"（{terms}）÷{total}＝{points_text(score)}"


def example_people(people: pd.DataFrame, weights: Mapping[str, float]) -> list[dict]:
    """Whose arithmetic the method note shows: the first-ranked, and the first with a not-applicable indicator."""
    rows = people.to_dict("records")
    chosen = rows[:1]
    partial = next((r for r in rows if any(w > 0 and pd.isna(r[f"points_{n}"]) for n, w in weights.items())), None)
    if partial is not None and partial not in chosen:
        chosen.append(partial)
    return chosen


def indicator_definitions(method: a.Method, half: a.Half) -> list[str]:
    """One sentence per indicator: what is counted, for a person and for a group."""
    regions = "、".join(method.key_regions) or "（未配置）"
    elapsed = fixed_text(float(half.elapsed) * 100, PERCENT_DECIMALS)
    return [
        "1. 对接企业（家次）：各组月报“对接企业”表中对接人为本人的记录条数；工作组为本组月报的全部对接记录条数。",
        "2. 重点企业对接（家次）：其中企业名称包含配置的重点对接企业名称或其别称的记录条数。",
        f"3. 覆盖重点区域（个）：上述对接记录的所在地区中，属于重点招商区域（{regions}）的不同地区个数。",
        "4. 签约项目（个）和协议投资额（万元）：各组月报“签约项目”表中签约日期在考核期内的项目，按下文“签约项目计分规则”计入个人；"
        "工作组为本组月报的全部签约项目。",
        "5. 开工项目（个）：考核期内开工的项目，计入该项目的包联人。开工日期以最早显示项目已开工的记录为准（项目周报建设阶段为"
        "“开工建设”或之后阶段，或项目库状态为“在建”“已投产”），且须能看出开工：此前有记录显示项目尚未开工（“前期手续”阶段，"
        "或“在谈”“已签约”状态），或项目周报中首个显示已开工的阶段就是“开工建设”；首次出现即已处于主体施工等后续阶段的项目，"
        "开工早于有记录的时间，不计入。工作组按项目库所属工作组计。",
        "6. 按时报送率：考核日前已到截止时间、由本人负责报送的材料中按时报送的比例（工作组秘书负责本组月报，包联人负责本人的项目周报）；"
        "逾期报送、已报送被退回（待更正）和未报送均不算按时。工作组为本组月报和本组包联人周报的按时报送比例。",
        f"7. 经费执行接近度（仅工作组）：年初至考核期末的招商经费支出占年度预算的比例与序时进度（{elapsed}%）的接近程度，"
        "＝100－|支出比例÷序时进度－1|×100，最低为0。",
        "8. 述职评议平均分（仅个人）：现行述职评议表中各评议人对本人评分的算术平均数；同一考核期的评议表有更正版本的，以最新版本为准。",
    ]


def signing_rule_text(method: a.Method) -> list[str]:
    """The signing credit rule as configured, in the order it is applied."""
    steps = []
    if method.signing_credit == "liaison":
        steps.append("签约项目填写了包联人且包联人为考核对象的，全额计入包联人；")
    steps.append("否则，由本组在考核期内或之前对接过该签约企业（企业名称一致）的考核对象平均分享：n人对接的，每人计1/n个项目和1/n的协议投资额，"
                 "合计仍等于项目总数和总投资额；")
    steps.append("本组无人对接过该企业的，计入本组工作组秘书；本组未设秘书的，只计入工作组，不计入个人。")
    return ["".join(f"（{i}）{s}" for i, s in enumerate(steps, start=1))]


def normalisation_text(method: a.Method) -> str:
    """How raw values become points, as configured."""
    if method.normalisation == "target":
        targets = "、".join(f"{indicator_header(n)}{number_text(t, 4)}" for n, t in method.targets.items()
                            if n in a.INDICATORS)
        return (f"各项指标按“完成目标比例”折算为0—100分：得分＝数值÷目标值×100，最高100分。半年目标值：{targets}。"
                "得分四舍五入保留两位小数。")
    return ("各项指标按“与最高值之比”折算为0—100分：得分＝数值÷同类考核对象中该项的最高值×100（个人与全体考核人员比，"
            "工作组与各工作组比）；该项最高值为0时，各对象该项均计0分。得分按未经舍入的数值计算，四舍五入保留两位小数。")


def weights_text(weights: Mapping[str, float], names: Sequence[str]) -> str:
    """"对接企业15、…（合计100）"."""
    listed = [f"{a.INDICATORS[n][0]}{number_text(weights[n], 2)}" for n in names if weights.get(n, 0) > 0]
    return "、".join(listed) + f"（合计{number_text(sum(weights.get(n, 0) for n in names), 2)}）"


def method_sections(result: a.AppraisalResult) -> list[dict]:
    """三、考核方法说明: headed paragraphs generated from the configuration, so anyone can recompute by hand."""
    m, half = result.method, result.half
    formulas = [f"{r['person']}：综合得分＝"
                + formula({n: r[f"points_{n}"] for n in a.PERSON_INDICATORS}, m.weights, r["appraisal_score"])
                for r in example_people(result.people, m.weights)]
    order = "、".join(a.INDICATORS[n][0] for n in a.PERSON_INDICATORS if m.weights.get(n, 0) > 0)
    sections = [
        {"heading": "（一）考核对象和数据来源", "paragraphs": [
            f"考核对象为人员名单中的专项招商工作组成员{len(result.people)}人和{len(result.groups)}个专项招商工作组。考核期为{half.span}，"
            f"数据取自截至{date_label(result.as_of)}已入库的各组招商工作月报、包联人项目周报、项目库和半年述职评议表；"
            f"同一报送有更正版本的，以最新版本为准。各项数值所依据的报送文件及行号，见与本汇总同目录的“{half.label}招商引资工作考核汇总_计算明细”工作簿。"]},
        {"heading": "（二）指标口径", "paragraphs": indicator_definitions(m, half)},
        {"heading": "（三）签约项目计分规则", "paragraphs": signing_rule_text(m)},
        {"heading": "（四）得分折算", "paragraphs": [normalisation_text(m)]},
        {"heading": "（五）权重和综合得分", "paragraphs": [
            f"个人指标权重：{weights_text(m.weights, a.PERSON_INDICATORS)}。",
            f"工作组指标权重：{weights_text(m.group_weights, a.GROUP_INDICATORS)}。",
            "综合得分＝Σ（权重×得分）÷Σ权重，四舍五入保留两位小数。某项指标对某一对象不适用的（本人无报送任务的按时报送率、"
            "无经费预算的工作组的经费执行接近度），该项不计分，其权重也不计入分母，其余指标按实际权重合计折算；"
            "未获述职评议的人员，述职评议按0分计。",
            f"计算示例（括号内依次为{order}的权重×得分，各项得分见附件2）："],
         "formulas": formulas},
        {"heading": "（六）排名规则", "paragraphs": [
            "按综合得分从高到低排名。综合得分相同的名次并列，其后的名次顺延（如1、2、2、4）。"
            "考核期内无任何业务记录（无对接企业、签约项目、开工项目，也无已报送的材料）的人员仍列入排名，备注“本期无业务记录”，"
            "其业务指标均计0分，得分主要来自述职评议。"]},
    ]
    return [{"formulas": [], **s} for s in sections]


SHORT_NOTES = {a.NO_ACTIVITY: "无业务记录", a.NO_REVIEW: "无评议得分", a.NO_DUTY: "无报送任务"}


def short_note(note: str) -> str:
    """表2's 备注: each note in a few characters (the notes under the table say it in full)."""
    return "\n".join(SHORT_NOTES.get(n, n) for n in note.split("；")) if note else ""


def group_name(settings: Settings, code: str) -> str:
    """A group's Chinese name (its code if it is not configured)."""
    group = settings.group_by_code.get(code)
    return group.name if group else code


def result_paragraphs(result: a.AppraisalResult, settings: Settings) -> list[str]:
    """一、考核结果: the half's totals, the group order, the top people, ties and people without records."""
    g, p = result.groups, result.people
    totals = (f"考核期内，{len(g)}个工作组共对接企业{number_text(g['contacts'].sum())}家次，其中重点企业"
              f"{number_text(g['key_enterprise_contacts'].sum())}家次；签约项目{number_text(g['signings'].sum())}个，"
              f"协议投资额{number_text(g['signed_investment'].sum(), 4)}万元；新开工项目{number_text(g['construction_starts'].sum())}个。")
    order = "工作组综合得分依次为：" + "、".join(
        f"{r['name']}{points_text(r['appraisal_score'])}分" for r in g.to_dict("records")) + "。"
    top = p[p["rank"] <= 3]
    people = f"个人综合得分前三名{'（含并列）' if len(top) > 3 else ''}为：" + "、".join(
        f"{r['person']}（{group_name(settings, r['group_code'])}）{points_text(r['appraisal_score'])}分"
        for r in top.to_dict("records")) + "。"
    paragraphs = [totals, order + people]
    ties = [(int(rank), list(names)) for rank, names in p.groupby("rank", sort=True)["person"] if len(names) > 1]
    if ties:
        paragraphs.append("；".join(f"{names_joined(names)}综合得分相同，并列第{rank}名" for rank, names in ties) + "。")
    idle = p.loc[p["no_activity"], "person"].tolist()
    if idle:
        paragraphs.append(f"{names_joined(idle)}本期无业务记录（无对接企业、签约项目、开工项目和已报送材料），仍列入排名，得分主要来自述职评议。")
    paragraphs.append(submission_sentence(result))
    if not (p["raters"] > 0).any():
        paragraphs.append("截至目前尚未收到本考核期的述职评议得分，述职评议一项均按0分计；评议表报送后重新生成本汇总即可。")
    return paragraphs


def submission_sentence(result: a.AppraisalResult) -> str:
    """How many monthly and weekly reports were due, and how many of them stand under each of the four status words
    (DESIGN §5; a refused report that was never corrected only where there is one) — the counts add up to the due."""
    duties = result.duties.drop_duplicates(["kind", "subject", "period"])
    parts = []
    for kind in ("月报", "周报"):
        rows = duties[duties["kind"] == kind]
        if len(rows):
            counts = rows["status"].value_counts()
            shown = [f"{STATUS_WORDS[status]}{counts.get(status, 0)}份" for status in STATUS_WORDS
                     if status != "rejected" or counts.get(status, 0)]
            parts.append(f"应报{kind}{len(rows)}份，" + "、".join(shown))
    return ("报送及时性计入考核：考核期内" + "；".join(parts) + "。") if parts else "考核期内无到期的月报和周报。"


EXECUTION_EXPLAINED = "（经费支出进度与时间进度的吻合程度：支出占年度预算的比例恰与序时进度相同为100%，偏离越多越低）"


def group_paragraph(row: Mapping, members: pd.DataFrame, explain: bool = False) -> str:
    """二、each group: its figures, then its members' scores and ranks; `explain`: the first mention of
    经费执行接近度 in the document, which says in plain words what it measures."""
    closeness = "经费执行接近度" + (EXECUTION_EXPLAINED if explain else "")
    budget = (f"年度经费已使用{percent_value_text(row['used_pct'])}，{closeness}{value_text('budget_execution', row['budget_execution'])}"
              if not pd.isna(row["budget_execution"]) else "未安排年度经费预算")
    people = "、".join(f"{r['person']}{points_text(r['appraisal_score'])}分（第{r['rank']}名）" for r in members.to_dict("records"))
    return (f"{row['name']}综合得分{points_text(row['appraisal_score'])}分，排名第{row['rank']}。本组对接企业{row['contacts']}家次"
            f"（重点企业{row['key_enterprise_contacts']}家次），覆盖重点区域{row['key_regions']}个，签约项目{row['signings']}个、"
            f"协议投资额{number_text(row['signed_investment'], 4)}万元，新开工项目{row['construction_starts']}个；"
            f"按时报送率{value_text('timeliness', row['timeliness'])}；{budget}。组内个人综合得分：{people or '无考核对象'}。")


def detail_row(row: Mapping, names: Sequence[str]) -> dict:
    """附表 row: v.<indicator> (value as printed), p.<indicator> (points), score and rank."""
    return {"rank": str(row["rank"]), "v": {n: value_text(n, row[n], percent_sign=False) for n in names},
            "p": {n: points_text(row[f"points_{n}"]) for n in names}, "score": points_text(row["appraisal_score"])}


def appraisal_content(result: a.AppraisalResult, data: AppraisalData, settings: Settings) -> tuple[dict, list[dict]]:
    """The template context (without the chart images) and, per group, the series its chart plots."""
    half, p, g = result.half, result.people, result.groups
    office_full = f"{settings.zone.name}{settings.zone.office}"
    person_rows = [{"rank": str(r["rank"]), "name": r["person"], "group": group_name(settings, r["group_code"]),
                    "contacts": value_text("contacts", r["contacts"]), "signings": value_text("signings", r["signings"]),
                    "investment": value_text("signed_investment", r["signed_investment"]),
                    "review": value_text("review", r["review"]), "score": points_text(r["appraisal_score"]),
                    "note": short_note(r["note"])} for r in p.to_dict("records")]
    group_rows = [{"rank": str(r["rank"]), "name": r["name"], "contacts": value_text("contacts", r["contacts"]),
                   "signings": value_text("signings", r["signings"]),
                   "investment": value_text("signed_investment", r["signed_investment"]),
                   "timeliness": value_text("timeliness", r["timeliness"]), "score": points_text(r["appraisal_score"])}
                  for r in g.to_dict("records")]
    sections, series = [], []
    explained = False
    for number, r in enumerate(g.to_dict("records"), start=1):
        members = p[p["group_code"] == r["group_code"]]
        explain = not explained and not pd.isna(r["budget_execution"])
        explained = explained or explain
        sections.append({"number": number, "name": r["name"], "paragraph": group_paragraph(r, members, explain)})
        series.append(chart_series(r["name"], members, result.method.weights))
    context = {
        "office_full": office_full, "half_label": half.label, "issue_date": date_label(result.as_of),
        "intro": [f"按照《{settings.zone.name}招商引资工作方案》建立的招商引资工作考核机制，本着“公平、公正、公开”的原则，"
                  f"投资促进局依据{half.label}（{half.span}）各工作组报送的招商工作月报、包联人项目周报、项目库和半年述职评议结果，"
                  f"对{len(g)}个专项招商工作组和{len(p)}名招商人员进行了量化考核。考核结果纳入年度绩效考核。现将考核情况汇总如下。"],
        "result_paragraphs": result_paragraphs(result, settings),
        "group_rows": group_rows, "person_rows": person_rows, "table_notes": table_notes(result),
        "group_sections": sections, "method": method_sections(result),
        "gw": {n: weight_text(result.method.group_weights, n) for n in a.GROUP_INDICATORS},
        "pw": {n: weight_text(result.method.weights, n) for n in a.PERSON_INDICATORS},
        "group_detail": [{**detail_row(r, a.GROUP_INDICATORS), "name": r["name"]} for r in g.to_dict("records")],
        "person_detail": [{**detail_row(r, a.PERSON_INDICATORS), "name": r["person"],
                           "group": group_name(settings, r["group_code"])} for r in p.to_dict("records")],
        "group_detail_notes": ["注：“数值”为考核期实际数，“得分”为按“考核方法说明”折算的0—100分；“—”表示该项不适用，不计分也不计权重。"
                               "经费执行接近度依据年初至考核期末支出占年度预算的比例与序时进度的比较。"],
        "person_detail_notes": person_detail_notes(result),
    }
    return context, series


def table_notes(result: a.AppraisalResult) -> list[str]:
    """Notes under 表2: what the columns are, and who has a not-applicable or missing indicator."""
    p = result.people
    notes = ["签约项目、协议投资额按“签约项目计分规则”计入个人，多人分享的按份额计，可为小数；述职评议为各评议人评分的平均分。"]
    no_duty = p.loc[p["timeliness"].isna(), "person"].tolist()
    if no_duty and result.method.weights.get("timeliness", 0) > 0:
        notes.append(f"{names_joined(no_duty)}考核期内无报送任务，按时报送率不计分，其综合得分按其余指标权重合计折算。")
    no_review = p.loc[p["raters"] == 0, "person"].tolist()
    if no_review:
        notes.append(f"{names_joined(no_review)}无述职评议得分，述职评议按0分计。")
    notes.append("各项指标的数值和得分见附件2。")
    return numbered_notes(notes)


def person_detail_notes(result: a.AppraisalResult) -> list[str]:
    """Notes under 附件2: how to read it, and which signings were shared or fell back to the secretary."""
    notes = ["“数值”为考核期实际数，“得分”为按“考核方法说明”折算的0—100分；“—”表示该项不适用，不计分也不计权重。"]
    shared = result.credits[result.credits["basis"] == "对接人均分"].drop_duplicates(["file_id", "sheet_row"])
    for r in shared.to_dict("records"):
        same = (result.credits["file_id"] == r["file_id"]) & (result.credits["sheet_row"] == r["sheet_row"])
        people = result.credits.loc[same, "person"]
        notes.append(f"“{r['project_name']}”（{number_text(r['investment_wan'], 4)}万元）未填写考核对象为包联人，由对接过"
                     f"{r['enterprise']}的{names_joined(list(people))}平均分享。" if len(people) > 1 else
                     f"“{r['project_name']}”（{number_text(r['investment_wan'], 4)}万元）未填写考核对象为包联人，计入对接过"
                     f"{r['enterprise']}的{people.iloc[0]}。")
    for r in result.credits[result.credits["basis"] == "工作组秘书"].to_dict("records"):
        notes.append(f"“{r['project_name']}”（{number_text(r['investment_wan'], 4)}万元）无包联人、本组无人对接过该企业，计入工作组秘书{r['person']}。")
    for r in result.credits[result.credits["basis"] == "未计入个人"].to_dict("records"):
        notes.append(f"“{r['project_name']}”（{number_text(r['investment_wan'], 4)}万元）无法计入个人，仅计入工作组。")
    return numbered_notes(notes)


def numbered_notes(notes: Sequence[str]) -> list[str]:
    """"注：1. …", "2. …" (a single note: "注：…")."""
    if len(notes) == 1:
        return [f"注：{notes[0]}"]
    return [f"{'注：' if i == 1 else ''}{i}. {note}" for i, note in enumerate(notes, start=1)]


# ── charts ──

COLOURS = ["#1F4E79", "#2E75B6", "#9DC3E6", "#C55A11", "#F4B183", "#548235", "#A9D18E", "#7F6000"]


def chart_series(name: str, members: pd.DataFrame, weights: Mapping[str, float]) -> dict:
    """What one group's chart plots: per member (rank order) each indicator's contribution to the score."""
    bars = []
    for r in members.to_dict("records"):
        parts = a.contributions({n: r[f"points_{n}"] for n in a.PERSON_INDICATORS}, weights)
        bars.append({"person": r["person"], "score": r["appraisal_score"], "rank": r["rank"], "parts": parts})
    return {"group": name, "bars": bars}


def draw_group_chart(series: Mapping, path: Path, font: str) -> Path:
    """Horizontal stacked bars: each member's score split into what each indicator contributed."""
    import matplotlib
    from matplotlib.figure import Figure

    bars = list(reversed(series["bars"]))  # the best on top
    names = [n for n in a.PERSON_INDICATORS if any(n in b["parts"] for b in bars)]
    with matplotlib.rc_context({"font.family": [font], "axes.unicode_minus": False, "font.size": 9}):
        fig = Figure(figsize=(6.3, 1.5 + 0.42 * max(len(bars), 1)), dpi=200, layout="constrained")
        ax = fig.add_subplot()
        y = list(range(len(bars)))
        left = [0.0] * len(bars)
        for name, colour in zip(names, COLOURS):
            widths = [b["parts"].get(name, 0.0) for b in bars]
            ax.barh(y, widths, left=left, height=0.6, color=colour, label=a.INDICATORS[name][0])
            left = [l + w for l, w in zip(left, widths)]
        for yi, b in zip(y, bars):
            ax.annotate(f"{b['score']:.2f}（第{b['rank']}名）", (b["score"], yi), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8)
        ax.set_yticks(y, [b["person"] for b in bars])
        ax.set_xlim(0, 118)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("综合得分（分）：各色段为该项指标贡献的分值（权重×得分÷权重合计）")
        ax.grid(axis="x", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.26 - 0.03 * max(0, 4 - len(bars))), ncols=4,
                  frameon=False, fontsize=8)
        fig.savefig(path, format="png", metadata={"Software": None})
    return path


# ── writing ──

def appraisal_paths(settings: Settings, half: a.Half) -> tuple[Path, Path, Path]:
    """The .docx, its 计算明细 workbook, and the charts folder under reports/考核/."""
    folder = settings.reports / "考核"
    name = f"{half.label}招商引资工作考核汇总"
    return folder / f"{name}.docx", folder / f"{name}_计算明细.xlsx", folder / "图表"


def render_appraisal(settings: Settings, result: a.AppraisalResult, data: AppraisalData) -> AppraisalFiles:
    """Charts → .docx from templates/appraisal.docx (autoescaped) → 计算明细 workbook."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    docx_path, workbook_path, chart_dir = appraisal_paths(settings, result.half)
    chart_dir.mkdir(parents=True, exist_ok=True)
    context, series = appraisal_content(result, data, settings)
    font = chinese_font()
    template = DocxTemplate(TEMPLATE)
    charts = []
    for section, s in zip(context["group_sections"], series):
        path = chart_dir / f"{result.half.label}_图{section['number']}_{section['name']}成员综合得分构成.png"
        charts.append(draw_group_chart(s, path, font))
        section["chart"] = InlineImage(template, str(path), width=Mm(CHART_WIDTH_MM))
    template.render(visible_context(context), autoescape=True)
    finish_report(settings, template, docx_path)  # fallback faces, layout, the file and its PDF
    write_workbook(workbook_path, result, data)
    return AppraisalFiles(docx_path, workbook_path, charts, mail_summary(result, context), context["result_paragraphs"])


COLUMN_ZH = {
    "person": "姓名", "group_code": "工作组代码", "name": "工作组", "contacts": "对接企业（家次）",
    "key_enterprise_contacts": "重点企业对接（家次）", "key_regions": "覆盖重点区域（个）", "signings": "签约项目（个）",
    "signed_investment": "协议投资额（万元）", "construction_starts": "开工项目（个）", "submissions_due": "应报材料（份）",
    "submissions_on_time": "按时报送（份）", "timeliness": "按时报送率（%）", "review": "述职评议平均分", "raters": "评议人数",
    "no_activity": "本期无业务记录", "appraisal_score": "综合得分", "rank": "名次", "note": "备注",
    "budget_yuan": "年度预算（元）", "spent_yuan": "年初至期末支出（元）", "used_pct": "预算使用率（%）",
    "budget_execution": "经费执行接近度（%）", "file_id": "文件编号（ingested_file.id）", "sheet_row": "Excel行号",
    "project_name": "项目名称", "enterprise": "企业名称", "signed_on": "签约日期", "investment_wan": "协议投资额（万元）",
    "liaison": "包联人（签约项目表）", "share": "计入份额", "credited_wan": "计入投资额（万元）", "basis": "计入依据",
    "project_code": "项目编号", "cadre": "包联人", "started_on": "开工日期", "evidence": "依据",
    "kind": "材料", "subject": "报送主体", "period": "期间", "status": "报送情况", "due_at": "截止时间",
    "half": "考核期", "rater": "评议人", "score": "评议得分", "month": "月份", "region": "所在地区", "industry": "所属产业",
    "contact_date": "对接日期", "method": "对接方式", "contact_person": "对接人", "stage": "对接阶段",
    "spent_on": "支出日期", "category": "支出类别", "amount_yuan": "金额（元）", "is_key": "重点企业",
    "in_key_region": "重点区域",
    **{f"points_{n}": f"{label}得分" for n, (label, _, _) in a.INDICATORS.items()},
}


def workbook_sheets(result: a.AppraisalResult, data: AppraisalData) -> dict[str, pd.DataFrame]:
    """The 计算明细 workbook's sheets: scores, then every row they were counted from."""
    f = data.frames
    in_half = a.rows_in_half(f["contacts"], "contact_date", result.half)
    contacts = in_half.assign(is_key=a.key_enterprise_flags(in_half["enterprise"], f["patterns"]).map({True: "是", False: "否"}),
                              in_key_region=in_half["region"].isin(list(result.method.key_regions)).map({True: "是", False: "否"}))
    method = pd.DataFrame([(s["heading"], t) for s in method_sections(result) for t in [*s["paragraphs"], *s["formulas"]]],
                          columns=["部分", "说明"])
    sheets = {
        "个人得分": result.people.assign(no_activity=result.people["no_activity"].map({True: "是", False: "否"})),
        "工作组得分": result.groups, "签约计分": result.credits, "开工项目": result.starts,
        "报送情况": result.duties.assign(status=result.duties["status"].map(STATUS_WORDS)), "述职评议": f["reviews"], "对接记录": contacts, "经费支出": f["expenses"],
        "考核方法": method, "查询语句": pd.DataFrame([(n, q) for n, q in QUERIES.items()], columns=["查询", "SQL"]),
    }
    return {name: frame.rename(columns=COLUMN_ZH) for name, frame in sheets.items()}


def write_workbook(path: Path, result: a.AppraisalResult, data: AppraisalData) -> Path:
    """The companion workbook: one sheet per table (file_id and sheet_row lead back to the submitted rows)."""
    return write_source_workbook(path, workbook_sheets(result, data), widest=80, per_char=1.5)


# ── 述职数据摘要: one per person ──

def prefill_path(settings: Settings, half: a.Half, person: str) -> Path:
    """reports/考核/述职数据摘要/{half}述职数据摘要_{姓名}.docx."""
    return settings.reports / "考核" / "述职数据摘要" / f"{half.label}述职数据摘要_{person}.docx"


def prefill_sections(person: Mapping, result: a.AppraisalResult, data: AppraisalData, settings: Settings) -> list[dict]:
    """The facts of one person: contacts, key enterprises reached, signings credited, construction starts, timeliness."""
    name, f = person["person"], data.frames
    contacts = a.rows_in_half(f["contacts"], "contact_date", result.half)
    mine = contacts[contacts["contact_person"] == name]
    is_key = a.key_enterprise_flags(mine["enterprise"], f["patterns"])
    credits = result.credits[result.credits["person"] == name]
    starts = result.starts[result.starts["cadre"] == name]
    duties = result.duties[result.duties["person"] == name]
    received = f["submissions"].set_index(["kind", "subject", "period"])["received_at"]
    key_names = list(dict.fromkeys(mine.loc[is_key, "enterprise"]))
    return [
        {"heading": f"一、对接企业（{len(mine)}家次）", "empty": "考核期内无以本人为对接人的对接记录。",
         "header": ["序号", "对接日期", "企业名称", "所在地区", "对接方式", "对接阶段", "重点企业"], "widths": [10, 23, 47, 18, 21, 21, 16],
         "rows": [[str(i), short_date(r["contact_date"]), r["enterprise"], r["region"], r["method"], r["stage"],
                   "是" if k else "否"]
                  for i, (r, k) in enumerate(zip(mine.to_dict("records"), is_key), start=1)]},
        {"heading": f"二、对接的重点企业（{len(key_names)}家）", "paragraphs": ["、".join(key_names) + "。" if key_names else "无。"]},
        {"heading": f"三、签约项目（计{value_text('signings', person['signings'])}个，"
                    f"协议投资额{value_text('signed_investment', person['signed_investment'])}万元）",
         "empty": "考核期内无计入本人的签约项目。",
         "header": ["签约日期", "项目名称", "签约企业", "协议投资额（万元）", "计入份额", "计入依据"], "widths": [23, 35, 36, 24, 16, 22],
         "rows": [[short_date(r["signed_on"]), r["project_name"], r["enterprise"], number_text(r["investment_wan"], 4),
                   number_text(r["share"], 4), r["basis"]] for r in credits.to_dict("records")]},
        {"heading": f"四、包联项目开工（{len(starts)}个）", "empty": "考核期内无计入本人的开工项目。",
         "header": ["项目编号", "项目名称", "开工日期", "依据"], "widths": [24, 44, 24, 64],
         "rows": [[r["project_code"], r["project_name"], short_date(r["started_on"]), r["evidence"]]
                  for r in starts.to_dict("records")]},
        {"heading": f"五、材料报送（应报{len(duties)}份，按时{int((duties['status'] == 'on_time').sum())}份）",
         "empty": "考核期内本人无到期的报送任务（按时报送率不计分）。",
         "header": ["材料", "期间", "截止时间", "报送时间", "情况"], "widths": [18, 30, 40, 40, 28],
         "rows": [[r["kind"], period_text(r["kind"], r["period"]), time_text(r["due_at"]),
                   time_text(received.get((r["kind"], r["subject"], r["period"]))), STATUS_WORDS[r["status"]]]
                  for r in duties.to_dict("records")]},
    ]


def short_date(day: dt.date) -> str:
    """"5月10日" (the year is in the document's title)."""
    return f"{day.month}月{day.day}日"


def period_text(kind: str, period: str) -> str:
    """"2021年5月" for a monthly report, "2021年6月7日当周" for a weekly one."""
    if kind == "月报":
        return f"{period[:4]}年{int(period[5:7])}月"
    return f"{short_date(dt.date.fromisoformat(period))}当周"


def time_text(value: object) -> str:
    """"2021年6月3日 10:00" ("—" when absent)."""
    if value is None or pd.isna(value):
        return NO_DATA
    moment = pd.Timestamp(value)
    return f"{short_date(moment)} {moment:%H:%M}"


def render_prefill(settings: Settings, result: a.AppraisalResult, data: AppraisalData) -> list[Path]:
    """One 述职数据摘要 .docx per appraised person, in the appraisal template's styles."""
    from docx import Document

    from zhaoshang.reports.common import docx_paragraph, docx_table, start_blank

    paths = []
    for person in result.people.to_dict("records"):
        doc = Document(str(TEMPLATE))
        start_blank(doc)
        docx_paragraph(doc, f"{result.half.label}述职数据摘要", "通报标题")
        roles = "、".join(ROLE_ZH[r] for r in settings.person_by_name[person["person"]].roles if r in ROLE_ZH)
        docx_paragraph(doc, f"姓名：{person['person']}　　工作组：{group_name(settings, person['group_code'])}　　职责：{roles}", "主送")
        docx_paragraph(doc, f"以下为报送系统截至{date_label(result.as_of)}记录的本人{result.half.label}（{result.half.span}）工作数据，"
                            "供撰写述职报告时核对。如与实际不符，请在述职前联系投资促进局核实更正。", "正文")
        for section in prefill_sections(person, result, data, settings):
            docx_paragraph(doc, section["heading"], "一级标题")
            for text_ in section.get("paragraphs", []):
                docx_paragraph(doc, text_, "正文")
            if "rows" in section:
                if section["rows"]:
                    docx_table(doc, section["header"], section["rows"], section["widths"])
                else:
                    docx_paragraph(doc, section["empty"], "正文")
        docx_paragraph(doc, "", "正文")
        docx_paragraph(doc, f"{settings.zone.name}{settings.zone.office}", "落款")
        docx_paragraph(doc, date_label(result.as_of), "落款")
        path = prefill_path(settings, result.half, person["person"])
        finish_report(settings, doc, path, pdf=False)
        paths.append(path)
    if settings.report_pdf:
        convert_to_pdf(paths)  # one LibreOffice start for all of them
    return paths
