"""The demo's weekly project reports (项目周报, DESIGN §3.2), 2021-06-07 … 2021-08-30.

Every liaison cadre who is 包联人 of a library project that is 已签约 or 在建 owes one
report a week. Each such project follows a scripted course: investment week by week,
construction stages, the procedures (手续) it needs with planned and actual dates, and
the problems (问题清单) the source document names — 能评手续, 违法用地整改, 基本草原调整,
耕补库指标落实, 建设手续, 融资. Small random variations come from the seed.

What lands in `<root>/inbox/周报/` besides the regular reports (see WEEKLY_SCENARIO):
one cadre-week never sent, a few late ones, one cadre's CSV weeks (UTF-8 BOM and GBK),
three flawed files (two followed by a correct version, one never corrected), one
corrected resubmission of a valid file, and one intended falling-cumulative warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from transforms.kinds import weekly
from zhaoshang.demo.cells import (
    FileStyle,
    Override,
    Row,
    save_stable,
    set_received,
    write_form,
    write_instructions,
    write_table,
)
from zhaoshang.settings import Settings
from zhaoshang.workcalendar import is_workday

FIRST_WEEK = dt.date(2021, 6, 7)
WEEKS = tuple(FIRST_WEEK + dt.timedelta(weeks=i) for i in range(13))  # 2021-06-07 … 2021-08-30
ACTIVE = ("已签约", "在建")  # library statuses whose 包联人 reports weekly


def d(month: int, day: int, year: int = 2021) -> dt.date:
    """A date, 2021 unless said otherwise."""
    return dt.date(year, month, day)


# ── each project's course over the thirteen weeks ───────────────────────────
@dataclass(frozen=True)
class Step:
    """One procedure of a project: when it is planned, when work on it started, when it was done."""

    procedure: str
    planned: dt.date | None = None
    started: dt.date | None = None  # None: not started (未启动)
    done: dt.date | None = None
    na: bool = False  # 不涉及
    note: str | None = None

    def status(self, week_end: dt.date) -> str:
        """办理状态 as reported in the week ending `week_end`."""
        if self.na:
            return "不涉及"
        if self.done and self.done <= week_end:
            return "已办结"
        if self.started and self.started <= week_end:
            return "办理中"
        return "未启动"


@dataclass(frozen=True)
class Issue:
    """A problem on the project's 问题清单, reported from `first` until it is resolved (week indexes)."""

    description: str
    category: str
    unit: str
    deadline: dt.date
    first: int
    resolved: int | None = None  # week it is reported 已解决 (then no longer listed)
    short: str = ""  # what the cadre writes under 存在问题
    coordination: str | None = None  # 需协调事项 while the problem is open

    def status(self, week: int) -> str | None:
        """办理状态 reported in week `week`, or None when the problem is not listed that week."""
        if week < self.first or (self.resolved is not None and week > self.resolved):
            return None
        if week == self.resolved:
            return "已解决"
        return "未解决" if week == self.first and self.first > 0 else "推进中"  # newly found, then worked on


@dataclass(frozen=True)
class Course:
    """How one project goes through the weeks."""

    start_cum: int  # 累计完成投资 before the first week (万元)
    stages: tuple[tuple[int, str], ...]  # (first week index, stage)
    rates: dict[str, tuple[int, int]]  # stage -> weekly investment range (万元, step 10)
    steps: tuple[Step, ...]
    notes: dict[str, tuple[str, ...]]  # stage -> 本周进展 phrases, in order
    issues: tuple[Issue, ...] = ()
    fixed: dict[int, int] = field(default_factory=dict)  # week -> exact weekly investment
    adjust: dict[int, int] = field(default_factory=dict)  # week -> correction of the cumulative figure
    events: dict[int, str] = field(default_factory=dict)  # week -> an extra sentence of 本周进展

    def stage(self, week: int) -> str:
        """建设阶段 in week `week`."""
        return [s for first, s in self.stages if first <= week][-1]

    def weeks_in_stage(self, week: int) -> int:
        """How many weeks the project has already spent in this week's stage."""
        first = max(f for f, _ in self.stages if f <= week)
        return week - first


DONE_2020 = "续建项目，2020年已办结"

