"""`zhaoshang` — the command line of the reporting pipeline (every command has --help)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(help="招商引资报送与报告流水线 (investment-promotion reporting pipeline).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()

DEMO_MARKER = "demo-root"
DEMO_MONTH, DEMO_WEEK, DEMO_HALF = "2021-08", "2021-08-30", "2021H1"  # the demo's reports


FLOW_COMMANDS = {"ingest", "demo", "bulletin", "digest", "appraisal", "remind"}


@app.callback()
def _before(ctx: typer.Context) -> None:
    """Commands that run a flow report it to the serving process's Prefect API when one answers
    (zhaoshang/prefect_api.py), rather than starting Prefect's temporary server for one run."""
    if ctx.invoked_subcommand in FLOW_COMMANDS and "--help" not in sys.argv:
        from zhaoshang.prefect_api import use_serving_api
        from zhaoshang.settings import load_settings

        try:
            use_serving_api(load_settings())
        except Exception:  # noqa: BLE001 — a bad configuration is reported by the command itself
            pass


def _start_prefect() -> None:
    """A command about to run a flow starts Prefect's temporary server first, unless `serve`'s API
    or a configured one is used, so the server starts while the command imports and reads
    (zhaoshang/prefect_api.py). Called after the arguments are checked: a bad one starts nothing."""
    from zhaoshang.prefect_api import start_temporary_server

    start_temporary_server()


