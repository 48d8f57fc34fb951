"""Write the demo year 2021 into the inbox (DESIGN §2–§3).

What lands in `<root>/inbox/`:
- 项目库/: one project-library snapshot (15 projects, received 2021-06-01).
- 月报/: the three groups' monthly reports for 2021-01 … 2021-08, written the way real
  office files look (title rows, blank rows, 合计 rows, amounts and dates as text,
  full-width digits, stray spaces — every file still valid), plus one corrected
  resubmission, one month never submitted, one late-corrected draft with mistakes,
  one report on an old template, a weekly report dropped into the wrong folder and a
  text file that only pretends to be a workbook.
- 周报/: every liaison cadre's weekly project reports for 2021-06-07 … 2021-08-30 (see
  zhaoshang.demo.weekly): late and missing weeks, CSV weeks, flawed drafts, a 更正.
- 述职评议/: the 2021H1 review scores and their complete corrected version (zhaoshang.demo.review).

Content is deterministic for a given seed; files are byte-stable too (fixed docProps
and zip timestamps). File mtimes are the "received" times, in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import Workbook

from transforms import contract
from transforms.kinds import library, monthly, weekly
from zhaoshang.demo.cells import (
    FULLWIDTH,
    FileStyle,
    Override,
    Row,
    render_date,
    save_stable,
    set_received,
    with_override,
    write_form,
    write_instructions,
    write_table,
)
from zhaoshang.demo.review import write_review
from zhaoshang.demo.weekly import write_weekly
from zhaoshang.settings import Group, Settings
from zhaoshang.workcalendar import is_workday

DEMO_TODAY = dt.date(2021, 9, 8)  # the August reports were due on Monday 2021-09-06
YEAR = 2021
MONTHS = tuple(range(1, 9))
LIBRARY_RECEIVED = dt.datetime(2021, 6, 1, 9, 0)

# ── the scenario: which (group code, month) behaves how ──────────────────────
MISSING = {("energy", 4)}  # never submitted
OLD_TEMPLATE = ("equipment", 2)  # only file of the month, lacks the 对接方式 column
DRAFT_WITH_MISTAKES = ("energy", 6)  # a draft with mistakes, then a correct version
CORRECTED = ("equipment", 7)  # a wrong signed amount, then a 更正 version after the deadline
SPACED_NAME = ("equipment", 3)  # "刘 志强": a stray space inside a person's name
FULLWIDTH_AMOUNT = ("corn", 5)  # "１２００": full-width digits in an amount
LATE = {
    ("corn", 3): dt.datetime(2021, 4, 9, 10, 20),
    ("equipment", 5): dt.datetime(2021, 6, 8, 9, 15),
    ("energy", 7): dt.datetime(2021, 8, 9, 15, 40),
}
FIXED_RECEIVED = {
    ("draft", DRAFT_WITH_MISTAKES): dt.datetime(2021, 7, 2, 9, 30),
    ("final", DRAFT_WITH_MISTAKES): dt.datetime(2021, 7, 5, 15, 10),
    ("draft", CORRECTED): dt.datetime(2021, 8, 3, 10, 0),
    ("final", CORRECTED): dt.datetime(2021, 8, 6, 16, 0),
    ("draft", OLD_TEMPLATE): dt.datetime(2021, 3, 3, 9, 45),
}
NO_VALID_FILE = MISSING | {OLD_TEMPLATE}  # months whose signings would never reach the warehouse
MISPLACED_WEEK = dt.date(2021, 8, 30)
MISPLACED_WEEKLY_RECEIVED = dt.datetime(2021, 9, 3, 16, 20)
NOT_A_WORKBOOK_NAME = "2021年08月_对接企业名单.xlsx"
NOT_A_WORKBOOK_RECEIVED = dt.datetime(2021, 9, 1, 8, 50)


# ── the zone's world: enterprises and projects per group ─────────────────────
@dataclass(frozen=True)
class Enterprise:
    name: str
    region: str
    industry: str


@dataclass(frozen=True)
class ProjectSeed:
    """A project of the group; when `signer` is set it is signed during the demo year."""

    name: str
    builder: str
    industry: str
    project_type: str  # 新建 | 续建
    planned_wan: int
    signer: tuple[str, str] | None = None  # (enterprise, region) that signs the agreement
    agreement: str = "投资协议"
    signed_wan: int | None = None  # None = the planned investment
    status: str | None = None  # fixed library status; None = from the signing month
    in_library: bool = True
    month: int | None = None  # fixed signing month; None = drawn at random


ENTERPRISES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "energy": (
        ("中国广核集团有限公司", "广东省", "风电装备"),
        ("中广核新能源投资（深圳）有限公司", "广东省", "储能"),
        ("中国华电集团有限公司", "北京市", "光伏"),
        ("中国华能集团清洁能源技术研究院有限公司", "北京市", "氢能"),
        ("中材科技风电叶片股份有限公司", "北京市", "风电装备"),
        ("远景能源有限公司", "江苏省", "储能"),
        ("新疆金风科技股份有限公司", "新疆维吾尔自治区", "风电装备"),
        ("上海电气风电集团股份有限公司", "上海市", "风电装备"),
        ("中国中车集团有限公司", "北京市", "风电装备"),
        ("阳光电源股份有限公司", "安徽省", "储能"),
        ("通威太阳能（合肥）有限公司", "安徽省", "光伏"),
        ("隆基绿能科技股份有限公司", "陕西省", "光伏"),
        ("武汉格罗夫氢能汽车有限公司", "湖北省", "氢能"),
        ("山东京博控股集团有限公司", "山东省", "氢能"),
        ("吉林亚泰（集团）股份有限公司", "吉林省", "新型建材"),
        ("北新集团建材股份有限公司", "北京市", "新型建材"),
        ("维斯塔斯风力技术公司", "境外", "风电装备"),
    ),
    "equipment": (
        ("中国第一汽车集团有限公司", "吉林省", "汽车配套"),
        ("富奥汽车零部件股份有限公司", "吉林省", "汽车配套"),
        ("长春一汽富维汽车零部件股份有限公司", "吉林省", "汽车配套"),
        ("上海电气集团股份有限公司", "上海市", "风机装备"),
        ("中国中车集团有限公司", "北京市", "其他装备"),
        ("三一重能股份有限公司", "北京市", "风机装备"),
        ("远大住宅工业集团股份有限公司", "湖南省", "装配式建筑"),
        ("山东万斯达建筑科技股份有限公司", "山东省", "装配式建筑"),
        ("东风汽车零部件（集团）有限公司", "湖北省", "汽车配套"),
        ("湖北三环锻造有限公司", "湖北省", "汽车配套"),
        ("西安铂力特增材技术股份有限公司", "陕西省", "3D打印"),
        ("安徽合力股份有限公司", "安徽省", "其他装备"),
        ("浙江双环传动机械股份有限公司", "浙江省", "风机装备"),
        ("西门子歌美飒可再生能源公司", "境外", "风机装备"),
    ),
    "corn": (
        ("中粮生物科技股份有限公司", "安徽省", "发酵产品"),
        ("吉林中粮生化有限公司", "吉林省", "玉米淀粉"),
        ("长春大成实业集团有限公司", "吉林省", "玉米淀粉"),
        ("山东西王糖业有限公司", "山东省", "玉米淀粉"),
        ("诸城兴贸玉米开发有限公司", "山东省", "食品添加剂"),
        ("阜丰集团有限公司", "山东省", "发酵产品"),
        ("梅花生物科技集团股份有限公司", "河北省", "发酵产品"),
        ("浙江海正生物材料股份有限公司", "浙江省", "聚乳酸"),
        ("湖北广济药业股份有限公司", "湖北省", "原料药"),
        ("华北制药股份有限公司", "河北省", "原料药"),
        ("保龄宝生物股份有限公司", "山东省", "食品添加剂"),
        ("安徽金禾实业股份有限公司", "安徽省", "食品添加剂"),
        ("美国嘉吉公司", "境外", "玉米淀粉"),
    ),
}

PROJECTS: dict[str, tuple[ProjectSeed, ...]] = {
    "energy": (
        ProjectSeed("100MW/200MWh电化学储能电站项目", "中广核兴安盟新能源有限公司", "储能", "新建", 68000,
                    ("中国广核集团有限公司", "广东省")),
        ProjectSeed("风光制氢一体化示范项目", "华能兴安盟新能源有限公司", "氢能", "新建", 135000,
                    ("中国华能集团清洁能源技术研究院有限公司", "北京市"), agreement="框架协议"),
        ProjectSeed("风电叶片生产线项目", "中材科技（兴安盟）风电叶片有限公司", "风电装备", "新建", 42000,
                    ("中材科技风电叶片股份有限公司", "北京市")),
        ProjectSeed("智能风机及储能装备制造基地项目", "远景能源（兴安盟）有限公司", "风电装备", "续建", 56000,
                    ("远景能源有限公司", "江苏省"), agreement="补充协议", signed_wan=12000, status="在建"),
        ProjectSeed("年产60万立方米加气混凝土砌块项目", "兴安盟亚泰新型建材有限公司", "新型建材", "新建", 8600,
                    status="在谈"),
        ProjectSeed("分布式光伏电站合作开发项目", "正泰新能源开发有限公司", "光伏", "新建", 12000,
                    ("正泰新能源开发有限公司", "浙江省"), agreement="框架协议", in_library=False),
    ),
    "equipment": (
        ProjectSeed("年产300台套风电整机装备制造项目", "兴安盟金风风电装备有限公司", "风机装备", "新建", 85000,
                    ("新疆金风科技股份有限公司", "新疆维吾尔自治区")),
        ProjectSeed("3D打印建筑构件生产基地项目", "上海盈创3D打印科技(兴安)有限公司", "3D打印", "新建", 26000,
                    ("盈创建筑科技（上海）有限公司", "上海市")),
        ProjectSeed("汽车零部件配套产业园项目", "一汽解放兴安汽车零部件有限公司", "汽车配套", "新建", 35000,
                    ("一汽解放汽车有限公司", "吉林省"), month=7),
        ProjectSeed("装配式建筑PC构件生产项目", "兴安盟远大住工装配式建筑有限公司", "装配式建筑", "续建", 15000,
                    status="已投产"),
        ProjectSeed("风电塔筒及法兰制造项目", "兴安盟上海电气风电装备有限公司", "风机装备", "续建", 22000,
                    ("上海电气集团股份有限公司", "上海市"), agreement="补充协议", signed_wan=5000, status="在建"),
        ProjectSeed("液压件再制造项目", "江苏恒立液压股份有限公司", "其他装备", "新建", 6800,
                    ("江苏恒立液压股份有限公司", "江苏省"), in_library=False),
    ),
    "corn": (
        ProjectSeed("60万吨玉米深加工项目", "中粮生化(兴安)有限公司", "玉米淀粉", "新建", 120000,
                    ("中粮集团有限公司", "北京市")),
        ProjectSeed("年产10万吨聚乳酸项目", "丰原（兴安盟）生物材料有限公司", "聚乳酸", "新建", 150000,
                    ("安徽丰原集团有限公司", "安徽省")),
        ProjectSeed("原料药及医药中间体项目", "创诺制药(兴安)有限公司", "原料药", "新建", 32000,
                    ("上海创诺医药集团有限公司", "上海市")),
        ProjectSeed("年产20万吨氨基酸项目", "兴安盟阜丰生物科技有限公司", "发酵产品", "续建", 98000,
                    ("阜丰集团有限公司", "山东省"), agreement="补充协议", signed_wan=20000, status="在建"),
        ProjectSeed("功能糖及食品添加剂项目", "兴安盟保龄宝生物科技有限公司", "食品添加剂", "新建", 18000,
                    status="已终止"),
        ProjectSeed("赤藓糖醇生产项目", "山东三元生物科技股份有限公司", "食品添加剂", "新建", 9500,
                    ("山东三元生物科技股份有限公司", "山东省"), in_library=False),
    ),
}

EXPOS = {
    "energy": "2021北京国际风能大会暨展览会",
    "equipment": "2021中国国际汽车零部件博览会",
    "corn": "2021中国国际淀粉及淀粉衍生物展览会",
}
CITIES = {
    "吉林省": "长春", "安徽省": "合肥", "湖北省": "武汉", "山东省": "济南", "北京市": "北京",
    "上海市": "上海", "江苏省": "南京", "浙江省": "杭州", "广东省": "深圳", "河北省": "石家庄",
    "湖南省": "长沙", "陕西省": "西安", "新疆维吾尔自治区": "乌鲁木齐",
}
INTENT_WAN = (2000, 3000, 5000, 8000, 10000, 15000, 20000, 30000, 50000, 80000)
METHOD_WEIGHTS = (4, 3, 2, 2, 0.5)  # 上门拜访, 来访接待, 会议推介, 电话视频, 其他
EXPENSE_WEIGHTS = (5, 4, 1.2, 0.8, 0.6)  # how often: 交通, 住宿, 会务, 宣传资料, 其他
EXPENSE_SIZE = {"交通": 3, "住宿": 2, "会务": 5, "宣传资料": 2, "其他": 0.4}  # relative amount
STAGE_NOTES = {
    "初步接触": "介绍园区{industry}产业定位及要素保障政策，了解企业投资布局意向",
    "深入洽谈": "就项目选址、用地规模、用电价格及配套政策进行深入洽谈",
    "达成意向": "双方就在我区投资{industry}项目达成初步意向，企业近期将来区实地考察",
    "已终止": "企业调整年度投资计划，暂不考虑在我区布局",
}
SHEET_TITLES = {"对接企业": "对接企业情况表", "签约项目": "签约项目情况表", "经费支出": "招商经费支出明细表"}
SHEET_UNITS = {"对接企业": "金额单位：万元", "签约项目": "金额单位：万元", "经费支出": "金额单位：元"}


# ── the plan: what each group did in each month ─────────────────────────────
Schedule = dict[int, list[ProjectSeed]]  # month -> projects signed that month


@dataclass(frozen=True)
class Team:
    """A group with the people who fill its reports."""

    group: Group
    index: int
    reporter: str
    members: tuple[str, ...]
    cadres: tuple[str, ...]
    phone: str


@dataclass
class MonthReport:
    """One group's month: rows keyed by `contract.Column.field`, canonical values."""

    team: Team
    month: int
    contacts: list[Row]
    signings: list[Row]
    expenses: list[Row]

    def records(self, sheet_name: str) -> list[Row]:
        """The rows of one table sheet."""
        return {"对接企业": self.contacts, "签约项目": self.signings, "经费支出": self.expenses}[sheet_name]


