"""The vocabulary of the submission workbooks (DESIGN §3): columns, sheets, workbooks, enumerations.

Each kind's own workbook (its sheets and columns) is declared in its module under
`transforms/kinds/`; together they are the single source of truth for the user-facing contract. The readers
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
