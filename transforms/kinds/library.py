"""项目库 — the project library, a full snapshot each time (DESIGN §3.3).

Each snapshot is its own submission (its day of arrival): nothing supersedes it, and a project
missing from a newer snapshot keeps its history. Its codes are what weekly reports must name.
"""

from __future__ import annotations

import datetime as dt

from transforms.contract import PROJECT_STATUSES, PROJECT_TYPES, Column, Sheet, Workbook
from transforms.findings import Finding
from transforms.kinds.base import Kind, Known
from transforms.staging.workbook import StagedWorkbook

CONTRACT = Workbook(
    kind="项目库",
    title="项目库",
    extensions=(".xlsx", ".xls", ".xlsb", ".ods"),
    sheets=(
        Sheet(
            name="项目库",
            suite="library_projects",
            columns=(
                Column("项目编号", "project_code", "text", True),
                Column("项目名称", "project_name", "text", True),
                Column("建设单位", "builder", "name", True),
                Column("工作组", "group_code", "group", True),
                Column("所属产业", "industry", "text", True),
                Column("项目类型", "project_type", "enum", True, PROJECT_TYPES),
                Column("计划总投资（万元）", "planned_wan", "wan", True),
                Column("计划开工日期", "planned_start", "date"),
                Column("计划竣工日期", "planned_finish", "date"),
                Column("包联人", "cadre", "person", True),
                Column("责任领导", "leader", "name"),
                Column("项目状态", "status", "enum", True, PROJECT_STATUSES),
            ),
        ),
    ),
    instructions=(
        "项目库每次提交完整清单（全量快照），放入共享文件夹 inbox/项目库/。",
        "项目编号不得重复；新快照中未出现的项目不会被删除，其历史记录保留。",
    ),
)



def duplicate_project_codes(staged: StagedWorkbook) -> list[Finding]:
    """A project code listed twice in one library snapshot: every repeat is an error."""
    part = staged.sheets.get("项目库")
    if part is None or part.frame.empty or "project_code" not in part.frame:
        return []
    frame = part.frame
    repeats = frame[frame["project_code"].notna() & frame.duplicated("project_code", keep="first")]
    return [
        Finding("error", part.name, int(row), part.positions["project_code"], "项目编号", code,
                f"项目编号“{code}”在项目库中重复出现。", "每个项目只保留一行；编号不同的项目请改用新编号。")
        for row, code in zip(repeats["_row"], repeats["project_code"])
    ]


class Library(Kind):
    contract = CONTRACT
    facts = {"项目库": "project_snapshot"}
    versioned = False  # every snapshot stands; the latest one received by a moment is the library then

    def subject_and_period(self, staged: StagedWorkbook, received_at: dt.datetime) -> tuple[str | None, str | None]:
        return self.name, received_at.date().isoformat()

    def stamp(self, staged: StagedWorkbook, received_at: dt.datetime) -> dict[str, object]:
        return {"snapshot_at": received_at}

    def add_to_known(self, staged: StagedWorkbook, known: Known) -> None:
        part = staged.sheets.get("项目库")
        if part is not None and "project_code" in part.columns:
            known.project_codes = known.project_codes | {c for c in part.columns["project_code"] if c is not None}

    def rules(self, staged: StagedWorkbook, known: Known) -> list[Finding]:
        return duplicate_project_codes(staged)


KIND = Library()
