"""`servicehub serve`: the production web server (gunicorn), static files served by the app."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication

from servicehub.env import env_int, env_str
from servicehub.wsgi import application


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return application


class Command(BaseCommand):
    help = "Serve servicehub with gunicorn on HOST:PORT (defaults 127.0.0.1 and $PORT or 8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000, minimum=1, maximum=65535))
        parser.add_argument(
            "--workers",
            type=int,
            default=env_int("WEB_CONCURRENCY", 2, minimum=1, maximum=64),
            help="worker processes (WEB_CONCURRENCY)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background worker (plan runs, SLA tick) beside the web server",
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any) -> None:
        self.stdout.write(
            _("servicehub is serving on http://%(host)s:%(port)s/ (Ctrl+C to stop)")
            % {"host": host, "port": port}
        )
        background = None
        if not no_worker:
            # The background worker runs plan runs and the SLA tick; it stops with the server.
            background = subprocess.Popen([sys.executable, "-m", "servicehub", "worker"])
        try:
            self._serve(host, port, workers)
        finally:
            if background is not None:
                background.terminate()
                background.wait(timeout=10)

    def _serve(self, host: str, port: int, workers: int) -> None:
        _Server(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": 4,
                "worker_class": "gthread",
                "accesslog": "-",
                "timeout": 60,
            }
        ).run()
