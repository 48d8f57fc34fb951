"""Cell normalisers: one raw cell in, a clean value or a Chinese reason out (DESIGN §3.5).

Each parser returns `(value, None)` or `(None, Problem)`. None of them guesses: a cell
that could mean two things is a problem for the submitter to settle.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from transforms.contract import ABROAD, PROVINCES


class Problem(NamedTuple):
    """Why a cell could not be read, and how to write it instead."""

    message: str
    fix: str


Parsed = tuple[object, Problem | None]

# Invisible characters pasted in from chats and web pages: zero-width space and joiners, BOM,
# soft hyphen, direction marks/embeddings/isolates, Mongolian vowel separator, invisible operators.
_INVISIBLE = ("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
              "\u2066\u2067\u2068\u2069\u180e\u2061\u2062\u2063\u2064")
_ZERO_WIDTH = dict.fromkeys(map(ord, _INVISIBLE), None)
_FULLWIDTH_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Full-width forms of ASCII symbols that Chinese writing has no use of its own for (typed with
# the input method in full-width mode): halved like letters and digits, so that ＫＦＱ２０２１－００１
# is the code KFQ2021-001. ，。：；！？（）“” are Chinese punctuation and stay as written.
_FULLWIDTH_SYMBOLS = frozenset("－＿／．＃＠＆＋＝％＊＾｜＼＜＞＄")
# What Excel shows in a cell whose formula failed (and what a CSV export writes for it).
EXCEL_ERRORS = frozenset({"#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (32874, 73051)  # 1990-01-01 … 2100-01-01: a number outside is no date
_AMOUNT_UNITS = {"亿元": Decimal(100_000_000), "亿": Decimal(100_000_000), "万元": Decimal(10_000),
                 "万": Decimal(10_000), "元": Decimal(1)}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class UnreadableCell(str):
    """A cell the reader could take no value from: an Excel error value, or a formula never computed.

    Its text is what the submitter sees in the cell (#DIV/0!, or the formula =SUM(D2:D9));
    `problem` says why it cannot be used. It is never blank and no parser makes a value of it.
    """

    problem: Problem

    def __new__(cls, text: str, problem: Problem) -> UnreadableCell:
        cell = super().__new__(cls, text)
        cell.problem = problem
        return cell

    def __reduce__(self):
        return (UnreadableCell, (str(self), self.problem))


def excel_error(code: str) -> UnreadableCell:
    """A cell holding an Excel error value (#DIV/0!, #REF!, #N/A …)."""
    return UnreadableCell(code, _error_problem(code))


def _error_problem(code: str) -> Problem:
    return Problem(f"单元格是 Excel 错误值“{code}”（公式出错），不是有效内容。",
                   "请修正公式（或直接填写数值）后重新保存并放入。")


def uncomputed_formula(formula: str) -> UnreadableCell:
    """A formula cell saved without its result (written by a program, never calculated in Excel/WPS)."""
    text = formula if formula.startswith("=") else f"={formula}"
    return UnreadableCell(text, Problem(
        f"单元格中的公式“{text}”没有计算结果（文件未经 Excel/WPS 计算保存）。",
        "请在 Excel 或 WPS 中打开文件并保存（让公式算出结果）后重新放入，或直接填写数值。"))


def cell_problem(value: object) -> Problem | None:
    """Why a cell holds no usable value at all (an Excel error value, an uncomputed formula), else None."""
    if isinstance(value, UnreadableCell):
        return value.problem
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        return _error_problem(value.strip())
    return None


def is_blank(value: object) -> bool:
    """True for an empty cell: None, "" or only spaces/invisible characters (never an unreadable cell)."""
    if value is None:
        return True
    if not isinstance(value, str) or isinstance(value, UnreadableCell):  # numbers, dates, #REF! …
        return False
    if not _NEEDS_FOLDING.search(value):
        return value.isspace() or not value  # the common case: nothing invisible to remove
    return not clean_text(value)


_NEEDS_FOLDING = re.compile(f"[{_INVISIBLE}\u3000\uff01-\uff5e]")


def clean_text(value: object) -> str:
    """Free text: invisible characters gone, full-width letters/digits/spaces halved, spaces collapsed.

    An unreadable cell (#REF!, a formula without its result) has no text: "".
    """
    if value is None or isinstance(value, UnreadableCell):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value)
    if not _NEEDS_FOLDING.search(s):
        return " ".join(s.split())  # the common case: nothing to fold
    s = s.translate(_ZERO_WIDTH)
    s = "".join(chr(_FULLWIDTH_ASCII[ord(c)]) if ord(c) in _FULLWIDTH_ASCII and _is_alnum_or_space(c) else c for c in s)
    return " ".join(s.split())


def _is_alnum_or_space(ch: str) -> bool:
    """Full-width characters that are letters, digits, ASCII-only symbols or the ideographic space."""
    return ch == "\u3000" or ch in _FULLWIDTH_SYMBOLS or unicodedata.normalize("NFKC", ch).isalnum()


def clean_name(value: object) -> str:
    """A person's or enterprise's name: no whitespace at all, brackets in the Chinese form."""
    s = unicodedata.normalize("NFKC", clean_text(value))
    s = "".join(s.split())
    return s.replace("(", "（").replace(")", "）")


def clean_token(value: object) -> str:
    """An enumerated value or code: NFKC and no whitespace (“已 签约” → “已签约”)."""
    return "".join(unicodedata.normalize("NFKC", clean_text(value)).split())


def parse_amount(value: object, unit: str) -> Parsed:
    """An amount in `unit` ("万元" or "元") from 1200, "1,200", "1.2万", "12000元", "１２００"."""
    places = 4 if unit == "万元" else 2
    if (unreadable := cell_problem(value)) is not None:
        return None, unreadable
    if isinstance(value, bool):
        return None, Problem(f"“{value}”不是金额。", "请填写数字金额。")
    if isinstance(value, (int, float)):
        return _quantize(Decimal(str(value)), places), None
    s = clean_token(value).replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    multiplier = Decimal(1)
    for suffix, factor in _AMOUNT_UNITS.items():
        if s.endswith(suffix):
            s, multiplier = s[: -len(suffix)], factor / (Decimal(10_000) if unit == "万元" else Decimal(1))
            break
    if not _NUMBER.match(s):
        return None, Problem(
            f"无法识别的金额“{clean_text(value)}”。",
            f"请填写数字（单位：{unit}），如 1200、1,200、1.2万 或 12000元。",
        )
    try:
        return _quantize(Decimal(s) * multiplier, places), None
    except InvalidOperation:
        return None, Problem(f"无法识别的金额“{clean_text(value)}”。", f"请填写数字（单位：{unit}）。")


def _quantize(amount: Decimal, places: int) -> float:
    """Round half-up to the unit's decimals (万元: 4, 元: 2) and return a float for the frame."""
    return float(amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


_YMD = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# A written date followed by a time of day (2021-08-03 00:00:00, 2021/8/3 14:30 — CSV exports):
# the day is unambiguous; the time is not part of a date column.
_TIME_OF_DAY = re.compile(r"^(?P<day>\S+)(?:\s+|T)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d{1,6})?)?$")
_YYYYMMDD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_AMBIGUOUS_DMY = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")


def parse_date(value: object) -> Parsed:
    """A calendar day from an Excel date, a serial number (44411) or 2021-08-03 / 2021/8/3 / 2021.8.3 / 2021年8月3日."""
    if (unreadable := cell_problem(value)) is not None:
        return None, unreadable
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value, value)
    timed = _TIME_OF_DAY.match(unicodedata.normalize("NFKC", clean_text(value)))
    if timed and int(timed["h"]) < 24 and int(timed["m"]) < 60 and int(timed["s"] or 0) < 60:
        match = _YMD.match(timed["day"])
        if match:
            return _make_date(*map(int, match.groups()), raw=value)
    s = clean_token(value)
    if re.fullmatch(r"\d{5}(\.0+)?", s):
        return _from_serial(float(s), value)
    match = _YMD.match(s) or _YYYYMMDD.match(s)
    if match:
        return _make_date(*map(int, match.groups()), raw=value)
    if _AMBIGUOUS_DMY.match(s):
        return None, Problem(
            f"日期“{clean_text(value)}”有歧义（无法确定年、月、日的顺序）。",
            "请按“年-月-日”填写，如 2021-08-03。",
        )
    return None, Problem(f"无法识别的日期“{clean_text(value)}”。", "请按“年-月-日”填写，如 2021-08-03。")


def _from_serial(number: float, raw: object) -> Parsed:
    """An Excel serial day number (44411 → 2021-08-03) within 1990–2100."""
    if not float(number).is_integer() or not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        return None, Problem(f"“{clean_text(raw)}”不是有效日期。", "请按“年-月-日”填写，如 2021-08-03。")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number)), None