@dataclass
class DemoYear:
    """The whole demo: the library snapshot and every group-month (submitted or not)."""

    library: list[Row]
    reports: list[MonthReport]


@dataclass
class EnterpriseState:
    """How far each enterprise's talks with one group have come."""

    level: dict[str, int] = field(default_factory=dict)
    intent: dict[str, int] = field(default_factory=dict)
    closed: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Submission:
    """One monthly-report file as it arrives in the inbox."""

    report: MonthReport
    style: FileStyle
    filename: str
    received: dt.datetime


def workdays(year: int, month: int) -> list[dt.date]:
    """The working days of one month."""
    day, days = dt.date(year, month, 1), []
    while day.month == month:
        if is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def make_team(settings: Settings, group: Group, index: int) -> Team:
    """The group's secretary, members and liaison cadres from the roster (with fallbacks)."""
    people = [p for p in settings.people if p.group == group.code]
    secretary = next((p.name for p in people if "secretary" in p.roles), None)
    members = [p.name for p in people if {"member", "secretary"} & set(p.roles)] or [p.name for p in people]
    reporter = secretary or (members[0] if members else "招商专员")
    cadres = [p.name for p in people if "cadre" in p.roles] or [p.name for p in settings.people_with("cadre")]
    phone = f"0482-826{index + 1}{(index + 1) * 137 % 1000:03d}"
    members = members or [reporter]
    return Team(group, index, reporter, tuple(members), tuple(cadres or members), phone)


