"""半年述职评议 — the half-year review scores (DESIGN §3.4).

Several files per half-year are normal (one for all groups, one per group, one for some): a
file's subject is the groups its rows name, and a later file for the same half replaces, for
each group it covers, that group's earlier rows (the view current_review_score); a file is
superseded whole only when a later one covers every group it covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from transforms.contract import Column, Sheet, Workbook
from transforms.findings import Finding
from transforms.kinds.base import Kind, Known
from transforms.staging.workbook import StagedWorkbook

CONTRACT = Workbook(
    kind="述职评议",
    title="半年述职评议",
    extensions=(".xlsx", ".xls", ".xlsb", ".ods", ".csv"),
    sheets=(
        Sheet(
            name="评议得分",
            suite="review_scores",
            columns=(
                Column("考核期", "half", "half", True, hint="如 2021H1 或 2021年上半年"),
                Column("姓名", "person", "person", True),
                Column("工作组", "group_code", "group", True),
                Column("评议人", "rater", "name", True),
                Column("评议得分", "score", "score", True, hint="0–100"),
                Column("评议意见", "comment", "text"),
            ),
        ),
    ),
    instructions=(
        "每半年述职后由投资促进局汇总填报，放入共享文件夹 inbox/述职评议/。",
        "每位评议人对每位被评议人一行；得分为 0–100。",
    ),
)



def _scores(staged: StagedWorkbook):
    part = staged.sheets.get("评议得分")
    if part is None or part.frame.empty or not {"half", "person", "rater", "group_code"} <= set(part.frame):
        return None
    return part


def mixed_halves(staged: StagedWorkbook) -> list[Finding]:
    """One file is one half-year: rows with another 考核期 than the first are errors."""
    part = _scores(staged)
    if part is None:
        return []
    first = part.frame["half"].dropna()
    if first.empty:
        return []
    return [Finding("error", part.name, int(row), part.positions["half"], "考核期", half,
                    f"考核期“{half}”与第一行的“{first.iloc[0]}”不同（一份文件只能是一个考核期）。",
                    "请按考核期分别提交。")
            for row, half in zip(part.frame["_row"], part.frame["half"]) if half == half and half != first.iloc[0]]


def repeated_rater(staged: StagedWorkbook) -> list[Finding]:
    """One row per rater and person: a repeat is an error (which score counts would be a guess)."""
    part = _scores(staged)
    if part is None:
        return []
    frame = part.frame.dropna(subset=["person", "rater"])
    repeats = frame[frame.duplicated(["person", "rater"], keep="first")]
    return [Finding("error", part.name, int(r["_row"]), part.positions["rater"], "评议人", r["rater"],
                    f"评议人“{r['rater']}”对“{r['person']}”的评分重复出现。", "每位评议人对每位被评议人只保留一行。")
            for _, r in repeats.iterrows()]


def group_not_the_persons(staged: StagedWorkbook, group_of: Mapping[str, str | None],
                          group_names: Mapping[str, str]) -> list[Finding]:
    """工作组 must be the group the roster gives for that person."""
    part = _scores(staged)
    if part is None:
        return []
    return [Finding("error", part.name, int(r["_row"]), part.positions["group_code"], "工作组", r["group_code"],
                    f"人员名单中“{r['person']}”属于“{group_names.get(group_of[r['person']], group_of[r['person']])}”，与填写的工作组不一致。",
                    "请核对姓名或工作组。")
            for _, r in part.frame.iterrows()
            if r["person"] in group_of and r["group_code"] == r["group_code"] and r["group_code"]
            and group_of[r["person"]] and r["group_code"] != group_of[r["person"]]]


def review_halves(staged: StagedWorkbook) -> list[str]:
    """The distinct 考核期 in a review-score file (one expected)."""
    part = staged.sheets.get("评议得分")
    if part is None or "half" not in part.columns:
        return []
    return sorted({half for half in part.columns["half"] if half is not None})


def covered_groups(staged: StagedWorkbook) -> list[str]:
    """The group codes a review file's rows name, sorted."""
    part = staged.sheets.get("评议得分")
    if part is None or "group_code" not in part.columns:
        return []
    return sorted({code for code in part.columns["group_code"] if code})


def scores_already_current(staged: StagedWorkbook, current: pd.DataFrame | None) -> list[Finding]:
    """A person scored by the same rater in a file that is still current for the half: a warning
    naming that file (this later file's score counts). One warning per earlier file.

    `current`: half, person, rater, original_name of the rows current before this batch."""
    part = _scores(staged)
    if part is None or current is None or current.empty:
        return []
    mine = part.frame.dropna(subset=["person", "rater", "half"])[["half", "person", "rater", "_row"]]
    both = mine.merge(current, on=["half", "person", "rater"])
    return [Finding("warning", part.name, int(rows["_row"].min()), part.positions.get("rater"), "评议人", "",
                    f"本文件有 {len(rows)} 条评分（同一被评议人、同一评议人）与此前报送的《{name}》相同，"
                    "以后收到的本文件为准。",
                    "如本文件是更正版本，无需处理；否则请核对是否重复报送。")
            for name, rows in both.groupby("original_name", sort=True)]


class Review(Kind):
    contract = CONTRACT
    facts = {"评议得分": "fact_review_score"}
    csv_sheet = "评议得分"

    def subject_and_period(self, staged: StagedWorkbook, received_at: dt.datetime) -> tuple[str | None, str | None]:
        halves, groups = review_halves(staged), covered_groups(staged)
        return (",".join(groups) or None), (halves[0] if len(halves) == 1 else None)

    def replaces(self, older_subject: str | None, newer_subject: str | None) -> bool:
        """A later file replaces an earlier one whole when it covers every group the earlier one covers."""
        if older_subject is None or newer_subject is None:
            return older_subject == newer_subject
        return set(older_subject.split(",")) <= set(newer_subject.split(","))

    def version_bucket(self, subject: str | None) -> object:
        """One bucket for every review file of a half: a file covering several groups replaces any
        whose groups it covers (review files are few: one or two per group and half)."""
        return None

    def rules(self, staged: StagedWorkbook, known: Known) -> list[Finding]:
        return (mixed_halves(staged) + repeated_rater(staged)
                + group_not_the_persons(staged, known.group_of, known.group_names)
                + scores_already_current(staged, known.current_reviews))

    def period_label(self, period: str) -> str:
        return f"{period[:4]}年{'上' if period.endswith('1') else '下'}半年述职评议得分"


KIND = Review()
