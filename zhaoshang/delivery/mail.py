"""Mail for every report: built once, written to outbox/, recorded in the ledger, sent exactly once.

The ledger (`mail_delivery`, one row per message key) is the memory: a key is built and
written once; a mail that cannot be sent stays 'queued' (attempts, last_error) until
`deliver_pending` gets it through; a 'sent' key is never sent again. What goes over SMTP
is byte for byte the .eml in outbox/. Without an SMTP server the .eml is all there is
('written').
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import logging
import mimetypes
import re
import ssl
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
import yagmail
from filelock import FileLock
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from warehouse.schema import mail_delivery
from zhaoshang.delivery.frame import SignOff, mail_time, office_name, person_by_address
from zhaoshang.settings import Mail, Settings
from zhaoshang.visible import visible_controls

log = logging.getLogger(__name__)

PG_MAIL_LOCK = 727003  # migrations hold 727001, ingest 727002
LOCK_TIMEOUT_SECONDS = 600
# CRLF line ends, as on the wire. refold_source="none": headers we set raw (pre-folded) are
# written exactly as given; headers set the normal way are still folded and encoded.
POLICY = email_policy.SMTP.clone(refold_source="none")
MIME_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}
WORD_BYTES = 42  # UTF-8 bytes per RFC 2047 word: 56 base64 chars + 12 keeps each word under 75
MAX_ATTACHMENT_NAME = 80  # characters; keeps the unsplit RFC 2231 filename* line well under 998 bytes
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')  # not allowed (or unwise) in Windows names
UNSAFE_IN_ATTACHMENT_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')  # spaces are kept: they are the sender's
SIGN_OFF_STYLE = ' style="text-align: right;"'
HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head>
<body style="font-family: 'Microsoft YaHei', 'PingFang SC', SimSun, sans-serif; font-size: 14px; line-height: 1.6;">
{body}
</body></html>
"""


@dataclass(frozen=True)
class Attachment:
    """A file to attach and the name its reader sees (empty: the file's own name).

    E.g. `Attachment(stored, "能源8月_错误说明.xlsx")` for a file kept under an internal name."""

    path: Path
    name: str = ""

    @property
    def shown(self) -> str:
        """The name the attachment goes under."""
        return self.name or Path(self.path).name


@dataclass(frozen=True)
class QueuedMail:
    """One mail of the ledger: its key, its .eml in outbox/, and its status (queued | sent | written)."""

    key: str
    eml_path: Path
    status: str


@dataclass
class DeliveryReport:
    """What one delivery pass did; written_only counts mails that exist only as .eml in outbox/."""

    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    written_only: int = 0


# ── the public API ──────────────────────────────────────────────────────────

def leader_addresses(settings: Settings) -> list[str]:
    """Roster e-mail addresses of role "leader", in roster order, without duplicates."""
    addresses = []
    for person in settings.people_with("leader"):
        if person.email.strip():
            addresses.append(person.email.strip())
        else:
            log.warning("Leader %s has no e-mail address in the roster and gets no mail", person.name)
    return list(dict.fromkeys(addresses))


def report_attachments(docx: Path) -> list[Path]:
    """What a report's mail carries: its PDF beside it (same stem) when there is one, then the .docx."""
    pdf = Path(docx).with_suffix(".pdf")
    return [pdf, Path(docx)] if pdf.is_file() else [Path(docx)]


def queue_mail(settings: Settings, engine: Engine, *, key: str, to: Sequence[str], subject: str,
               paragraphs: Sequence[str], attachments: Sequence[Path | Attachment] = (), cc: Sequence[str] = ()) -> QueuedMail:
    """Build, write and record the mail `key` once, then try to send it; a known key returns its entry.

    `to`/`cc` are bare addresses; the roster's names are added in the headers. `attachments` are
    paths (attached under their own name) or `Attachment`s (under the name given)."""
    known = _entry(engine, key)
    if known is not None:
        return _as_queued(settings, known)
    to_list = _addresses(to)
    cc_list = [a for a in _addresses(cc) if a not in to_list]
    if not to_list:
        raise ValueError(f"Mail {key!r} has no recipient in `to`")
    message = build_message(settings, key=key, to=to_list, cc=cc_list, subject=subject,
                            paragraphs=paragraphs, attachments=attachments)
    entry = _record(settings, engine, key, subject, [*to_list, *cc_list], write_eml(settings, key, subject, message))
    if entry.status == "written":
        log.info("No SMTP server configured: mail %s written to %s only", key, entry.eml_path)
    elif entry.status == "queued":
        _deliver(settings, engine, keys=[key])
    return _as_queued(settings, _entry(engine, key))


