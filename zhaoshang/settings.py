"""The one place that picks the environment: config file + environment overrides.

Everything else receives a `Settings` object; nothing below this module reads
environment variables or decides where the warehouse, the shared folder or the mail
server is.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, field_validator

from transforms import kinds

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_DIR / "config" / "zhaoshang.toml"
TIMEZONE = ZoneInfo("Asia/Shanghai")



class MissingSecret(RuntimeError):
    """A secret the configuration requires is not set anywhere it may come from."""


class Group(BaseModel):
    code: str
    name: str
    sectors: list[str] = []
    budget_yuan: float = 0
    key_enterprises: list[str] = []
    contacts_target: int = 0  # 年度对接企业目标（家次）: the bulletin's 序时进度 of contacts; 0 = none


class Person(BaseModel):
    name: str
    group: str | None = None
    roles: list[Literal["secretary", "member", "cadre", "office", "leader"]] = []
    email: str = ""


class Deadlines(BaseModel):
    monthly_day: int = 5
    weekly_weekday: int = 1
    weekly_hour: int = 12


class Zone(BaseModel):
    name: str = "经济技术开发区"
    committee: str = "管理委员会"
    office: str = "投资促进局"
    reporting_start: str = "2021-01"
    weekly_start: str = ""  # 周报制起始周 (a Monday); empty: the week of the earliest weekly report received
    key_regions: list[str] = []


class Appraisal(BaseModel):
    """How the half-year appraisal combines indicators (documented in config/zhaoshang.toml)."""

    weights: dict[str, float] = {}
    normalisation: Literal["share_of_best", "target"] = "share_of_best"
    targets: dict[str, float] = {}
    signing_credit: str = "liaison"
    group_weights: dict[str, float] = {}


class Mail(BaseModel):
    host: str = ""
    port: int = 465
    security: Literal["ssl", "starttls", "plain"] = "ssl"
    user: str = ""
    sender_name: str = "招商引资报送系统"
    sender_address: str = "zhaoshang@localhost"
    password_env: str = "ZHAOSHANG_SMTP_PASSWORD"
    password_block: str = ""
    ca_file: str = ""
    timeout_seconds: float = 30

    @property
    def enabled(self) -> bool:
        """True when an SMTP server is configured (else mail goes to the outbox only)."""
        return bool(self.host)

    def password(self) -> str | None:
        """The SMTP password from its env var or Prefect Secret block; loud when required and missing."""
        if not self.user:
            return None
        value = os.environ.get(self.password_env)
        if value:
            return value
        if self.password_block:
            try:
                from prefect.blocks.system import Secret

                return Secret.load(self.password_block).get()
            except Exception:  # noqa: BLE001 — any failure means "not there"
                pass
        raise MissingSecret(
            f"SMTP user {self.user!r} is configured but no password was found: set the "
            f"environment variable {self.password_env} or the Prefect Secret block "
            f"{self.password_block!r}."
        )


class Settings(BaseModel):
    """The whole configuration of one installation."""

    root: Path
    warehouse_url: str
    today_override: dt.date | None = None
    zone: Zone = Zone()
    deadlines: Deadlines = Deadlines()
    mail: Mail = Mail()
    appraisal: Appraisal = Appraisal()
    groups: list[Group] = []
    aliases: dict[str, list[str]] = {}
    people: list[Person] = []
    config_path: Path | None = None
    report_pdf: bool = True  # every report also written as PDF beside its .docx (ZHAOSHANG_REPORT_PDF=0: not)

    model_config = {"arbitrary_types_allowed": True}

    @field_validator("today_override", mode="before")
    @classmethod
    def _empty_today(cls, v: object) -> object:
        return v or None

    # ── folders (DESIGN §2) ──
    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def rejected(self) -> Path:
        return self.root / "rejected"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def state_dir(self) -> Path:
        """Pipeline-private state (locks); staff never look here."""
        return self.root / ".zhaoshang"

    def ensure_layout(self) -> None:
        """Create the shared-folder layout if it is not there yet."""
        for kind in kinds.KINDS:  # DESIGN §2: one inbox folder per submission kind
            (self.inbox / kind).mkdir(parents=True, exist_ok=True)
        for folder in (self.archive, self.rejected, self.reports, self.outbox, self.state_dir):
            folder.mkdir(parents=True, exist_ok=True)

    # ── the clock ──
    def now(self) -> dt.datetime:
        """Current time in Asia/Shanghai, naive (the warehouse stores office-local times)."""
        if self.today_override is None:
            return dt.datetime.now(TIMEZONE).replace(tzinfo=None, microsecond=0)
        return dt.datetime.combine(self.today_override, dt.time(9, 0))  # a fixed clock: runs repeat exactly

    def today(self) -> dt.date:
        return self.now().date()

    # ── zone look-ups ──
    @cached_property
    def group_by_code(self) -> dict[str, Group]:
        return {g.code: g for g in self.groups}

    @cached_property
    def person_by_name(self) -> dict[str, Person]:
        return {p.name: p for p in self.people}

    def calendar(self) -> kinds.Calendar:
        """The dates and deadlines that decide what is due, as the kinds take them."""
        from zhaoshang.workcalendar import is_workday

        start = self.zone.weekly_start
        return kinds.Calendar(tuple(g.code for g in self.groups), self.zone.reporting_start,
                              dt.date.fromisoformat(start) if start else None, self.deadlines.monthly_day,
                              self.deadlines.weekly_weekday, self.deadlines.weekly_hour, is_workday)

    def roster(self) -> list[kinds.Person]:
        """The roster as the kinds take it."""
        return [kinds.Person(p.name, p.group, tuple(p.roles), p.email) for p in self.people]

    def people_with(self, role: str) -> list[Person]:
        """Roster members holding `role`, in roster order."""
        return [p for p in self.people if role in p.roles]


def _read_toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_settings(env: dict[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Settings from the config file named by ZHAOSHANG_CONFIG (or the default) plus env overrides."""
    env = dict(os.environ if env is None else env)
    cwd = cwd or Path.cwd()
    config_path = Path(env.get("ZHAOSHANG_CONFIG") or DEFAULT_CONFIG)
    if not config_path.is_absolute():
        config_path = cwd / config_path
    raw = _read_toml(config_path)

    root = Path(env.get("ZHAOSHANG_ROOT") or raw.get("paths", {}).get("root") or "data")
    if not root.is_absolute():
        root = cwd / root
    url = env.get("ZHAOSHANG_WAREHOUSE_URL") or raw.get("warehouse", {}).get("url") or ""
    if not url:
        url = f"sqlite:///{root / 'warehouse.sqlite'}"

    mail = dict(raw.get("mail", {}))
    for key, var in (
        ("host", "ZHAOSHANG_SMTP_HOST"),
        ("port", "ZHAOSHANG_SMTP_PORT"),
        ("security", "ZHAOSHANG_SMTP_SECURITY"),
        ("user", "ZHAOSHANG_SMTP_USER"),
        ("sender_address", "ZHAOSHANG_SMTP_SENDER"),
        ("ca_file", "ZHAOSHANG_SMTP_CA_FILE"),
    ):
        if env.get(var):
            mail[key] = env[var]

    return Settings(
        root=root.resolve(),
        warehouse_url=url,
        today_override=env.get("ZHAOSHANG_TODAY") or raw.get("clock", {}).get("today") or None,
        zone=Zone(**raw.get("zone", {})),
        deadlines=Deadlines(**raw.get("deadlines", {})),
        mail=Mail(**mail),
        appraisal=Appraisal(**raw.get("appraisal", {})),
        groups=[Group(**g) for g in raw.get("groups", [])],
        aliases=raw.get("aliases", {}),
        people=[Person(**p) for p in raw.get("people", [])],
        config_path=config_path,
        report_pdf=_switch(env.get("ZHAOSHANG_REPORT_PDF"), raw.get("reports", {}).get("pdf", True)),
    )


def _switch(value: str | None, default: bool) -> bool:
    """An on/off environment variable ("0", "no", "false", "off" turn it off); unset or empty: `default`."""
    if value is None or not value.strip():
        return bool(default)
    return value.strip().lower() not in {"0", "no", "false", "off"}