def enterprises_of(group: Group) -> list[Enterprise]:
    """The enterprises a group talks to; generic ones for a group the demo does not know."""
    known = ENTERPRISES.get(group.code)
    if known:
        return [Enterprise(*row) for row in known]
    regions = list(CITIES)
    return [
        Enterprise(f"{CITIES[regions[i % len(regions)]]}{sector}科技有限公司", regions[i % len(regions)], sector)
        for i, sector in enumerate((group.sectors or ["其他"]) * 2)
    ]


def projects_of(group: Group) -> list[ProjectSeed]:
    """The group's projects; a generic one per sector for a group the demo does not know."""
    known = PROJECTS.get(group.code)
    if known:
        return list(known)
    return [
        ProjectSeed(f"{sector}产业化项目", f"兴安盟{sector}科技有限公司", sector, "新建", 10000 * (i + 2), status="在谈")
        for i, sector in enumerate(group.sectors or ["其他"])
    ]


def signing_schedule(rng: random.Random, team: Team) -> Schedule:
    """Which projects the group signs in which month (at most two a month)."""
    code = team.group.code
    schedule: Schedule = {m: [] for m in MONTHS}
    allowed = [m for m in MONTHS if (code, m) not in NO_VALID_FILE]
    for seed in sorted((s for s in projects_of(team.group) if s.signer), key=lambda s: s.month is None):
        open_months = [m for m in allowed if len(schedule[m]) < 2]
        schedule[seed.month or rng.choice(open_months)].append(seed)
    return schedule


