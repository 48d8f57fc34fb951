"""The page's settings: the [web] table of the configuration file, with environment overrides."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass

from zhaoshang.arguments import BadArgument
from zhaoshang.settings import Settings


@dataclass(frozen=True)
class WebConfig:
    """Where the page listens, how sessions last, how the inbox is watched."""

    host: str = "127.0.0.1"
    port: int = 8080
    session_hours: float = 10  # a signed-in session lasts a working day
    trusted_proxies: str = "127.0.0.1"  # whose X-Forwarded-For/-Proto uvicorn believes (the reverse proxy)
    watch: bool = True  # start a pass as soon as a dropped file has settled
    settle_seconds: float = 5  # size and time unchanged this long (and contents complete) = settled
    # poll the inbox instead of waiting for notifications: true, false, or "auto" — poll when the inbox
    # lies on a network or shared-folder mount (SMB/CIFS, NFS, …: they send no change notifications)
    force_polling: bool | str = "auto"
    poll_seconds: float = 1  # how often polling looks


def parse_listen(text: str) -> tuple[str, int]:
    """HOST:PORT (or :PORT, or PORT) → (host, port); the host defaults to 127.0.0.1."""
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise BadArgument(f"监听地址应为 主机:端口（例如 127.0.0.1:8080），收到：{text!r}")
    return (host.strip("[]") or "127.0.0.1"), int(port)


def web_config(settings: Settings, env: dict[str, str] | None = None) -> WebConfig:
    """The [web] table of the settings' configuration file; ZHAOSHANG_WEB_LISTEN overrides host and port."""
    env = os.environ if env is None else env
    raw: dict = {}
    if settings.config_path and settings.config_path.exists():
        with settings.config_path.open("rb") as fh:
            raw = dict(tomllib.load(fh).get("web", {}))
    if "listen" in raw:
        raw["host"], raw["port"] = parse_listen(str(raw.pop("listen")))
    if env.get("ZHAOSHANG_WEB_LISTEN"):
        raw["host"], raw["port"] = parse_listen(env["ZHAOSHANG_WEB_LISTEN"])
    known = WebConfig.__dataclass_fields__
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"unknown [web] settings in {settings.config_path}: {', '.join(unknown)}")
    if raw.get("force_polling", "auto") not in (True, False, "auto"):
        raise ValueError(f"[web] force_polling in {settings.config_path} must be true, false or \"auto\"")
    return WebConfig(**raw)
