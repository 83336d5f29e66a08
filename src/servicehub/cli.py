"""The `servicehub` command: Django's management commands under one name.

`servicehub demo`, `servicehub serve`, `servicehub migrate` … are thin
wrappers; the work is done by actions inside the apps.
"""

from __future__ import annotations

import os
import sys

from servicehub.env import ConfigurationError


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehub.settings")
    args = ["servicehub", *(sys.argv[1:] if argv is None else argv)]
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ConfigurationError as exc:
        print(f"servicehub: configuration error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into `head` or a pager that quit early: not an error of ours.
        sys.stderr.close()
        return 0
    return 0