def deliver_pending(settings: Settings, engine: Engine) -> DeliveryReport:
    """Send every queued mail, each at most once; one that fails stays queued for the next call."""
    if not settings.mail.enabled:
        waiting = _count(engine, "queued")
        if waiting:
            log.warning("%d queued mail(s) wait for an SMTP server; none is configured", waiting)
        return DeliveryReport(written_only=_count(engine, "written") + waiting)
    report = _deliver(settings, engine, keys=None)
    report.written_only = _count(engine, "written")  # recorded while no SMTP server was configured; never sent later
    return report


# ── building the message (stdlib `email`, once) ──────────────────────────────

def build_message(settings: Settings, *, key: str, to: Sequence[str], cc: Sequence[str], subject: str,
                  paragraphs: Sequence[str], attachments: Sequence[Path | Attachment],
                  built: dt.datetime | None = None) -> EmailMessage:
    """The whole mail: encoded headers, a plain-text and an HTML part, then the attachments.

    `built` is the Date (default: now, `frame.mail_time`); with the same key and `built` the bytes are the same."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender(settings)
    roster = person_by_address(settings)
    message["To"] = [recipient(a, roster) for a in to]
    if cc:
        message["Cc"] = [recipient(a, roster) for a in cc]
    message["Subject"] = subject
    message["Date"] = built or mail_time(settings)
    message["Message-ID"] = message_id(settings, key)
    message.set_content(plain_text(paragraphs), cte="base64")
    message.add_alternative(html_text(paragraphs), subtype="html", cte="base64")
    if attachments:
        message.make_mixed()
        for item in attachments:
            message.attach(attachment_part(item))
    _tidy(message, key)
    return message


def sender_name(settings: Settings) -> str:
    """The From display name: the configured sender name, led by the office's name when it lacks it
    (投资促进局招商引资报送系统; a bare "招商引资报送系统" becomes 兴安盟经济技术开发区投资促进局招商引资报送系统)."""
    name, office = settings.mail.sender_name.strip(), settings.zone.office
    if not name:
        return office_name(settings)
    return name if office in name else f"{office_name(settings)}{name}"


def sender(settings: Settings) -> Address:
    """The From address: the office's system under its Chinese name (RFC 2047-encoded on the wire)."""
    return Address(sender_name(settings), addr_spec=settings.mail.sender_address)


def recipient(address: str, roster: dict | None = None) -> Address:
    """A recipient with the roster's name for the address (张海涛 <zhanghaitao@…>), else the bare address."""
    person = (roster or {}).get(address.strip().lower())
    return Address(person.name if person else "", addr_spec=address)


def message_id(settings: Settings, key: str) -> str:
    """A Message-ID that depends only on the key (and the sender's domain), so a resend is the same message."""
    domain = settings.mail.sender_address.rpartition("@")[2] or "localhost"
    return f"<{_digest(key)[:32]}.zhaoshang@{domain}>"


def plain_text(paragraphs: Sequence[str]) -> str:
    """The text/plain body: the paragraphs as given, a blank line between them."""
    return "\n\n".join(paragraphs) + "\n"