def library_status(seed: ProjectSeed, sign_month: int | None) -> str:
    """The project's status in the 2021-06-01 snapshot."""
    if seed.status:
        return seed.status
    if sign_month is None or sign_month >= LIBRARY_RECEIVED.month:
        return "在谈"
    return "在建" if sign_month <= 2 else "已签约"


def planned_dates(seed: ProjectSeed, status: str, sign_month: int | None) -> tuple[dt.date | None, ...]:
    """Planned start and finish dates as the library records them."""
    if status == "已终止":
        return None, None
    if seed.project_type == "续建":
        return dt.date(2020, 5, 1), dt.date(2020, 12, 31) if status == "已投产" else dt.date(2021, 12, 31)
    if sign_month is None or sign_month >= LIBRARY_RECEIVED.month:
        return dt.date(2022, 4, 1), dt.date(2023, 10, 31)
    start = dt.date(YEAR, sign_month + 2, 1)
    return start, dt.date(YEAR + 1, start.month, 28)


def library_rows(settings: Settings, teams: list[Team], schedules: dict[str, Schedule]) -> list[Row]:
    """The project library: one row per project, codes KFQ2021-001 … across the groups."""
    leaders = [p.name for p in settings.people_with("leader")] or [None]
    rows: list[Row] = []
    for team in teams:
        month_of = {s.name: m for m, seeds in schedules[team.group.code].items() for s in seeds}
        for i, seed in enumerate(s for s in projects_of(team.group) if s.in_library):
            status = library_status(seed, month_of.get(seed.name))
            start, finish = planned_dates(seed, status, month_of.get(seed.name))
            rows.append({
                "project_code": f"KFQ{YEAR}-{len(rows) + 1:03d}", "project_name": seed.name,
                "builder": seed.builder, "group_code": team.group.name, "industry": seed.industry,
                "project_type": seed.project_type, "planned_wan": seed.planned_wan,
                "planned_start": start, "planned_finish": finish, "cadre": team.cadres[i % len(team.cadres)],
                "leader": leaders[len(rows) % len(leaders)], "status": status,
            })
    return rows


