"""Accepted findings: kurum.xlsx "Kabul Edilen Bulgular".

A justified exception (a deliberate second responsible unit, a known budget
difference) is written there with its rule code, where it is (department,
file, sheet, cell or target, activity; a blank field matches anything) and
the reason. :func:`apply_acceptances` marks the matching findings as
accepted: they are still reported, with the reason, but an accepted error no
longer makes the document a draft. An acceptance that matches nothing is a
warning (KBL-01), so stale entries do not pile up.
"""
from __future__ import annotations

from dataclasses import replace

from .findings import WARNING, Finding, Rule, RuleSet
from .model import Acceptance, Institution
from .turkish import normalize

RULES = RuleSet(
    Rule("KBL-01", WARNING, "Kabul kaydı hiçbir bulguya uymuyor: {rule} {where}.",
         "kurum.xlsx Kabul Edilen Bulgular sayfasındaki satır, bu yılın bulgularından hiçbirine uymuyor "
         "(bulgu giderilmiş ya da kural kodu veya yer yanlış yazılmış). Satırı düzeltin ya da silin."),
)
finding = RULES.finding


def _same(expected: str, actual: str) -> bool:
    return not expected or normalize(expected) == normalize(actual)


def matches(acc: Acceptance, f: Finding) -> bool:
    """Does the acceptance cover the finding? Blank fields match anything."""
    if acc.rule.strip().upper() != f.code:
        return False
    sheet, cell = acc.sheet, acc.cell
    if "!" in cell:  # "Faaliyetler!P12"
        sheet_in_cell, _, cell = cell.rpartition("!")
        sheet = sheet or sheet_in_cell.strip("'")
    return (_same(acc.department, f.department) and _same(acc.file, f.file) and _same(sheet, f.sheet)
            and _same(cell.replace("$", ""), f.cell) and _same(acc.target, f.target)
            and _same(acc.activity, f.activity))


def where_text(acc: Acceptance) -> str:
    """The location written in an acceptance, for messages."""
    parts = [acc.department, acc.file, acc.sheet, acc.cell, acc.target, acc.activity]
    return "(" + ", ".join(p for p in parts if p) + ")" if any(parts) else "(yer belirtilmemiş)"


@RULES.check("KBL-01")
def apply_acceptances(inst: Institution, findings: list[Finding]) -> list[Finding]:
    """Findings with the accepted ones marked, plus a KBL-01 for every acceptance matching nothing."""
    used = [False] * len(inst.acceptances)
    out = []
    for f in findings:
        for i, acc in enumerate(inst.acceptances):
            if matches(acc, f):
                used[i] = True
                loc = acc.src.get("kural")
                f = replace(f, accepted={"gerekce": acc.reason, "kabul_eden": acc.accepted_by, "tarih": acc.date,
                                         "yer": str(loc) if loc else ""})
                break
        out.append(f)
    for acc, hit in zip(inst.acceptances, used):
        if not hit:
            out.append(finding("KBL-01", acc.src.get("kural"), rule=acc.rule, where=where_text(acc)))
    return out
