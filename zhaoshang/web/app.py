"""The office's page as a FastAPI application: server-rendered Jinja2 templates, local static assets.

Every page needs a signed-in roster member; every query is read-only. Downloads are by ledger id
(ingested_file.id) or by the id of a document listed under reports/ — never a path from the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.exceptions import HTTPException as StarletteHTTPException

from transforms import kinds
from warehouse.db import engine_for, upgrade
from zhaoshang.arguments import BadArgument, month_argument, week_argument
from zhaoshang.settings import Settings
from zhaoshang.web import accounts, pages
from zhaoshang.web.config import WebConfig
from zhaoshang.web.visibility import Viewer, sees_project, sees_report, sees_submission, viewer_for

HERE = Path(__file__).resolve().parent
COOKIE = "zhaoshang_session"
MONTHLY, WEEKLY = kinds.monthly.KIND.name, kinds.weekly.KIND.name  # the two kinds that are due per period (their mart_submission kinds)
NAV = (("/status", "报送情况"), ("/board", "项目看板"), ("/reports", "报告"), ("/rejected", "退回文件"), ("/passes", "入库记录"))
REPORT_FORMATS = (("docx", "Word"), ("pdf", "PDF"), ("data", "数据来源"))  # the 报告 page's columns
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'",
}


class SignInRequired(Exception):
    """No valid session: the request is sent to /login."""


def _wan(value: object) -> str:
    """An amount in 万元 as the office writes it: thousands separated, trailing zeros dropped."""
    if value is None:
        return ""
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return text


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never //host or a scheme)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/status"


def report_id(reports: Path, path: Path) -> str:
    """A document's stable id: a hash of its place under reports/ (the request never names a path)."""
    return hashlib.sha256(path.relative_to(reports).as_posix().encode("utf-8")).hexdigest()[:20]


