"""Monthly bulletin 招商引资工作通报 (DESIGN §5): read the marts → render the .docx and each group's excerpt
(本组通报摘要) beside it → (optionally) mail the leaders the bulletin and each secretary their excerpt."""

from __future__ import annotations

import re
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.common import deliver, open_warehouse, queue_for_leaders, settings_for
from zhaoshang.reports import bulletin as report
from zhaoshang.reports.bulletin.figures import issue_label

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def read_marts(engine, month: str) -> report.BulletinData:
    """The mart rows the bulletin is built from."""
    return report.read_bulletin_data(engine, month)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def read_weekly_sections(settings, engine, month: str) -> list[dict]:
    """Key projects and open problems from the weekly marts (none before weekly reports exist)."""
    from zhaoshang.reports.bulletin.project_sections import project_sections

    return project_sections(engine, month, settings.today())


@task(cache_policy=NO_CACHE)
def render(settings, data: report.BulletinData, sections: list[dict]) -> report.BulletinFiles:
    """Charts, the .docx and its trace workbook under reports/通报/."""
    return report.render_bulletin(settings, data, sections)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def render_excerpts(settings, engine, data: report.BulletinData, folder: Path) -> list:
    """One 本组通报摘要 .docx per group, in the bulletin's folder."""
    from zhaoshang.reports import excerpt

    return excerpt.render_excerpts(settings, data, excerpt.read_excerpt_data(engine, data.month), folder)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def queue_for_secretaries(settings, engine, month: str, excerpts: list) -> None:
    """Queue each excerpt's mail to its group's secretary, copied to the office (once per month and group)."""
    from zhaoshang.reports.excerpt import queue_excerpt_mails

    queue_excerpt_mails(settings, engine, month, excerpts)


@flow(name="bulletin", log_prints=False)
def bulletin(month: str, send: bool = False, config: str | None = None, root: str | None = None,
             warehouse_url: str | None = None) -> Path:
    """The bulletin for `month` ("YYYY-MM"): read → render → publish (→ mail the leaders when send=True)."""
    if not MONTH.match(month):
        raise ValueError(f"月份格式应为 YYYY-MM（例如 2021-08），收到的是 {month!r}")
    settings = settings_for(config, root, warehouse_url)
    engine = open_warehouse(settings)
    data = read_marts(engine, month)
    files = render(settings, data, read_weekly_sections(settings, engine, month))
    excerpts = render_excerpts(settings, engine, data, files.docx.parent)
    create_markdown_artifact(key="bulletin", description=f"{issue_label(month)}招商引资工作通报", markdown=(
        f"**{issue_label(month)}招商引资工作通报**\n\n- 文档：[{files.docx.name}]({files.docx.as_uri()})  \n"
        f"  `{files.docx}`\n- 数据来源：`{files.trace}`\n- 本组通报摘要：{len(excerpts)} 份\n\n" + "\n\n".join(files.headline)))
    if send:
        queue_for_leaders(settings, engine, f"bulletin:{month}", f"【招商引资工作通报】{issue_label(month)}",
                          files.summary, files.docx)
        queue_for_secretaries(settings, engine, month, excerpts)
        deliver(settings, engine)
    get_run_logger().info("bulletin %s written to %s", month, files.docx)
    return files.docx