COURSES: dict[str, Course] = {
    # 李明远 — 已签约 2021-05-20; still in 前期手续 at the end of August (cf. the misplaced 08-30 report)
    "100MW/200MWh电化学储能电站项目": Course(
        start_cum=800, stages=((0, "前期手续"),), rates={"前期手续": (0, 0)},
        fixed={2: 160, 5: 200, 8: 120, 10: 80},
        steps=(
            Step("公司注册", d(6, 15), d(5, 25), d(6, 8)),
            Step("税务登记", d(6, 30), d(6, 9), d(6, 18)),
            Step("项目立项", d(6, 30), d(6, 1), d(6, 25), note="企业投资项目备案"),
            Step("环评", d(9, 15), d(7, 5)),
            Step("能评", d(10, 15), d(7, 19)),
            Step("安评", d(10, 31)),
            Step("土地审批", d(9, 30), d(8, 2)),
            Step("施工许可", d(10, 10)),
        ),
        notes={"前期手续": (
            "开展项目可行性研究及接入系统方案编制", "完成场址地质勘察外业工作", "支付勘察设计费，初步设计编制中",
            "配合企业编制环境影响报告表", "对接电网公司开展接入系统方案审查", "支付可研及接入系统设计费用",
            "储能电池选型及设备招标文件编制", "陪同企业赴盟能源局汇报项目进展", "支付地勘补充勘察费用",
            "协调自然资源局开展用地预审", "支付规划设计费，总平面布置方案报审", "配合企业修改接入系统方案",
            "完成项目备案，环评报告编制中",
        )},
        issues=(Issue("储能电站接入系统方案尚未获得电网公司批复，影响项目开工", "其他", "国网兴安供电公司",
                      d(9, 30), first=9, short="接入系统方案未批复",
                      coordination="请协调国网兴安供电公司加快接入系统方案审查"),),
    ),
    # 王晓东 — 框架协议 2021-05-27; the site touches 基本草原, so 土地审批 falls behind
    "风光制氢一体化示范项目": Course(
        start_cum=0, stages=((0, "前期手续"),), rates={"前期手续": (0, 0)}, fixed={7: 150},
        steps=(
            Step("公司注册", d(6, 30), d(6, 10), d(6, 22)),
            Step("税务登记", d(7, 15), d(6, 23), d(7, 6)),
            Step("项目立项", d(7, 31), d(7, 1), d(7, 28)),
            Step("环评", d(10, 31), d(8, 9)),
            Step("能评", d(10, 31), d(8, 16)),
            Step("安评", d(11, 15)),
            Step("土地审批", d(8, 20), d(7, 12), note="涉及基本草原调整"),
            Step("施工许可", d(11, 30)),
        ),
        notes={"前期手续": (
            "企业来区对接项目选址", "配合企业开展测风测光数据收集", "协调林草部门核实拟选地块草原属性",
            "企业委托设计院编制可行性研究报告", "与企业商议投资协议条款", "陪同企业踏勘光伏场址",
            "对接盟能源局争取风光制氢示范指标", "支付可研编制费用，可研报告初稿完成", "可研报告内部评审",
            "配合企业编制环评报告", "草原调整方案报盟林草局", "制氢厂区总平面方案优化",
            "向盟行署专题汇报项目推进情况",
        )},
        issues=(Issue("项目选址部分地块为基本草原，需办理基本草原调整后方可报批用地", "草原调整", "盟林草局",
                      d(8, 20), first=2, short="选址涉及基本草原调整",
                      coordination="请盟林草局加快基本草原调整方案审核并上报自治区"),),
    ),
    # 王晓东 — 续建, 补充协议 2021-06-29 (追加投资1.2亿元)
    "智能风机及储能装备制造基地项目": Course(
        start_cum=30200, stages=((0, "主体施工"), (6, "设备安装")),
        rates={"主体施工": (520, 860), "设备安装": (640, 980)},
        steps=(
            Step("项目立项", d(4, 15, 2020), d(3, 20, 2020), d(4, 8, 2020), note=DONE_2020),
            Step("环评", d(4, 30, 2020), d(3, 25, 2020), d(4, 28, 2020)),
            Step("能评", d(4, 30, 2020), d(3, 25, 2020), d(4, 22, 2020)),
            Step("土地审批", d(4, 30, 2020), d(3, 10, 2020), d(4, 29, 2020)),
            Step("施工许可", d(5, 15, 2020), d(4, 30, 2020), d(5, 6, 2020)),
            Step("质量监督", d(5, 15, 2020), d(5, 6, 2020), d(5, 12, 2020)),
            Step("安全监督", d(5, 15, 2020), d(5, 6, 2020), d(5, 12, 2020)),
            Step("工程验收", d(12, 15)),
        ),
        notes={
            "主体施工": ("二期联合厂房钢结构吊装完成约六成", "二期联合厂房钢结构吊装完成", "二期厂房屋面彩钢板安装",
                       "储能装配车间主体封顶", "二期厂房地坪施工，同步推进室外管网", "综合办公楼外墙保温施工"),
            "设备安装": ("储能电池Pack生产线设备进场", "储能电池Pack生产线设备安装", "风机机舱装配线设备安装",
                       "完成行车及起重设备安装验收", "机舱装配线单机调试", "储能生产线单机调试",
                       "生产线联动调试，计划9月试生产"),
        },
        events={3: "6月29日与远景能源签订补充协议，追加投资1.2亿元建设储能装备生产线"},
    ),
    # 陈静 — 已签约 2021-01-08, 开工 2021-03
    "年产300台套风电整机装备制造项目": Course(
        start_cum=12600, stages=((0, "主体施工"), (9, "设备安装")),
        rates={"主体施工": (760, 1280), "设备安装": (900, 1400)},
        steps=(
            Step("公司注册", d(1, 31), d(1, 12), d(1, 20)),
            Step("项目立项", d(2, 10), d(1, 21), d(2, 5)),
            Step("环评", d(2, 28), d(1, 25), d(2, 26)),
            Step("能评", d(2, 28), d(1, 25), d(3, 10)),
            Step("安评", na=True),
            Step("土地审批", d(2, 28), d(1, 15), d(2, 25)),
            Step("施工许可", d(3, 15), d(3, 1), d(3, 18)),
            Step("质量监督", d(3, 25), d(3, 18), d(3, 22)),
            Step("安全监督", d(3, 25), d(3, 18), d(3, 22)),
        ),
        notes={
            "主体施工": ("总装车间钢结构主体施工", "总装车间屋面及墙面板安装", "办公楼主体施工至三层",
                       "叶片库房基础施工", "厂区道路及给排水管网施工", "总装车间地坪浇筑",
                       "办公楼主体封顶", "室外配电工程施工", "钢结构防火涂料施工"),
            "设备安装": ("总装线行车安装完成", "装配工装设备进场安装", "整机试验台架安装调试", "生产线设备调试"),
        },
        issues=(Issue("施工用电负荷不足，需对临时用电进行增容", "其他", "国网兴安供电公司", d(7, 15),
                      first=0, resolved=5, short="施工用电负荷不足",
                      coordination="请供电公司尽快完成临时用电增容"),),
    ),
    # 陈静 — 续建, 补充协议 2021-03-05; into 竣工验收 in August
    "风电塔筒及法兰制造项目": Course(
        start_cum=15800, stages=((0, "设备安装"), (10, "竣工验收")),
        rates={"设备安装": (160, 380), "竣工验收": (50, 120)},
        steps=(
            Step("项目立项", d(4, 15, 2020), d(3, 25, 2020), d(4, 10, 2020), note=DONE_2020),
            Step("环评", d(4, 30, 2020), d(3, 30, 2020), d(4, 28, 2020)),
            Step("能评", na=True),
            Step("土地审批", d(4, 30, 2020), d(3, 20, 2020), d(4, 20, 2020)),
            Step("施工许可", d(5, 15, 2020), d(4, 28, 2020), d(5, 8, 2020)),
            Step("质量监督", d(5, 15, 2020), d(5, 8, 2020), d(5, 12, 2020)),
            Step("安全监督", d(5, 15, 2020), d(5, 8, 2020), d(5, 12, 2020)),
            Step("工程验收", d(9, 30), d(8, 16)),
        ),
        notes={
            "设备安装": ("法兰锻造生产线设备安装", "卷板机及焊接设备调试", "热处理炉安装完成", "喷涂车间设备安装",
                       "法兰生产线单机试车", "塔筒生产线联动调试", "完成环保设施安装", "试生产准备，开展员工培训",
                       "生产线联动试车", "完成试生产首批产品检验"),
            "竣工验收": ("完成消防、防雷专项验收", "组织竣工预验收，整改问题6项", "整理竣工资料，申请工程竣工验收"),
        },
    ),
    # 杨帆 — 已签约 2021-05-06; historic illegal land use fixed, 开工 in late August
    "3D打印建筑构件生产基地项目": Course(
        start_cum=85, stages=((0, "前期手续"), (11, "开工建设")),
        rates={"前期手续": (0, 0), "开工建设": (280, 460)}, fixed={4: 40, 8: 90, 9: 60, 10: 120},
        steps=(
            Step("公司注册", d(5, 31), d(5, 12), d(5, 20)),
            Step("税务登记", d(6, 10), d(5, 21), d(5, 28)),
            Step("项目立项", d(6, 15), d(6, 1), d(6, 11)),
            Step("环评", d(7, 31), d(6, 14), d(7, 16)),
            Step("能评", na=True, note="年综合能耗低于1000吨标准煤"),
            Step("安评", d(7, 15), d(6, 21), d(7, 9)),
            Step("土地审批", d(7, 31), d(6, 21), d(8, 6), note="违法用地整改后报批"),
            Step("施工许可", d(8, 20), d(8, 9), d(8, 20), note="容缺受理"),
            Step("质量监督", d(9, 10), d(8, 23)),
        ),
        notes={
            "前期手续": ("项目备案完成，开展环评及安评报告编制", "陪同企业到自然资源局对接用地事宜",
                       "地块历史违法用地问题整改方案报审", "违法用地整改推进中，环评公示", "安评报告专家评审",
                       "支付规划设计费，厂区设计方案报审", "环评批复已取得", "土地组卷材料报盟自然资源局",
                       "土地手续已办结，施工图设计审查", "施工单位招标", "施工图审查完成，申请施工许可"),
            "开工建设": ("施工单位进场，开展场地平整", "厂房基础土方开挖"),
        },
        issues=(Issue("项目地块存在历史违法用地问题，需整改到位后方可办理土地手续", "用地手续", "盟自然资源局",
                      d(7, 31), first=2, resolved=8, short="地块存在历史违法用地",
                      coordination="请自然资源局指导违法用地整改并加快土地组卷"),),
    ),
    # 吴国庆 — 已签约 2021-01-21, 开工 2021-03; 安评 late, one statistical correction (审计核减)
    "原料药及医药中间体项目": Course(
        start_cum=6400, stages=((0, "开工建设"), (2, "主体施工"), (11, "设备安装")),
        rates={"开工建设": (260, 420), "主体施工": (300, 620), "设备安装": (420, 680)},
        adjust={10: -800},
        steps=(
            Step("公司注册", d(1, 31), d(1, 22), d(1, 29)),
            Step("税务登记", d(2, 10), d(1, 30), d(2, 5)),
            Step("项目立项", d(2, 10), d(1, 25), d(2, 8)),
            Step("环评", d(3, 31), d(2, 9), d(3, 26)),
            Step("能评", d(4, 15), d(2, 9), d(4, 16)),
            Step("安评", d(6, 30), d(5, 10), d(7, 14), note="危险化学品建设项目安全条件审查"),
            Step("土地审批", d(3, 15), d(1, 25), d(3, 5)),
            Step("施工许可", d(4, 30), d(4, 19), d(4, 23)),
            Step("质量监督", d(4, 30), d(4, 23), d(4, 26)),
        ),
        notes={
            "开工建设": ("桩基施工完成", "基础承台浇筑"),
            "主体施工": ("合成车间主体结构施工", "精烘包车间钢结构吊装", "甲类仓库主体施工", "综合楼主体施工",
                       "污水处理站土建施工", "合成车间主体封顶", "罐区基础施工", "公用工程站房主体施工",
                       "动力车间屋面施工"),
            "设备安装": ("反应釜等主要设备进场安装", "工艺管道安装及试压"),
        },
        events={10: "经统计部门审核，核减前期多报的设备预付款800万元"},
        issues=(Issue("安评报告专家评审意见未修改完善，影响安全条件审查批复", "建设手续", "盟应急管理局",
                      d(7, 10), first=2, resolved=5, short="安评报告需按专家意见修改",
                      coordination="请应急管理局安排专家复核"),),
    ),
    # 郑凯 — 已签约 2021-04-06 (planned start 06-01); 能评 and 耕地占补 hold it in 前期手续
    "年产10万吨聚乳酸项目": Course(
        start_cum=2300, stages=((0, "前期手续"),), rates={"前期手续": (0, 0)}, fixed={1: 120, 4: 200, 9: 150, 11: 60},
        steps=(
            Step("公司注册", d(4, 30), d(4, 15), d(4, 25)),
            Step("税务登记", d(5, 15), d(4, 26), d(5, 8)),
            Step("项目立项", d(5, 31), d(5, 6), d(5, 20)),
            Step("环评", d(8, 31), d(6, 1), d(8, 27)),
            Step("能评", d(7, 31), d(5, 20), note="已报自治区发改委"),
            Step("安评", d(9, 30), d(7, 5)),
            Step("土地审批", d(9, 30), d(5, 25), note="需落实耕地占补平衡指标"),
            Step("施工许可", d(10, 31)),
        ),
        notes={"前期手续": (
            "能评报告报送自治区发改委待审", "支付地勘费用，完成地质勘察", "环评报告技术审查",
            "协调耕地占补平衡指标", "支付初步设计费，初步设计编制中", "陪同企业赴自治区发改委汇报能评",
            "安评报告编制中", "能耗指标置换方案编制", "耕补库指标落实方案报盟自然资源局",
            "支付安评及能评咨询费用", "环评报告修改完善", "环评批复已取得，支付环评编制费", "能评审查意见待反馈",
        )},
        issues=(
            Issue("项目年综合能耗约18万吨标准煤，能耗指标未落实，能评报告无法获批", "能评手续", "盟发改委",
                  d(7, 31), first=0, short="能耗指标未落实",
                  coordination="请盟发改委协调自治区落实能耗指标"),
            Issue("项目用地涉及耕地，耕补库指标未落实", "耕地占补", "盟自然资源局", d(8, 31), first=3,
                  short="耕补库指标未落实", coordination="请自然资源局协调落实耕地占补平衡指标"),
        ),
    ),
    # 郑凯 — 续建, 补充协议 2021-05-11 (追加投资2亿元); 银团贷款 resolved mid-August
    "年产20万吨氨基酸项目": Course(
        start_cum=52300, stages=((0, "主体施工"), (4, "设备安装")),
        rates={"主体施工": (820, 1300), "设备安装": (980, 1620)},
        steps=(
            Step("项目立项", d(3, 31, 2020), d(3, 2, 2020), d(3, 20, 2020), note=DONE_2020),
            Step("环评", d(4, 30, 2020), d(3, 5, 2020), d(4, 24, 2020)),
            Step("能评", d(4, 30, 2020), d(3, 5, 2020), d(4, 30, 2020)),
            Step("安评", d(5, 10, 2020), d(3, 20, 2020), d(5, 6, 2020)),
            Step("土地审批", d(4, 30, 2020), d(3, 2, 2020), d(4, 15, 2020)),
            Step("施工许可", d(5, 15, 2020), d(5, 6, 2020), d(5, 10, 2020)),
            Step("质量监督", d(5, 20, 2020), d(5, 10, 2020), d(5, 15, 2020)),
            Step("安全监督", d(5, 20, 2020), d(5, 10, 2020), d(5, 15, 2020)),
            Step("工程验收", d(3, 31, 2022)),
        ),
        notes={
            "主体施工": ("二期发酵车间主体施工", "提取车间钢结构吊装", "二期发酵车间主体封顶", "成品库屋面施工"),
            "设备安装": ("二期发酵罐安装完成12台", "提取车间设备进场", "发酵罐安装完成24台，管道安装中",
                       "空压站设备安装", "冷却塔安装完成", "提取车间设备安装完成约六成", "配电系统安装调试",
                       "蒸发浓缩设备安装", "DCS控制系统调试"),
        },
        issues=(Issue("二期项目银团贷款尚未落实，资金缺口约2亿元", "融资", "开发区财政局", d(8, 31),
                      first=1, resolved=10, short="二期银团贷款未落实",
                      coordination="请协调农发行牵头组建银团贷款"),),
    ),
}


