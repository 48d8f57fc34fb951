"""`zhaoshang` — the command line of the reporting pipeline (every command has --help)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="招商引资报送与报告流水线 (investment-promotion reporting pipeline).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()

DEMO_MARKER = "demo-root"
STATUS_ZH = {"loaded": "已入库", "rejected": "已退回", "duplicate": "重复（未再入库）", "superseded": "已被更正版本替代"}


def _print_summary(summary, root: Path) -> None:
    """The pass report as a terminal table plus where to look next."""
    table = Table(title="本次处理的文件", show_lines=False)
    table.add_column("文件", overflow="fold")
    for column in ("类型", "结果", "入库行数", "错误", "警告"):
        table.add_column(column, no_wrap=True)
    for f in summary.files:
        table.add_row(f.name, f.kind, STATUS_ZH.get(f.status, f.status), str(f.rows_loaded), str(f.errors), str(f.warnings))
    console.print(table)
    counts = {s: summary.count(s) for s in STATUS_ZH}
    console.print(f"入库 {counts['loaded']} 个，退回 {counts['rejected']} 个，重复 {counts['duplicate']} 个，"
                  f"被更正替代 {counts['superseded']} 个。")
    rejected = [f for f in summary.files if f.status == "rejected"]
    if rejected:
        console.print("[bold]退回文件的错误说明[/bold]（标红单元格 + “错误汇总”表）：")
        for f in rejected:
            console.print(f"  • {f.name}\n    → {root / f.explanation}\n    {f.first_problem}")
    if summary.table_rows:
        console.print("仓库行数：" + "，".join(f"{k} {v}" for k, v in summary.table_rows.items()))


@app.command()
def ingest(
    root: Path = typer.Option(None, help="Shared-folder root (default: config / ZHAOSHANG_ROOT)."),
    warehouse_url: str = typer.Option(None, help="SQLAlchemy URL (default: SQLite under the root)."),
    settle_seconds: float = typer.Option(0, help="Skip files modified less than this many seconds ago."),
) -> None:
    """Run one ingest pass over the inbox (a Prefect flow run) and print what it did."""
    from flows.ingest import ingest as ingest_flow

    try:
        summary = ingest_flow(root=str(root) if root else None, warehouse_url=warehouse_url,
                              settle_seconds=settle_seconds)
    except Exception as exc:  # the pass itself could not run: say so and exit non-zero
        console.print(f"[red]本次处理未能完成：{type(exc).__name__}: {exc}[/red]")
        raise typer.Exit(1) from exc
    from zhaoshang.settings import load_settings

    _print_summary(summary, root.resolve() if root else load_settings().root)


@app.command()
def templates(out: Path = typer.Option(Path("templates-blank"), "--out", help="Folder to write the blank workbooks to.")) -> None:
    """Write blank workbooks for every submission kind, with 填报说明 and drop-down lists."""
    from zhaoshang.blank import write_blank_templates
    from zhaoshang.settings import load_settings

    for path in write_blank_templates(out, load_settings()):
        console.print(f"已生成 {path}")


@app.command()
def suites() -> None:
    """Regenerate the Great Expectations suites in expectations/ from the contract (review the diff)."""
    from zhaoshang.validation import write_suites

    for path in write_suites():
        console.print(f"wrote {path}")


@app.command()
def demo(
    root: Path = typer.Option(Path("data"), help="Where to build the demo shared folder."),
) -> None:
    """Build the demo: a 2021 inbox (with flawed and corrected files), ingest it, and summarise."""
    from zhaoshang.demo.generate import DEMO_TODAY, write_demo_inbox
    from zhaoshang.settings import load_settings

    root = root.resolve()
    marker = root / ".zhaoshang" / DEMO_MARKER
    if root.exists() and any(root.iterdir()) and not marker.exists():
        console.print(f"[red]{root} 已存在且不是演示目录，为免覆盖数据，已停止。请指定 --root 到一个新目录。[/red]")
        raise typer.Exit(2)
    if root.exists():
        shutil.rmtree(root)
    os.environ["ZHAOSHANG_ROOT"] = str(root)
    os.environ.setdefault("ZHAOSHANG_TODAY", DEMO_TODAY.isoformat())
    os.environ.pop("ZHAOSHANG_WAREHOUSE_URL", None)
    settings = load_settings()
    settings.ensure_layout()
    marker.touch()
    files = write_demo_inbox(settings)
    console.print(f"演示收件箱已生成：{len(files)} 个文件 → {settings.inbox}（演示日期 {settings.today()}）")
    ingest(root=root, warehouse_url=None, settle_seconds=0)
    console.print(f"\n下一步：查看 {settings.rejected} 中的错误说明；仓库位于 {settings.warehouse_url}；"
                  "分析人员可直接查询视图 mart_group_month、mart_submission、ingested_file。")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