def _make_date(year: int, month: int, day: int, raw: object) -> Parsed:
    """A date from its parts, or a problem if no such day exists (2021-02-30)."""
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, Problem(f"日期“{clean_text(raw)}”不存在。", "请核对年、月、日。")


_YM = re.compile(r"^(\d{4})(?:[-/.年])(\d{1,2})(?:月份?|月)?$")
_YYYYMM = re.compile(r"^(\d{4})(\d{2})$")


def parse_month(value: object) -> Parsed:
    """A reporting month "YYYY-MM" from 2021-08, 2021年8月, 202108, or a date Excel made of it (2021-08-01)."""
    if (unreadable := cell_problem(value)) is not None:
        return None, unreadable
    if isinstance(value, (dt.date, dt.datetime)) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        day, problem = parse_date(value)
        if problem:
            return None, Problem(f"无法识别的月份“{clean_text(value)}”。", "请填写如 2021-08 或 2021年8月。")
        if day.day != 1:
            return None, Problem(
                f"报告月份填成了具体日期“{day.isoformat()}”，无法确定所指月份。",
                "请填写月份，如 2021-08 或 2021年8月。",
            )
        return f"{day.year:04d}-{day.month:02d}", None
    s = clean_token(value)
    match = _YM.match(s) or _YYYYMM.match(s)
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}", None
    return None, Problem(f"无法识别的月份“{clean_text(value)}”。", "请填写如 2021-08 或 2021年8月。")