def _shown(text: object) -> str:
    """Submitted text (a file name, a cell value in a message) fit for the terminal: control
    characters shown as \\x1b, and [..] never taken as rich markup."""
    return escape("".join(ch if ch.isprintable() or ch == " " else
                          (f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}") for ch in str(text)))


def _print_summary(summary, root: Path) -> None:
    """The pass report as a terminal table plus where to look next."""
    from transforms.status_words import FILE_STATUS_WORDS

    table = Table(title="本次处理的文件", show_lines=False)
    table.add_column("文件", overflow="fold")
    for column in ("类型", "结果", "入库行数", "错误", "警告"):
        table.add_column(column, no_wrap=True)
    for f in summary.files:
        table.add_row(_shown(f.name), f.kind, FILE_STATUS_WORDS.get(f.status, f.status), str(f.rows_loaded), str(f.errors), str(f.warnings))
    console.print(table)
    counts = {s: summary.count(s) for s in FILE_STATUS_WORDS}
    console.print(f"入库 {counts['loaded']} 个，退回 {counts['rejected']} 个，重复 {counts['duplicate']} 个，"
                  f"被更正替代 {counts['superseded']} 个。")
    rejected = [f for f in summary.files if f.status == "rejected"]
    if rejected:
        console.print("[bold]退回文件的错误说明[/bold]（标红单元格 + “错误汇总”表）：")
        for f in rejected:
            console.print(f"  • {_shown(f.name)}\n    → {_shown(root / f.explanation)}\n    {_shown(f.first_problem)}")
    if summary.table_rows:
        console.print("仓库行数：" + "，".join(f"{k} {v}" for k, v in summary.table_rows.items()))


@app.command()
def ingest(
    root: Path = typer.Option(None, help="Shared-folder root (default: config / ZHAOSHANG_ROOT)."),
    warehouse_url: str = typer.Option(None, help="SQLAlchemy URL (default: SQLite under the root)."),
    settle_seconds: float = typer.Option(0, help="Skip files modified less than this many seconds ago."),
) -> None:
    """Run one ingest pass over the inbox (a Prefect flow run) and print what it did."""
    _start_prefect()
    from flows.ingest import ingest as ingest_flow
    from flows.ingest import warm_up
    from zhaoshang.prefect_api import wait_for_api

    try:
        wait_for_api(meanwhile=warm_up)
        summary = ingest_flow(root=str(root) if root else None, warehouse_url=warehouse_url,
                              settle_seconds=settle_seconds)
    except Exception as exc:  # the pass itself could not run: say so and exit non-zero
        console.print(f"[red]本次处理未能完成：{type(exc).__name__}: {exc}[/red]")
        raise typer.Exit(1) from exc
    from zhaoshang.settings import load_settings

    _print_summary(summary, root.resolve() if root else load_settings().root)


@app.command()
def forms(out: Path = typer.Option(Path("填报模板"), "--out", help="Folder to write the blank workbooks to.")) -> None:
    """Write the blank 填报模板 of every submission kind, with 填报说明 and drop-down lists."""
    templates(out)


@app.command(hidden=True)
def templates(out: Path = typer.Option(Path("填报模板"), "--out", help="Folder to write the blank workbooks to.")) -> None:
    """The old name of `forms` (kept so scripts that call it keep working)."""
    from zhaoshang.intake.forms import write_blank_templates
    from zhaoshang.settings import load_settings

    for path in write_blank_templates(out, load_settings()):
        console.print(f"已生成 {path}")


@app.command()
def suites() -> None:
    """Regenerate the Great Expectations suites in expectations/ from the contract (review the diff)."""
    from zhaoshang.intake.validation import write_suites

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
    _start_prefect()
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
    from flows.appraisal import appraisal as appraisal_flow
    from flows.bulletin import bulletin as bulletin_flow
    from flows.digest import digest as digest_flow

    documents = [
        _run_report("招商引资工作通报", lambda: bulletin_flow(month=DEMO_MONTH, send=True)),
        _run_report("项目周报汇总", lambda: digest_flow(week=DEMO_WEEK, send=True)),
        _run_report("半年考核汇总", lambda: appraisal_flow(half=DEMO_HALF, send=True, prefill=True)),
    ]
    mails = sorted(settings.outbox.glob("*.eml"))
    console.print(f"\n已生成 {len(documents)} 份报告（{settings.reports}），邮件 {len(mails)} 封写入 {settings.outbox}"
                  "（未配置 SMTP 服务器，邮件只写入 outbox）。")
    console.print(f"下一步：查看 {settings.rejected} 中的错误说明；仓库位于 {settings.warehouse_url}；"
                  "分析人员可直接查询视图 mart_group_month、mart_project_week、mart_problem、mart_person_half、"
                  "mart_submission 和表 ingested_file。")


def _checked(check, text: str):
    """`check(text)`, or the one-line Chinese error and exit code 2 before anything starts."""
    from zhaoshang.arguments import BadArgument

    try:
        return check(text)
    except BadArgument as error:
        Console(stderr=True).print(f"[red]参数有误：{error}[/red]", highlight=False)
        raise typer.Exit(2) from None


def _run_report(description: str, call, renders: bool = True) -> object:
    """Run a report flow; a failure is printed in Chinese and exits 1. While Prefect's temporary
    server starts, a flow that `renders` a document has its rendering libraries imported."""
    from zhaoshang.prefect_api import wait_for_api
    from zhaoshang.reports.common import preload

    try:
        wait_for_api(meanwhile=preload if renders else None)
        result = call()
    except Exception as exc:  # the run could not complete
        console.print(f"[red]{description}未能完成：{type(exc).__name__}: {exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"{description}已生成：{result}")
    return result


@app.command()
def bulletin(month: str = typer.Option(..., help="The month, YYYY-MM (e.g. 2021-08)."),
             send: bool = typer.Option(False, "--send", help="Mail it to the leaders in the roster.")) -> None:
    """Render the monthly bulletin 招商引资工作通报 from the marts (and mail it with --send)."""
    from zhaoshang.arguments import month_argument

    _checked(month_argument, month)
    _start_prefect()
    from flows.bulletin import bulletin as bulletin_flow

    _run_report("招商引资工作通报", lambda: bulletin_flow(month=month, send=send))


@app.command()
def digest(week: str = typer.Option(..., help="The week's Monday, YYYY-MM-DD (e.g. 2021-08-30)."),
           send: bool = typer.Option(False, "--send", help="Mail it to the leaders in the roster.")) -> None:
    """Render the weekly project digest 项目周报汇总 (and mail it with --send)."""
    from zhaoshang.arguments import week_argument

    _checked(week_argument, week)
    _start_prefect()
    from flows.digest import digest as digest_flow

    _run_report("项目周报汇总", lambda: digest_flow(week=week, send=send))


@app.command()
def appraisal(half: str = typer.Option(..., help="The half-year, e.g. 2021H1."),
              send: bool = typer.Option(False, "--send", help="Mail it to the leaders in the roster."),
              prefill: bool = typer.Option(False, "--prefill", help="Also write one 述职数据摘要 per person.")) -> None:
    """Render the half-year appraisal 半年考核汇总 (and per-person summaries with --prefill)."""
    from zhaoshang.arguments import half_argument

    _checked(half_argument, half)
    _start_prefect()
    from flows.appraisal import appraisal as appraisal_flow

    _run_report("半年考核汇总", lambda: appraisal_flow(half=half, send=send, prefill=prefill))


@app.command()
def remind(at: str = typer.Option(None, help="Act as at this office time, YYYY-MM-DDTHH:MM (default: now).")) -> None:
    """Mail reminders (催报) to whoever still owes a submission around a deadline."""
    from zhaoshang.arguments import moment_argument

    if at is not None:
        _checked(moment_argument, at)
    _start_prefect()
    from flows.remind import remind as remind_flow

    keys = _run_report("催报提醒", lambda: remind_flow(at=at), renders=False)
    console.print(f"共 {len(keys)} 条提醒（同一截止时间、同一阶段只发一次）。")


@app.command()
def status(month: str = typer.Option(None, help="Only this month's monthly reports, YYYY-MM."),
           week: str = typer.Option(None, help="Only this week's weekly reports (its Monday, YYYY-MM-DD).")) -> None:
    """What was due, received on time, late, missing or rejected — and each flow's last run."""
    from zhaoshang.arguments import month_argument, week_argument

    if month is not None:
        _checked(month_argument, month)
    if week is not None:
        _checked(week_argument, week)
    import datetime as dt

    from transforms import kinds
    from transforms.due import stand_in_note
    from transforms.status_words import STATUS_WORDS
    from warehouse.db import engine_for, upgrade
    from zhaoshang import status as queries
    from zhaoshang.intake.dimensions import library_snapshots
    from zhaoshang.runs import last_flow_runs
    from zhaoshang.settings import load_settings

    settings = load_settings()
    engine = engine_for(settings.warehouse_url)
    upgrade(engine)
    names = {g.code: g.name for g in settings.groups}
    monthly, weekly = kinds.monthly.KIND.name, kinds.weekly.KIND.name
    kind, period = (monthly, month) if month else (weekly, week) if week else (None, None)
    frame = queries.submissions(engine, kind, period)
    table = Table(title="报送情况")
    for column in ("类型", "报送主体", "期间", "状态", "收到时间", "截止时间"):  # nothing cut to "…"
        table.add_column(column, no_wrap=column in ("类型", "期间", "状态"), overflow="fold")
    for row in frame.itertuples():
        if row.status != "on_time" or period:
            received = "" if row.received_at is None or row.received_at != row.received_at else str(row.received_at)[5:16]
            table.add_row(row.kind, names.get(row.subject, row.subject), str(row.period), STATUS_WORDS[row.status],
                          received, str(row.due_at)[5:16])  # MM-DD HH:MM: the year is plain from the period
    console.print(table)
    console.print("合计：" + "，".join(f"{STATUS_WORDS[k]} {v}" for k, v in queries.counts(frame).items()))
    weeks = sorted({dt.date.fromisoformat(str(p)[:10]) for k, p in zip(frame["kind"], frame["period"]) if k == weekly})
    note = stand_in_note(weeks, library_snapshots(engine))
    if note:
        console.print(note)
    unplaced = queries.unplaced_rejections(engine)
    if len(unplaced):
        console.print(f"另有 {len(unplaced)} 个退回文件读不出报送主体或期间，未归入上表（已通知办公室）：")
        for row in unplaced.itertuples():
            console.print(f"  {row.kind}/{_shown(row.original_name)}（收到 {str(row.received_at)[:16]}）"
                          f"错误说明：{_shown(row.explanation_path or '')}")
    runs = last_flow_runs()
    console.print("各流程最近一次运行：" + ("；".join(f"{r.flow} {r.state} {r.started}".rstrip() for r in runs)
                                           if runs else "无法读取流程运行记录"))


@app.command()
def serve(port: int = typer.Option(4200, help="Port of the local Prefect server (if none is configured)."),
          listen: str = typer.Option(None, help="Where the office's page listens, HOST:PORT (default: [web] in config).")) -> None:
    """Run everything on this machine: every deployment, the inbox watcher and the office's page."""
    from zhaoshang.serving import serve_all

    serve_all(port, listen=_listen(listen))


# ── the office's page (DESIGN §7) ──
def _listen(text: str | None) -> tuple[str, int] | None:
    """--listen HOST:PORT checked before anything starts (None: the configured address)."""
    from zhaoshang.web.config import parse_listen

    return None if text is None else _checked(parse_listen, text)


@app.command()
def web(listen: str = typer.Option(None, help="HOST:PORT to listen on (default: [web] in config, 127.0.0.1:8080).")) -> None:
    """Serve the office's read-only page alone (no schedules, no watcher)."""
    from zhaoshang.serving import serve_page

    serve_page(_listen(listen))


user_app = typer.Typer(help="Sign-in accounts of the office's page (roster members only).", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("password")
def user_password(name: str = typer.Argument(..., help="The person's name as in the roster.")) -> None:
    """Set NAME's password for the page: asked twice on a terminal, else one line of standard input."""
    import getpass

    from zhaoshang.settings import load_settings
    from zhaoshang.web.accounts import AccountError, set_password

    if sys.stdin.isatty():
        password = getpass.getpass(f"{name} 的新密码：")
        if getpass.getpass("再输入一次：") != password:
            Console(stderr=True).print("[red]两次输入的密码不一致，未修改。[/red]", highlight=False)
            raise typer.Exit(2)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        set_password(load_settings(), name, password)
    except AccountError as error:
        Console(stderr=True).print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"已为“{_shown(name)}”设置网页登录密码（只保存其哈希值）。")


def main() -> None:
    """The console entry point. A command that ran a flow ends as Python would end it (threads
    joined, exit handlers run, output flushed) but without the interpreter's teardown of every
    module it loaded, which costs pandas, Great Expectations and Prefect 0.45 s on this machine."""
    try:
        app()
        code = 0
    except SystemExit as done:
        code = done.code
    if "prefect" not in sys.modules:
        sys.exit(code)
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    import atexit
    import threading

    threading._shutdown()  # what the interpreter does first at exit: join threads, run their exit hooks
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    main()
