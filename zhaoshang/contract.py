"""The submission workbooks as users see them (DESIGN §3): kinds, sheets, columns, enumerations.

This module is the single source of truth for the user-facing contract. The readers
find headers with it, staging normalises with it, the blank templates and the Great
Expectations suites are generated from it, and a test keeps the reviewed suites in
`expectations/` in step with it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

ColumnType = Literal[
    "text",  # free text, spaces normalised
    "name",  # a person's or enterprise's name: all whitespace removed
    "date",  # a calendar day
    "month",  # a reporting month, YYYY-MM
    "week",  # a reporting week, its Monday
    "half",  # a half-year, YYYYH1 / YYYYH2
    "wan",  # an amount in 万元 (4 decimals)
    "yuan",  # an amount in 元 (2 decimals)
    "score",  # a review score 0–100
    "enum",  # one of `Column.enum`
    "region",  # a province-level region or 境外
    "group",  # one of the configured groups (code or Chinese name)
    "person",  # a member of the roster
]

# ── enumerations (DESIGN §3) ────────────────────────────────────────────────
CONTACT_METHODS = ("上门拜访", "来访接待", "会议推介", "电话视频", "其他")
CONTACT_STAGES = ("初步接触", "深入洽谈", "达成意向", "已签约", "已终止")
AGREEMENT_TYPES = ("框架协议", "投资协议", "补充协议")
EXPENSE_CATEGORIES = ("交通", "住宿", "会务", "宣传资料", "其他")
PROJECT_TYPES = ("新建", "续建")
BUILD_STAGES = ("前期手续", "开工建设", "主体施工", "设备安装", "竣工验收", "投产运营")
PROCEDURES = (
    "公司注册", "税务登记", "项目立项", "环评", "能评", "安评",
    "土地审批", "施工许可", "质量监督", "安全监督", "工程验收",
)
PROCEDURE_STATUSES = ("未启动", "办理中", "已办结", "不涉及")
PROBLEM_CATEGORIES = ("能评手续", "用地手续", "草原调整", "耕地占补", "建设手续", "融资", "其他")
PROBLEM_STATUSES = ("未解决", "推进中", "已解决")
PROJECT_STATUSES = ("在谈", "已签约", "在建", "已投产", "已终止")

# Province-level divisions; short forms map to the full name (吉林 → 吉林省).
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市",
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省",
    "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
)
ABROAD = "境外"
REGIONS = PROVINCES + (ABROAD,)

INSTRUCTIONS_SHEET = "填报说明"
ERROR_SUMMARY_SHEET = "错误汇总"
TOTAL_ROW_MARKERS = ("合计", "总计", "小计")


@dataclass(frozen=True)
class Column:
    """One column of a submission sheet: its Chinese header and how it is read."""

    header: str
    field: str
    type: ColumnType
    required: bool = False
    enum: tuple[str, ...] = ()
    hint: str = ""

    @property
    def label(self) -> str:
        """The header as printed in blank templates: required columns carry a `*`."""
        return self.header + ("*" if self.required else "")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a submission workbook.

    layout "table": a header row (possibly under title rows) then one record per row.
    layout "form": two columns 项目 | 内容, one row per `Column` (基本信息).
    """

    name: str
    columns: tuple[Column, ...]
    layout: Literal["table", "form"] = "table"
    optional: bool = False
    suite: str = ""  # name of the Great Expectations suite in expectations/

    def column(self, field_name: str) -> Column:
        """The column whose warehouse field is `field_name`."""
        return next(c for c in self.columns if c.field == field_name)


@dataclass(frozen=True)
class Workbook:
    """A kind of submission: which inbox folder it arrives in and what it holds."""

    kind: str  # 月报 | 周报 | 项目库 | 述职评议 — also the inbox folder name
    title: str  # the document's Chinese title
    sheets: tuple[Sheet, ...]
    extensions: tuple[str, ...]
    instructions: tuple[str, ...] = field(default=())

    def sheet(self, name: str) -> Sheet:
        """The sheet called `name`."""
        return next(s for s in self.sheets if s.name == name)