def signing_row(rng: random.Random, seed: ProjectSeed, day: dt.date, liaison: str) -> Row:
    """One signed agreement."""
    amount = seed.signed_wan or seed.planned_wan
    supplement = seed.agreement == "补充协议"
    content = f"追加投资{amount}万元，扩大{seed.industry}产能" if supplement else f"新建{seed.name.removesuffix('项目')}及配套设施"
    return {
        "project_name": seed.name, "enterprise": seed.signer[0], "signed_on": day, "agreement": seed.agreement,
        "investment_wan": amount, "industry": seed.industry, "content": content,
        "planned_start": dt.date(YEAR, min(day.month + 2, 12), rng.choice((1, 10, 15))),
        "liaison": liaison, "note": "原项目续建" if supplement else None,
    }


def signing_contact(rng: random.Random, team: Team, seed: ProjectSeed, day: dt.date) -> Row:
    """The contact row that records a signing ceremony."""
    return {
        "enterprise": seed.signer[0], "region": seed.signer[1], "industry": seed.industry, "contact_date": day,
        "method": rng.choice(("会议推介", "来访接待")), "contact_person": rng.choice(team.members),
        "content": f"签订《{seed.name}》{seed.agreement}", "intended_wan": seed.signed_wan or seed.planned_wan,
        "stage": "已签约", "note": None,
    }


def next_stage(rng: random.Random, state: EnterpriseState, name: str, may_end: bool) -> str:
    """The stage talks reach at this contact: advance at most one step, sometimes end."""
    level = state.level.get(name)
    level = 0 if level is None else min(level + rng.choice((0, 1)), 2)
    if may_end and level >= 1 and rng.random() < 0.1:
        state.closed.add(name)
        return "已终止"
    state.level[name] = level
    return contract.CONTACT_STAGES[level]


def plain_contact(
    rng: random.Random, team: Team, firm: Enterprise, day: dt.date, state: EnterpriseState, may_end: bool
) -> Row:
    """One ordinary contact with an enterprise."""
    stage = next_stage(rng, state, firm.name, may_end)
    intent = state.intent.setdefault(firm.name, rng.choice(INTENT_WAN))
    method = rng.choices(contract.CONTACT_METHODS, weights=METHOD_WEIGHTS)[0]
    return {
        "enterprise": firm.name, "region": firm.region, "industry": firm.industry, "contact_date": day,
        "method": "电话视频" if firm.region == contract.ABROAD else method,  # no travel abroad in 2021
        "contact_person": rng.choice(team.members), "content": STAGE_NOTES[stage].format(industry=firm.industry),
        "intended_wan": None if stage == "初步接触" and rng.random() < 0.6 else intent,
        "stage": stage, "note": rng.choice((None, None, None, "分管领导带队", "已报送企业需求清单")),
    }


def contact_rows(
    rng: random.Random, team: Team, month: int, pool: list[Enterprise], state: EnterpriseState,
    seeds: list[ProjectSeed], days: list[dt.date],
) -> list[Row]:
    """The month's ordinary contacts (3–7 rows) with enterprises not signing this month."""
    signers = {s.signer[0] for s in seeds}
    candidates = [e for e in pool if e.name not in state.closed | signers]
    count = rng.randint(3, 4) if month == 2 else rng.randint(3, 7)
    future_signers = {s.signer[0] for s in projects_of(team.group) if s.signer}  # talks with these never end
    rows = [
        plain_contact(rng, team, firm, rng.choice(days), state, may_end=firm.name not in future_signers)
        for firm in rng.sample(candidates, min(count, len(candidates)))
    ]
    state.closed |= signers
    return rows


def expense_rows(
    rng: random.Random, team: Team, month: int, days: list[dt.date], trips: list[str], target: float
) -> list[Row]:
    """The month's spending: 2–6 rows adding up to about `target` yuan."""
    count = rng.randint(2, 3) if month == 2 else rng.randint(2, 6)
    categories = expense_categories(rng, count)
    weights = [EXPENSE_SIZE[c] * rng.uniform(0.7, 1.3) for c in categories]
    rows = []
    for category, weight in zip(categories, weights):
        step = 100 if category in ("会务", "宣传资料") else 10
        amount = max(step * 5, round(target * weight / sum(weights) / step) * step)
        rows.append({
            "spent_on": rng.choice(days), "category": category, "amount_yuan": amount,
            "purpose": expense_purpose(rng, team, category, trips), "handler": rng.choice(team.members),
        })
    return rows


