"""Rules of the half-year review-score file (DESIGN §3.4)."""

from __future__ import annotations

from collections.abc import Mapping

from transforms.findings import Finding
from transforms.staging.workbook import StagedWorkbook


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