def header_key(text: object) -> str:
    """Canonical form of a header cell: NFKC, no spaces, no `*`, ASCII brackets."""
    return _header_key(text if isinstance(text, str) else str(text or ""))


@lru_cache(maxsize=8192)
def _header_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    # format characters (zero-width space/joiners, BOM, soft hyphen, direction marks) are invisible
    return "".join(ch for ch in s if not ch.isspace() and ch not in "*＊" and unicodedata.category(ch) != "Cf")


# ── 3.1 招商工作月报 ───────────────────────────────────────────────────────
MONTHLY = Workbook(
    kind="月报",
    title="招商工作月报",
    extensions=(".xlsx", ".xls"),
    sheets=(
        Sheet(
            name="基本信息",
            layout="form",
            suite="monthly_basic",
            columns=(
                Column("工作组", "group_code", "group", True, hint="填写工作组全称，如“装备制造组”"),
                Column("报告月份", "month", "month", True, hint="如 2021-08 或 2021年8月"),
                Column("填报人", "reporter", "person", True),
                Column("联系电话", "phone", "text"),
                Column("填报日期", "filed_on", "date"),
            ),
        ),
        Sheet(
            name="对接企业",
            suite="monthly_contacts",
            columns=(
                Column("序号", "seq", "text"),
                Column("企业名称", "enterprise", "name", True),
                Column("所在地区", "region", "region", True, hint="省级行政区名称，或“境外”"),
                Column("所属产业", "industry", "text", True),
                Column("对接日期", "contact_date", "date", True, hint="须在报告月份之内"),
                Column("对接方式", "method", "enum", True, CONTACT_METHODS),
                Column("对接人", "contact_person", "person", True, hint="须为人员名单中的人员"),
                Column("洽谈内容", "content", "text"),
                Column("意向投资额（万元）", "intended_wan", "wan"),
                Column("对接阶段", "stage", "enum", True, CONTACT_STAGES),
                Column("备注", "note", "text"),
            ),
        ),
        Sheet(
            name="签约项目",
            suite="monthly_signings",
            columns=(
                Column("序号", "seq", "text"),
                Column("项目名称", "project_name", "text", True),
                Column("签约企业", "enterprise", "name", True),
                Column("签约日期", "signed_on", "date", True, hint="须在报告月份之内"),
                Column("协议类型", "agreement", "enum", True, AGREEMENT_TYPES),
                Column("协议投资额（万元）", "investment_wan", "wan", True),
                Column("所属产业", "industry", "text", True),
                Column("建设内容", "content", "text"),
                Column("计划开工日期", "planned_start", "date"),
                Column("包联人", "liaison", "name"),
                Column("备注", "note", "text"),
            ),
        ),
        Sheet(
            name="经费支出",
            suite="monthly_expenses",
            columns=(
                Column("序号", "seq", "text"),
                Column("支出日期", "spent_on", "date", True, hint="须在报告月份之内"),
                Column("支出类别", "category", "enum", True, EXPENSE_CATEGORIES),
                Column("金额（元）", "amount_yuan", "yuan", True),
                Column("事由", "purpose", "text", True),
                Column("经办人", "handler", "person", True, hint="须为人员名单中的人员"),
            ),
        ),
    ),
    instructions=(
        "每个工作组每月填报一份，于次月5日前放入共享文件夹 inbox/月报/。",
        "带 * 的列为必填项；有下拉列表的列请从列表中选择。",
        "对接日期、签约日期、支出日期须在报告月份之内。",
        "对接人、经办人须为人员名单中的人员；金额不得为负数。",
        "金额可写作 1200、1,200、1.2万 或 12000元；日期可写作 2021-08-03、2021/8/3、2021年8月3日。",
        "对接阶段为“已签约”的企业，应在本月或以前月份的“签约项目”中有对应记录。",
        "如需更正，修改后重新放入即可，系统以最后收到的版本为准。",
    ),
)

