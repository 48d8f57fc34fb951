"""Mail delivery against real SMTP servers (aiosmtpd on 127.0.0.1) and a real warehouse (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import datetime as dt
import email
import hashlib
import logging
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import Engine

from tests.conftest import make_settings
from warehouse.db import engine_for, upgrade
from warehouse.schema import mail_delivery
from zhaoshang.delivery import Attachment, SignOff, deliver_pending, framed, leader_addresses, queue_mail, sign_off
from zhaoshang.delivery.frame import mail_time, salutation
from zhaoshang.delivery.mail import build_message, mime_type
from zhaoshang.settings import TIMEZONE, MissingSecret, Settings

USER = "zhaoshang@example.cn"
PASSWORD = "Tr0ub4dor&3-zs"  # smtplib's AUTH PLAIN/LOGIN take ASCII only
SECRET_FORMS = [PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
                base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()]  # as typed, as AUTH LOGIN / PLAIN send it
SUBJECT = "关于印发2021年第8期招商引资工作通报的通知"
PARAGRAPHS = ["各位领导：", "现将8月份招商引资工作情况通报如下，请审阅。合作方：A&B <科技>。"]
DOCX_NAME = "2021年第8期招商引资工作通报.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TO = ["linzhenhua@example.cn", "hanweidong@example.cn"]
CC = ["heting@example.cn"]
KEY_HASH = hashlib.sha256(b"bulletin:2021-08").hexdigest()


class Recorder:
    """An aiosmtpd handler that keeps every envelope it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def check_password(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """The server side of AUTH: only USER with PASSWORD gets in."""
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd itself answers 535 on failure


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., Recorder]]:
    """Starts real SMTP servers on 127.0.0.1 (on a given or a free port); all stopped after the test."""
    controllers: list[Controller] = []

    def start(port: int | None = None, **smtp_options) -> Recorder:
        recorder = Recorder()
        controller = Controller(recorder, hostname="127.0.0.1", port=port or free_port(), **smtp_options)
        controller.start()
        controllers.append(controller)
        recorder.port = controller.port
        return recorder

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_pem(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "office-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def server_tls(ca: trustme.CA):
    """The server's context: a certificate for 127.0.0.1 signed by a CA nobody trusts by default."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS)  # generic: aiosmtpd's readiness probe also uses it as a client
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def engine(warehouse_url: str) -> Iterator[Engine]:
    engine = engine_for(warehouse_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def docx(tmp_path: Path) -> Path:
    path = tmp_path / "reports" / DOCX_NAME
    path.parent.mkdir()
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 50)  # any bytes: they must come back byte for byte
    return path


def smtp_settings(tmp_path: Path, warehouse_url: str, port: int, security: str = "plain", user: str = "",
                  ca_file: str = "", timeout: float = 5) -> Settings:
    env = {"ZHAOSHANG_SMTP_HOST": "127.0.0.1", "ZHAOSHANG_SMTP_PORT": str(port), "ZHAOSHANG_SMTP_SECURITY": security}
    env |= {"ZHAOSHANG_SMTP_USER": user} if user else {}
    env |= {"ZHAOSHANG_SMTP_CA_FILE": ca_file} if ca_file else {}
    settings = make_settings(tmp_path / "share", warehouse_url, **env)
    settings.mail.timeout_seconds = timeout
    return settings


def send_bulletin(settings: Settings, engine: Engine, docx: Path, key: str = "bulletin:2021-08"):
    return queue_mail(settings, engine, key=key, to=TO, cc=CC, subject=SUBJECT, paragraphs=PARAGRAPHS,
                      attachments=[docx])


def ledger(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(mail_delivery).order_by(mail_delivery.c.id))]


def parsed(envelope) -> EmailMessage:
    return email.message_from_bytes(envelope.content, policy=policy.default)


def assert_no_password(*texts: str) -> None:
    for text in texts:
        for form in SECRET_FORMS:
            assert form not in text


# ── round trip ──────────────────────────────────────────────────────────────

def test_plain_smtp_delivers_the_outbox_message(tmp_path, warehouse_url, engine, smtp_server, docx):
    server = smtp_server()
    settings = smtp_settings(tmp_path, warehouse_url, server.port)

    queued = send_bulletin(settings, engine, docx)

    assert queued.status == "sent"
    [envelope] = server.envelopes
    assert envelope.mail_from == "zhaoshang@example.cn"
    assert envelope.rcpt_tos == TO + CC
    # what went over the wire is the .eml in outbox/, byte for byte
    assert envelope.content.rstrip(b"\r\n") == queued.eml_path.read_bytes().rstrip(b"\r\n")
    message = parsed(envelope)
    assert message["Subject"] == SUBJECT
    assert message["From"].addresses[0].display_name == "投资促进局招商引资报送系统"
    assert message["Message-ID"] == f"<{KEY_HASH[:32]}.zhaoshang@example.cn>"  # from the key, not random
    [row] = ledger(engine)
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 1, None)
    assert row["recipients"] == ",".join(TO + CC)
    assert row["eml_path"] == queued.eml_path.relative_to(settings.root).as_posix()
    assert row["sent_at"] is not None


def test_chinese_attachment_name_and_bytes_survive(tmp_path, warehouse_url, engine, smtp_server, docx):
    server = smtp_server()
    send_bulletin(smtp_settings(tmp_path, warehouse_url, server.port), engine, docx)

    message = parsed(server.envelopes[0])
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == DOCX_NAME  # from RFC 2231 filename*
    assert attachment.get_content_type() == DOCX_TYPE
    assert attachment.get_content() == docx.read_bytes()
    raw = server.envelopes[0].content.decode("ascii")  # 7-bit clean: every non-ASCII byte is encoded
    assert "filename*=utf-8''2021%E5%B9%B4" in raw
    # the RFC 2047 name= that older Outlook and Foxmail read, decoded by hand
    legacy_name = raw.split('name="', 1)[1].split('"', 1)[0]
    assert legacy_name.startswith("=?utf-8?b?")
    assert str(make_header(decode_header(legacy_name))) == DOCX_NAME
    assert f"Content-Type: {DOCX_TYPE};\r\n name=" in raw


def test_user_text_is_escaped_in_html_and_exact_in_text(tmp_path, warehouse_url, engine, smtp_server, docx):
    server = smtp_server()
    send_bulletin(smtp_settings(tmp_path, warehouse_url, server.port), engine, docx)

    message = parsed(server.envelopes[0])
    html_part = message.get_body(("html",)).get_content()
    text_part = message.get_body(("plain",)).get_content()
    assert "A&amp;B &lt;科技&gt;" in html_part and "A&B <科技>" not in html_part
    assert "A&B <科技>" in text_part
    assert text_part.replace("\r\n", "\n") == "\n\n".join(PARAGRAPHS) + "\n"


def test_xlsx_attachment_gets_its_mime_type(tmp_path):
    # the system's mimetypes table may lack Office types; ours spells them out
    assert mime_type(Path("签约项目汇总.xlsx")) == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert mime_type(Path("通报.DOCX")) == DOCX_TYPE


def test_message_id_and_bytes_depend_only_on_the_key(tmp_path, docx):
    settings = make_settings(tmp_path / "share")
    built = dt.datetime(2021, 9, 8, 9, 41, 7, tzinfo=TIMEZONE)  # the Date is when it was built: held fixed here
    build = lambda key: build_message(settings, key=key, to=TO, cc=[], subject=SUBJECT,  # noqa: E731
                                      paragraphs=PARAGRAPHS, attachments=[docx], built=built).as_bytes()
    assert build("weekly:2021-09-06") == build("weekly:2021-09-06")
    assert build("weekly:2021-09-06") != build("weekly:2021-09-13")


# ── TLS and AUTH ────────────────────────────────────────────────────────────

def test_starttls_refuses_self_signed_until_the_ca_is_configured(
        tmp_path, warehouse_url, engine, smtp_server, docx, server_tls, ca_pem, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ZHAOSHANG_SMTP_PASSWORD", PASSWORD)
    server = smtp_server(tls_context=server_tls, require_starttls=True, authenticator=check_password,
                         auth_required=True)
    untrusting = smtp_settings(tmp_path, warehouse_url, server.port, "starttls", user=USER)

    queued = send_bulletin(untrusting, engine, docx)

    assert queued.status == "queued" and server.envelopes == []
    [row] = ledger(engine)
    assert row["attempts"] == 1 and "CERTIFICATE_VERIFY_FAILED" in row["last_error"]

    trusting = smtp_settings(tmp_path, warehouse_url, server.port, "starttls", user=USER, ca_file=ca_pem)
    report = deliver_pending(trusting, engine)

    assert report.sent == ["bulletin:2021-08"] and report.failed == []
    assert len(server.envelopes) == 1 and parsed(server.envelopes[0])["Subject"] == SUBJECT
    ours = [r.getMessage() for r in caplog.records if r.name.startswith(("zhaoshang", "yagmail"))]
    assert any("CERTIFICATE_VERIFY_FAILED" in m for m in ours)  # the failure was logged …
    assert_no_password(queued.eml_path.read_bytes().decode("ascii"), repr(ledger(engine)), *ours)  # … the secret not


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_ssl_refuses_self_signed_until_the_ca_is_configured(
        tmp_path, warehouse_url, engine, smtp_server, docx, server_tls, ca_pem, monkeypatch):
    monkeypatch.setenv("ZHAOSHANG_SMTP_PASSWORD", PASSWORD)
    # aiosmtpd counts only STARTTLS-upgraded sessions as TLS for AUTH; this whole session is TLS already
    server = smtp_server(ssl_context=server_tls, authenticator=check_password, auth_required=True,
                         auth_require_tls=False)
    untrusting = smtp_settings(tmp_path, warehouse_url, server.port, "ssl", user=USER)

    queued = send_bulletin(untrusting, engine, docx)

    assert queued.status == "queued" and server.envelopes == []
    assert "CERTIFICATE_VERIFY_FAILED" in ledger(engine)[0]["last_error"]

    report = deliver_pending(smtp_settings(tmp_path, warehouse_url, server.port, "ssl", user=USER, ca_file=ca_pem),
                             engine)

    assert report.sent == ["bulletin:2021-08"]
    assert [e.rcpt_tos for e in server.envelopes] == [TO + CC]
    assert_no_password(queued.eml_path.read_bytes().decode("ascii"), repr(ledger(engine)))


def test_wrong_password_stays_queued_without_the_password_in_the_error(
        tmp_path, warehouse_url, engine, smtp_server, docx, server_tls, ca_pem, monkeypatch):
    monkeypatch.setenv("ZHAOSHANG_SMTP_PASSWORD", "wrong-" + PASSWORD)
    server = smtp_server(tls_context=server_tls, require_starttls=True, authenticator=check_password,
                         auth_required=True)
    settings = smtp_settings(tmp_path, warehouse_url, server.port, "starttls", user=USER, ca_file=ca_pem)

    queued = send_bulletin(settings, engine, docx)
    report = deliver_pending(settings, engine)

    assert queued.status == "queued" and server.envelopes == []
    [(key, error)] = report.failed
    assert key == "bulletin:2021-08" and error.startswith("SMTPAuthenticationError: (535")
    [row] = ledger(engine)
    assert row["attempts"] == 2 and row["last_error"] == error  # one try in queue_mail, one in deliver_pending
    assert_no_password(error, repr(ledger(engine)), queued.eml_path.read_bytes().decode("ascii"))


def test_missing_password_is_loud_and_the_mail_is_kept(tmp_path, warehouse_url, engine, smtp_server, docx,
                                                       monkeypatch):
    monkeypatch.delenv("ZHAOSHANG_SMTP_PASSWORD", raising=False)
    server = smtp_server()
    settings = smtp_settings(tmp_path, warehouse_url, server.port, user=USER)
    settings.mail.password_block = ""  # no Prefect Secret block either (loading one would start a Prefect server)

    with pytest.raises(MissingSecret, match="ZHAOSHANG_SMTP_PASSWORD"):
        send_bulletin(settings, engine, docx)

    [row] = ledger(engine)  # kept for deliver_pending once the secret is set; not an attempt
    assert (row["status"], row["attempts"]) == ("queued", 0)
    assert (settings.root / row["eml_path"]).exists() and server.envelopes == []


# ── retry, exactly once ─────────────────────────────────────────────────────

def test_server_down_then_up_delivers_exactly_once(tmp_path, warehouse_url, engine, smtp_server, docx):
    port = free_port()  # nothing listens here yet
    settings = smtp_settings(tmp_path, warehouse_url, port)

    queued = send_bulletin(settings, engine, docx)

    assert queued.status == "queued"
    [row] = ledger(engine)
    assert row["attempts"] == 1 and row["last_error"].startswith("ConnectionRefusedError")

    server = smtp_server(port=port)
    first = deliver_pending(settings, engine)
    second = deliver_pending(settings, engine)
    again = send_bulletin(settings, engine, docx)

    assert first.sent == ["bulletin:2021-08"] and second.sent == [] and second.failed == []
    assert (again.status, again.eml_path) == ("sent", queued.eml_path)
    assert len(server.envelopes) == 1
    [row] = ledger(engine)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert sorted(p.name for p in settings.outbox.iterdir()) == [queued.eml_path.name]


def test_racing_runs_queue_one_mail_and_send_it_once(tmp_path, warehouse_url, engine, smtp_server, docx):
    server = smtp_server()
    settings = smtp_settings(tmp_path, warehouse_url, server.port)

    with ThreadPoolExecutor(4) as pool:  # four flow runs queueing the same bulletin at the same moment
        results = list(pool.map(lambda _: send_bulletin(settings, engine, docx), range(4)))

    # a run that finds the key while another is still sending it is told 'queued': the mail is in flight
    assert {r.eml_path for r in results} == {results[0].eml_path} and "sent" in {r.status for r in results}
    assert len(server.envelopes) == 1 and [row["status"] for row in ledger(engine)] == ["sent"]
    assert [p.name for p in settings.outbox.iterdir()] == [results[0].eml_path.name]


def test_silent_server_times_out_within_the_configured_bound(tmp_path, warehouse_url, engine, docx):
    with socket.socket() as silent:  # accepts the TCP connection (backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = smtp_settings(tmp_path, warehouse_url, silent.getsockname()[1], timeout=1)
        started = time.monotonic()
        queued = send_bulletin(settings, engine, docx)
        elapsed = time.monotonic() - started

    assert queued.status == "queued" and elapsed < 5
    assert "timed out" in ledger(engine)[0]["last_error"]


# ── no SMTP configured ──────────────────────────────────────────────────────

def test_without_smtp_the_mail_is_written_to_the_outbox_only(tmp_path, warehouse_url, engine, docx):
    settings = make_settings(tmp_path / "share", warehouse_url)
    assert not settings.mail.enabled

    queued = send_bulletin(settings, engine, docx)
    report = deliver_pending(settings, engine)

    assert queued.status == "written"
    # the scenario clock is 2021-09-08 09:00; the suffix is the first 10 hex digits of sha256(key)
    assert queued.eml_path.name == f"20210908-090000_{SUBJECT}_{KEY_HASH[:10]}.eml"
    assert parsed_file(queued.eml_path)["Subject"] == SUBJECT
    assert (report.sent, report.failed, report.written_only) == ([], [], 1)
    [row] = ledger(engine)
    assert (row["status"], row["attempts"], row["eml_path"]) == ("written", 0, f"outbox/{queued.eml_path.name}")


def test_eml_name_replaces_characters_windows_refuses(tmp_path, warehouse_url, engine):
    settings = make_settings(tmp_path / "share", warehouse_url)
    queued = queue_mail(settings, engine, key="remind:周报/2021-09-06", to=["a@example.cn"],
                        subject="催报：周报 (9/6) 未报送?", paragraphs=["请尽快报送。"])
    # "/" and "?" are refused by Windows; the full-width "：" is an ordinary character there
    assert queued.eml_path.name.startswith("20210908-090000_催报：周报_(9_6)_未报送_")


def test_bad_recipient_is_refused_before_anything_is_written(tmp_path, warehouse_url, engine):
    settings = make_settings(tmp_path / "share", warehouse_url)
    for bad in ("a@example.cn, b@example.cn", "张三 <a@example.cn>", "a@example.cn\r\nBcc: x@example.cn", "王@例子.中国"):
        with pytest.raises(ValueError, match="Not a mail address"):
            queue_mail(settings, engine, key="k", to=[bad], subject="测试", paragraphs=["x"])
    assert ledger(engine) == [] and list(settings.outbox.iterdir()) == []


def test_leader_addresses_come_from_the_roster(tmp_path):
    # the example roster has three people with role "leader", in this order
    assert leader_addresses(make_settings(tmp_path / "share")) == [
        "linzhenhua@example.cn", "hanweidong@example.cn", "songzhigang@example.cn"]


def parsed_file(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


# ── names, the frame, the time, attachments named for people ────────────────

LEADERS = "林振华 <linzhenhua@example.cn>, 韩卫东 <hanweidong@example.cn>"


def test_headers_carry_the_rosters_names_encoded(tmp_path, warehouse_url, engine, smtp_server, docx):
    server = smtp_server()
    settings = smtp_settings(tmp_path, warehouse_url, server.port)
    queue_mail(settings, engine, key="names", to=TO, cc=[*CC, "nobody@example.org"], subject=SUBJECT,
               paragraphs=PARAGRAPHS, attachments=[docx])

    [envelope] = server.envelopes
    assert envelope.rcpt_tos == [*TO, *CC, "nobody@example.org"]  # the envelope holds bare addresses
    raw = envelope.content.decode("ascii")  # 7-bit clean: the names are RFC 2047 encoded-words
    headers = raw.split("\r\n\r\n", 1)[0]
    assert "=?utf-8?b?5p6X5oyv5Y2O?= <linzhenhua@example.cn>" in headers  # 林振华
    assert "林振华" not in headers
    message = parsed(envelope)
    assert str(message["To"]) == LEADERS
    assert str(message["Cc"]) == "何婷 <heting@example.cn>, nobody@example.org"  # not in the roster: bare
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("林振华", "linzhenhua@example.cn"), ("韩卫东", "hanweidong@example.cn")]
    assert str(message["From"]) == "投资促进局招商引资报送系统 <zhaoshang@example.cn>"
    assert str(make_header(decode_header(headers.split("From: ", 1)[1].split(" <", 1)[0]))) == "投资促进局招商引资报送系统"
    [row] = ledger(engine)
    assert row["recipients"] == "linzhenhua@example.cn,hanweidong@example.cn,heting@example.cn,nobody@example.org"


def test_a_sender_name_without_the_office_is_led_by_it(tmp_path):
    settings = make_settings(tmp_path / "share")
    settings.mail.sender_name = "招商引资报送系统"
    message = build_message(settings, key="k", to=TO, cc=[], subject="测试", paragraphs=["x"], attachments=[])
    assert message["From"].addresses[0].display_name == "兴安盟经济技术开发区投资促进局招商引资报送系统"


def test_the_date_is_when_the_mail_was_built(tmp_path, warehouse_url, engine):
    settings = make_settings(tmp_path / "share", warehouse_url)  # scenario clock 2021-09-08
    before = dt.datetime.now(TIMEZONE).replace(microsecond=0)
    first = queue_mail(settings, engine, key="first", to=TO, subject="一", paragraphs=["x"])
    time.sleep(1.1)
    second = queue_mail(settings, engine, key="second", to=TO, subject="二", paragraphs=["x"])
    after = dt.datetime.now(TIMEZONE)
    dates = [parsed_file(q.eml_path)["Date"].datetime for q in (first, second)]

    # under the scenario clock: the scenario's day, at the real time of day each mail was built
    assert [d.date() for d in dates] == [dt.date(2021, 9, 8)] * 2
    assert all(d.utcoffset() == dt.timedelta(hours=8) for d in dates)
    assert before.time() <= dates[0].time() < dates[1].time() <= after.time()
    # the .eml names keep the pipeline's clock, as the ledger does
    assert first.eml_path.name.startswith("20210908-090000_一_")

    settings.today_override = None  # the real clock: the real moment
    real = mail_time(settings)
    assert abs(real - dt.datetime.now(TIMEZONE)) < dt.timedelta(seconds=5) and real.utcoffset() == dt.timedelta(hours=8)


def test_an_attachment_goes_under_the_name_given(tmp_path, warehouse_url, engine, smtp_server):
    server = smtp_server()
    stored = tmp_path / "20210702-093000_0c9808aa_能源 6月_错误说明.xlsx"
    stored.write_bytes(b"PK\x03\x04explanation")
    queue_mail(smtp_settings(tmp_path, warehouse_url, server.port), engine, key="att", to=TO, subject="退回",
               paragraphs=["x"], attachments=[Attachment(stored, "能源 6月_错误说明.xlsx")])

    [attachment] = list(parsed(server.envelopes[0]).iter_attachments())
    assert attachment.get_filename() == "能源 6月_错误说明.xlsx"
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachment.get_content() == stored.read_bytes()
    raw = server.envelopes[0].content.decode("ascii")
    assert "filename*=utf-8''%E8%83%BD%E6%BA%90%206%E6%9C%88_%E9%94%99%E8%AF%AF%E8%AF%B4%E6%98%8E.xlsx" in raw
    legacy_name = raw.split('name="', 1)[1].split('"', 1)[0]
    assert str(make_header(decode_header(legacy_name))) == "能源 6月_错误说明.xlsx"
    assert "0c9808aa" not in raw and "20210702" not in raw  # the stored name's prefix is nowhere


def test_attachment_names_lose_path_separators_and_control_characters(tmp_path):
    from zhaoshang.delivery.mail import attachment_name

    assert attachment_name(Attachment(tmp_path / "x.xlsx", "..\\上级/能源\x07 8月.xlsx")) == "_上级_能源_ 8月.xlsx"
    assert attachment_name(tmp_path / "2021年第8期招商引资工作通报.docx") == "2021年第8期招商引资工作通报.docx"


def test_the_frame_salutes_and_signs_as_the_office(tmp_path):
    settings = make_settings(tmp_path / "share")  # scenario clock 2021-09-08
    leaders = leader_addresses(settings)
    assert framed(settings, ["现将8月份招商引资工作情况通报如下。"], to=leaders) == [
        "各位领导：", "现将8月份招商引资工作情况通报如下。", "兴安盟经济技术开发区投资促进局", "2021年9月8日"]
    assert salutation(settings, ["zhanghaitao@example.cn"]) == "张海涛同志："
    assert salutation(settings, ["ZhangHaiTao@example.cn "]) == "张海涛同志："  # addresses compare case-insensitively
    assert salutation(settings, ["zhanghaitao@example.cn", "limingyuan@example.cn"]) == "各位同志："
    assert salutation(settings, ["zhanghaitao@example.cn", "linzhenhua@example.cn"]) == "各位领导、同志们："
    assert salutation(settings, ["nobody@example.org"]) == "您好："
    assert sign_off(settings, dt.date(2021, 10, 1)) == ["兴安盟经济技术开发区投资促进局", "2021年10月1日"]
    assert all(isinstance(line, SignOff) for line in sign_off(settings))
    # given its own greeting; a body already framed is not framed twice
    once = framed(settings, ["请修改。"], greeting="投资促进局：")
    assert once == ["投资促进局：", "请修改。", "兴安盟经济技术开发区投资促进局", "2021年9月8日"]
    assert framed(settings, once, greeting="投资促进局：") == once


def test_the_sign_off_is_right_aligned_in_html_and_plain_in_text(tmp_path):
    settings = make_settings(tmp_path / "share")
    paragraphs = framed(settings, ["正文。"], to=TO)
    message = email.message_from_bytes(build_message(settings, key="k", to=TO, cc=[], subject="测试",
                                                     paragraphs=paragraphs, attachments=[]).as_bytes(),
                                       policy=policy.default)
    page = message.get_body(("html",)).get_content()
    assert '<p>各位领导：</p>\n<p>正文。</p>\n<p style="text-align: right;">兴安盟经济技术开发区投资促进局</p>\n' \
           '<p style="text-align: right;">2021年9月8日</p>' in page.replace("\r\n", "\n")
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "各位领导：\n\n正文。\n\n兴安盟经济技术开发区投资促进局\n\n2021年9月8日\n"