def expense_categories(rng: random.Random, count: int) -> list[str]:
    """`count` spending categories: travel and lodging repeat, the others at most once a month."""
    categories: list[str] = []
    for category in rng.choices(contract.EXPENSE_CATEGORIES, weights=EXPENSE_WEIGHTS, k=count):
        repeated = category in categories and category not in ("交通", "住宿")
        categories.append(rng.choice(("交通", "住宿")) if repeated else category)
    return categories


def expense_purpose(rng: random.Random, team: Team, category: str, trips: list[str]) -> str:
    """What the money was for, in the words of an expense claim."""
    region = rng.choice(trips or list(CITIES)[:8])  # no visit this month: one of the key regions
    city = CITIES.get(region, region)
    return {
        "交通": f"赴{city}招商对接往返交通费",
        "住宿": f"赴{city}招商对接住宿费（{rng.randint(1, 3)}晚）",
        "会务": f"参加{EXPOS.get(team.group.code, '招商推介会')}会务费",
        "宣传资料": rng.choice(("印制园区招商宣传册", "制作招商推介展板")),
        "其他": rng.choice(("招商资料邮寄费", "招商活动市内交通费")),
    }[category]


def numbered(rows: list[Row], date_field: str) -> list[Row]:
    """Rows in date order with 序号 1, 2, …"""
    rows = sorted(rows, key=lambda r: r[date_field])
    return [{**row, "seq": i} for i, row in enumerate(rows, 1)]


def team_year(rng: random.Random, team: Team, schedule: Schedule, cadre_of: dict[str, str]) -> list[MonthReport]:
    """The group's eight months, talks carrying over from month to month."""
    pool = enterprises_of(team.group)
    pool += [Enterprise(s.signer[0], s.signer[1], s.industry) for s in projects_of(team.group)
             if s.signer and s.signer[0] not in {e.name for e in pool}]
    state, budget = EnterpriseState(), team.group.budget_yuan or 100000
    month_target = budget * rng.uniform(0.55, 0.72) / len(MONTHS)
    reports = []
    for month in MONTHS:
        days, seeds = workdays(YEAR, month), schedule[month]
        sign_days = sorted(rng.choice(days) for _ in seeds)
        signings = [signing_row(rng, s, d, cadre_of.get(s.name, team.cadres[0])) for s, d in zip(seeds, sign_days)]
        contacts = contact_rows(rng, team, month, pool, state, seeds, days)
        contacts += [signing_contact(rng, team, s, d) for s, d in zip(seeds, sign_days)]
        trips = [c["region"] for c in contacts if c["method"] == "上门拜访" and c["region"] != contract.ABROAD]
        expenses = expense_rows(rng, team, month, days, trips, month_target * rng.uniform(0.7, 1.3))
        reports.append(MonthReport(team, month, numbered(contacts, "contact_date"),
                                   numbered(signings, "signed_on"), numbered(expenses, "spent_on")))
    return reports


def plan_demo_year(settings: Settings, seed: int = 2021) -> DemoYear:
    """Everything the demo inbox will hold, before it is written to files."""
    teams = [make_team(settings, g, i) for i, g in enumerate(settings.groups)]
    rngs = {t.group.code: random.Random(f"{seed}:{t.group.code}") for t in teams}
    schedules = {t.group.code: signing_schedule(rngs[t.group.code], t) for t in teams}
    library = library_rows(settings, teams, schedules)
    cadre_of = {str(r["project_name"]): str(r["cadre"]) for r in library}
    reports = [r for t in teams for r in team_year(rngs[t.group.code], t, schedules[t.group.code], cadre_of)]
    return DemoYear(library, reports)


# ── how each file is written ────────────────────────────────────────────────
def style_for(report: MonthReport) -> FileStyle:
    """The author's habits for one group-month, cycling so every habit shows up somewhere."""
    k = report.team.index * len(MONTHS) + report.month - 1
    key = (report.team.group.code, report.month)
    overrides: dict[tuple[str, int, str], Override] = {}
    if key == SPACED_NAME:
        overrides[("基本信息", 0, "reporter")] = spaced
        overrides[("对接企业", 1, "contact_person")] = spaced
    if key == FULLWIDTH_AMOUNT:
        overrides[("经费支出", 0, "amount_yuan")] = lambda amount: str(amount).translate(FULLWIDTH)
    return FileStyle(
        title_rows=(0, 1, 0, 2)[k % 4], blank_rows=k % 3 == 1, total_row=k % 2 == 0,
        date_style=("cell", "slash", "cn", "dot", "serial", "iso")[k % 6],
        amount_style=("number", "comma", "wan", "yuan", "mixed")[k % 5],
        month_style=("iso", "cn", "date")[k % 3], short_regions=k % 7 == 3, instructions=k % 5 == 2,
        overrides=overrides,
    )


