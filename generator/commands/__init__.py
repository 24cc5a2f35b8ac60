"""One module per subcommand (like mkdocs' ``commands`` package).

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args, console) -> int`` (the exit code). :mod:`generator.cli` only builds
the parser from :data:`COMMANDS` and dispatches; to add a subcommand, write a
module here and add it to the list below.
"""
from __future__ import annotations

from . import build, check, newyear, rules, status, templates

COMMANDS = [build, templates, newyear, check, rules, status]
DEFAULT = build