def generic_course(project: Row) -> Course:
    """A plain course for a project the demo has no script for (another configuration)."""
    planned = int(project["planned_wan"] or 10000)
    building = project["status"] == "在建"
    rate = max(10, planned // 1000 * 10)
    return Course(
        start_cum=planned // 5 if building else 0,
        stages=((0, "主体施工"), (7, "设备安装")) if building else ((0, "前期手续"),),
        rates={"主体施工": (rate, 2 * rate), "设备安装": (rate, 2 * rate), "前期手续": (0, 0)},
        steps=(Step("项目立项", d(3, 31), d(3, 1), d(3, 25)), Step("环评", d(7, 31), d(5, 10), d(7, 20)),
               Step("施工许可", d(10, 31))),
        notes={"主体施工": ("主体结构施工",), "设备安装": ("设备安装调试",), "前期手续": ("推进项目前期手续办理",)},
    )


# ── the plan: every cadre-week's rows ───────────────────────────────────────
@dataclass
class WeekReport:
    """One liaison cadre's week: rows keyed by `contract.Column.field`, canonical values."""

    cadre: str
    week: int  # index into WEEKS
    progress: list[Row]
    procedures: list[Row]
    problems: list[Row]

    @property
    def monday(self) -> dt.date:
        """The reported week's Monday."""
        return WEEKS[self.week]


def active_projects(library: list[Row]) -> dict[str, list[Row]]:
    """Cadre -> the library projects they report on (已签约 or 在建), in library order."""
    by_cadre: dict[str, list[Row]] = {}
    for project in library:
        if project["status"] in ACTIVE:
            by_cadre.setdefault(str(project["cadre"]), []).append(project)
    return by_cadre


def project_weeks(rng: random.Random, project: Row, leaders: list[str]) -> list[tuple[Row, list[Row], list[Row]]]:
    """(progress row, procedure rows, problem rows) of one project for each of the thirteen weeks."""
    course = COURSES.get(str(project["project_name"])) or generic_course(project)
    code, cumulative, out = project["project_code"], course.start_cum, []
    leader = project.get("leader") or (leaders[0] if leaders else None)
    for week, monday in enumerate(WEEKS):
        sunday = monday + dt.timedelta(days=6)
        stage = course.stage(week)
        low, high = course.rates.get(stage, (0, 0))
        amount = course.fixed.get(week, rng.randrange(low, high + 1, 10) if high else 0)
        cumulative += amount + course.adjust.get(week, 0)
        procedures = [{
            "project_code": code, "procedure": s.procedure, "status": s.status(sunday),
            "planned_on": s.planned, "done_on": s.done if s.status(sunday) == "已办结" else None, "note": s.note,
        } for s in course.steps]
        open_issues = [i for i in course.issues if i.status(week) in ("未解决", "推进中")]
        problems = [{
            "project_code": code, "description": i.description, "category": i.category, "leader": leader,
            "unit": i.unit, "deadline": i.deadline, "status": i.status(week),
            "note": "已协调解决" if i.status(week) == "已解决" else None,
        } for i in course.issues if i.status(week)]
        out.append(({
            **{k: project[k] for k in ("project_code", "project_name", "builder", "project_type", "planned_wan")},
            "invest_week_wan": amount, "invest_cum_wan": cumulative, "stage": stage,
            "progress": progress_text(course, week, monday, sunday),
            "issues": "；".join(i.short for i in open_issues) or None,
            "coordination": "；".join(i.coordination for i in open_issues if i.coordination) or None,
            "leader": leader,
        }, procedures, problems))
    return out


def progress_text(course: Course, week: int, monday: dt.date, sunday: dt.date) -> str:
    """本周进展: the stage's phrase of the week, events, and procedures done or started this week."""
    phrases = course.notes.get(course.stage(week)) or ("推进项目建设",)
    parts = [phrases[min(course.weeks_in_stage(week), len(phrases) - 1)]]
    if week in course.events:
        parts.append(course.events[week])
    done = [s.procedure for s in course.steps if s.done and monday <= s.done <= sunday]
    started = [s.procedure for s in course.steps if s.started and monday <= s.started <= sunday and s not in done]
    if done:
        parts.append("、".join(done) + "手续已办结")
    if started:
        parts.append("启动" + "、".join(started) + "手续办理")
    return "；".join(parts)


def plan_weeks(library: list[Row], leaders: list[str], seed: int) -> list[WeekReport]:
    """Every cadre-week owed, in week order then library order of the cadres."""
    weeks: dict[tuple[str, int], WeekReport] = {}
    for cadre, projects in active_projects(library).items():
        for project in projects:
            rng = random.Random(f"{seed}:weekly:{project['project_code']}")
            for week, (progress, procedures, problems) in enumerate(project_weeks(rng, project, leaders)):
                report = weeks.setdefault((cadre, week), WeekReport(cadre, week, [], [], []))
                report.progress.append(progress)
                report.procedures += procedures
                report.problems += problems
    return sorted(weeks.values(), key=lambda r: r.week)


# ── the scenario: how each cadre-week arrives ───────────────────────────────
MISSING_WEEK = ("杨帆", 6)  # 2021-07-19: never sent
CSV_WEEKS = {("陈静", 6): "utf-8-sig", ("陈静", 7): "gbk", ("陈静", 8): "gbk"}
UNKNOWN_CODE = ("陈静", 9)  # draft lists a newly signed project under a code the library does not have
UNKNOWN_CODE_ROW = {
    "project_code": "KFQ2021-016", "project_name": "汽车零部件配套产业园项目", "builder": "一汽解放兴安汽车零部件有限公司",
    "project_type": "新建", "planned_wan": 35000, "invest_week_wan": 0, "invest_cum_wan": 0, "stage": "前期手续",
    "progress": "7月13日已签约，协助企业办理公司注册", "issues": None, "coordination": None, "leader": "韩卫东",
}
DONE_WITHOUT_DATE = ("吴国庆", 5)  # draft: 安评 已办结 with the date left empty
SWAPPED = ("王晓东", 7)  # 本周 and 累计 typed into each other's columns; never corrected
RESUBMITTED = ("郑凯", 10)  # first version: 累计 without this week's figure; 更正 a few hours later
LATE = {
    ("李明远", 3): dt.datetime(2021, 7, 5, 14, 35),
    ("吴国庆", 8): dt.datetime(2021, 8, 10, 9, 20),
    ("杨帆", 10): dt.datetime(2021, 8, 23, 16, 5),
}
EARLY = {("王晓东", 0): dt.datetime(2021, 6, 11, 17, 20)}  # the Friday before the 端午 holiday
DRAFT_RECEIVED = {
    UNKNOWN_CODE: dt.datetime(2021, 8, 16, 9, 12),
    DONE_WITHOUT_DATE: dt.datetime(2021, 7, 19, 8, 52),
    SWAPPED: dt.datetime(2021, 8, 2, 10, 15),
    RESUBMITTED: dt.datetime(2021, 8, 23, 9, 20),
}
FINAL_RECEIVED = {
    UNKNOWN_CODE: dt.datetime(2021, 8, 16, 10, 47),  # fixed before the deadline: on time
    DONE_WITHOUT_DATE: dt.datetime(2021, 7, 19, 16, 20),  # fixed after the deadline: late
    RESUBMITTED: dt.datetime(2021, 8, 23, 14, 50),
}


@dataclass(frozen=True)
class CadreHabits:
    """How one cadre writes the weekly report."""

    filename: str  # format(cadre=, monday=, week=, mmdd=, md=) of the regular file
    week_as: str = "date"  # date (a date cell) | iso (text) | ordinal (2021年第N周)
    style: FileStyle = FileStyle()
    problems_sheet: str = "always"  # always | when_any
    progress_title: str | None = None
    instructions: bool = False


HABITS = {
    "李明远": CadreHabits("项目周报_{cadre}_{monday}.xlsx"),
    "王晓东": CadreHabits("{cadre}项目周报（{year}年第{week}周）.xlsx", week_as="ordinal",
                         progress_title="{cadre}包联项目周报（{year}年第{week}周）"),
    "陈静": CadreHabits("{cadre}_周报_{mmdd}.xlsx", week_as="iso", style=FileStyle(date_style="iso")),
    "杨帆": CadreHabits("项目周报-{cadre}-{compact}.xlsx", problems_sheet="when_any", instructions=True),
    "吴国庆": CadreHabits("{cadre}项目周报({md}).xlsx", style=FileStyle(date_style="slash")),
    "郑凯": CadreHabits("{monday}_{cadre}_项目周报.xlsx", week_as="ordinal",
                       style=FileStyle(date_style="cn", amount_style="comma")),
}


@dataclass(frozen=True)
class WeeklyFile:
    """One weekly-report file as it arrives in 周报/."""

    report: WeekReport
    filename: str
    received: dt.datetime
    habits: CadreHabits
    encoding: str | None = None  # set for a CSV file
    overrides: dict[tuple[str, int, str], Override] = field(default_factory=dict)
    extra_progress: tuple[Row, ...] = ()
    role: str = "final"  # final | draft (rejected) | first (superseded by a 更正)


def deadline(monday: dt.date) -> dt.datetime:
    """Monday noon after the week, moved to the next working day over holidays."""
    day = monday + dt.timedelta(days=7)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(12, 0))