def spaced(name: object) -> str:
    """刘志强 → "刘 志强": the space people type to line names up."""
    return f"{str(name)[:1]} {str(name)[1:]}"


def draft_mistakes(report: MonthReport) -> dict[tuple[str, int, str], Override]:
    """The mistakes of a first draft: wrong month, off-list method, unknown person, bad amounts."""
    plain = [i for i, row in enumerate(report.contacts) if row["stage"] != "已签约"]
    previous_month = dt.date(YEAR, report.month, 1) - dt.timedelta(days=4)
    return {
        ("对接企业", plain[0], "contact_date"): lambda _: previous_month,
        ("对接企业", plain[1], "method"): lambda _: "微信",
        ("对接企业", plain[2], "contact_person"): lambda _: "张三",
        ("对接企业", plain[2], "intended_wan"): lambda _: "约五十万",
        ("经费支出", 1, "amount_yuan"): lambda amount: -amount,
    }


def received_on_time(rng: random.Random, month: int) -> dt.datetime:
    """A working-hours moment on the 2nd–5th of the next month (later only if those are holidays)."""
    days = workdays(YEAR, month + 1)
    choices = [d for d in days if 2 <= d.day <= 5] or [next(d for d in days if d.day > 5)]
    hour, minute = rng.choice((9, 10, 11, 14, 15, 16)), rng.randint(0, 59)
    return dt.datetime.combine(rng.choice(choices), dt.time(hour, minute))


def monthly_filename(report: MonthReport, suffix: str = "") -> str:
    """`2021年08月_装备制造组_招商工作月报.xlsx` and its variants."""
    return f"{YEAR}年{report.month:02d}月_{report.team.group.name}_{monthly.CONTRACT.title}{suffix}.xlsx"


def files_of(report: MonthReport, seed: int) -> list[Submission]:
    """The file(s) one group-month arrives as — none, one, or a first and a second version."""
    key, style = (report.team.group.code, report.month), style_for(report)
    if key in MISSING:
        return []
    if key == OLD_TEMPLATE:
        old = replace(style, dropped=frozenset({("对接企业", "method")}))
        return [Submission(report, old, monthly_filename(report, "(旧模板)"), FIXED_RECEIVED[("draft", key)])]
    if key == DRAFT_WITH_MISTAKES:
        mistakes = draft_mistakes(report)
    elif key == CORRECTED and report.signings:
        mistakes = {("签约项目", 0, "investment_wan"): lambda amount: amount * 10}  # an extra zero typed
    else:
        rng = random.Random(f"{seed}:{key[0]}:{key[1]}:received")
        when = LATE.get(key) or received_on_time(rng, report.month)
        return [Submission(report, style, monthly_filename(report), when)]
    draft = replace(style, overrides={**style.overrides, **mistakes})
    suffix = "(修改)" if key == DRAFT_WITH_MISTAKES else "_更正"
    return [
        Submission(report, draft, monthly_filename(report), FIXED_RECEIVED[("draft", key)]),
        Submission(report, style, monthly_filename(report, suffix), FIXED_RECEIVED[("final", key)]),
    ]


def submissions(year: DemoYear, seed: int) -> list[Submission]:
    """Every monthly-report file of the scenario, month by month."""
    ordered = sorted(year.reports, key=lambda r: (r.month, r.team.index))
    return [sub for report in ordered for sub in files_of(report, seed)]


def monthly_workbook(sub: Submission) -> Workbook:
    """The workbook of one monthly-report submission."""
    report, style = sub.report, sub.style
    wb = Workbook()
    wb.remove(wb.active)
    basic = monthly.CONTRACT.sheets[0]
    write_form(wb.create_sheet(basic.name), basic, {
        "group_code": report.team.group.name, "month": render_month(report.month, style.month_style),
        "reporter": with_override(style, basic.name, 0, "reporter", report.team.reporter),
        "phone": report.team.phone,
        "filed_on": render_date(sub.received.date(), style.date_style),
    })
    for sheet in monthly.CONTRACT.sheets[1:]:
        title = f"{report.team.group.name}{YEAR}年{report.month}月{SHEET_TITLES[sheet.name]}"
        titles = [title, SHEET_UNITS[sheet.name]][: style.title_rows]
        write_table(wb.create_sheet(sheet.name), sheet, report.records(sheet.name), style, titles)
    if style.instructions:
        write_instructions(wb, monthly.CONTRACT)
    return wb


def library_workbook(rows: list[Row]) -> Workbook:
    """The project-library snapshot: a clean table, header in row 1."""
    wb = Workbook()
    wb.remove(wb.active)
    sheet = library.CONTRACT.sheets[0]
    write_table(wb.create_sheet(sheet.name), sheet, rows, FileStyle(), [])
    return wb


