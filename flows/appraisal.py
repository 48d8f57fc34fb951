"""Half-year appraisal 半年考核汇总 (DESIGN §5): read → score → store → render (→ 述职数据摘要) (→ mail the leaders)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.common import deliver, open_warehouse, queue_for_leaders, settings_for
from transforms.staging.normalise import parse_half
from zhaoshang.reports import appraisal as report
from zhaoshang.reports.appraisal.figures import AppraisalResult, half_of


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def read_facts(engine, half, as_of) -> report.AppraisalData:
    """The current rows of every submission the appraisal counts."""
    return report.read_appraisal_data(engine, half, as_of)


@task(cache_policy=NO_CACHE)
def score(settings, data: report.AppraisalData) -> AppraisalResult:
    """Indicators, points, scores and ranks with the configured weights."""
    return report.appraise(settings, data)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def store_scores(engine, result: AppraisalResult, computed_at) -> int:
    """Replace the half's rows of person_half_score (read through mart_person_half)."""
    return report.store_person_scores(engine, result, computed_at)


@task(cache_policy=NO_CACHE)
def render(settings, result: AppraisalResult, data: report.AppraisalData) -> report.AppraisalFiles:
    """Charts, the .docx and its 计算明细 workbook under reports/考核/."""
    return report.render_appraisal(settings, result, data)


@task(cache_policy=NO_CACHE)
def render_prefill(settings, result: AppraisalResult, data: report.AppraisalData) -> list[Path]:
    """One 述职数据摘要 per person under reports/考核/述职数据摘要/."""
    return report.render_prefill(settings, result, data)


@flow(name="appraisal", log_prints=False)
def appraisal(half: str, send: bool = False, prefill: bool = False, config: str | None = None,
              root: str | None = None, warehouse_url: str | None = None) -> Path:
    """The appraisal of `half` ("2021H1" or "2021年上半年"): read → score → store → render (→ prefill) (→ mail)."""
    code, problem = parse_half(half)
    if problem:
        raise ValueError(f"考核期格式应为 YYYYH1 或 YYYYH2（例如 2021H1），收到的是 {half!r}")
    settings = settings_for(config, root, warehouse_url)
    engine = open_warehouse(settings)
    data = read_facts(engine, half_of(code), settings.now())
    result = score(settings, data)
    store_scores(engine, result, settings.now())
    files = render(settings, result, data)
    summaries = render_prefill(settings, result, data) if prefill else []
    create_markdown_artifact(key="appraisal", description=f"{result.half.label}招商引资工作考核汇总", markdown=(
        f"**{result.half.label}招商引资工作考核汇总**\n\n- 文档：[{files.docx.name}]({files.docx.as_uri()})\n"
        f"- 计算明细：`{files.workbook}`\n" + (f"- 述职数据摘要：{len(summaries)} 份\n" if prefill else "")
        + "\n" + "\n\n".join(files.headline)))
    if send:
        queue_for_leaders(settings, engine, f"appraisal:{result.half.code}",
                          f"【招商引资工作考核汇总】{result.half.label}", files.summary, files.docx)
        deliver(settings, engine)
    get_run_logger().info("appraisal %s written to %s", code, files.docx)
    return files.docx
