"""`servicehub serve` is the production server: gunicorn, with static files served by the app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on its own SQLite file"
)
def test_serve_answers_pages_and_static_files(tmp_path: Path) -> None:
    env = {**os.environ, "SERVICEHUB_HOME": str(tmp_path), "WEB_CONCURRENCY": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cli = [sys.executable, "-m", "servicehub"]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(cli + command, env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body, headers = _get(f"{base}/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not answer within 30 s"
                time.sleep(0.3)
        # Not signed in: the home page leads to the French sign-in form.
        assert status == 200 and 'lang="fr"' in body, body[:500]
        assert "gunicorn" in headers.get("Server", "")
        status, script, headers = _get(f"{base}/static/vendor/htmx/htmx.min.js")
        assert status == 200 and "htmx" in script
        status, body, _ = _get(f"{base}/no-such-page/")
        assert status == 404 and "Traceback" not in body
    finally:
        server.terminate()
        server.wait(timeout=30)