# ── 3.2 项目周报 ────────────────────────────────────────────────────────────
PROGRESS_COLUMNS = (
    Column("项目编号", "project_code", "text", True, hint="须为项目库中已有的编号"),
    Column("项目名称", "project_name", "text", True),
    Column("建设单位", "builder", "name", True),
    Column("项目类型", "project_type", "enum", True, PROJECT_TYPES),
    Column("计划总投资（万元）", "planned_wan", "wan", True),
    Column("本周完成投资（万元）", "invest_week_wan", "wan", True),
    Column("累计完成投资（万元）", "invest_cum_wan", "wan", True, hint="不得小于本周完成投资"),
    Column("建设阶段", "stage", "enum", True, BUILD_STAGES),
    Column("本周进展", "progress", "text", True),
    Column("存在问题", "issues", "text"),
    Column("需协调事项", "coordination", "text"),
    Column("责任领导", "leader", "name"),
)

WEEKLY = Workbook(
    kind="周报",
    title="项目周报",
    extensions=(".xlsx", ".xls", ".csv"),
    sheets=(
        Sheet(
            name="基本信息",
            layout="form",
            suite="weekly_basic",
            columns=(
                Column("包联人", "cadre", "person", True),
                Column("报告周", "week", "week", True, hint="填该周星期一的日期，如 2021-08-30，或 2021年第35周"),
                Column("填报日期", "filed_on", "date"),
            ),
        ),
        Sheet(name="项目进展", suite="weekly_progress", columns=PROGRESS_COLUMNS),
        Sheet(
            name="手续办理",
            suite="weekly_procedures",
            columns=(
                Column("项目编号", "project_code", "text", True),
                Column("手续名称", "procedure", "enum", True, PROCEDURES),
                Column("办理状态", "status", "enum", True, PROCEDURE_STATUSES),
                Column("计划办结日期", "planned_on", "date"),
                Column("实际办结日期", "done_on", "date", hint="办理状态为“已办结”时必填，且不晚于报告周"),
                Column("备注", "note", "text"),
            ),
        ),
        Sheet(
            name="问题清单",
            suite="weekly_problems",
            optional=True,
            columns=(
                Column("项目编号", "project_code", "text", True),
                Column("问题描述", "description", "text", True),
                Column("问题类别", "category", "enum", True, PROBLEM_CATEGORIES),
                Column("责任领导", "leader", "name", True),
                Column("责任单位", "unit", "text"),
                Column("办结时限", "deadline", "date", True),
                Column("办理状态", "status", "enum", True, PROBLEM_STATUSES),
                Column("备注", "note", "text"),
            ),
        ),
    ),
    instructions=(
        "每位包联人每周填报一份，于下周一12:00前放入共享文件夹 inbox/周报/。",
        "项目编号须为项目库中已有的编号；一份周报可填写多个项目。",
        "手续办理状态为“已办结”的，须填写实际办结日期，且不晚于报告周。",
        "本周完成投资不得大于累计完成投资；累计完成投资一般不应小于上周。",
        "也可提交 CSV 文件（仅含项目进展各列，另加“包联人”“报告周”两列）。",
    ),
)

# A CSV weekly report: the 项目进展 columns plus who and which week on every row.
WEEKLY_CSV_EXTRA = (
    Column("包联人", "cadre", "person", True),
    Column("报告周", "week", "week", True),
)

# ── 3.3 项目库 ─────────────────────────────────────────────────────────────
LIBRARY = Workbook(
    kind="项目库",
    title="项目库",
    extensions=(".xlsx", ".xls"),
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

# ── 3.4 半年述职评议 ────────────────────────────────────────────────────────
REVIEW = Workbook(
    kind="述职评议",
    title="半年述职评议",
    extensions=(".xlsx", ".xls", ".csv"),
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

WORKBOOKS: dict[str, Workbook] = {wb.kind: wb for wb in (MONTHLY, WEEKLY, LIBRARY, REVIEW)}
