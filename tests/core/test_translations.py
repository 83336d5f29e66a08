"""The French catalogue is complete: every translatable string in the code has a French translation."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "servicehub"
PO = SRC / "locale" / "fr" / "LC_MESSAGES" / "django.po"

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr.strip()


@needs_gettext
def test_committed_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    stats = _statistics(PO)
    assert re.fullmatch(r"\d+ translated messages?\.", stats), stats


@needs_gettext
def test_catalogue_covers_every_string_in_the_code(tmp_path: Path) -> None:
    # Extract again from a copy of the sources, so the committed file is left alone.
    copy = tmp_path / "servicehub"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "fr",
            "--ignore",
            "*/migrations/*",
            "--no-obsolete",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    stats = _statistics(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert re.fullmatch(r"\d+ translated messages?\.", stats), f"run makemessages and translate: {stats}"


def test_translation_functions_go_by_names_makemessages_knows() -> None:
    # makemessages extracts _(), gettext(), gettext_lazy()…; a string marked through any
    # other alias would silently stay out of the catalogue.
    alias = re.compile(r"import\s+(?:n?gettext|pgettext|n?gettext_lazy|pgettext_lazy)\s+as\s+(?!_\b)\w+")
    offenders = [
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if alias.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
