"""Domain model of a performance program (Performans Programı).

Every value read from a workbook keeps its origin (file, sheet, cell) in the
``src`` mapping of the record that holds it: ``record.src["budget"]`` is the
:class:`Loc` of the cell the budget came from. Typed totals (numbers a user
typed where the template has a formula) are kept in ``*_typed`` fields; the
computed value is always available as a property, so validation can compare
them and the document can show totals computed from their parts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional, Union

Number = Union[int, float]

# The nine first-level economic codes of the analytical budget classification.
# the kinds of bütçe dışı kaynak in the guide's Faaliyet Maliyetleri Tablosu; an amount whose kind is
# not given (an older workbook's single column, the published sample) counts as OFF_BUDGET_UNSPECIFIED
OFF_BUDGET_KINDS: dict[str, str] = {
    "doner": "Döner Sermaye",
    "yurt_ici": "Diğer Yurt İçi",
    "yurt_disi": "Yurt Dışı",
}
OFF_BUDGET_UNSPECIFIED = "yurt_ici"

ECONOMIC_CODES: dict[str, str] = {
    "01": "Personel Giderleri",
    "02": "Sosyal Güvenlik Kurumlarına Devlet Primi Giderleri",
    "03": "Mal ve Hizmet Alım Giderleri",
    "04": "Faiz Giderleri",
    "05": "Cari Transferler",
    "06": "Sermaye Giderleri",
    "07": "Sermaye Transferleri",
    "08": "Borç Verme",
    "09": "Yedek Ödenekler",
}

RESPONSIBLE = "S"  # Sorumlu birim
COOPERATING = "i"  # İş birliği yapılacak birim
# kinds of the rows of a general-information table (InfoTable.kinds)
ROW_DATA, ROW_GROUP, ROW_TOTAL = "data", "group", "total"


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a value came from."""

    file: str
    sheet: str
    cell: str = ""

    def __str__(self) -> str:
        return f"{self.file} › {self.sheet}" + (f" › {self.cell}" if self.cell else "")


@dataclass
class Department:
    """A spending unit (harcama birimi)."""

    code: str  # e.g. "D7-FDB"
    name: str  # e.g. "Fen İşleri Dairesi Başkanlığı"
    aliases: list[str] = field(default_factory=list)  # name variants seen in documents
    ceiling: Optional[int] = None  # budget ceiling (bütçe tavanı) in TL
    order: int = 0
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class StrategicArea:
    no: int
    name: str
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Aim:
    code: str  # "A1"
    area_no: int
    name: str
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class IndicatorDef:
    """Indicator as defined in the strategic plan (kurum.xlsx)."""

    code: str  # "PG1.1.1"
    target_code: str  # "H1.1"
    name: str
    unit: str
    src: dict[str, Loc] = field(default_factory=dict)
    # the guide's earlier years beside the program year t: the realized value of
    # year t-2 (gerçekleşme) and the estimate or target of year t-1 (tahmin)
    actual_t2: Optional[Number] = None
    estimate_t1: Optional[Number] = None
    # optional "hedef kartı" data of the guide: weight in the target (%), baseline value,
    # desired direction, monitoring frequency and data source
    weight: Optional[Number] = None
    baseline: Optional[Number] = None
    direction: str = ""
    frequency: str = ""
    data_source: str = ""

    @property
    def has_card(self) -> bool:
        return self.weight is not None or self.baseline is not None or bool(
            self.direction or self.frequency or self.data_source)


@dataclass
class Target:
    """Performance target (performans hedefi)."""

    code: str  # "H1.1"
    aim_code: str  # "A1"
    name: str
    # responsibility matrix row: department code -> "S" or "i"
    responsibility: dict[str, str] = field(default_factory=dict)
    src: dict[str, Loc] = field(default_factory=dict)

    @property
    def responsible(self) -> list[str]:
        return [d for d, r in self.responsibility.items() if r == RESPONSIBLE]


