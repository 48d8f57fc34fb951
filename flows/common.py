"""What every flow needs: the settings (flow parameters override the environment) and the warehouse."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from sqlalchemy import Engine

from transforms.status_words import FILE_STATUS_WORDS
from warehouse.db import engine_for, upgrade
from zhaoshang.settings import Settings, load_settings

if TYPE_CHECKING:  # the report flows need not import the whole intake
    from zhaoshang.intake.ingest import PassSummary


def settings_for(config: str | None, root: str | None, warehouse_url: str | None) -> Settings:
    """Settings from the environment, with this run's parameters taking precedence."""
    env = dict(os.environ)
    for key, value in (("ZHAOSHANG_CONFIG", config), ("ZHAOSHANG_ROOT", root),
                       ("ZHAOSHANG_WAREHOUSE_URL", warehouse_url)):
        if value:
            env[key] = value
    settings = load_settings(env)
    settings.ensure_layout()
    return settings


def open_warehouse(settings: Settings) -> Engine:
    """The warehouse engine, migrated to the latest schema."""
    engine = engine_for(settings.warehouse_url)
    upgrade(engine)
    return engine


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def queue_for_leaders(settings: Settings, engine: Engine, key: str, subject: str, paragraphs: list[str],
                      report: Path) -> None:
    """Queue a report's mail to the leaders, once per key: a re-run of the same period does not send it twice.
    It carries the report's PDF (to read) when one was written, then the .docx (for whoever edits)."""
    from zhaoshang.delivery.mail import leader_addresses, queue_mail, report_attachments

    queue_mail(settings, engine, key=key, to=leader_addresses(settings), subject=subject, paragraphs=paragraphs,
               attachments=report_attachments(report))


@task(cache_policy=NO_CACHE)
def deliver(settings: Settings, engine: Engine) -> None:
    """Send whatever mail is pending (what cannot be sent now stays queued for the next run)."""
    from zhaoshang.delivery.mail import deliver_pending

    deliver_pending(settings, engine)




def publish_ingest_artifacts(summary: PassSummary) -> None:
    """A table of per-file outcomes and a short markdown summary on the flow run."""
    if summary.files:
        create_table_artifact(
            key="ingest-files",
            table=[{"文件": f.name, "类型": f.kind, "结果": FILE_STATUS_WORDS.get(f.status, f.status), "入库行数": f.rows_loaded,
                    "错误": f.errors, "警告": f.warnings, "错误说明": f.explanation or ""} for f in summary.files],
            description="本次处理的文件",
        )
    counts = ", ".join(f"{FILE_STATUS_WORDS[s]} {summary.count(s)}" for s in FILE_STATUS_WORDS if summary.count(s))
    create_markdown_artifact(
        key="ingest-summary",
        markdown=f"**本次处理 {len(summary.files)} 个文件**：{counts or '收件箱为空'}",
    )
