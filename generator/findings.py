"""Findings and the rules that produce them.

A :class:`Rule` has a stable code, a :class:`Severity`, a Turkish message
template and a description. Rules live beside their checks: every module that
checks something declares the rules it can raise in one :class:`RuleSet`
(``RULES``) next to the checks and raises them through that set
(``finding = RULES.finding``), so a check cannot raise an undeclared rule.
Nothing is registered as a side effect of an import: :mod:`generator.catalogue`
lists the checking modules and collects their sets into the catalogue.

Locations: :class:`~generator.model.Loc` (file, sheet, cell) and the helpers
:func:`loc_of`, :func:`sub_loc` and :func:`where` that find them.
"""
from __future__ import annotations

import string
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Optional, TypeVar

from .model import Loc, Submission

F = TypeVar("F", bound=Callable[..., Any])
CONTEXT = ("department", "target", "activity")  # every message may use these
# Parameters that identify what a finding is about; kept in ``details`` even when the message does not show them.
IDENTIFIERS = (*CONTEXT, "indicator", "key", "other")  # other: the other unit of a duplicate
VALUE_SUFFIX = "_value"  # finding(..., typed=money(x), typed_value=x): x goes to Finding.values["typed"]


class Severity(StrEnum):
    """How bad a finding is; the value is what reports and the JSON show."""

    ERROR = "hata"
    WARNING = "uyarı"


ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    message: str  # str.format template, Turkish
    description: str  # Turkish, what the rule checks and how to fix it

    @property
    def placeholders(self) -> set[str]:
        """The names the message template uses."""
        return {name for _, name, _, _ in string.Formatter().parse(self.message) if name}


class RuleSet:
    """The rules one module's checks can raise, declared beside those checks."""

    def __init__(self, *rules: Rule):
        self._rules: dict[str, Rule] = {}
        for r in rules:
            if r.code in self._rules and self._rules[r.code] != r:
                raise ValueError(f"rule {r.code} declared twice with different texts")
            self._rules[r.code] = r

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def __len__(self) -> int:
        return len(self._rules)

    def check(self, *codes: str) -> Callable[[F], F]:
        """Decorator of a check function: the rules it raises (each declared in this set).
        ``tests/test_rules.py`` holds every check to its list."""
        for code in codes:
            self._rules[code]  # an undeclared code fails at import

        def mark(fn: F) -> F:
            fn.rules = codes  # type: ignore[attr-defined]
            return fn
        return mark

    def finding(self, code: str, loc: Optional[Loc] = None, *, department: str = "", target: str = "",
                activity: str = "", **params: Any) -> Finding:
        """A finding of rule ``code`` (declared in this set) at ``loc``.

        ``params`` fill the message template and are kept as the finding's
        ``details``; a parameter named ``<name>_value`` is not shown but kept
        as the raw value ``values[<name>]`` behind the displayed ``<name>``."""
        r = self._rules[code]
        shown = {k: v for k, v in params.items() if not k.endswith(VALUE_SUFFIX)}
        return Finding(
            code=r.code,
            severity=r.severity,
            message=r.message.format(department=department, target=target, activity=activity, **shown),
            file=loc.file if loc else "",
            sheet=loc.sheet if loc else "",
            cell=loc.cell if loc else "",
            department=department,
            target=target,
            activity=activity,
            details={k: v for k, v in shown.items() if isinstance(v, (str, int, float, type(None)))},
            values={k[: -len(VALUE_SUFFIX)]: v for k, v in params.items() if k.endswith(VALUE_SUFFIX)},
        )


@dataclass
class Finding:
    code: str
    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    department: str = ""
    target: str = ""
    activity: str = ""
    details: dict = field(default_factory=dict)  # the message's parameters, as displayed
    values: dict = field(default_factory=dict)  # raw numbers behind displayed ones (typed, computed ...)
    # set when kurum.xlsx "Kabul Edilen Bulgular" accepts the finding: gerekce, kabul_eden, tarih, yer
    accepted: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        return " › ".join(p for p in (self.file, self.sheet, self.cell) if p)

    @property
    def is_open(self) -> bool:
        """Not accepted: an open error keeps the document a draft."""
        return not self.accepted


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Stable, meaningful order: errors first, then by file, sheet, cell."""
    from .workbook_schema import cell_sort_key

    return sorted(
        findings,
        key=lambda f: (
            f.severity != ERROR,
            f.department,
            f.file,
            f.sheet,
            cell_sort_key(f.cell),
            f.code,
            f.message,
        ),
    )


# --- locations -----------------------------------------------------------------
def loc_of(src: dict[str, Loc], *keys: str) -> Optional[Loc]:
    """The first known location among ``keys``."""
    for k in keys:
        if k in src:
            return src[k]
    return None


def sub_loc(sub: Submission, key: str) -> Loc:
    """Location of a field of the Birim sheet, or at least the file."""
    return sub.src.get(key) or Loc(sub.file, "")


def where(loc: Optional[Loc]) -> str:
    return str(loc) if loc else ""