@dataclass(slots=True)
class Indicator:
    """An indicator value submitted by a department."""

    code: str
    target_code: str
    name: str
    unit: str
    value: Optional[Number]
    department: str = ""
    row: int = 0
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass(slots=True)
class Activity:
    """An activity (faaliyet) with its resource need."""

    target_code: str  # "H1.1"
    code: str  # "F1"
    name: str
    unit_code: str  # responsible spending unit, e.g. "D29-İDS"
    explanation: str = ""
    amounts: dict[str, int] = field(default_factory=dict)  # economic code -> TL (budget)
    # bütçe dışı kaynak by kind (OFF_BUDGET_KINDS) -> TL; off_budget is their sum
    off_amounts: dict[str, int] = field(default_factory=dict)
    budget_typed: Optional[int] = None  # "Bütçe" typed over its formula
    total_typed: Optional[int] = None  # "Toplam" of the performance target table, typed
    cost_total_typed: Optional[int] = None  # "Toplam Kaynak İhtiyacı" of the cost table, typed
    off_budget_typed: Optional[int] = None  # "Bütçe Dışı" typed over its formula
    row: int = 0
    src: dict[str, Loc] = field(default_factory=dict)
    # a row carried over from last year's program: last year's total, shown for reference
    previous_total: Optional[int] = None
    # the code the document shows when the merge renumbered a target whose codes two units used
    number: str = ""

    @property
    def entered(self) -> bool:
        """Something was entered: an amount, or a name in a row not carried over
        from last year (a carried row counts once an amount is typed into it)."""
        if self.amounts or self.off_amounts:
            return True
        if any(v is not None for v in (self.budget_typed, self.total_typed, self.cost_total_typed,
                                       self.off_budget_typed)):
            return True
        return bool(self.name.strip()) and self.previous_total is None

    @property
    def carried_untouched(self) -> bool:
        """Carried over from last year and left as it was (no amount typed)."""
        return self.previous_total is not None and not self.entered

    @property
    def budget(self) -> int:
        return sum(self.amounts.values())

    @property
    def off_budget(self) -> int:
        """Bütçe dışı kaynak: the sum of its kinds."""
        return sum(self.off_amounts.values())

    @property
    def total(self) -> int:
        return self.budget + self.off_budget

    @property
    def key(self) -> tuple[str, str]:
        return (self.target_code, self.code)


@dataclass
class UnitCosts:
    """Section D of the program for one unit: personnel and general administration."""

    department: str
    personnel: int = 0  # Personel Gideri
    general_admin: int = 0  # Genel Yönetim Gideri
    activity_count_typed: Optional[int] = None
    target_cost_typed: Optional[int] = None  # "Hedef" typed
    total_typed: Optional[int] = None  # "Toplam" typed
    src: dict[str, Loc] = field(default_factory=dict)
    entered: bool = True  # False when the reader found both cost cells empty


@dataclass
class ControlTotal:
    """A table total typed by the coordinator (e.g. a published "Genel Toplam")."""

    target_code: str
    column: str  # "butce", "butce_disi", "toplam", "03".."09", "maliyet_toplam"
    value: int
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class TeamMember:
    group: str  # "Başkan", "Üyeler", "Grafik Tasarım ve Uygulama"
    name: str
    title: str = ""


@dataclass
class Profile:
    """Institution profile (kurum bilgileri)."""

    name: str = ""  # "Balıkesir Büyükşehir Belediyesi"
    year: int = 0
    plan_period: str = ""  # "2022-2024": first and last year of the strategic plan
    mayor: str = ""
    mayor_title: str = ""
    coordinator_unit: str = ""  # "Strateji Geliştirme Dairesi Başkanlığı"
    date_text: str = ""  # "Aralık, 2023"
    total_budget: Optional[int] = None  # institution total (toplam maliyet / tavan)
    activity_count_typed: Optional[int] = None
    address: str = ""
    phone: str = ""
    email: str = ""
    mission: str = ""
    vision: str = ""
    foreword: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)
    src: dict[str, Loc] = field(default_factory=dict)
    # the guide's "Diğer İdarelere Transfer Edilecek Kaynaklar" line (TL, budget)
    transfers: Optional[int] = None

    def plan_years(self) -> tuple[Optional[int], Optional[int]]:
        """First and last year of the strategic plan; (None, None) when the period
        is not written as "2022-2024"."""
        m = re.fullmatch(r"\s*(\d{4})\s*[-–/]\s*(\d{4})\s*", self.plan_period or "")
        return (int(m.group(1)), int(m.group(2))) if m else (None, None)


@dataclass
class Policy:
    row_no: str  # "264.1."
    text: str
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Law:
    name: str
    areas: list[int] = field(default_factory=list)  # strategic area numbers marked X
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class InfoTable:
    """A general-information table (Tablo 1–9): a header and rows of cells.

    ``rows`` hold cell values (str or number); a row whose ``kinds`` entry is
    "group" is a group heading, "total" a typed total row.
    """

    key: str  # "t1".."t9"
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # "data" | "group" | "total"
    source_note: str = ""
    src_rows: list[int] = field(default_factory=list)  # worksheet row of each row
    sheet: str = ""
    file: str = ""