def weekly_rows(projects: list[Row]) -> tuple[list[Row], list[Row]]:
    """A liaison cadre's 项目进展 and 手续办理 rows for the week of MISPLACED_WEEK."""
    progress, procedures = [], []
    for p in projects:
        planned, building = int(p["planned_wan"]), p["status"] != "已签约"
        progress.append({
            **p, "invest_week_wan": round(planned * 0.006) if building else 0,
            "invest_cum_wan": round(planned * 0.31) if building else round(planned * 0.02),
            "stage": "主体施工" if building else "前期手续",
            "progress": "主厂房钢结构吊装完成约六成" if building else "完成项目备案，环评报告编制中",
            "issues": "施工用电负荷不足" if building else "项目用地涉及草原征占用审批",
            "coordination": "请供电公司尽快增容临时用电" if building else "请自然资源局协调草原调整手续",
        })
        procedures += [
            {"project_code": p["project_code"], "procedure": "项目立项", "status": "已办结",
             "planned_on": dt.date(2021, 6, 30), "done_on": dt.date(2021, 6, 25)},
            {"project_code": p["project_code"], "procedure": "环评", "status": "办理中",
             "planned_on": dt.date(2021, 9, 15), "done_on": None},
            {"project_code": p["project_code"], "procedure": "施工许可", "status": "未启动",
             "planned_on": dt.date(2021, 10, 10), "done_on": None},
        ]
    return progress, procedures


def misplaced_weekly_workbook(cadre: str, library: list[Row]) -> Workbook:
    """A correct 项目周报 that its author dropped into 月报/ by mistake."""
    active = [r for r in library if r["status"] in ("已签约", "在建")]
    projects = [r for r in active if r["cadre"] == cadre][:2] or active[:1]
    progress, procedures = weekly_rows(projects)
    wb = Workbook()
    wb.remove(wb.active)
    basic, progress_sheet, procedure_sheet = weekly.CONTRACT.sheets[:3]
    write_form(wb.create_sheet(basic.name), basic,
               {"cadre": cadre, "week": MISPLACED_WEEK, "filed_on": MISPLACED_WEEKLY_RECEIVED.date()})
    write_table(wb.create_sheet(progress_sheet.name), progress_sheet, progress, FileStyle(), [])
    write_table(wb.create_sheet(procedure_sheet.name), procedure_sheet, procedures, FileStyle(), [])
    return wb


# ── files on disk ───────────────────────────────────────────────────────────


def write_not_a_workbook(folder: Path) -> Path:
    """A text draft saved under an .xlsx name."""
    path = folder / NOT_A_WORKBOOK_NAME
    path.write_text(
        "8月对接企业名单（草稿）\n此文件为草稿，待整理后填入招商工作月报模板再报送。\n"
        "1. 中国中车集团有限公司\n2. 上海电气集团股份有限公司\n3. 安徽丰原集团有限公司\n",
        encoding="utf-8",
    )
    return set_received(path, NOT_A_WORKBOOK_RECEIVED)


def write_demo_inbox(settings: Settings, seed: int = 2021) -> list[Path]:
    """Fill settings.inbox/<kind>/ with the demo year; return the files written."""
    monthly_dir, library_dir = settings.inbox / monthly.CONTRACT.kind, settings.inbox / library.CONTRACT.kind
    monthly_dir.mkdir(parents=True, exist_ok=True)
    library_dir.mkdir(parents=True, exist_ok=True)
    year = plan_demo_year(settings, seed)
    office = next((p.name for p in settings.people_with("office")), "投资促进局")
    library_path = library_dir / "项目库_2021-06.xlsx"
    written = [save_stable(library_workbook(year.library), library_path, office, LIBRARY_RECEIVED)]
    for sub in submissions(year, seed):
        path = monthly_dir / sub.filename
        written.append(save_stable(monthly_workbook(sub), path, sub.report.team.reporter, sub.received))
    cadre = next((p.name for p in settings.people_with("cadre")), "包联人")
    weekly_path = monthly_dir / f"项目周报_{cadre}_{MISPLACED_WEEK.isoformat()}.xlsx"
    weekly = misplaced_weekly_workbook(cadre, year.library)
    written.append(save_stable(weekly, weekly_path, cadre, MISPLACED_WEEKLY_RECEIVED))
    written.append(write_not_a_workbook(monthly_dir))
    written += write_weekly(settings, year.library, seed)
    written += write_review(settings, seed)
    return written

def render_month(month: int, style: str) -> object:
    """报告月份 as written: "2021-07", "2021年7月" or a date cell Excel made of it."""
    return {"iso": f"{YEAR}-{month:02d}", "cn": f"{YEAR}年{month}月", "date": dt.date(YEAR, month, 1)}[style]