def on_time(seed: int, cadre: str, monday: dt.date) -> dt.datetime:
    """A moment on the due morning, 08:00–11:59."""
    rng = random.Random(f"{seed}:weekly:{cadre}:{monday.isoformat()}:received")
    return deadline(monday).replace(hour=rng.randint(8, 11), minute=rng.randint(0, 59))


def file_name(habits: CadreHabits, report: WeekReport, suffix: str = "", ext: str = ".xlsx") -> str:
    """The cadre's usual file name for the week, with an optional (修改)/_更正 suffix."""
    monday, sunday = report.monday, report.monday + dt.timedelta(days=6)
    name = habits.filename.format(
        cadre=report.cadre, monday=monday.isoformat(), year=monday.year, week=monday.isocalendar()[1],
        mmdd=f"{monday:%m%d}", compact=f"{monday:%Y%m%d}",
        md=f"{monday.month}.{monday.day}-{sunday.month}.{sunday.day}")
    stem = name.removesuffix(".xlsx")
    return f"{stem}{suffix}{ext}"


def files_of_week(report: WeekReport, seed: int) -> list[WeeklyFile]:
    """The file(s) one cadre-week arrives as — none, one, or a first and a second version."""
    key = (report.cadre, report.week)
    habits = HABITS.get(report.cadre, HABITS["李明远"])
    if key == MISSING_WEEK:
        return []
    if key in CSV_WEEKS:
        return [WeeklyFile(report, file_name(habits, report, ext=".csv"), on_time(seed, report.cadre, report.monday),
                           habits, encoding=CSV_WEEKS[key])]
    regular = file_name(habits, report)
    when = LATE.get(key) or EARLY.get(key) or on_time(seed, report.cadre, report.monday)
    if key == UNKNOWN_CODE:
        return [WeeklyFile(report, regular, DRAFT_RECEIVED[key], habits, extra_progress=(UNKNOWN_CODE_ROW,),
                           role="draft"),
                WeeklyFile(report, file_name(habits, report, "(修改)"), FINAL_RECEIVED[key], habits)]
    if key == DONE_WITHOUT_DATE:
        row = next(i for i, p in enumerate(report.procedures) if p["procedure"] == "安评")
        clear: Override = lambda _: None  # noqa: E731
        return [WeeklyFile(report, regular, DRAFT_RECEIVED[key], habits, overrides={("手续办理", row, "done_on"): clear},
                           role="draft"),
                WeeklyFile(report, file_name(habits, report, "(改)"), FINAL_RECEIVED[key], habits)]
    if key == SWAPPED:
        row = next(i for i, p in enumerate(report.progress) if p["invest_week_wan"] != p["invest_cum_wan"])
        cum, week = report.progress[row]["invest_cum_wan"], report.progress[row]["invest_week_wan"]
        swap: dict[tuple[str, int, str], Override] = {
            ("项目进展", row, "invest_week_wan"): lambda _: cum, ("项目进展", row, "invest_cum_wan"): lambda _: week}
        return [WeeklyFile(report, regular, DRAFT_RECEIVED[key], habits, overrides=swap, role="draft")]
    if key == RESUBMITTED:
        row = max(range(len(report.progress)), key=lambda i: report.progress[i]["invest_week_wan"])
        entry = report.progress[row]
        forgot: Override = lambda cum: cum - entry["invest_week_wan"]  # noqa: E731
        return [WeeklyFile(report, regular, DRAFT_RECEIVED[key], habits,
                           overrides={("项目进展", row, "invest_cum_wan"): forgot}, role="first"),
                WeeklyFile(report, file_name(habits, report, "_更正"), FINAL_RECEIVED[key], habits)]
    return [WeeklyFile(report, regular, when, habits)]