_ISO_WEEK = re.compile(r"^(\d{4})年?第?(\d{1,2})周$|^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(value: object) -> Parsed:
    """A reporting week as its Monday, from 2021-08-30 (a Monday) or 2021年第35周 (ISO week)."""
    if (unreadable := cell_problem(value)) is not None:
        return None, unreadable
    s = clean_token(value) if isinstance(value, str) else ""
    match = _ISO_WEEK.match(s)
    if match:
        year, week = (int(g) for g in (match.group(1) or match.group(3), match.group(2) or match.group(4)))
        try:
            return dt.date.fromisocalendar(year, week, 1), None
        except ValueError:
            return None, Problem(f"“{clean_text(value)}”不是有效的周次。", "请填写该周星期一的日期，如 2021-08-30。")
    day, problem = parse_date(value)
    if problem:
        return None, Problem(f"无法识别的报告周“{clean_text(value)}”。", "请填写该周星期一的日期（如 2021-08-30）或“2021年第35周”。")
    if day.weekday() != 0:
        monday = day - dt.timedelta(days=day.weekday())
        return None, Problem(
            f"报告周“{day.isoformat()}”不是星期一。",
            f"请填写该周星期一的日期，如 {monday.isoformat()}。",
        )
    return day, None


_HALF = re.compile(r"^(\d{4})(?:H([12])|年?(上|下)半年)$", re.IGNORECASE)


def parse_half(value: object) -> Parsed:
    """A half-year "YYYYH1"/"YYYYH2" from 2021H1 or 2021年上半年."""
    if (unreadable := cell_problem(value)) is not None:
        return None, unreadable
    match = _HALF.match(clean_token(value))
    if not match:
        return None, Problem(f"无法识别的考核期“{clean_text(value)}”。", "请填写如 2021H1 或 2021年上半年。")
    half = match.group(2) or ("1" if match.group(3) == "上" else "2")
    return f"{match.group(1)}H{half}", None


def parse_score(value: object) -> Parsed:
    """A review score as a number (range is checked by the suite)."""
    if (unreadable := cell_problem(value)) is not None:
        return None, unreadable
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), None
    s = clean_token(value).removesuffix("分")
    if _NUMBER.match(s):
        return float(s), None
    return None, Problem(f"无法识别的得分“{clean_text(value)}”。", "请填写 0–100 之间的数字。")


_REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_SHORT_REGIONS = {}
for _full in PROVINCES:
    _short = _full
    for _suffix in _REGION_SUFFIXES:
        if _short.endswith(_suffix):
            _short = _short[: -len(_suffix)]
            break
    _SHORT_REGIONS[_short] = _full
_SHORT_REGIONS.update({"海外": ABROAD, "国外": ABROAD, "境外": ABROAD})


def normalise_region(value: object) -> str:
    """Province-level name in full form (吉林 → 吉林省, 内蒙古 → 内蒙古自治区); unknown text unchanged."""
    s = clean_name(value)
    if s in PROVINCES or s == ABROAD:
        return s
    return _SHORT_REGIONS.get(s, s)


def normalise_group(value: object, names_to_codes: dict[str, str]) -> str:
    """Group code from its Chinese name or code (装备制造组 / 装备制造 / equipment → equipment)."""
    s = clean_token(value)
    return names_to_codes.get(s) or names_to_codes.get(s + "组") or s


def display(value: object) -> str:
    """A raw cell as the submitter would read it back in an explanation."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
