"""The demo's half-year review scores (半年述职评议, DESIGN §3.4) for 2021H1.

After the staff's half-year self-reports (述职) the office enters the raters' scores:
every group member is scored by the committee leaders and one office staff member.
The first file (2021-07-10) has one score typed with its digits swapped; a complete
corrected file (2021-07-12) replaces it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from transforms.kinds import review
from zhaoshang.demo.cells import FileStyle, Row, save_stable, write_table
from zhaoshang.settings import Settings

HALF = "2021H1"
HALF_WRITTEN = "2021年上半年"
FIRST_NAME = "2021年上半年述职评议得分.xlsx"
CORRECTED_NAME = "2021年上半年述职评议得分（更正）.xlsx"
FIRST_RECEIVED = dt.datetime(2021, 7, 10, 10, 0)
CORRECTED_RECEIVED = dt.datetime(2021, 7, 12, 9, 0)
TYPO = ("杨帆", "韩卫东", 86.0, 68.0)  # (person, rater, right score, score typed in the first file)

COMMENTS = {
    "high": ("招商对接积极主动，成效明显", "包联项目服务到位，推进有力", "主动谋划项目，对接重点企业成效突出",
             "工作扎实，签约项目质量较高"),
    "mid": ("工作认真负责，较好完成上半年任务", "对接企业数量较多，需提高项目转化率", "项目跟踪服务较好",
            "能按时报送各类材料，工作规范"),
    "low": ("外出招商力度需进一步加大", "对接企业转化率偏低", "需加强产业研究，提高洽谈深度",
            "材料报送不够及时，需加强"),
}


@dataclass(frozen=True)
class ReviewFile:
    """One review-scores file as it arrives in 述职评议/."""

    rows: list[Row]
    filename: str
    received: dt.datetime


def raters(settings: Settings) -> list[str]:
    """The leaders and the first office staff member."""
    office = [p.name for p in settings.people_with("office")][:1]
    return [p.name for p in settings.people_with("leader")] + office or ["投资促进局"]


def review_rows(settings: Settings, seed: int) -> list[Row]:
    """One row per member and rater: scores 75–96 around the member's level, a .5 now and then."""
    rng = random.Random(f"{seed}:review:{HALF}")
    group_name = {g.code: g.name for g in settings.groups}
    rows = []
    for person in settings.people_with("member"):
        level = rng.uniform(80, 92)
        for rater in raters(settings):
            score = min(96.0, max(75.0, round(level + rng.uniform(-4, 4)) + (0.5 if rng.random() < 0.2 else 0.0)))
            if (person.name, rater) == TYPO[:2]:
                score = TYPO[2]
            band = "high" if score >= 90 else "mid" if score >= 84 else "low"
            rows.append({
                "half": HALF_WRITTEN, "person": person.name, "group_code": group_name.get(person.group or "", ""),
                "rater": rater, "score": score, "comment": rng.choice(COMMENTS[band]),
            })
    return rows


def review_files(settings: Settings, seed: int) -> list[ReviewFile]:
    """The first file (one score mistyped) and the complete corrected file."""
    right = review_rows(settings, seed)
    typed = [{**r, "score": TYPO[3]} if (r["person"], r["rater"]) == TYPO[:2] else r for r in right]
    return [ReviewFile(typed, FIRST_NAME, FIRST_RECEIVED), ReviewFile(right, CORRECTED_NAME, CORRECTED_RECEIVED)]


def review_workbook(file: ReviewFile, settings: Settings) -> Workbook:
    """The 评议得分 sheet under a title row."""
    wb = Workbook()
    wb.remove(wb.active)
    sheet = review.CONTRACT.sheets[0]
    title = f"{settings.zone.office}{HALF_WRITTEN}招商人员述职评议得分汇总表"
    rows = [{**r, "score": int(r["score"]) if float(r["score"]).is_integer() else r["score"]} for r in file.rows]
    write_table(wb.create_sheet(sheet.name), sheet, rows, FileStyle(), [title])
    return wb


def write_review(settings: Settings, seed: int) -> list[Path]:
    """Write the 2021H1 review-scores files into settings.inbox/述职评议/; return the paths."""
    folder = settings.inbox / review.CONTRACT.kind
    folder.mkdir(parents=True, exist_ok=True)
    office = next((p.name for p in settings.people_with("office")), "投资促进局")
    return [save_stable(review_workbook(f, settings), folder / f.filename, office, f.received)
            for f in review_files(settings, seed)]