@dataclass
class Narrative:
    """A percentage stated in the narrative text, checked against a table."""

    key: str  # e.g. "egitim_ilkogretim"
    text: str
    value: float  # stated percentage, e.g. 27.93
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class ReviewItem:
    """A part of kurum.xlsx carried over from last year that must be reviewed."""

    topic: str  # "Önsöz"
    sheet: str = ""  # "Önsöz"
    todo: str = ""  # what to do, Turkish
    done: bool = False  # marked "Gözden geçirildi"
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class TextBlock:
    """One paragraph of the program's own narrative (kurum.xlsx, sheet Metinler).

    ``section`` says where the document shows it (see :data:`generator.narrative.SECTIONS`),
    ``kind`` is "paragraf", "madde" (bullet) or "ara_baslik" (run-in heading);
    ``text`` may hold ``**bold**`` and ``*italic*``.
    """

    section: str
    kind: str
    text: str
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Acceptance:
    """A finding the coordinator accepted with a reason (kurum.xlsx "Kabul Edilen Bulgular").

    Empty location fields match anything; ``cell`` may be "B7" or "Sayfa!B7".
    """

    rule: str  # "MTR-02"
    reason: str
    department: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    target: str = ""
    activity: str = ""
    accepted_by: str = ""
    date: str = ""
    src: dict[str, Loc] = field(default_factory=dict)


@dataclass
class Institution:
    """Everything the coordinator keeps in kurum.xlsx."""

    profile: Profile = field(default_factory=Profile)
    areas: list[StrategicArea] = field(default_factory=list)
    aims: list[Aim] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    indicator_defs: list[IndicatorDef] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    laws: list[Law] = field(default_factory=list)
    info_tables: dict[str, InfoTable] = field(default_factory=dict)
    control_totals: list[ControlTotal] = field(default_factory=list)
    narratives: list[Narrative] = field(default_factory=list)
    texts: list[TextBlock] = field(default_factory=list)  # the narrative, in document order per section
    units_of_measure: list[str] = field(default_factory=list)
    reviews: list[ReviewItem] = field(default_factory=list)  # carried over by new-year, to review
    acceptances: list[Acceptance] = field(default_factory=list)
    # matrix rows whose target code is not in the plan: (code, marks, loc)
    matrix_unknown: list[tuple[str, dict[str, str], Loc]] = field(default_factory=list)
    # origins of institution-level cells, e.g. "matris:D7-FDB" = matrix column header
    src: dict[str, Loc] = field(default_factory=dict)
    file: str = ""

    def department(self, code: str) -> Optional[Department]:
        return self._index("departments", self.departments).get(code)

    def target(self, code: str) -> Optional[Target]:
        return self._index("targets", self.targets).get(code)

    def _index(self, name: str, items: list) -> dict:
        """Code → first item with that code; rebuilt when the list is replaced or
        grows or shrinks (the lookups are on hot paths of merge, validate, render)."""
        cache = self.__dict__.setdefault("_lookup", {})
        key = (id(items), len(items))
        hit = cache.get(name)
        if hit is None or hit[0] != key:
            hit = cache[name] = (key, {x.code: x for x in reversed(items)})
        return hit[1]


@dataclass
class Submission:
    """One department workbook as read."""

    file: str
    department: str  # code as written in the workbook
    department_name: str = ""
    year: Optional[int] = None
    template_version: str = ""
    indicators: list[Indicator] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    unit_costs: Optional[UnitCosts] = None
    prepared_by: str = ""  # preparer's name (and title)
    phone: str = ""  # preparer's phone
    email: str = ""  # preparer's e-mail
    # the workbook's own save time (docProps/core.xml dcterms:modified), naive UTC
    saved_at: Optional[datetime] = None
    # numbers typed over the live SUM formulas of the activities' totals row
    typed_totals: dict[str, int] = field(default_factory=dict)
    src: dict[str, Loc] = field(default_factory=dict)

    @property
    def is_blank(self) -> bool:
        """Nothing was entered: no indicator value, no activity with a name or an
        amount (rows carried over from last year count once an amount is typed),
        no unit cost. A blank workbook is "not submitted", not a submission."""
        if any(i.value is not None for i in self.indicators):
            return False
        if any(a.entered for a in self.activities):
            return False
        return self.unit_costs is None or not self.unit_costs.entered


@dataclass
class Program:
    """The merged program of one year."""

    institution: Institution
    submissions: list[Submission] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    unit_costs: dict[str, UnitCosts] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return self.institution.profile.year