def html_text(paragraphs: Sequence[str]) -> str:
    """The text/html body: one <p> per paragraph, the caller's text escaped (control characters shown as \\x01);
    the sign-off lines (`frame.SignOff`) right-aligned."""
    body = "\n".join(f"<p{SIGN_OFF_STYLE if isinstance(p, SignOff) else ''}>"
                     f"{html.escape(visible_controls(p)).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return HTML_PAGE.format(body=body)


def attachment_name(item: Path | Attachment) -> str:
    """The name shown for an attachment: the one given (else the file's own), without path separators or
    control characters, its stem shortened to fit MAX_ATTACHMENT_NAME."""
    shown = item.shown if isinstance(item, Attachment) else Path(item).name
    shown = UNSAFE_IN_ATTACHMENT_NAME.sub("_", shown).strip(" .") or "附件"
    name = Path(shown)
    if len(shown) <= MAX_ATTACHMENT_NAME:
        return shown
    return name.stem[: MAX_ATTACHMENT_NAME - len(name.suffix) - 1] + "…" + name.suffix


def attachment_part(item: Path | Attachment) -> EmailMessage:
    """A base64 attachment under its (Chinese) file name, as Outlook, Foxmail and QQ Mail read it."""
    path = Path(item.path if isinstance(item, Attachment) else item)
    name = attachment_name(item)
    part = EmailMessage(policy=POLICY)
    # Set raw and pre-folded on purpose: the stdlib folder RFC 2047-encodes a long MIME subtype
    # ("application/=?utf-8?q?vnd=2Eopenxml...") once a name parameter follows, re-encodes an
    # encoded-word name as RFC 2231, and splits filename* into continuations older clients don't join.
    part.set_raw("Content-Type", f'{mime_type(path)};\n name="{encoded_words(name)}"')
    part.set_raw("Content-Disposition", f"attachment;\n filename*=utf-8''{quote(name, safe='')}")
    part.set_raw("Content-Transfer-Encoding", "base64")
    part.set_payload(base64.encodebytes(path.read_bytes()).decode("ascii"))
    return part


def mime_type(path: Path) -> str:
    """The MIME type of an attachment (Office types spelled out: not every system's table has them)."""
    return MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def encoded_words(text: str) -> str:
    """`text` as RFC 2047 base64 encoded-words of whole characters, one word per folded line."""
    words, chunk = [], ""
    for char in text:
        if chunk and len((chunk + char).encode()) > WORD_BYTES:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    return "\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode()).decode('ascii')}?=" for w in words)


def _tidy(message: EmailMessage, key: str) -> None:
    """Boundaries derived from the key (the same mail always serialises to the same bytes); MIME-Version on top only."""
    parts = list(message.walk())
    for part in parts[1:]:
        del part["MIME-Version"]  # add_alternative leaves one on the HTML part
    for depth, part in enumerate(p for p in parts if p.is_multipart()):
        part.set_boundary(f"zhaoshang-{depth}-{_digest(key)[:24]}")  # base64 bodies never start a line with "--"


# ── outbox/ ─────────────────────────────────────────────────────────────────

def eml_name(settings: Settings, key: str, subject: str) -> str:
    """`{YYYYmmdd-HHMMSS}_{safe subject}_{short hash of key}.eml`: sorts by time, readable, unique per key."""
    safe = UNSAFE_IN_FILE_NAME.sub("_", subject).strip("._")[:60] or "邮件"
    return f"{settings.now():%Y%m%d-%H%M%S}_{safe}_{_digest(key)[:10]}.eml"


def write_eml(settings: Settings, key: str, subject: str, message: EmailMessage) -> Path:
    """Write the message to outbox/ (atomically: a reader never sees half a file); returns its path."""
    settings.outbox.mkdir(parents=True, exist_ok=True)
    path = settings.outbox / eml_name(settings, key, subject)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")  # one per writer: runs may race on a key
    partial.write_bytes(message.as_bytes())
    partial.replace(path)
    return path


# ── the ledger ──────────────────────────────────────────────────────────────

def _entry(engine: Engine, key: str) -> sa.Row | None:
    """The ledger row of `key`, if any."""
    with engine.connect() as conn:
        return conn.execute(sa.select(mail_delivery).where(mail_delivery.c.message_key == key)).first()


def _record(settings: Settings, engine: Engine, key: str, subject: str, recipients: Sequence[str],
            eml_path: Path) -> sa.Row:
    """Insert the ledger row; when a racing run recorded the key first, keep its row and drop our file."""
    relative = eml_path.relative_to(settings.root).as_posix()
    values = {
        "message_key": key, "subject": subject, "recipients": ",".join(recipients), "eml_path": relative,
        "status": "queued" if settings.mail.enabled else "written", "attempts": 0, "created_at": settings.now(),
    }
    try:
        with engine.begin() as conn:
            conn.execute(mail_delivery.insert().values(**values))
    except IntegrityError:
        winner = _entry(engine, key)
        if winner is None:
            raise
        if winner.eml_path != relative:
            eml_path.unlink(missing_ok=True)
        return winner
    return _entry(engine, key)