def weekly_files(reports: list[WeekReport], seed: int) -> list[WeeklyFile]:
    """Every weekly-report file of the scenario, in order of arrival."""
    files = [f for report in reports for f in files_of_week(report, seed)]
    return sorted(files, key=lambda f: (f.received, f.filename))


# ── writing the files ───────────────────────────────────────────────────────
def week_value(habits: CadreHabits, monday: dt.date) -> object:
    """报告周 as this cadre writes it."""
    if habits.week_as == "ordinal":
        return f"{monday.year}年第{monday.isocalendar()[1]}周"
    return monday.isoformat() if habits.week_as == "iso" else monday


def weekly_workbook(file: WeeklyFile) -> Workbook:
    """The .xlsx of one weekly report."""
    report, habits = file.report, file.habits
    style = FileStyle(date_style=habits.style.date_style, amount_style=habits.style.amount_style,
                      overrides=file.overrides)
    wb = Workbook()
    wb.remove(wb.active)
    basic, progress, procedures, problems = weekly.CONTRACT.sheets
    filed_on = file.received.date()
    write_form(wb.create_sheet(basic.name), basic, {
        "cadre": report.cadre, "week": week_value(habits, report.monday),
        "filed_on": filed_on if style.date_style == "cell" else filed_on.isoformat()})
    monday = report.monday
    titles = [habits.progress_title.format(cadre=report.cadre, year=monday.year, week=monday.isocalendar()[1])] \
        if habits.progress_title else []
    write_table(wb.create_sheet(progress.name), progress, report.progress + list(file.extra_progress), style, titles)
    write_table(wb.create_sheet(procedures.name), procedures, report.procedures, style, [])
    if report.problems or habits.problems_sheet == "always":
        write_table(wb.create_sheet(problems.name), problems, report.problems, style, [])
    if habits.instructions:
        write_instructions(wb, weekly.CONTRACT)
    return wb


