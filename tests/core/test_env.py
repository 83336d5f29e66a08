"""Configuration from environment variables fails loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehub.env import ConfigurationError, env_bool, env_database, env_int, env_timezone


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("TRUE", True), (" yes ", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_the_usual_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
) -> None:
    monkeypatch.setenv("SH_FLAG", raw)
    assert env_bool("SH_FLAG", not expected) is expected


_BOOL_WORDS = {"1", "true", "yes", "on", "0", "false", "no", "off", ""}


@given(
    st.text(
        alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), min_size=1
    ).filter(lambda s: s.strip().lower() not in _BOOL_WORDS)
)
def test_env_bool_rejects_anything_else_naming_the_variable(raw: str) -> None:
    os.environ["SH_FLAG_H"] = raw
    try:
        with pytest.raises(ConfigurationError, match=r"^SH_FLAG_H: expected a boolean"):
            env_bool("SH_FLAG_H", False)
    finally:
        del os.environ["SH_FLAG_H"]


def test_env_int_checks_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "70000")
    with pytest.raises(ConfigurationError, match=r"PORT: 70000 is outside 1\.\.65535"):
        env_int("PORT", 8000, minimum=1, maximum=65535)
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ConfigurationError, match=r"PORT: expected a whole number"):
        env_int("PORT", 8000)


def test_env_timezone_knows_casablanca_and_rejects_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_timezone("TIME_ZONE", "Africa/Casablanca") == "Africa/Casablanca"
    monkeypatch.setenv("TIME_ZONE", "Mars/Olympus_Mons")
    with pytest.raises(ConfigurationError, match="TIME_ZONE: unknown time zone"):
        env_timezone("TIME_ZONE", "UTC")


def test_database_url_for_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://app:s%40cret@db.internal:6543/servicehub?sslmode=require")
    db = env_database("DATABASE_URL", "sqlite:///unused.db")
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "servicehub",
        "app",
        "s@cret",
        "db.internal",
        "6543",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_database_url_for_sqlite_uses_wal_and_immediate_transactions(tmp_path: Path) -> None:
    db = env_database("SH_UNSET_DB", f"sqlite:///{tmp_path}/var/x.sqlite3")
    assert db["NAME"] == f"{tmp_path}/var/x.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert (tmp_path / "var").is_dir()


@pytest.mark.parametrize(
    "url, problem",
    [
        ("mysql://x/y", "unsupported scheme"),
        ("postgres://host", "database name"),
        ("postgres://h:port/db", "port is not a number"),
    ],
)
def test_bad_database_url(monkeypatch: pytest.MonkeyPatch, url: str, problem: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigurationError, match=f"DATABASE_URL: .*{problem}"):
        env_database("DATABASE_URL", "sqlite:///unused.db")


@pytest.mark.parametrize(
    "name, value",
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "oracle://db/x"),
        ("TIME_ZONE", "Nowhere/City"),
        ("LANGUAGE_CODE", "de"),
    ],
)
def test_bad_value_stops_start_up_with_a_message(tmp_path: Path, name: str, value: str) -> None:
    env = {**os.environ, "SERVICEHUB_HOME": str(tmp_path), name: value}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "servicehub", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert f"configuration error: {name}:" in result.stderr
    assert "Traceback" not in result.stderr
