"""What every submission kind has: the `Kind` every kind module subclasses, and what its rules compare against.

A kind (月报, 周报, 项目库, 述职评议 …) is one inbox folder, one workbook contract and the rules,
keys, tables and deadlines that go with it. The intake, the warehouse load, the reminders and the
status loop over the registry (`transforms.kinds.KINDS`) and ask the kind; none of them branches on
a kind's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from transforms.contract import Column, Workbook
from transforms.findings import Finding
from transforms.staging.workbook import StagedWorkbook

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
DUE_COLUMNS = ["kind", "subject", "period", "due_at"]
IsWorkday = Callable[[dt.date], bool]


@dataclass
class Known:
    """What the warehouse (and the batch's other accepted files) holds that the cross-file rules compare against."""

    signings: pd.DataFrame  # group_code, month, enterprise — current signings
    project_codes: set[str]  # every code in any project-library snapshot
    cumulative: pd.DataFrame  # project_code, week_start, invest_cum_wan — current weekly reports
    group_of: dict[str, str | None] = field(default_factory=dict)  # roster: person → group code
    group_names: dict[str, str] = field(default_factory=dict)  # group code → Chinese name
    current_reviews: pd.DataFrame | None = None  # half, person, rater, group_code, original_name — current review rows
    history: dict | None = None  # the weekly kind's index of `cumulative`, built once per batch
    cumulative_added: list = field(default_factory=list)  # (project_code, week, cumulative) of the batch's accepted weekly rows

    @classmethod
    def empty(cls) -> Known:
        return cls(pd.DataFrame(columns=["group_code", "month", "enterprise"]), set(),
                   pd.DataFrame(columns=["project_code", "week_start", "invest_cum_wan"]))


@dataclass(frozen=True)
class Calendar:
    """The configured dates and deadlines that decide what is due (from the zone's settings)."""

    groups: tuple[str, ...]  # group codes
    reporting_start: str  # first month of monthly reports, YYYY-MM
    weekly_start: dt.date | None  # 周报制起始周; None: the week of the earliest weekly report received
    monthly_day: int
    weekly_weekday: int
    weekly_hour: int
    is_workday: IsWorkday


@dataclass(frozen=True)
class Person:
    """A roster member as the kinds see them (name, group, roles, address)."""

    name: str
    group: str | None
    roles: tuple[str, ...]
    email: str


class Kind:
    """One submission kind. Subclasses set the class attributes and override what differs."""

    contract: Workbook
    facts: Mapping[str, str] = {}  # contract sheet → warehouse fact table
    header_table: str | None = None  # the per-report header table (one row per stored file), if any
    versioned: bool = True  # a later file for the same subject and period replaces the earlier one
    csv_sheet: str | None = None  # the contract sheet a CSV file of this kind holds (None: no CSV)
    csv_extra_columns: tuple[Column, ...] = ()  # columns a CSV carries beyond that sheet's
    expectations_dir: Path = EXPECTATIONS_DIR  # where the kind's Great Expectations suites are

    @property
    def name(self) -> str:
        """The kind's name, which is also its inbox folder (月报 …)."""
        return self.contract.kind

    @property
    def title(self) -> str:
        return self.contract.title

    # ── which submission a file is ──
    def subject_and_period(self, staged: StagedWorkbook, received_at: dt.datetime) -> tuple[str | None, str | None]:
        """(subject, period) of the submission the file is a version of."""
        return None, None

    def header(self, staged: StagedWorkbook) -> dict[str, object] | None:
        """The row of `header_table` for this file (without file_id)."""
        return None

    def stamp(self, staged: StagedWorkbook, received_at: dt.datetime) -> dict[str, object]:
        """The submission's keys, stamped on every fact row the file brings."""
        return {}

    def submitter(self, staged: StagedWorkbook) -> str | None:
        """Who sent the file, as the file says itself."""
        return None

    def replaces(self, older_subject: str | None, newer_subject: str | None) -> bool:
        """True when a later version for `newer_subject` replaces a current one for `older_subject`
        (same period). Most kinds: the same subject."""
        return older_subject == newer_subject

    def version_bucket(self, subject: str | None) -> object:
        """Versions of one period that may replace each other share a bucket, so the load compares a
        new version only with its own bucket, not with every version of the period (2,000 weekly
        reports a week at ten times the zone). Most kinds: the subject itself, as `replaces` asks."""
        return subject

    # ── the rules ──
    def add_to_known(self, staged: StagedWorkbook, known: Known) -> None:
        """Add what an accepted file of this batch brings to what later files are compared against."""

    def rules(self, staged: StagedWorkbook, known: Known) -> list[Finding]:
        """The kind's cross-row, cross-sheet and cross-file rules."""
        return []

    # ── what is due, and reminders ──
    def due(self, calendar: Calendar, now: dt.datetime, snapshots: pd.DataFrame,
            first_received: dt.date | None) -> pd.DataFrame:
        """One row per subject and period owed whose deadline has passed by `now` (DUE_COLUMNS).

        `snapshots`: every project-library snapshot's rows; `first_received`: the period of the
        earliest accepted file of this kind (None before any)."""
        return pd.DataFrame(columns=DUE_COLUMNS)

    def deadline(self, period: str, calendar: Calendar) -> dt.datetime | None:
        """When a period's submission is due (None: this kind has no deadline)."""
        return None

    def reminder_stage(self, now: dt.datetime, calendar: Calendar) -> tuple[str, str] | None:
        """(period, "before"|"after") when `now` calls for a reminder of this kind."""
        return None

    def owing(self, period: str, calendar: Calendar, snapshots: pd.DataFrame, accepted: set[str]) -> list[str]:
        """Subjects that owe `period` and have no accepted file (`accepted`: subjects that have one)."""
        return []

    def reminded(self, subject: str, people: Sequence[Person]) -> list[Person]:
        """Who is reminded for a subject that owes a submission."""
        return []

    def period_label(self, period: str) -> str:
        """The submission as people name it, e.g. 2021年8月招商工作月报."""
        return f"{period}{self.title}"

    # ── derived from the contract ──
    def signature_sheets(self, others: Sequence[Kind]) -> set[str]:
        """Sheet names only this kind's workbook has: how a file in the wrong folder is recognised."""
        elsewhere = {s.name for other in others if other is not self for s in other.contract.sheets}
        return {s.name for s in self.contract.sheets if s.name not in elsewhere}

    def __repr__(self) -> str:
        return f"<kind {self.name}>"
