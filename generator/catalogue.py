"""The findings catalogue: every rule of every checking module.

Each module that checks something declares its rules in its ``RULES``
(:class:`~generator.findings.RuleSet`) beside the checks. This module only
lists those modules; importing it registers nothing anywhere. A new checking
module is added to :data:`CHECK_MODULES`; ``tests/test_rules.py`` fails when a
module raises findings but is missing here.
"""
from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from .findings import Finding, Rule, RuleSet
from .model import Loc

CHECK_MODULES = ("safety", "reader", "submissions", "merge", "validate", "acceptance")


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule by code (one object per code, even when several modules raise it)."""
    rules: dict[str, Rule] = {}
    for name in CHECK_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        for r in module.RULES:
            if r.code in rules and rules[r.code] is not r:
                raise ValueError(f"rule {r.code} declared in two modules ({name})")
            rules[r.code] = r
    return dict(sorted(rules.items()))


def rule(code: str) -> Rule | None:
    """The rule of ``code``, or None for an unknown code."""
    return catalogue().get(code)


def finding(code: str, loc: Loc | None = None, **params: Any) -> Finding:
    """A finding of any rule of the catalogue (for tests and tools; checks raise
    through their own module's ``RULES``)."""
    r = catalogue()[code]
    return RuleSet(r).finding(code, loc, **params)
