"""Weekly digest 项目周报汇总 (DESIGN §5): read the marts → render the .docx → (optionally) mail the leaders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.common import deliver, open_warehouse, queue_for_leaders, settings_for
from transforms.staging.normalise import parse_week
from zhaoshang.reports import digest as report
from zhaoshang.reports.digest.figures import iso_week_label


def week_monday(week: str) -> dt.date:
    """The Monday of the week given as "2021-08-30" or "2021年第35周"; a Chinese message when unreadable."""
    monday, problem = parse_week(week)
    if problem:
        raise ValueError(f"{problem.message}{problem.fix}")
    return monday


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def read_week(engine, monday: dt.date) -> report.DigestData:
    """The mart (and library, procedure, signing) rows the digest is built from."""
    return report.read_digest_data(engine, monday)


@task(cache_policy=NO_CACHE)
def render(settings, data: report.DigestData) -> report.DigestFiles:
    """The 挂图作战 chart, the .docx and its companion workbook under reports/周报/."""
    return report.render_digest(settings, data)


@flow(name="digest", log_prints=False)
def digest(week: str, send: bool = False, config: str | None = None, root: str | None = None,
           warehouse_url: str | None = None) -> Path:
    """The digest of `week` (its Monday, or "2021年第35周"): read → render → publish (→ mail leaders if send)."""
    monday = week_monday(week)
    settings = settings_for(config, root, warehouse_url)
    engine = open_warehouse(settings)
    files = render(settings, read_week(engine, monday))
    create_markdown_artifact(key="digest", description=f"{iso_week_label(monday)}项目周报汇总", markdown=(
        f"**{iso_week_label(monday)}项目周报汇总**\n\n- 文档：[{files.docx.name}]({files.docx.as_uri()})  \n"
        f"  `{files.docx}`\n- 数据来源：`{files.trace}`\n\n" + "\n\n".join(files.overview)))
    if send:
        queue_for_leaders(settings, engine, f"digest:{monday.isoformat()}", f"【项目周报汇总】{iso_week_label(monday)}",
                          files.summary, files.docx)
        deliver(settings, engine)
    get_run_logger().info("digest %s written to %s", monday, files.docx)
    return files.docx
