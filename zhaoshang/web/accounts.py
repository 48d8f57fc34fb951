"""Sign-in accounts: the roster's people with a password the office set, stored only as argon2 hashes.

The hashes live in <root>/.zhaoshang/web/accounts.json (mode 0600), beside the session-signing key,
not in the warehouse: the page never writes to the warehouse (DESIGN §7), BI tools reading the
warehouse never see a hash, and a rebuild of the warehouse keeps everyone's password.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from zhaoshang.settings import Settings

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD_LENGTH = 8
SWEEP_AT = 10_000  # throttle keys held before the expired ones are swept out
# a hash of a password nobody has: an unknown name costs the same time as a wrong password
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A password that cannot be set (the message is Chinese, for the office)."""


def web_state(settings: Settings) -> Path:
    """The page's private state folder (owner-only)."""
    folder = settings.state_dir / "web"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by the owner only."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(temporary, path)


def accounts_path(settings: Settings) -> Path:
    return web_state(settings) / "accounts.json"


def load_accounts(settings: Settings) -> dict[str, dict]:
    """name → {"hash": argon2 hash, "set_at": ISO time} of everyone with a password."""
    path = accounts_path(settings)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def set_password(settings: Settings, name: str, password: str) -> None:
    """Store `name`'s new password (as a hash); sessions signed in before now stop working."""
    if name not in settings.person_by_name:
        raise AccountError(f"名单（config/zhaoshang.toml 的 [[people]]）中没有“{name}”，只能为名单中的人员设置密码。")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。")
    accounts = load_accounts(settings)
    accounts[name] = {"hash": HASHER.hash(password), "set_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    _write_private(accounts_path(settings), json.dumps(accounts, ensure_ascii=False, indent=1))


def check_password(accounts: dict[str, dict], name: str, password: str) -> bool:
    """True when `password` is `name`'s (constant work whether or not the name has an account)."""
    stored = accounts.get(name, {}).get("hash", _DUMMY_HASH)
    try:
        return HASHER.verify(stored, password) and name in accounts
    except (VerificationError, InvalidHashError):
        return False


def session_key(settings: Settings) -> str:
    """The secret that signs session cookies, made on first use and kept owner-only."""
    path = web_state(settings) / "session.key"
    if not path.exists():
        _write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


class Throttle:
    """Failed sign-ins per name and per address: past `limit` failures in `window` seconds, an
    attempt is refused before its password is checked (the window slides)."""

    def __init__(self, limit: int = 10, window: float = 60, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str) -> int:
        """How many failures `key` has within the window (a key with none left is forgotten, so a flood
        of made-up names cannot grow the table)."""
        times, cutoff = self._failures.get(key), self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if times is not None and not times:
            del self._failures[key]
        return len(times or ())

    def blocked(self, name: str, address: str) -> bool:
        """True when the name or the address already failed `limit` times within the window."""
        with self._lock:
            return any(self._recent(key) >= self.limit for key in (f"name:{name}", f"addr:{address}"))

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            if len(self._failures) > SWEEP_AT:  # made-up names by the thousand: drop every expired one
                for key in list(self._failures):
                    self._recent(key)
            for key in (f"name:{name}", f"addr:{address}"):
                self._recent(key)
                self._failures[key].append(self.clock())