def _as_queued(settings: Settings, entry: sa.Row) -> QueuedMail:
    """The caller's view of a ledger row."""
    return QueuedMail(key=entry.message_key, eml_path=settings.root / entry.eml_path, status=entry.status)


def _count(engine: Engine, status: str) -> int:
    """How many ledger rows have `status`."""
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(mail_delivery).where(mail_delivery.c.status == status)
        return conn.execute(query).scalar_one()


def _pending(engine: Engine, keys: Sequence[str] | None) -> list[sa.Row]:
    """Queued rows (all, or those of `keys`), oldest first."""
    query = sa.select(mail_delivery).where(mail_delivery.c.status == "queued").order_by(mail_delivery.c.id)
    if keys is not None:
        query = query.where(mail_delivery.c.message_key.in_(keys))
    with engine.connect() as conn:
        return list(conn.execute(query))


def _claim(engine: Engine, entry_id: int) -> bool:
    """Count an attempt before sending (a crash mid-send still counts); False if no longer queued."""
    update = (mail_delivery.update()
              .where(mail_delivery.c.id == entry_id, mail_delivery.c.status == "queued")
              .values(attempts=mail_delivery.c.attempts + 1))
    with engine.begin() as conn:
        return conn.execute(update).rowcount == 1


def _mark(engine: Engine, entry_id: int, **values: object) -> None:
    """Update one ledger row."""
    with engine.begin() as conn:
        conn.execute(mail_delivery.update().where(mail_delivery.c.id == entry_id).values(**values))


# ── sending ─────────────────────────────────────────────────────────────────

