"""Typed readers for configuration from environment variables.

Each helper fails loudly with `ConfigurationError` naming the variable, so a
bad value stops start-up instead of surfacing later as a strange behaviour.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


class ConfigurationError(Exception):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(name, f"expected a boolean (true/false, 1/0), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(name, f"expected a whole number, got {raw!r}") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigurationError(name, f"{value} is outside {minimum}..{maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str | None = None) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE", f"cannot read {path}: {exc.strerror}") from None
    value = os.environ.get(name, default)
    if not value:
        raise ConfigurationError(name, "is required and empty")
    return value


def env_timezone(name: str, default: str) -> str:
    value = os.environ.get(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(name, f"unknown time zone {value!r}") from None
    return value


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ConfigurationError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def env_database(name: str, default: str) -> dict[str, Any]:
    """Parse a database URL: ``sqlite:///relative/or//absolute/path`` or
    ``postgres://user:password@host:port/name?sslmode=require``."""
    raw = os.environ.get(name) or default
    url = urlsplit(raw)
    if url.scheme == "sqlite":
        path = unquote(url.path)[1:] if url.path.startswith("/") else unquote(url.path)
        if not path:
            raise ConfigurationError(name, "a sqlite URL needs a file path, e.g. sqlite:///var/servicehub.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                # WAL lets readers run beside the writer; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing mid-way.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if url.scheme in {"postgres", "postgresql"}:
        try:
            port = url.port
        except ValueError:
            raise ConfigurationError(name, "the port is not a number") from None
        if not url.path.strip("/"):
            raise ConfigurationError(name, "a PostgreSQL URL needs a database name after the host")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(url.path.lstrip("/")),
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(parse_qsl(url.query)),
        }
    raise ConfigurationError(name, f"unsupported scheme {url.scheme!r}; use sqlite:/// or postgres://")
