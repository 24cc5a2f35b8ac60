"""Money arithmetic of a program, in one place.

Every amount the outputs show is computed here from its parts (typed totals
stay on the model as ``*_typed`` and are only compared, by the validator):
the column sums of a list of activities, a unit's target cost and total, the
institution total, and what a program holds before it was merged (a program
assembled in code from submissions, without :func:`generator.merge.merge`).
Validation, the document, the consolidated workbook and the templates read
these; none of them adds amounts up on its own.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from .model import ECONOMIC_CODES, Activity, Indicator, Program, Submission, UnitCosts

# column keys (of the Faaliyetler sheet and the control totals) and what they add up
BUDGET, OFF_BUDGET = "butce", "butce_disi"
TOTAL_KEYS = ("toplam", "kaynak_toplam", "maliyet_toplam")  # budget + off-budget


# --- what a program holds ----------------------------------------------------------
def activities(program: Program) -> list[Activity]:
    """The program's activities; a program that was never merged: its submissions'."""
    if program.activities or not program.submissions:
        return list(program.activities)
    return [a for s in program.submissions for a in s.activities]


def indicators(program: Program) -> list[Indicator]:
    """The program's indicator values; a program that was never merged: its submissions'."""
    if program.indicators or not program.submissions:
        return list(program.indicators)
    return [i for s in program.submissions for i in s.indicators]


def unit_costs(program: Program) -> dict[str, UnitCosts]:
    """Personnel and general administration costs by unit; never merged: the submissions'."""
    if program.unit_costs or not program.submissions:
        return dict(program.unit_costs)
    out: dict[str, UnitCosts] = {}
    for s in program.submissions:
        if s.unit_costs is not None and s.department:
            out.setdefault(s.department, s.unit_costs)
    return out


# --- sums ----------------------------------------------------------------------------
def economic_total(acts: Iterable[Activity], code: str) -> int:
    """The activities' budget under one economic code ("03")."""
    return sum(a.amounts.get(code, 0) for a in acts)


def economic_totals(acts: Iterable[Activity]) -> dict[str, int]:
    """Budget per economic code 01–09 (amounts under unknown codes left out)."""
    acts = list(acts)
    return {code: economic_total(acts, code) for code in ECONOMIC_CODES}


def budget(acts: Iterable[Activity]) -> int:
    return sum(a.budget for a in acts)


def off_budget(acts: Iterable[Activity]) -> int:
    return sum(a.off_budget for a in acts)


def total(acts: Iterable[Activity]) -> int:
    """Budget and off-budget sources: the activities' total resource need (target cost)."""
    return sum(a.total for a in acts)


def column_total(acts: Iterable[Activity], key: str) -> Optional[int]:
    """The sum of a money column: "e03" or "03", "butce", "butce_disi", "toplam",
    "kaynak_toplam", "maliyet_toplam"; None for any other key."""
    code = key[1:] if key.startswith("e") else key
    if code in ECONOMIC_CODES:
        return economic_total(acts, code)
    if key == BUDGET:
        return budget(acts)
    if key == OFF_BUDGET:
        return off_budget(acts)
    if key in TOTAL_KEYS:
        return total(acts)
    return None


def unit_total(acts: Iterable[Activity], costs: Optional[UnitCosts]) -> int:
    """A unit's total resource need: its activities, personnel and general administration."""
    return total(acts) + (costs.personnel + costs.general_admin if costs else 0)


def submission_total(sub: Submission) -> int:
    return unit_total(sub.activities, sub.unit_costs)


def institution_total(program: Program) -> int:
    """All units' activities, personnel and general administration costs."""
    return total(activities(program)) + sum(c.personnel + c.general_admin for c in unit_costs(program).values())


@dataclass
class Sums:
    """Budget and off-budget amounts added up from activities."""

    budget: int = 0
    off: int = 0

    @property
    def total(self) -> int:
        return self.budget + self.off

    def add(self, a: Activity) -> None:
        self.budget += a.budget
        self.off += a.off_budget

    def merge(self, other: "Sums") -> None:
        self.budget += other.budget
        self.off += other.off