@contextmanager
def _mail_lock(settings: Settings, engine: Engine) -> Iterator[None]:
    """One sender at a time (a lock file in the root, plus an advisory lock on PostgreSQL)."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(settings.state_dir / "mail.lock", timeout=LOCK_TIMEOUT_SECONDS):
        if engine.dialect.name != "postgresql":
            yield
            return
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": PG_MAIL_LOCK})
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": PG_MAIL_LOCK})
                conn.commit()


def _deliver(settings: Settings, engine: Engine, keys: Sequence[str] | None) -> DeliveryReport:
    """Under the mail lock, send the queued mails over one SMTP session; MissingSecret propagates."""
    with _mail_lock(settings, engine):
        pending = _pending(engine, keys)
        if not pending:
            return DeliveryReport()
        password = settings.mail.password()  # loud (MissingSecret) when a user is set and no password is found
        return _send_all(settings, engine, pending, password)


def _send_all(settings: Settings, engine: Engine, pending: Sequence[sa.Row], password: str | None) -> DeliveryReport:
    """Open one session and send each pending mail; if the session cannot open, each mail fails with that error."""
    redact = _redactor(settings.mail.user, password)
    report = DeliveryReport()
    client, session_error = None, ""
    try:
        client = open_smtp(settings.mail, password)
    except Exception as exc:  # refused, timed out, TLS not trusted, AUTH rejected…: kept, redacted, retried later
        session_error = redact(exc)
    try:
        for entry in pending:
            if not _claim(engine, entry.id):
                continue
            error = session_error or _send_one(settings, engine, client, entry, redact)
            if error:
                _mark(engine, entry.id, last_error=error)
                log.warning("Mail %s not sent, stays queued: %s", entry.message_key, error)
                report.failed.append((entry.message_key, error))
            else:
                report.sent.append(entry.message_key)
    finally:
        _close(client)
    return report


def _send_one(settings: Settings, engine: Engine, client: yagmail.SMTP, entry: sa.Row,
              redact: Callable[[BaseException], str]) -> str:
    """Send the .eml bytes of one entry and mark it sent; returns the error text, or "" when sent."""
    try:
        eml = (settings.root / entry.eml_path).read_bytes()
        refused = client.smtp.sendmail(settings.mail.sender_address, entry.recipients.split(","), eml)
    except OSError as exc:
        return redact(exc)
    note = f"refused by the server: {sorted(refused)}" if refused else None  # the others got it: never resent
    _mark(engine, entry.id, status="sent", sent_at=settings.now(), last_error=note)
    log.info("Mail %s sent to %d recipient(s)%s", entry.message_key, len(entry.recipients.split(",")),
             f"; {note}" if note else "")
    return ""


def tls_context(mail: Mail) -> ssl.SSLContext:
    """Certificate and host name verified against the default CA store, plus `mail.ca_file` if set."""
    context = ssl.create_default_context()
    if mail.ca_file:
        context.load_verify_locations(cafile=mail.ca_file)
    return context


def open_smtp(mail: Mail, password: str | None) -> yagmail.SMTP:
    """A yagmail client, connected (SSL, STARTTLS or plain) and, when a user is configured, authenticated."""
    # yagmail 0.16 has no way to send a prepared message (no `prepared_message`; send() builds its
    # own MIME), so yagmail opens the configured connection and its smtplib object (client.smtp)
    # sends the very bytes of the .eml. AUTH is ours too: yagmail appends "@gmail.com" to a user
    # name without "@", and the password never has to be handed to yagmail.
    tls = {"context": tls_context(mail)}
    client = yagmail.SMTP(
        user=mail.sender_address, host=mail.host, port=mail.port,
        smtp_ssl=mail.security == "ssl", smtp_starttls=tls if mail.security == "starttls" else False,
        smtp_skip_login=True, soft_email_validation=False,
        timeout=mail.timeout_seconds, **(tls if mail.security == "ssl" else {}),
    )
    try:
        client.login()  # connect, EHLO, STARTTLS when configured; no AUTH (smtp_skip_login)
        if mail.user:
            if mail.security == "plain":
                log.warning("SMTP security is 'plain': the password goes to %s unencrypted", mail.host)
            authenticate(client.smtp, mail.user, password or "")
    except BaseException:
        _close(client)
        raise
    return client


def authenticate(smtp, user: str, password: str) -> None:
    """SMTP AUTH (PLAIN, else LOGIN) with UTF-8 credentials: smtplib.login encodes them as ASCII,
    which fails — echoing the secret in its error — for a password such as "密码"."""
    import smtplib

    smtp.ehlo_or_helo_if_needed()
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    if "PLAIN" in offered or "LOGIN" not in offered:
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
        code, answer = smtp.docmd("AUTH", f"PLAIN {token}")
    else:
        code, answer = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(user.encode()).decode("ascii"))
        if code == 334:
            code, answer = smtp.docmd(base64.b64encode(password.encode()).decode("ascii"))
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, answer)


def _close(client: yagmail.SMTP | None) -> None:
    """Quit the session; a session that is already broken needs no goodbye."""
    if client is not None:
        try:
            client.close()
        except OSError:
            pass


def _redactor(user: str, password: str | None) -> Callable[[BaseException], str]:
    """Turns an exception into ledger text with the password (plain or base64, as AUTH sends it) blanked."""
    secrets = [password, _b64(password), _b64(f"\0{user}\0{password}"), _b64(f"{user}\0{password}")] if password else []

    def describe(exc: BaseException) -> str:
        text = f"{type(exc).__name__}: {exc}"
        for secret in secrets:
            text = text.replace(secret, "***")
        return text[:1000]

    return describe


# ── small helpers ───────────────────────────────────────────────────────────

def _addresses(values: Sequence[str]) -> list[str]:
    """Stripped, de-duplicated addr-specs; anything that is not a plain mailbox address is refused."""
    addresses = [v.strip() for v in values if v and v.strip()]
    for address in addresses:
        if not address.isascii():  # smtplib cannot put it in RCPT TO without SMTPUTF8
            raise ValueError(f"Not a mail address: {address!r} (only ASCII addresses are supported)")
        try:
            Address(addr_spec=address)  # one mailbox, no display name, no CR/LF: else ValueError
        except ValueError as exc:
            raise ValueError(f"Not a mail address: {address!r} ({exc})") from exc
    return list(dict.fromkeys(addresses))


def _digest(key: str) -> str:
    """SHA-256 of the message key, hex."""
    return hashlib.sha256(key.encode()).hexdigest()


def _b64(text: str) -> str:
    """Base64 of the UTF-8 text."""
    return base64.b64encode(text.encode()).decode("ascii")
