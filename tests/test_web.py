"""The office's page in a real browser (headless Debian Chromium via Playwright) over the demo year:
sign-in, who sees what, downloads by ledger id only, the sign-in throttle (DESIGN §7)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text

from tests.test_deployment import free_port
from tests.web_helpers import PASSWORDS, build_demo, chromium, running, serving, set_password, sign_in
from warehouse.db import engine_for
from zhaoshang.serving import page_server
from zhaoshang.web.accounts import Throttle
from zhaoshang.web.app import COOKIE, create_app
from zhaoshang.web.config import WebConfig


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo built once for the module, with three accounts set by the command the office uses."""
    root = tmp_path_factory.mktemp("web") / "share"
    settings = build_demo(root)
    for name, password in PASSWORDS.items():
        done = set_password(root, name, password)
        assert done.returncode == 0, done.stdout + done.stderr
    return settings


@pytest.fixture(scope="module")
def site(demo):
    with serving(create_app(demo)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    yield context.new_page()
    context.close()


def ledger_id(settings, original_name: str) -> int:
    """The ledger id of the demo's file called `original_name` (the page links by this id)."""
    with engine_for(settings.warehouse_url).connect() as conn:
        return conn.execute(text("SELECT id FROM ingested_file WHERE original_name = :n"), {"n": original_name}).scalar_one()


EQUIPMENT_FEB = "2021年02月_装备制造组_招商工作月报(旧模板).xlsx"  # the demo's refused February report of 装备制造组
ENERGY_JUNE = "2021年06月_清洁能源和新型建材组_招商工作月报.xlsx"  # … and 清洁能源和新型建材组's refused June report


def test_accounts_hold_only_argon2_hashes_owner_only(demo) -> None:
    path = demo.state_dir / "web" / "accounts.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(stored) == sorted(PASSWORDS)
    assert all(entry["hash"].startswith("$argon2id$") for entry in stored.values())
    assert not any(password in path.read_text(encoding="utf-8") for password in PASSWORDS.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_password_only_for_roster_people(demo) -> None:
    done = set_password(demo.root, "不在名单的人", "whatever-long")
    assert done.returncode == 2
    assert "名单" in done.stderr + done.stdout


def test_office_reads_february_and_opens_the_explanation(page, site, tmp_path: Path) -> None:
    sign_in(page, site, "高建华", target="/status?month=2021-02")
    assert page.url == f"{site}/status?month=2021-02"  # back where the sign-in was asked for
    row = page.locator("tbody tr", has_text="装备制造组")
    assert row.locator("td[data-label=状态]").inner_text() == "已报送被退回（待更正）"
    # the other two groups reported February on time (the demo's scenario)
    words = dict(zip(page.locator("td[data-label=报送主体]").all_inner_texts(),
                     page.locator("td[data-label=状态]").all_inner_texts()))
    assert words == {"装备制造组": "已报送被退回（待更正）", "清洁能源和新型建材组": "按时报送", "玉米深加工组": "按时报送"}
    with page.expect_download() as got:
        row.get_by_role("link", name="下载错误说明").click()
    assert got.value.suggested_filename.endswith("_错误说明.xlsx")
    saved = tmp_path / got.value.suggested_filename
    got.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert "错误汇总" in workbook.sheetnames


def test_session_cookie_is_signed_httponly_samesite(page, site) -> None:
    sign_in(page, site, "高建华")
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    tampered = cookie["value"][:-2] + ("AA" if not cookie["value"].endswith("AA") else "BB")
    page.context.clear_cookies()
    page.context.add_cookies([{**cookie, "value": tampered}])
    page.goto(site + "/reports")
    assert page.url == f"{site}/login?next=/reports"  # a cookie whose signature fails is no session


def test_every_page_renders_for_the_office(page, site) -> None:
    sign_in(page, site, "高建华")
    for path, heading in (("/status?week=2021-08-30", "报送情况"), ("/board?week=2021-08-30", "项目看板"),
                          ("/reports", "报告"), ("/rejected", "退回文件"), ("/passes", "入库记录")):
        response = page.goto(site + path)
        assert response.status == 200, path
        assert page.locator("h1").inner_text().startswith(heading)
    page.goto(site + "/rejected")
    assert page.locator("tbody tr").count() == 7  # the demo refuses seven files
    page.goto(site + "/reports")
    bulletin = page.locator("tbody tr", has_text="2021年第8期招商引资工作通报")
    assert bulletin.get_by_role("link").all_inner_texts() == ["Word", "PDF", "数据来源"]  # the demo writes each PDF


def test_secretary_sees_own_group_and_gets_403_for_another(page, site, demo) -> None:
    sign_in(page, site, "张海涛", target="/status?month=2021-02")  # secretary of 清洁能源和新型建材组
    assert page.locator("td[data-label=报送主体]").all_inner_texts() == ["清洁能源和新型建材组"]
    response = page.request.get(f"{site}/files/{ledger_id(demo, EQUIPMENT_FEB)}/explanation")
    assert response.status == 403
    own = page.request.get(f"{site}/files/{ledger_id(demo, ENERGY_JUNE)}/explanation")
    assert own.status == 200 and own.body()[:2] == b"PK"
    page.goto(site + "/rejected")
    # their group's refused files: its June report and the weekly report of 王晓东, a cadre of the group
    assert page.locator("td[data-label=报送主体]").all_inner_texts() == ["王晓东", "清洁能源和新型建材组"]


def test_cadre_sees_only_own_weekly_reports(page, site) -> None:
    sign_in(page, site, "陈静", target="/status?week=2021-08-30")
    assert page.locator("td[data-label=报送主体]").all_inner_texts() == ["陈静"]
    page.goto(site + "/status?month=2021-02")
    assert page.locator("tbody tr").count() == 0  # a cadre has no monthly reports to see


def test_no_session_is_sent_to_sign_in(page, site) -> None:
    for path in ("/status?month=2021-02", "/reports", "/files/1/original"):
        page.goto(site + path)
        assert page.url.startswith(f"{site}/login?next=")
    assert page.locator("input[name=name]").count() == 1


def test_sign_out_ends_the_session(page, site) -> None:
    sign_in(page, site, "高建华")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="退出").click()
    assert page.url == f"{site}/login"
    page.goto(site + "/passes")
    assert page.url == f"{site}/login?next=/passes"


def test_traversal_and_guessed_ids_get_404(page, site, demo) -> None:
    sign_in(page, site, "高建华")
    loaded = ledger_id(demo, next(demo.archive.rglob("*.xlsx")).name.split("_", 2)[2])  # an accepted file: no explanation
    for path in ("/files/..%2F..%2Fwarehouse.sqlite/original", "/files/4/..%2F..%2F..%2Fconfig%2Fzhaoshang.toml",
                 "/files/%2e%2e/explanation", "/files/999999/explanation", "/files/-1/original", "/files/1e3/original",
                 f"/files/{loaded}/explanation", "/files/4/..", "/reports/..%2Fwarehouse.sqlite",
                 "/reports/0123456789abcdef0123", "/static/..%2F..%2Fsettings.py", "/static/../../cli.py",
                 "/reports/../../etc/passwd"):
        response = page.request.get(site + path, max_redirects=0)
        assert response.status == 404, path
    assert page.request.get(f"{site}/files/{loaded}/original").status == 200  # the id itself is real


def test_eleventh_wrong_password_in_a_minute_is_refused_unchecked(browser, demo) -> None:
    context = browser.new_context()
    page = context.new_page()
    with serving(create_app(demo)) as base:  # its own throttle: the other tests sign in from 127.0.0.1 too
        for attempt in range(10):
            response = page.request.post(base + "/login", form={"name": "高建华", "password": f"wrong-{attempt}"},
                                         max_redirects=0)
            assert response.status == 401, attempt
        # the 11th carries the right password: refused all the same, so it was never checked
        sign_in(page, base, "高建华")
        assert page.url == f"{base}/login"
        assert page.locator("[role=alert]").inner_text() == "登录失败次数过多，请一分钟后再试。"
        # per address too: another name from the same address is refused
        other = page.request.post(base + "/login", form={"name": "张海涛", "password": PASSWORDS["张海涛"]},
                                  max_redirects=0)
        assert other.status == 429
    context.close()


def test_a_link_from_another_tool_opens_signed_in(page, site) -> None:
    # the session cookie is SameSite=Lax: a clerk following a link to a stable address from another
    # site (the office's OA, a web mail) is not asked to sign in again; a POST from there carries no session
    sign_in(page, site, "高建华")
    other = "http://localhost:1/oa"  # another site (127.0.0.1 and localhost are different sites), served by the route
    page.route(other, lambda route: route.fulfill(content_type="text/html; charset=utf-8",
                                                  body=f'<a href="{site}/status?month=2021-02">报送情况</a>'))
    page.goto(other)
    page.click("a")
    page.wait_for_url(f"{site}/status?month=2021-02")
    assert page.locator("h1").inner_text().startswith("报送情况")


def test_reports_offer_word_pdf_and_data_source_by_id(page, site, demo, tmp_path: Path) -> None:
    pdf = demo.reports / "通报" / "2021年第8期招商引资工作通报.pdf"  # the demo writes it beside the .docx
    assert pdf.read_bytes()[:5] == b"%PDF-"
    sign_in(page, site, "高建华", target="/reports")
    row = page.locator("tbody tr", has_text="2021年第8期招商引资工作通报")
    assert row.count() == 1  # one row per report, not one per file
    assert row.get_by_role("link").all_inner_texts() == ["Word", "PDF", "数据来源"]
    hrefs = row.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(h.startswith("/reports/") and "通报" not in h and "." not in h for h in hrefs)  # ids, not paths
    with page.expect_download() as got:
        row.get_by_role("link", name="PDF").click()
    assert got.value.suggested_filename == pdf.name
    got.value.save_as(tmp_path / pdf.name)
    assert (tmp_path / pdf.name).read_bytes() == pdf.read_bytes()
    with page.expect_download() as got:
        row.get_by_role("link", name="数据来源").click()
    assert got.value.suggested_filename == "2021年第8期招商引资工作通报_数据来源.xlsx"
    got.value.save_as(tmp_path / "trace.xlsx")
    assert openpyxl.load_workbook(tmp_path / "trace.xlsx").sheetnames[0] == "数据来源"
    appraisal = page.locator("tbody tr", has_text="2021年上半年招商引资工作考核汇总")
    assert appraisal.get_by_role("link").all_inner_texts() == ["Word", "PDF", "数据来源"]  # 数据来源: its 计算明细

    # a group secretary (of 清洁能源和新型建材组) sees their group's excerpt and their own 述职数据摘要,
    # and not the whole bulletin, in any format
    page.context.clear_cookies()
    sign_in(page, site, "张海涛", target="/reports")
    assert sorted(page.locator("td[data-label=报告]").all_inner_texts()) == [  # newest first: made in one minute or two
        "2021年上半年述职数据摘要_张海涛", "2021年第8期清洁能源和新型建材组本组通报摘要"]
    assert all(page.request.get(site + h).status == 403 for h in hrefs)


def test_behind_the_reverse_proxy_secure_cookie_and_throttle_by_the_clerks_address(demo) -> None:
    import httpx

    # the server `zhaoshang serve` runs, believing X-Forwarded-* from the proxy on 127.0.0.1 only
    server, _ = page_server(demo, WebConfig(port=free_port(), trusted_proxies="127.0.0.1"))
    with running(server) as base, httpx.Client(base_url=base, follow_redirects=False) as client:
        def sign(name: str, password: str, address: str, proto: str = "http") -> httpx.Response:
            return client.post("/login", data={"name": name, "password": password},
                               headers={"X-Forwarded-For": address, "X-Forwarded-Proto": proto})

        over_tls = sign("高建华", PASSWORDS["高建华"], "192.0.2.1", "https").headers["set-cookie"]
        plain = sign("高建华", PASSWORDS["高建华"], "192.0.2.1").headers["set-cookie"]
        assert "Secure" in over_tls and "Secure" not in plain  # the proxy said the clerk came over https
        assert all("HttpOnly" in c and "SameSite=lax" in c for c in (over_tls, plain))
        client.cookies.clear()

        # per name: ten wrong passwords for 陈静, each from another address …
        assert [sign("陈静", "wrong-password", f"192.0.2.{10 + n}").status_code for n in range(10)] == [401] * 10
        assert sign("陈静", PASSWORDS["陈静"], "192.0.2.50").status_code == 429  # … lock her name everywhere
        assert sign("高建华", PASSWORDS["高建华"], "192.0.2.50").status_code == 303  # that address is not blocked
        client.cookies.clear()
        # per address: ten made-up names from one address lock that address for every name
        assert [sign(f"猜测{n}", "wrong-password", "192.0.2.99").status_code for n in range(10)] == [401] * 10
        assert sign("张海涛", PASSWORDS["张海涛"], "192.0.2.99").status_code == 429
        assert sign("张海涛", PASSWORDS["张海涛"], "192.0.2.100").status_code == 303


def test_throttle_window_slides_and_forgets() -> None:
    now = [0.0]
    throttle = Throttle(limit=10, window=60, clock=lambda: now[0])
    for n in range(10):
        throttle.failed("高建华", f"192.0.2.{n}")
        now[0] += 1  # failures at t = 0 … 9 s
    assert throttle.blocked("高建华", "192.0.2.200")  # the name failed ten times, from ten addresses
    assert not throttle.blocked("任何人", "192.0.2.9")  # each address only once
    now[0] = 60.5  # the first failure (t = 0) left the window: nine remain
    assert not throttle.blocked("高建华", "192.0.2.200")
    now[0] = 200
    assert not throttle.blocked("高建华", "192.0.2.200")
    assert "name:高建华" not in throttle._failures  # a name with no failure left in the window is forgotten