def csv_value(value: object) -> str:
    """A cell as CSV text: dates ISO, empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def weekly_csv(file: WeeklyFile) -> bytes:
    """The CSV variant: the 项目进展 columns plus 包联人 and 报告周 on every row."""
    columns = weekly.CONTRACT.sheet("项目进展").columns + weekly.CSV_EXTRA_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for row in file.report.progress:
        values = {**row, "cadre": file.report.cadre, "week": file.report.monday}
        writer.writerow([csv_value(values.get(c.field)) for c in columns])
    return buffer.getvalue().encode(file.encoding or "utf-8-sig")


def write_weekly(settings: Settings, library: list[Row], seed: int) -> list[Path]:
    """Write every weekly report of the scenario into settings.inbox/周报/; return the paths."""
    folder = settings.inbox / weekly.CONTRACT.kind
    folder.mkdir(parents=True, exist_ok=True)
    leaders = [p.name for p in settings.people_with("leader")]
    written = []
    for file in weekly_files(plan_weeks(library, leaders, seed), seed):
        path = folder / file.filename
        if file.encoding:
            path.write_bytes(weekly_csv(file))
            written.append(set_received(path, file.received))
        else:
            written.append(save_stable(weekly_workbook(file), path, file.report.cadre, file.received))
    return written