def create_app(settings: Settings, config: WebConfig | None = None) -> FastAPI:
    """The page for one installation (its settings fix the warehouse, the shared folder and the roster)."""
    config = config or WebConfig()
    engine = engine_for(settings.warehouse_url)
    upgrade(engine)  # the schema the page reads (a no-op when the pipeline already migrated it)
    signer = URLSafeTimedSerializer(accounts.session_key(settings), salt="zhaoshang-session")
    throttle = accounts.Throttle()
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters["wan"] = _wan
    groups = {g.code: g.name for g in settings.groups}
    app = FastAPI(title="招商引资报送情况", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings, app.state.engine, app.state.throttle = settings, engine, throttle
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, _exc: SignInRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)  # FastAPI's HTTPException and the router's own 404/405
    async def error_page(request: Request, exc: StarletteHTTPException):
        words = {403: "无权查看：该文件不属于您的工作组或您本人。", 404: "未找到：没有这个页面或文件。",
                 400: str(exc.detail), 429: str(exc.detail)}
        return templates.TemplateResponse(request, "error.html", {"code": exc.status_code, "nav": (), "viewer": None,
                                          "message": words.get(exc.status_code, "请求有误。")}, status_code=exc.status_code)

    def current_viewer(request: Request) -> Viewer:
        """The signed-in person, or SignInRequired (bad, expired or stale cookie; a name no longer on the roster)."""
        cookie = request.cookies.get(COOKIE)
        if not cookie:
            raise SignInRequired
        try:
            data = signer.loads(cookie, max_age=int(config.session_hours * 3600))
        except BadSignature:
            raise SignInRequired from None
        name, stamp = data.get("n"), data.get("p")
        account = accounts.load_accounts(settings).get(name)
        person = settings.person_by_name.get(name)
        if account is None or person is None or account["set_at"] != stamp:  # a new password ends old sessions
            raise SignInRequired
        return viewer_for(settings, person)

    def render(request: Request, viewer: Viewer, template: str, here: str, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {"viewer": viewer, "nav": NAV, "here": here,
                                                              "groups": groups, **context})

    def subject_name(subject: str | None) -> str:
        return groups.get(subject, subject or "（无法识别）")

    # ── sign-in ──
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/status"):  # noqa: A002 — the query's name
        return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "message": "", "nav": (),
                                                                  "viewer": None, "name": ""})

    @app.post("/login")
    def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/status")):  # noqa: A002
        name = name.strip()
        address = request.client.host if request.client else "?"

        def refused(message: str, code: int) -> HTMLResponse:
            return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "message": message,
                                              "nav": (), "viewer": None, "name": name}, status_code=code)

        if throttle.blocked(name, address):  # refused before the password is looked at
            return refused("登录失败次数过多，请一分钟后再试。", 429)
        stored = accounts.load_accounts(settings)
        if not accounts.check_password(stored, name, password) or name not in settings.person_by_name:
            throttle.failed(name, address)
            return refused("姓名或密码不正确。", 401)
        response = RedirectResponse(_safe_next(next), status_code=303)
        # Lax, not Strict: a link from another of the office's tools (mail, OA) to a stable address
        # opens signed in; cross-site POSTs still carry no session, and every GET here only reads
        response.set_cookie(COOKIE, signer.dumps({"n": name, "p": stored[name]["set_at"]}), httponly=True,
                            samesite="lax", secure=request.url.scheme == "https",
                            max_age=int(config.session_hours * 3600))
        return response

    @app.post("/logout")
    def logout():
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, httponly=True, samesite="lax")
        return response

    @app.get("/")
    def home(request: Request):
        current_viewer(request)
        return RedirectResponse("/status", status_code=303)

    # ── 报送情况 ──
    @app.get("/status", response_class=HTMLResponse)
    def status(request: Request, month: str | None = None, week: str | None = None):
        viewer = current_viewer(request)
        try:
            if week:
                kind, period = WEEKLY, week_argument(week).isoformat()
            else:
                kind = MONTHLY
                period = month_argument(month) if month else pages.latest_period(engine, MONTHLY, settings.today())
        except BadArgument as error:
            raise HTTPException(400, str(error)) from None
        rows = [dict(r, name=subject_name(r["subject"]),
                     group=groups.get(settings.person_by_name[r["subject"]].group, "")
                     if r["subject"] in settings.person_by_name else "")
                for r in (pages.submissions(engine, kind, period) if period else [])
                if sees_submission(viewer, r["subject"])]
        counts = {word: sum(r["word"] == word for r in rows) for word in pages.STATUS_WORDS.values()}
        months, weeks = pages.periods(engine, MONTHLY), pages.periods(engine, WEEKLY)
        here_list = months if kind == MONTHLY else weeks
        at = here_list.index(period) if period in here_list else None
        neighbours = {"prev": here_list[at - 1] if at else None,
                      "next": here_list[at + 1] if at is not None and at + 1 < len(here_list) else None}
        return render(request, viewer, "status.html", "/status", kind=kind, period=period, rows=rows, counts=counts,
                      months=months, weeks=weeks, neighbours=neighbours, param="month" if kind == MONTHLY else "week",
                      statuses=pages.STATUS_WORDS)

    # ── 项目看板 ──
    @app.get("/board", response_class=HTMLResponse)
    def board(request: Request, week: str | None = None):
        viewer = current_viewer(request)
        weeks = pages.board_weeks(engine)
        try:
            day = week_argument(week) if week else (dt.date.fromisoformat(weeks[-1]) if weeks else None)
        except BadArgument as error:
            raise HTTPException(400, str(error)) from None
        rows = [r for r in (pages.board(engine, day) if day else []) if sees_project(viewer, r["group_code"], r["cadre"])]
        return render(request, viewer, "board.html", "/board", week=day.isoformat() if day else None, weeks=weeks,
                      rows=rows)

    # ── 报告 ──
    @app.get("/reports", response_class=HTMLResponse)
    def reports(request: Request):
        viewer = current_viewer(request)
        zone = settings.now().astimezone().tzinfo
        listed = [{"title": r["title"], "folder": r["folder"],
                   "time": dt.datetime.fromtimestamp(r["mtime"], zone).strftime("%Y-%m-%d %H:%M"),
                   "files": [{"which": which, "label": label, "id": report_id(settings.reports, r["files"][which]),
                              "name": r["files"][which].name,
                              "kb": max(1, round(r["files"][which].stat().st_size / 1024))}
                             for which, label in REPORT_FORMATS if which in r["files"]]}
                  for r in pages.report_documents(settings.reports) if sees_report(viewer, r["title"])]
        return render(request, viewer, "reports.html", "/reports", reports=listed)

    @app.get("/reports/{rid}")
    def report_download(request: Request, rid: str):
        viewer = current_viewer(request)
        every = {report_id(settings.reports, p): p for p in pages.report_files(settings.reports)}
        if rid not in every:
            raise HTTPException(404)
        if not sees_report(viewer, pages.report_title(every[rid])):
            raise HTTPException(403)
        return FileResponse(every[rid], filename=every[rid].name)

    # ── 退回文件 ──
    @app.get("/rejected", response_class=HTMLResponse)
    def rejected(request: Request):
        viewer = current_viewer(request)
        rows = [dict(r, name=subject_name(r["subject"])) for r in pages.rejected_files(engine)
                if sees_submission(viewer, r["subject"])]
        return render(request, viewer, "rejected.html", "/rejected", rows=rows)

    # ── 入库记录 ──
    @app.get("/passes", response_class=HTMLResponse)
    def passes(request: Request):
        viewer = current_viewer(request)
        runs = []
        for run in pages.passes(engine):
            shown = [dict(f, name=subject_name(f["subject"])) for f in run["rows"] if sees_submission(viewer, f["subject"])]
            if shown:
                runs.append(dict(run, rows=shown, summary=pages.summary(shown)))
        return render(request, viewer, "passes.html", "/passes", runs=runs)

    # ── downloads by ledger id ──
    @app.get("/files/{file_id}/{which}")
    def ledger_download(request: Request, file_id: str, which: str):
        viewer = current_viewer(request)
        if which not in ("original", "explanation") or not file_id.isdigit() or len(file_id) > 12:
            raise HTTPException(404)
        row = pages.ledger_file(engine, int(file_id))
        relative = row and (row["explanation_path"] if which == "explanation" else row["stored_path"])
        if not relative:
            raise HTTPException(404)
        if not sees_submission(viewer, row["subject"]):
            raise HTTPException(403)
        root = settings.root.resolve()
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise HTTPException(404)
        return FileResponse(path, filename=path.name if which == "explanation" else row["original_name"])

    @app.get("/healthz")
    def health() -> Response:
        return Response("ok", media_type="text/plain")

    return app
