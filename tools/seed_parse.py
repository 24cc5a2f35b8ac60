"""Seed converter: the published Balıkesir Büyükşehir Belediyesi 2024 Performans
Programı (text export, tab-separated table rows) -> the project's domain model.

This is a one-off, reproducible converter kept in the repository so that the
seed data can be regenerated. It is NOT imported by the product (the product
never depends on ../shared); it uses only the standard library and
``generator.model``.

Public API::

    parse_seed(path) -> (Institution, list[Submission])
    parse_seed_report(path) -> (Institution, list[Submission], list[Anomaly])
    arithmetic_anomalies(institution, submissions) -> list[Anomaly]
    drop_matching_typed(institution, submissions) -> None
    main()   # python tools/seed_parse.py [path]: summary + anomalies

Every published number is stored as published: typed totals go to the
``*_typed`` fields at parse time; ``drop_matching_typed`` later clears the
ones that equal the value computed from their parts.

Decisions (see also the comment blocks at the code that applies them):
- Canonical texts: target names come from the "Performans Hedefleri" list of
  section C (the table headings in the body differ in places, reported);
  aim names from the same list; strategic area names from the body (the
  contents says "Şehir Yönetimii").
- Units of measure: the text export renders "m²" as "m ²"; the unit is
  normalized to "m²" (``UNIT_FIXES``), running text is left as is.
- Activity name = text of the performance target table; unit / amounts /
  explanation come from the cost table of the same target, paired by
  position when both tables list the same number of activities (H12.5's cost
  table numbers its last two rows F8, F8), otherwise by F number.
  Activity.amounts keeps only the non-zero economic-code amounts.
- Responsibility matrix (Tablo 10): columns are identified by the number of
  their header code (see the comment block above ``_Parser.parse_matrix``);
  the published S/i marks are kept unchanged.
- Indicator owner = the target's S unit; with several S units the first one
  that owns activities of the target; with no S unit, or an S unit owning
  none of the target's activities, the unit owning most of them (see
  ``_Parser.build_submissions``). Every deviation is reported.
- Duties: a page break splitting an item ("deniz araçlarının" / "- atıklarını
  toplamak", "müste-" / "reken") is joined; unnumbered paragraphs inside an
  item (sub-paragraphs of the same article) stay with the item ("\\n").
- The annex is not stored; it is used as cross-evidence for the units of the
  cost tables and the activity counts of section D.
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import TEMPLATE_VERSION
from generator.model import (
    OFF_BUDGET_UNSPECIFIED,
    RESPONSIBLE,
    Activity,
    Aim,
    ControlTotal,
    Department,
    Indicator,
    IndicatorDef,
    InfoTable,
    Institution,
    Law,
    Loc,
    Narrative,
    Policy,
    StrategicArea,
    Submission,
    Target,
    TeamMember,
    TextBlock,
    UnitCosts,
)

Number = Union[int, float]

DEFAULT_SEED = Path(__file__).resolve().parents[2] / "shared/seed/balikesir_2024_performans_programi.txt"

# Documented normalization of units of measure (text-export artefact).
UNIT_FIXES = {"m ²": "m²"}

# Narrative keys for the education levels named in the human-resources text.
EDUCATION_LEVELS = {
    "ilköğretim": "İlköğretim",
    "lise": "Lise",
    "ön lisans": "Ön Lisans",
    "lisans": "Lisans",
    "yüksek lisans": "Y. Lisans",
    "doktora": "Doktora",
}
GENDERS = {"kadın": "Kadın", "erkek": "Erkek"}

INFO_COLUMNS = {
    "t1": ["Sıra No", "Hizmet Binası", "Sayı"],
    "t2": ["Araç Türü", "Resmi", "Kiralık", "Toplam"],
    "t3": ["Kalem", "Adet"],
    "t4": ["Yazılım Adı", "Açıklama"],
    "t5": ["Statü", "Toplam", "Kadın", "Erkek", "İlköğretim", "Lise", "Ön Lisans", "Lisans", "Y. Lisans",
           "Doktora"],
    "t6": ["Personel", "Norm Kadro", "Dolu Kadro", "Boş Kadro"],
    "t7": ["Yaş Aralığı", "Memur", "İşçi", "Süresiz İşçi", "Toplam"],
    "t8": ["Hizmet Sınıfı", "Personel Sayısı"],
    "t9": ["Hizmet Süresi", "Memur", "İşçi", "Süresiz İşçi", "Toplam"],
}


class SeedFormatError(ValueError):
    """The text does not have the expected structure."""


@dataclass
class Anomaly:
    kind: str  # short category, e.g. "matrix", "cost-total", "name-variant"
    where: str  # e.g. "H1.4 F1", "line 904"
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.where}: {self.message}"


# --------------------------------------------------------------------------
# text helpers


def tr_lower(text: str) -> str:
    return text.replace("I", "ı").replace("İ", "i").lower()


def tr_upper(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()


def tr_title(text: str) -> str:
    """"ULAŞIM PLANLAMA VE RAYLI" -> "Ulaşım Planlama ve Raylı"."""
    out = []
    for word in text.split():
        low = tr_lower(word)
        out.append(low if low == "ve" else tr_upper(low[:1]) + low[1:])
    return " ".join(out)


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("<i>", "").replace("</i>", "")).strip()


_INT_RX = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)$")
_DEC_RX = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+),\d+$")


def parse_number(text: str) -> Optional[Number]:
    """Turkish number: "2.747" -> 2747, "1292" -> 1292, "0,5" -> 0.5; else None."""
    t = text.strip()
    if _INT_RX.match(t):
        return int(t.replace(".", ""))
    if _DEC_RX.match(t):
        return float(t.replace(".", "").replace(",", "."))
    return None


def parse_amount(text: str) -> Optional[int]:
    value = parse_number(text)
    return value if isinstance(value, int) else None


def cell_value(text: str):
    """Info-table cell: "" -> None, numbers -> int/float, "20 adet" -> 20, else text."""
    t = clean(text)
    if not t:
        return None
    m = re.match(r"^([\d.,]+) adet$", t)
    if m and parse_number(m.group(1)) is not None:
        return parse_number(m.group(1))
    value = parse_number(t)
    return t if value is None else value


def short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def word_diff(a: str, b: str) -> str:
    """Compact description of how b differs from a (word level)."""
    wa, wb = a.split(), b.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if op != "equal":
            parts.append(f"'{' '.join(wa[i1:i2])}'→'{' '.join(wb[j1:j2])}'")
    return "; ".join(parts) if parts else "(whitespace only)"


# --------------------------------------------------------------------------
# unit names


def unit_key(name: str) -> str:
    """Comparable form of a spending-unit name (abbreviations expanded)."""
    s = tr_lower(clean(name))
    s = s.replace("dai. bşk.", "dairesi başkanlığı").replace("d.b.", "dairesi başkanlığı")
    s = re.sub(r"\bdaire başkanlığı\b", "dairesi başkanlığı", s)
    return re.sub(r"\s+", " ", s).strip()


class UnitResolver:
    """Maps the many spellings of a unit name to a department code."""

    CUTOFF = 0.85

    def __init__(self, departments: list[Department]):
        self.departments = departments
        self.keys = {unit_key(d.name): d.code for d in departments}

    def score(self, name: str) -> tuple[float, Optional[str]]:
        key = unit_key(name)
        if key in self.keys:
            return 1.0, self.keys[key]
        best, code = 0.0, None
        for k, c in self.keys.items():
            r = difflib.SequenceMatcher(a=key, b=k, autojunk=False).ratio()
            if r > best:
                best, code = r, c
        return best, code

    def resolve(self, name: str) -> Optional[str]:
        ratio, code = self.score(name)
        return code if ratio >= self.CUTOFF else None


# --------------------------------------------------------------------------
# intermediate records of section C


@dataclass
class _PerfActivity:
    code: str
    name: str
    budget: Optional[int]
    off_budget: Optional[int]
    total: Optional[int]
    line: int


@dataclass
class _CostActivity:
    code: str
    name: str
    unit_name: str
    amounts: dict[str, Optional[int]]
    total: Optional[int]
    line: int
    explanation: str = ""


@dataclass
class _TargetBody:
    code: str
    aim_code: str
    name: str = ""
    line: int = 0
    indicators: list[tuple[str, str, str, str, int]] = field(default_factory=list)  # code, name, unit, value, line
    perf: list[_PerfActivity] = field(default_factory=list)
    perf_total: Optional[tuple[list[Optional[int]], int]] = None  # values, line
    cost_codes: list[str] = field(default_factory=list)
    cost: list[_CostActivity] = field(default_factory=list)
    cost_total: Optional[tuple[list[Optional[int]], int]] = None
    perf_tables: int = 0
    cost_tables: int = 0


# --------------------------------------------------------------------------
# the parser


class _Parser:
    def __init__(self, path: Union[str, Path]):
        self.path = Path(path)
        self.lines = self.path.read_text(encoding="utf-8").splitlines()
        self.anomalies: list[Anomaly] = []
        self.inst = Institution()
        self.resolver: Optional[UnitResolver] = None
        self.alias_candidates: list[tuple[int, str]] = []  # (line, spelling of a unit name)

    # -- basics ------------------------------------------------------------
    def line(self, n: int) -> str:
        return self.lines[n - 1]

    def find(self, pattern: str, start: int = 1, end: Optional[int] = None) -> int:
        rx = re.compile(pattern)
        stop = len(self.lines) if end is None else end
        for n in range(start, stop + 1):
            if rx.search(self.lines[n - 1]):
                return n
        raise SeedFormatError(f"{pattern!r} not found in lines {start}-{stop}")

    def next_text(self, n: int) -> int:
        """Line number of the first non-blank line after n."""
        m = n + 1
        while m <= len(self.lines) and not self.line(m).strip():
            m += 1
        return m

    def loc(self, n: int) -> Loc:
        return Loc(self.path.name, "line", str(n))

    def note(self, kind: str, where: str, message: str) -> None:
        self.anomalies.append(Anomaly(kind, where, message))

    # -- driver --------------------------------------------------------------
    def run(self) -> tuple[Institution, list[Submission]]:
        self.parse_front_matter()
        self.parse_duties()
        self.parse_laws()
        self.parse_info_tables()
        self.parse_narratives()
        self.parse_policies()
        self.parse_mission_vision_values()
        self.parse_texts()
        self.parse_plan_lists()
        self.parse_departments()
        self.parse_matrix()
        bodies = self.parse_section_c()
        unit_costs = self.parse_section_d()
        self.parse_contact()
        activities, indicators = self.build_records(bodies)
        self.collect_aliases()
        annex = self.parse_annex()
        self.check_annex(annex, activities, unit_costs)
        self.check_matrix(activities)
        return self.inst, self.build_submissions(activities, indicators, unit_costs)

    # -- front matter ----------------------------------------------------------
    def parse_front_matter(self) -> None:
        p = self.inst.profile
        start = self.find(r"^Kıymetli Balıkesirliler,$")
        title_line = self.find(r"Belediye Başkanı$", start)
        mayor_line = title_line - 1
        while not self.line(mayor_line).strip():
            mayor_line -= 1
        p.foreword = [clean(self.line(n)) for n in range(start, mayor_line) if self.line(n).strip()]
        p.mayor = clean(self.line(mayor_line))
        p.mayor_title = clean(self.line(title_line))
        p.src.update(foreword=self.loc(start), mayor=self.loc(mayor_line))

        year_line = self.find(r"^\d{4} Yılı Performans Programı$", title_line)
        p.year = int(self.line(year_line)[:4])
        name_line = year_line - 1
        while not self.line(name_line).strip():
            name_line -= 1
        p.name = clean(self.line(name_line))
        p.src["name"] = self.loc(name_line)

        coord = self.find(r" koordinatörlüğünde hazırlanmıştır\.$", year_line)
        p.coordinator_unit = clean(self.line(coord).split(" koordinatörlüğünde")[0])

        team_start = self.find(r"^Hazırlama Ekibi$", coord)
        date_line = self.find(r"^[A-ZÇĞİÖŞÜ][a-zçğıöşü]+, \d{4}$", team_start)
        p.date_text = clean(self.line(date_line))
        group = ""
        for n in range(team_start + 1, date_line):
            text = clean(self.line(n))
            if not text:
                continue
            # a member line carries a surname in capitals ("Fatih TANER")
            if re.search(r"\b[A-ZÇĞİÖŞÜ]{2,}\b", text.split(",")[0]):
                name, _, title = text.partition(", ")
                p.team.append(TeamMember(group, name.strip(), title.strip()))
            else:
                group = text
        # contents: area names as listed there (compared with the body later)
        self.contents_areas: dict[int, str] = {}
        for n in range(date_line, self.find(r"^Tablo Listesi$", date_line)):
            m = re.match(r"^Stratejik Alan (\d+): (.+)\t\d+$", self.line(n))
            if m:
                self.contents_areas[int(m.group(1))] = clean(m.group(2))
        period = re.search(r"\b(20\d\d-20\d\d)\b", " ".join(p.foreword))
        if period:
            p.plan_period = period.group(1)

    # -- A. duties ---------------------------------------------------------------
    def parse_duties(self) -> None:
        start = self.find(r"^A\. Görev, Yetki ve Sorumluluklar$")
        end = self.find(r"^Balıkesir Büyükşehir Belediyesi Faaliyetlerini Düzenleyen Kanun ve Düzenlemeler$",
                        start)
        self.duties_end = end
        duties: list[str] = []
        for n in range(start + 1, end):
            text = clean(self.line(n))
            if not text:
                continue
            m = re.match(r"^(?:-|\d+\.)\s+(.*)$", text)
            body = m.group(1) if m else text
            starts_lower = body[:1].islower()
            if not duties and not m:
                continue  # introduction paragraphs before the first item
            prev = duties[-1] if duties else ""
            if duties and prev.endswith("-") and starts_lower and not m:
                # hyphenated word split by a page break ("müste-" / "reken")
                duties[-1] = prev[:-1] + body
                self.note("duties", f"line {n}", "hyphenated page-break continuation joined to previous item")
            elif duties and starts_lower and not prev.endswith((".", ":", ";")):
                # item split by a page break ("deniz araçlarının" / "- atıklarını toplamak")
                duties[-1] = prev + " " + body
                self.note("duties", f"line {n}", f"page-break continuation '{short(body, 30)}' joined to previous item")
            elif m:
                duties.append(body)
            else:
                # unnumbered paragraph inside an item (same article): kept with the item
                duties[-1] = prev + "\n" + body
        self.inst.profile.duties = duties

    # -- laws ----------------------------------------------------------------------
    def parse_laws(self) -> None:
        start = self.find(r"^Yasal Mevzuat\t", self.duties_end)
        end = self.find(r"^C\. Fiziksel Kaynaklar$", start)
        areas: list[Optional[int]] = []
        for n in range(start, end):
            cells = self.line(n).split("\t")
            if len(cells) < 2:
                continue
            if cells[0] == "Yasal Mevzuat":
                # header: "1. Alan" ... "7. Alan" gives the column -> area mapping
                areas = []
                for c in cells[1:]:
                    m = re.match(r"^(\d+)\. Alan$", c.strip())
                    areas.append(int(m.group(1)) if m else None)
                continue
            marked = []
            for i, c in enumerate(cells[1:]):
                if not c.strip():
                    continue
                if c.strip() != "X" or i >= len(areas) or areas[i] is None:
                    self.note("laws", f"line {n}", f"unexpected cell {c!r}")
                    continue
                marked.append(areas[i])
            self.inst.laws.append(Law(clean(cells[0]), marked, {"name": self.loc(n)}))

    # -- C. physical resources, D. human resources: tables 1-9 ------------------------
    def _table_start(self, number: int) -> tuple[int, str]:
        n = self.find(rf"^Tablo {number}: (.+)$", self.duties_end)
        return n, clean(self.line(n).split(":", 1)[1])

    def _new_table(self, key: str, number: int) -> tuple[InfoTable, int]:
        n, title = self._table_start(number)
        table = InfoTable(key=key, title=title, columns=list(INFO_COLUMNS[key]), file=self.path.name, sheet="")
        self.inst.info_tables[key] = table
        return table, n

    @staticmethod
    def _add(table: InfoTable, row: list, kind: str, n: int) -> None:
        table.rows.append(row)
        table.kinds.append(kind)
        table.src_rows.append(n)

    def _source_after(self, table: InfoTable, n: int, stop: int) -> None:
        for m in range(n, stop):
            text = clean(self.line(m))
            if text.startswith("Kaynak:"):
                table.source_note = text
                return

    def parse_info_tables(self) -> None:
        # Tablo 1: Hizmet Binaları
        t, n = self._new_table("t1", 1)
        stop = self.find(r"^Kaynak:", n)
        for m in range(n + 1, stop):
            cells = self.line(m).split("\t")
            if len(cells) < 3:
                continue
            if re.match(r"^\d+$", cells[0].strip()):
                self._add(t, [int(cells[0]), clean(cells[1]), cell_value(cells[2])], "data", m)
            elif clean(cells[0]) == "Toplam":
                self._add(t, [None, "Toplam", cell_value(cells[2])], "total", m)
            else:  # group heading: name in the "Hizmet Binası" column
                self._add(t, [None, clean(cells[0]), None], "group", m)
        t.source_note = clean(self.line(stop))

        # Tablo 2: Hizmet Araçları
        t, n = self._new_table("t2", 2)
        stop = self.find(r"^Kaynak:", n)
        header = self.find(r"^Araç Türü\t", n)
        for m in range(header + 1, stop):
            cells = self.line(m).split("\t")
            if len(cells) == 4:
                kind = "total" if clean(cells[0]) == "Toplam" else "data"
                self._add(t, [clean(cells[0])] + [cell_value(c) for c in cells[1:]], kind, m)
        t.source_note = clean(self.line(stop))

        # Tablo 3: two-column layout, flattened: left block then right block
        t, n = self._new_table("t3", 3)
        stop = self.find(r"^Tablo 4: ", n)
        left, right = [], []
        for m in range(n + 1, stop):
            cells = self.line(m).split("\t")
            if len(cells) < 2:
                continue
            cells += [""] * (4 - len(cells))
            for side, (name, value) in ((left, cells[0:2]), (right, cells[2:4])):
                name = clean(name)
                if not name:
                    continue
                if name.startswith("Kaynak:"):
                    t.source_note = name
                    continue
                val = cell_value(value)
                side.append(([name, val], "group" if val is None else "data", m))
        for row, kind, m in left + right:
            self._add(t, row, kind, m)

        # Tablo 4: software; the table continues after Tablo 5 (header repeated)
        t, n = self._new_table("t4", 4)
        t6, _ = self._table_start(6)
        in_block = False
        last = n
        for m in range(n + 1, t6):
            text = self.line(m)
            cells = text.split("\t")
            if cells[0] == "Yazılım Adı":
                in_block = True
                continue
            if "\t" not in text:
                if text.strip():
                    in_block = False
                continue
            if in_block and len(cells) == 2:
                self._add(t, [clean(cells[0]), clean(cells[1])], "data", m)
                last = m
        self._source_after(t, last, t6)

        # Tablo 5: two header lines, then rows
        t, n = self._new_table("t5", 5)
        stop = self.find(r"^Kaynak:", n)
        for m in range(n + 1, stop):
            cells = self.line(m).split("\t")
            if len(cells) == 10 and clean(cells[0]) and clean(cells[0]) != "Statü":
                kind = "total" if clean(cells[0]) == "Toplam" else "data"
                self._add(t, [clean(cells[0])] + [cell_value(c) for c in cells[1:]], kind, m)
        t.source_note = clean(self.line(stop))

        # Tablo 6-9: one header line, rows until the next blank line
        for number in (6, 7, 8, 9):
            key = f"t{number}"
            t, n = self._new_table(key, number)
            header = self.find(r"\t", n)
            m = header + 1
            while m <= len(self.lines) and self.line(m).strip():
                cells = self.line(m).split("\t")
                if len(cells) != len(t.columns):
                    self.note("info-table", f"line {m}", f"{key}: {len(cells)} cells, expected {len(t.columns)}")
                kind = "total" if clean(cells[0]) == "Toplam" else "data"
                self._add(t, [clean(cells[0])] + [cell_value(c) for c in cells[1:]], kind, m)
                m += 1
            nxt = self.next_text(m - 1)
            if self.line(nxt).startswith("Kaynak:"):
                t.source_note = clean(self.line(nxt))

    # -- narratives ----------------------------------------------------------------
    def parse_narratives(self) -> None:
        edu = self.find(r"%\s?\d+,\d+'\S* ilköğretim")
        rx = re.compile(r"%\s?(\d+,\d+)'\S*\s+(ilköğretim|lise|ön lisans|yüksek lisans|lisans|doktora)\b")
        for m in rx.finditer(self.line(edu)):
            label = EDUCATION_LEVELS[m.group(2)]
            self.inst.narratives.append(
                Narrative(f"egitim:{label}", m.group(0), float(m.group(1).replace(",", ".")), {"text": self.loc(edu)}))
        gen = self.find(r"yöneticilerin %")
        for m in re.finditer(r"%\s?(\d+,\d+)'\S*\s+(kadın|erkek)\b", self.line(gen)):
            label = GENDERS[m.group(2)]
            self.inst.narratives.append(
                # the sentence is about managers ("yöneticilerin"), not the staff table 5 counts
                Narrative(f"yonetici:{label}", m.group(0), float(m.group(1).replace(",", ".")),
                          {"text": self.loc(gen)}))

    # -- policies ----------------------------------------------------------------
    def parse_policies(self) -> None:
        start = self.find(r"^Satır No\.\t")
        end = self.find(r"^B\. Amaç ve Hedefler$", start)
        for n in range(start, end):
            m = re.match(r"^(\d+(?:\.\d+)*\.?)\t(.+)$", self.line(n))
            if m:
                self.inst.policies.append(Policy(m.group(1), clean(m.group(2)), {"text": self.loc(n)}))
        self.policies_end = end

    # -- mission, vision, values -------------------------------------------------------
    def parse_mission_vision_values(self) -> None:
        p = self.inst.profile
        m = self.next_text(self.find(r"^Misyonumuz$", self.policies_end))
        p.mission = clean(self.line(m))
        v = self.next_text(self.find(r"^Vizyonumuz$", m))
        p.vision = clean(self.line(v))
        n = self.next_text(self.find(r"^İlkelerimiz ve Temel Değerlerimiz$", v))
        while self.line(n).startswith("- "):
            p.values.append(clean(self.line(n)[2:]))
            n += 1
        p.src.update(mission=self.loc(m), vision=self.loc(v))

    # -- the narrative (kurum.xlsx, sheet Metinler) -------------------------------------
    def _text_blocks(self, section: str, start: int, end: int, *, skip_tables: bool = True) -> None:
        """The prose of lines start..end-1 as blocks of ``section`` (tables and blank lines skipped).

        "- " lines are bullets; a line that continues a sentence cut by a page
        break (previous block without final punctuation, this one starting in
        lower case) is joined to the previous block; a bullet that starts in
        lower case after a list is the list's closing clause, a paragraph.
        """
        blocks = self.inst.texts
        first = len(blocks)
        for n in range(start, end):
            raw = self.line(n)
            if skip_tables and "\t" in raw:
                continue
            text = clean(raw)
            if not text:
                continue
            m = re.match(r"^-\s+(.*)$", text)
            body = m.group(1) if m else text
            prev = blocks[-1] if len(blocks) > first else None
            if prev is not None and body[:1].islower() and not prev.text.endswith((".", ":", ";", "!", "?", ",")):
                prev.text += " " + body
                self.note("texts", f"line {n}", f"page-break continuation '{short(body, 30)}' joined")
                continue
            kind = "madde" if m else "paragraf"
            if m and body[:1].islower() and prev is not None and prev.kind == "madde":
                kind = "paragraf"
                self.note("texts", f"line {n}", f"closing clause '{short(body, 30)}' of a list kept as a paragraph")
            blocks.append(TextBlock(section, kind, body, src={"metin": self.loc(n)}))

    def parse_texts(self) -> None:
        """Every narrative block of the published text, keyed by the section that shows it."""
        find = self.find
        a = find(r"^A\. Görev, Yetki ve Sorumluluklar$")
        first_duty = next(n for n in range(a + 1, len(self.lines)) if re.match(r"^(-|\d+\.)\s", self.line(n)))
        self._text_blocks("gorevler", a + 1, first_duty)
        laws = find(r"^Balıkesir Büyükşehir Belediyesi Faaliyetlerini Düzenleyen Kanun ve Düzenlemeler$", a)
        self._text_blocks("mevzuat", laws + 1, find(r"^Yasal Mevzuat\t", laws))
        b = find(r"^B\. Teşkilat Yapısı$", laws)
        self._text_blocks("teskilat", b + 1, find(r"^Yasal Mevzuat\t", b))
        t2 = find(r"^Tablo 2: ", b)
        t3 = find(r"^Tablo 3: ", t2)
        heading = find(r"^Bilgi ve Teknolojik Kaynaklar$", t2)
        self._text_blocks("tablo2_sonra", find(r"^Kaynak:", t2) + 1, heading)
        self.inst.texts.append(TextBlock("tablo3_once", "ara_baslik", clean(self.line(heading)),
                                         src={"metin": self.loc(heading)}))
        d = find(r"^D\. İnsan Kaynakları$", t3)
        self._text_blocks("insan", d + 1, find(r"^Tablo 5: ", d))
        e = find(r"^E\. Diğer Hususlar$", d)
        self._text_blocks("diger_hususlar", e + 1, find(r"^Performans Bilgiler", e))
        pa = find(r"^A\. Temel Politika ve Öncelikler$", e)
        self._text_blocks("temel_politika", pa + 1, find(r"^Satır No\.\t", pa))
        pb = find(r"^B\. Amaç ve Hedefler$", pa)
        mission = find(r"^Misyonumuz$", pb)
        self._text_blocks("amac_hedefler", pb + 1, mission)
        ph = find(r"^Performans Hedefleri$", mission)
        pg = find(r"^Performans Göstergeleri$", ph)
        pv = find(r"^Performans Verilerinin Kaynakları ve Güvenilirliği$", pg)
        pc = find(r"^C\. Performans Hedef ve Göstergeleri ile Faaliyetler$", pv)
        self._text_blocks("performans_hedefleri", ph + 1, pg)
        self._text_blocks("performans_gostergeleri", pg + 1, pv)
        self._text_blocks("veri_kaynaklari", pv + 1, pc)

    # -- section C lists: areas, aims, targets --------------------------------------------
    def parse_plan_lists(self) -> None:
        start = self.find(r"^C\. Performans Hedef ve Göstergeleri ile Faaliyetler$")
        end = self.find(r"^Stratejik Hedefler ve İlişkili Birimleri$", start)
        self.lists_end = end
        area = aim = None
        for n in range(start, end):
            text = self.line(n).strip()
            m = re.match(r"^Stratejik Alan (\d+) (.+?)\*\*(A\d+): (.+?)\*\*$", text)
            if m:
                area = int(m.group(1))
                self.inst.areas.append(StrategicArea(area, clean(m.group(2)), {"name": self.loc(n)}))
                aim = m.group(3)
                self.inst.aims.append(Aim(aim, area, clean(m.group(4)), {"name": self.loc(n)}))
                continue
            m = re.match(r"^(A\d+): (.+)$", text)
            if m:
                aim = m.group(1)
                self.inst.aims.append(Aim(aim, area, clean(m.group(2)), {"name": self.loc(n)}))
                continue
            m = re.match(r"^- (H\d+\.\d+) (.+)$", text)
            if m:
                self.inst.targets.append(Target(m.group(1), aim, clean(m.group(2)), src={"name": self.loc(n)}))
        for a in self.inst.areas:
            listed = self.contents_areas.get(a.no)
            if listed is not None and listed != a.name:
                self.note("name-variant", f"area {a.no}", f"contents '{listed}' vs body '{a.name}' (body used)")

    # -- departments -------------------------------------------------------------
    def parse_departments(self) -> None:
        start = self.find(r"^Başkanlık Kodu\tBaşkanlık İsmi$", self.lists_end)
        n = start + 1
        while self.line(n).strip():
            code, name = self.line(n).split("\t")[:2]
            self.inst.departments.append(
                Department(code.strip(), clean(name), order=len(self.inst.departments) + 1, src={"name": self.loc(n)}))
            n += 1
        self.resolver = UnitResolver(self.inst.departments)
        self.departments_end = n

    def dept_by_number(self, number: int) -> Optional[str]:
        for d in self.inst.departments:
            if re.match(rf"^D{number}-", d.code):
                return d.code
        return None

    # -- Tablo 10: responsibility matrix ---------------------------------------------
    #
    # COLUMN -> DEPARTMENT MAPPING (decision and evidence)
    #
    # The matrix is printed over two pages. Both headers list 29 codes,
    # "D1-BHM" ... "D29-İDS", whose NUMBERS run 1..29 in order but whose
    # abbreviations partly disagree with the code list of the document
    # ("D26-TDB" where the list has D26-İHB, "D27-İHD" where it has D27-İHİ,
    # "D10-IDB" for D10-İDB; "TDB" is the list's D34 Tesisler, "İHD" an old
    # single "İlçe Hizmetleri"). Decision: a column is identified by the
    # NUMBER of its header code: header Dn -> the n-th unit of the code list.
    # Evidence:
    # - page 2 (targets 8.1-12.7, 29 cells per row): the S mark falls on the
    #   unit that owns the target's activities in the cost tables (and is
    #   the "SORUMLU BİRİM" of the annex) for 22 of 28 targets, including
    #   column 26 = D26 İlçe Hizmetleri 1. Bölge (9.2), 25 = D25 Kent Tarihi
    #   (8.2, 8.4), 2/3/5/10/11/14/15/17/18/19/20 likewise; rows 12.1-12.7
    #   and 8.x mark columns 26 and 27 together, i.e. both İlçe Hizmetleri
    #   units (D26, D27), never Tesisler. Reading "D26-TDB" as Tesisler would
    #   make Tesisler (0 activities) responsible for 9.2, 9.3 and 10.11.
    # - page 1 (targets 1.1-7.2): S falls on the activity owner for D4, D6,
    #   D7, D8, D12, D13, D14 (1.3, 1.4, 1.6, 1.7, 3.1, 4.2, 4.3, 5.1, 5.2,
    #   5.4, 6.1-6.3); the "all units" rows 1.6 and 1.7 fill exactly columns
    #   1..29, so the page has 29 unit columns like page 2.
    # - The text export shifts cells of some rows by one to three positions
    #   (page 1: the İlçe Hizmetleri pair drifts from columns 26/27 in
    #   2.1-2.5 to 29/30 in 4.2-5.5; 5.2 and 6.1 carry an empty cell at 13 and
    #   run to column 30; page 2: the "all units" rows 9.3, 10.4, 10.6, 10.11,
    #   11.2 have 28 of 29 cells). No single column mapping fits those rows;
    #   their marks are kept where they are printed and the disagreements are
    #   reported (check_matrix) for the validator / the coordinator.
    # - Page 1 rows have three header-less trailing columns (30-32) that only
    #   shifted rows reach. They continue the numbering (D30-DİB, D31-EPB,
    #   D32-İİB): the only rule that keeps every published mark without
    #   guessing from the marks themselves. Their marks (4.2-6.3, including
    #   the S of 5.3 and the second S of 5.5) are reported.
    # The published marks themselves are never changed: "S" stays "S", "i"
    # and "İ" (the legend of page 2 prints "İ") are stored as "i".
    def parse_matrix(self) -> None:
        start = self.find(r"^Tablo 10: ", self.departments_end)
        end = self.find(r"^STRATEJİK ALAN$", start)
        self.matrix_end = end
        columns: list[Optional[str]] = []
        self.matrix_rows: dict[str, tuple[int, dict[str, str]]] = {}
        for n in range(start, end):
            cells = self.line(n).split("\t")
            if cells[0] == "Hedef No":
                columns = []
                for i, c in enumerate(cells[1:], start=1):
                    m = re.match(r"^D(\d+)-", c.strip())
                    number = int(m.group(1)) if m else i  # header-less column: continue the numbering
                    if m and number != i:
                        self.note("matrix", f"line {n}", f"header column {i} is {c!r}")
                    columns.append(self.dept_by_number(number))
                labels = [c for c in cells[1:] if c.strip()]
                for c in labels:
                    code = self.dept_by_number(int(re.match(r"^D(\d+)-", c).group(1)))
                    if code != c.strip():
                        self.note("matrix", f"line {n}", f"header code {c!r} vs code list {code!r} (mapped by number)")
                if len(cells) - 1 > len(labels):
                    self.note("matrix", f"line {n}",
                              f"{len(cells) - 1} columns but {len(labels)} header codes; "
                              f"columns {len(labels) + 1}-{len(cells) - 1} mapped by number to "
                              + ", ".join(str(x) for x in columns[len(labels):]))
                continue
            m = re.match(r"^(\d+\.\d+)$", cells[0].strip())
            if not m:
                continue
            code = "H" + m.group(1)
            marks: dict[str, str] = {}
            for i, c in enumerate(cells[1:]):
                c = c.strip()
                if not c:
                    continue
                if i >= len(columns) or columns[i] is None:
                    self.note("matrix", f"line {n}", f"{code}: mark {c!r} in column {i + 1} has no unit")
                    continue
                mark = "S" if c == "S" else "i" if c in ("i", "İ", "I") else None
                if mark is None:
                    self.note("matrix", f"line {n}", f"{code}: unexpected mark {c!r}")
                    continue
                marks[columns[i]] = mark
            self.matrix_rows[code] = (n, marks)
        for t in self.inst.targets:
            if t.code not in self.matrix_rows:
                self.note("matrix", t.code, "no row in the responsibility matrix")
                continue
            n, marks = self.matrix_rows[t.code]
            # keep the code-list order of the departments
            order = {d.code: d.order for d in self.inst.departments}
            t.responsibility = dict(sorted(marks.items(), key=lambda kv: order[kv[0]]))
            t.src["responsibility"] = self.loc(n)
            s = t.responsible
            if len(s) != 1:
                self.note("matrix", t.code, f"{len(s)} responsible (S) units: {', '.join(s) or '-'}")

    # -- section C body -----------------------------------------------------------------
    def parse_section_c(self) -> dict[str, _TargetBody]:
        start = self.matrix_end
        end = self.find(r"^D\. İdarenin Toplam Kaynak İhtiyacı$", start)
        self.section_c_end = end
        bodies: dict[str, _TargetBody] = {}
        body_area_names: list[str] = []
        body_aim_names: dict[str, str] = {}
        aim: Optional[str] = None
        cur: Optional[_TargetBody] = None
        pending: Optional[tuple[str, str]] = None  # ("area"|"aim"|"target", code) waiting for its text
        table: Optional[str] = None  # "perf" | "cost"

        for n in range(start, end):
            raw = self.line(n)
            if not raw.strip():
                continue
            if "\t" not in raw:
                for seg in (s.strip() for s in raw.split("**")):
                    if not seg:
                        continue
                    if seg == "STRATEJİK ALAN":
                        pending = ("area", "")
                        continue
                    if seg == "PERFORMANS HEDEFİ TABLOSU":
                        table = "perf"
                        if cur is None:
                            raise SeedFormatError(f"line {n}: table before any target")
                        cur.perf_tables += 1
                        continue
                    if seg == "FAALİYET MALİYETLERİ TABLOSU":
                        table = "cost"
                        if cur is None:
                            raise SeedFormatError(f"line {n}: table before any target")
                        cur.cost_tables += 1
                        continue
                    m = re.match(r"^(A\d+):?(?:\s+(.*))?$", seg)
                    if m:
                        aim = m.group(1)
                        table = None
                        if m.group(2):
                            body_aim_names[aim] = clean(m.group(2))
                        else:
                            pending = ("aim", aim)
                        continue
                    m = re.match(r"^(H\d+\.\d+)(?:\s+(.*))?$", seg)
                    if m:
                        code = m.group(1)
                        table = None
                        if code in bodies:
                            raise SeedFormatError(f"line {n}: {code} appears twice")
                        cur = bodies[code] = _TargetBody(code, aim or "", line=n)
                        if m.group(2):
                            cur.name = clean(m.group(2))
                        else:
                            pending = ("target", code)
                        continue
                    if pending:
                        kind, key = pending
                        pending = None
                        if kind == "area":
                            body_area_names.append(clean(seg))
                        elif kind == "aim":
                            body_aim_names[key] = clean(seg)
                        else:
                            bodies[key].name = clean(seg)
                        continue
                    self.note("layout", f"line {n}", f"unexpected text {short(seg)!r}")
                continue

            cells = raw.split("\t")
            first = cells[0].strip()
            if cur is None or table is None:
                self.note("layout", f"line {n}", "table row outside a table")
                continue
            if table == "perf":
                self._perf_row(cur, cells, first, n)
            else:
                self._cost_row(cur, cells, first, n)

        self.body_area_names = body_area_names
        self.body_aim_names = body_aim_names
        return bodies

    def _amounts(self, cells: list[str], n: int, where: str) -> list[Optional[int]]:
        out = []
        for c in cells:
            v = parse_amount(c)
            if v is None:
                self.note("number", f"line {n}", f"{where}: not an amount {c!r}")
            out.append(v)
        return out

    def _perf_row(self, cur: _TargetBody, cells: list[str], first: str, n: int) -> None:
        if first in ("Performans Göstergeleri", "Faaliyetler") or (first == "" and cells[1:2] == ["Bütçe"]):
            return  # (repeated) headers
        m = re.match(r"^(PG\d+(?:\.\d+)+)\s+(.*)$", first)
        if m:
            cells = cells + [""] * (3 - len(cells))
            cur.indicators.append((m.group(1), clean(m.group(2)), clean(cells[1]), clean(cells[2]), n))
            return
        m = re.match(r"^F(\d+)\s+(.*)$", first)
        if m:
            budget, off, total = (self._amounts(cells[1:4], n, f"{cur.code} F{m.group(1)}") + [None] * 3)[:3]
            cur.perf.append(_PerfActivity(f"F{m.group(1)}", clean(m.group(2)), budget, off, total, n))
            return
        if first == "Genel Toplam":
            cur.perf_total = (self._amounts(cells[1:4], n, f"{cur.code} Genel Toplam"), n)
            return
        self.note("layout", f"line {n}", f"{cur.code}: unexpected row in performance table {short(first)!r}")

    def _cost_row(self, cur: _TargetBody, cells: list[str], first: str, n: int) -> None:
        if first == "Faaliyet Adı":
            return
        if first == "" and len(cells) > 2 and re.match(r"^0\d ", cells[2].strip()):
            # economic-code header: read which codes this table shows
            codes = []
            for c in cells[2:]:
                mm = re.match(r"^(0\d) ", c.strip())
                if mm:
                    codes.append(mm.group(1))
                elif c.strip() != "Toplam Kaynak İhtiyacı":
                    self.note("layout", f"line {n}", f"{cur.code}: unknown cost column {c!r}")
            if cur.cost_codes and codes != cur.cost_codes:
                self.note("layout", f"line {n}", f"{cur.code}: cost columns changed {cur.cost_codes} -> {codes}")
            cur.cost_codes = codes
            return
        k = len(cur.cost_codes)
        m = re.match(r"^F(\d+)\s+(.*)$", first)
        if m:
            if len(cells) != k + 3:
                self.note("layout", f"line {n}", f"{cur.code} F{m.group(1)}: {len(cells)} cells, expected {k + 3}")
            cells = cells + [""] * (k + 3 - len(cells))
            values = self._amounts(cells[2:2 + k + 1], n, f"{cur.code} F{m.group(1)}")
            cur.cost.append(_CostActivity(f"F{m.group(1)}", clean(m.group(2)), clean(cells[1]),
                                          dict(zip(cur.cost_codes, values[:k])), values[k], n))
            return
        if first == "Genel Toplam":
            cells = cells + [""] * (k + 3 - len(cells))
            cur.cost_total = (self._amounts(cells[2:2 + k + 1], n, f"{cur.code} Genel Toplam"), n)
            return
        # any other row directly under an activity is that activity's explanation
        if all(not c.strip() for c in cells[1:]) and cur.cost:
            act = cur.cost[-1]
            act.explanation = (act.explanation + " " + clean(first)).strip()
            return
        self.note("layout", f"line {n}", f"{cur.code}: unexpected row in cost table {short(first)!r}")

    # -- section D --------------------------------------------------------------------
    def parse_section_d(self) -> dict[str, UnitCosts]:
        start = self.section_c_end
        end = self.find(r"^Ekler$", start)
        self.section_d_end = end
        result: dict[str, UnitCosts] = {}
        cur: Optional[UnitCosts] = None
        for n in range(start, end):
            cells = self.line(n).split("\t")
            if len(cells) != 4 or cells[0] == "BİRİM":
                continue
            name, count, kind, value = (c.strip() for c in cells)
            amount = parse_amount(value)
            if name == "Toplam Faaliyet Sayısı":
                self.inst.profile.activity_count_typed = parse_amount(count)
                self.inst.profile.total_budget = amount
                self.inst.profile.src["total_budget"] = self.loc(n)
                continue
            if name:
                code = self.resolver.resolve(name)
                if code is None:
                    raise SeedFormatError(f"line {n}: unknown unit {name!r}")
                self.alias_candidates.append((n, name))
                cur = UnitCosts(code, activity_count_typed=parse_amount(count), src={"unit": self.loc(n)})
                if code in result:
                    self.note("section-d", f"line {n}", f"{code} listed twice")
                result[code] = cur
            if cur is None:
                continue
            if kind == "Toplam":
                cur.total_typed = amount
            elif kind == "Hedef":
                cur.target_cost_typed = amount
            elif kind == "Personel Gideri":
                cur.personnel = amount or 0
            elif kind == "Genel Yönetim Gideri":
                cur.general_admin = amount or 0
            else:
                self.note("section-d", f"line {n}", f"unknown cost type {kind!r}")
        for d in self.inst.departments:
            uc = result.get(d.code)
            if uc is None:
                self.note("section-d", d.code, "unit missing in section D")
                continue
            d.ceiling = uc.total_typed
            d.src["ceiling"] = uc.src["unit"]
        return result

    # -- contact (back cover) ------------------------------------------------------------
    def parse_contact(self) -> None:
        p = self.inst.profile
        email = self.find(r"^\S+@\S+\.\S+$", self.section_d_end)
        p.email = clean(self.line(email))
        phone = self.find(r"^T\. ", self.section_d_end)
        m = re.match(r"^T\. (.+?)(?:\s+F\. .*)?$", clean(self.line(phone)))
        p.phone = m.group(1).strip()
        addr = phone - 1
        while not self.line(addr).strip():
            addr -= 1
        p.address = clean(self.line(addr))
        p.src.update(address=self.loc(addr), phone=self.loc(phone), email=self.loc(email))

    # -- aliases -------------------------------------------------------------------------
    _SUFFIX_RX = re.compile(
        r"(Dairesi Başkanlığı|Daire Başkanlığı|Dai\. Bşk\.|D\.B\.|Müdürlüğü|Müşavirliği|Kurulu Başkanlığı)"
        r"(?![\wçğıöşü])")

    def _prose_unit_names(self, text: str) -> list[str]:
        """Unit names in running text: capitalized words ending in a unit suffix."""
        found = []
        for m in self._SUFFIX_RX.finditer(text):
            words = text[: m.start()].split()
            taken: list[str] = []
            for w in reversed(words):
                if w.endswith((",", ";", ":")) or not (w[:1].isupper() or w[:1].isdigit() or w == "ve"):
                    break
                taken.insert(0, w)
                if len(taken) >= 8:
                    break
            best: tuple[float, str] = (0.0, "")
            for i in range(len(taken)):
                if taken[i] == "ve":
                    continue
                cand = " ".join(taken[i:] + [m.group(1)])
                ratio, _ = self.resolver.score(cand)
                if ratio > best[0]:
                    best = (ratio, cand)
            if best[0] >= UnitResolver.CUTOFF:
                found.append(best[1])
        return found

    def collect_aliases(self) -> None:
        """Every spelling of a unit found in the document other than the code-list name.

        Sources, in document order: running text (foreword, table notes,
        E. Diğer Hususlar, activity texts ...), the cost-table unit cells, the
        unit names of section D and the annex headings (printed in capitals:
        taken in Turkish title case).
        """
        for n in range(1, len(self.lines) + 1):
            text = self.line(n)
            if self.matrix_end <= n < self.section_d_end:
                text = text.split("\t")[0]  # section C/D: unit cells are collected by the table parsers
            for cell in text.split("\t"):
                for name in self._prose_unit_names(cell):
                    self.alias_candidates.append((n, name))
            m = re.match(r"^SORUMLU BİRİM\t(.+)$", self.line(n))
            if m:
                self.alias_candidates.append((n, tr_title(clean(m.group(1)))))
        for _, name in sorted(self.alias_candidates, key=lambda c: c[0]):
            code = self.resolver.resolve(name)
            if code is None:
                continue
            dept = next(d for d in self.inst.departments if d.code == code)
            if name != dept.name and name not in dept.aliases:
                dept.aliases.append(name)

    # -- records ------------------------------------------------------------------------
    def build_records(self, bodies: dict[str, _TargetBody]):
        aims = {a.code: a for a in self.inst.aims}
        for code, name in self.body_aim_names.items():
            if code in aims and aims[code].name.rstrip(".") != name.rstrip("."):
                self.note("name-variant", code, f"aim text in the body differs: {word_diff(aims[code].name, name)}")
        # the body prints "STRATEJİK ALAN" headings for some areas only (1, 2, 6)
        for name in self.body_area_names:
            if name not in {a.name for a in self.inst.areas}:
                self.note("name-variant", "area", f"body heading {name!r} not in the area list")

        activities: list[Activity] = []
        indicators: list[Indicator] = []
        for t in self.inst.targets:
            body = bodies.get(t.code)
            if body is None:
                self.note("missing", t.code, "no target tables in section C")
                continue
            if body.name and body.name != t.name:
                self.note("name-variant", t.code,
                          f"table heading differs from the list: {word_diff(t.name, body.name)}")
            if body.aim_code != t.aim_code:
                self.note("layout", t.code, f"printed under {body.aim_code}, listed under {t.aim_code}")
            if body.perf_tables != 1 or body.cost_tables != 1:
                self.note("layout", t.code, f"{body.perf_tables} performance / {body.cost_tables} cost tables")
            # indicators
            for code, name, unit, value_text, n in body.indicators:
                unit = UNIT_FIXES.get(unit, unit)
                owner = "H" + ".".join(code[2:].split(".")[:2])
                if owner != t.code:
                    self.note("indicator", code, f"printed under {t.code}")
                value = parse_number(value_text)
                if value is None:
                    self.note("indicator", code, f"value {value_text!r} is not a number (stored as None)")
                self.inst.indicator_defs.append(IndicatorDef(code, t.code, name, unit, {"name": self.loc(n)}))
                indicators.append(Indicator(code, t.code, name, unit, value, row=n,
                                            src={"value": self.loc(n), "name": self.loc(n)}))
            codes = [c for c, *_ in body.indicators]
            numbers = [int(c.split(".")[-1]) for c in codes]
            if numbers != list(range(1, len(numbers) + 1)):
                self.note("numbering", t.code, f"indicators {', '.join(codes)}")
            # control totals
            if body.perf_total:
                values, n = body.perf_total
                for col, v in zip(("butce", "butce_disi", "toplam"), values):
                    if v is not None:
                        self.inst.control_totals.append(ControlTotal(t.code, col, v, {"value": self.loc(n)}))
            else:
                self.note("missing", t.code, "no Genel Toplam in the performance table")
            if body.cost_total:
                values, n = body.cost_total
                for col, v in zip(body.cost_codes + ["maliyet_toplam"], values):
                    if v is not None:
                        self.inst.control_totals.append(ControlTotal(t.code, col, v, {"value": self.loc(n)}))
            else:
                self.note("missing", t.code, "no Genel Toplam in the cost table")
            activities.extend(self._pair_activities(t.code, body))
        self.inst.units_of_measure = sorted({d.unit for d in self.inst.indicator_defs})
        return activities, indicators

    def _pair_activities(self, target: str, body: _TargetBody) -> list[Activity]:
        perf, cost = body.perf, body.cost
        perf_codes = [a.code for a in perf]
        pairs: list[tuple[Optional[_PerfActivity], Optional[_CostActivity]]] = []
        if perf_codes != [f"F{i}" for i in range(1, len(perf) + 1)]:
            self.note("numbering", target, f"performance table activities {', '.join(perf_codes)}")
        if len(perf) == len(cost):
            # same number of rows: pair by position (H12.5 prints F8 twice in the cost table)
            pairs = list(zip(perf, cost))
            for p, c in pairs:
                if p.code != c.code:
                    self.note("numbering", f"{target} {p.code}",
                              f"cost table numbers this activity {c.code} (paired by position)")
        else:
            by_code = {c.code: c for c in cost}
            used = set()
            for p in perf:
                c = by_code.get(p.code)
                pairs.append((p, c))
                if c is None:
                    self.note("missing", f"{target} {p.code}", "activity missing in the cost table")
                else:
                    used.add(c.code)
            for c in cost:
                if c.code not in used:
                    pairs.append((None, c))
                    self.note("missing", f"{target} {c.code}", "activity only in the cost table (name from cost table)")
        out = []
        for p, c in pairs:
            code = p.code if p else c.code
            if p and c and p.name != c.name:
                self.note("name-variant", f"{target} {code}", f"cost table text: {word_diff(p.name, c.name)}")
            unit_code = ""
            if c:
                self.alias_candidates.append((c.line, c.unit_name))
                unit_code = self.resolver.resolve(c.unit_name) or ""
                if not unit_code:
                    self.note("unit", f"{target} {code}", f"unknown spending unit {c.unit_name!r}")
            src = {}
            if p:
                src.update(name=self.loc(p.line), budget_typed=self.loc(p.line), total_typed=self.loc(p.line),
                           off_amounts=self.loc(p.line))
            if c:
                src.update(unit_code=self.loc(c.line), amounts=self.loc(c.line), cost_total_typed=self.loc(c.line))
            amounts = {k: v for k, v in (c.amounts.items() if c else []) if v}
            out.append(Activity(
                target_code=target, code=code, name=p.name if p else c.name, unit_code=unit_code,
                explanation=c.explanation if c else "", amounts=amounts,
                # the program publishes one Bütçe Dışı number per activity: its kind is not known
                off_amounts={OFF_BUDGET_UNSPECIFIED: p.off_budget} if p and p.off_budget else {},
                budget_typed=p.budget if p else None, total_typed=p.total if p else None,
                cost_total_typed=c.total if c else None, row=p.line if p else c.line, src=src))
        return out

    # -- annex ---------------------------------------------------------------------------
    def parse_annex(self) -> list[dict]:
        """Annex "Faaliyetlerden Sorumlu Harcama Birimlerine İlişkin Tablo".

        Returns one entry per (unit block, target heading) with the activity
        fragments ("F3 text") as printed. The export misplaces cells (a target
        heading may sit on the row of the previous target's last activity,
        several activities may share a cell), so activities are identified by
        their text, restricted to the targets named in the same unit block.
        """
        start = self.section_d_end
        end = self.find(r"^BALIKESİR$", start)
        blocks: list[dict] = []
        block = None
        entry = None
        for n in range(start, end):
            raw = self.line(n)
            m = re.match(r"^SORUMLU BİRİM\t(.+)$", raw)
            if m:
                name = clean(m.group(1))
                block = {"name": name, "code": self.resolver.resolve(tr_title(name)), "line": n, "entries": []}
                blocks.append(block)
                entry = None
                continue
            if block is None or "\t" not in raw or raw.startswith("Hedef\tFaaliyet") or re.match(r"^A\d+:", raw):
                continue
            for cell in raw.split("\t"):
                cell = clean(cell)
                if not cell:
                    continue
                mh = re.match(r"^(H\d+\.\d+)\s", cell)
                if mh:
                    entry = {"target": mh.group(1), "fragments": [], "line": n}
                    block["entries"].append(entry)
                    continue
                if entry is None:
                    self.note("annex", f"line {n}", f"activity before any target: {short(cell)!r}")
                    continue
                for fm in re.finditer(r"(?:^|(?<=\s))F(\d+)\s+(.*?)(?=\s+F\d+\s|$)", cell):
                    entry["fragments"].append((f"F{fm.group(1)}", fm.group(2), n))
        return blocks

    def check_annex(self, blocks: list[dict], activities: list[Activity], unit_costs: dict[str, UnitCosts]) -> None:
        def key(text: str) -> str:
            return re.sub(r"[^\wçğıöşü]+", " ", tr_lower(text)).strip()

        listed: dict[tuple[str, str], str] = {}  # activity key -> annex unit
        matchers = {}
        for a in activities:
            matchers[a.key] = difflib.SequenceMatcher(b=key(a.name), autojunk=False)
        for block in blocks:
            if block["code"] is None:
                self.note("annex", f"line {block['line']}", f"unknown unit {block['name']!r}")
                continue
            targets = {e["target"] for e in block["entries"]}
            for e in block["entries"]:
                nums = [c for c, _, _ in e["fragments"]]
                ints = [int(c[1:]) for c in nums]
                if not nums or any(b <= a for a, b in zip(ints, ints[1:])):
                    # restarts / repeats: rows of the next target printed under this heading
                    self.note("annex", f"{block['code']} {e['target']}",
                              f"printed with {', '.join(nums) or 'no activities'}")
                for fcode, text, n in e["fragments"]:
                    best = (0.0, None)
                    for pool in ([a for a in activities if a.target_code in targets], activities):
                        for a in pool:
                            sm = matchers[a.key]
                            sm.set_seq1(key(text))
                            floor = max(best[0] - 0.01, 0.6)
                            if sm.real_quick_ratio() < floor or sm.quick_ratio() < floor:
                                continue
                            r = sm.ratio()
                            r += 0.001 if a.code == fcode else 0.0  # ties (identical texts): same number,
                            if a.unit_code == block["code"]:  # then same unit
                                r += 0.0005
                            if r > best[0]:
                                best = (r, a)
                        if best[0] >= 0.8:
                            break
                    ratio, act = best
                    if act is None or ratio < 0.6:
                        self.note("annex", f"line {n}", f"{block['code']}: no activity matches {fcode} {short(text)!r}")
                        continue
                    listed[act.key] = block["code"]
                    if act.code != fcode:
                        self.note("annex", f"{act.target_code} {act.code}",
                                  f"numbered {fcode} in the annex ({block['code']})")
                    if act.unit_code != block["code"]:
                        self.note("annex-unit", f"{act.target_code} {act.code}",
                                  f"annex lists it under {block['code']}, cost table unit is {act.unit_code}")
        for a in activities:
            if a.key not in listed:
                self.note("annex", f"{a.target_code} {a.code}",
                          f"not listed in the annex (cost table unit {a.unit_code})")
        # number of activities per unit: annex vs cost tables vs section D
        for d in self.inst.departments:
            n_cost = sum(1 for a in activities if a.unit_code == d.code)
            n_annex = sum(1 for unit in listed.values() if unit == d.code)
            uc = unit_costs.get(d.code)
            n_d = uc.activity_count_typed if uc else None
            if not (n_cost == n_annex == n_d):
                self.note("activity-count", d.code,
                          f"cost tables {n_cost}, annex {n_annex}, section D FAALİYET SAYISI {n_d}")

    def check_matrix(self, activities: list[Activity]) -> None:
        for t in self.inst.targets:
            owners = sorted({a.unit_code for a in activities if a.target_code == t.code})
            s = t.responsible
            for code in s:
                if code not in owners:
                    self.note("matrix-vs-activities", t.code,
                              f"S unit {code} has no activity of the target (activities: {', '.join(owners) or '-'})")
            for code in owners:
                mark = t.responsibility.get(code)
                if mark != RESPONSIBLE:
                    self.note("matrix-vs-activities", t.code,
                              f"{code} owns activities but is marked {mark or 'blank'}")

    # -- submissions -------------------------------------------------------------------------
    def build_submissions(self, activities: list[Activity], indicators: list[Indicator],
                          unit_costs: dict[str, UnitCosts]) -> list[Submission]:
        # Indicator owner: the S unit of the target. Rules when the matrix
        # does not give exactly one usable S (decision, reported in main()):
        # - two or more S units: the first S unit (code-list order) that owns
        #   activities of the target (1.2 -> D27; 5.5 -> D4; 9.1 -> D11);
        # - no S unit, or the S unit owns none of the target's activities
        #   (shifted matrix cells, see parse_matrix): the unit owning most of
        #   the target's activities (first in code-list order on a tie).
        order = {d.code: d.order for d in self.inst.departments}
        owner: dict[str, str] = {}
        for t in self.inst.targets:
            acts = [a.unit_code for a in activities if a.target_code == t.code and a.unit_code]
            counts = {u: acts.count(u) for u in acts}
            s_with_acts = [u for u in t.responsible if u in counts]
            if s_with_acts:
                owner[t.code] = s_with_acts[0]
            elif counts:
                owner[t.code] = sorted(counts, key=lambda u: (-counts[u], order[u]))[0]
            elif t.responsible:
                owner[t.code] = t.responsible[0]
            if t.code in owner and t.responsible != [owner[t.code]]:
                self.note("indicator-owner", t.code,
                          f"indicators assigned to {owner.get(t.code)} (S: {', '.join(t.responsible) or '-'})")
        subs = []
        for d in self.inst.departments:
            sub = Submission(file="", department=d.code, department_name=d.name, year=self.inst.profile.year,
                             template_version=TEMPLATE_VERSION)
            for ind in indicators:
                if owner.get(ind.target_code) == d.code:
                    ind.department = d.code
                    sub.indicators.append(ind)
            sub.activities = [a for a in activities if a.unit_code == d.code]
            sub.unit_costs = unit_costs.get(d.code)
            subs.append(sub)
        lost = [i.code for i in indicators if not i.department]
        if lost:
            self.note("indicator-owner", ", ".join(lost), "no department found")
        lost_acts = [f"{a.target_code} {a.code}" for a in activities if not a.unit_code]
        if lost_acts:
            self.note("unit", ", ".join(lost_acts), "activity without a spending unit")
        return subs


# --------------------------------------------------------------------------
# public API


def parse_seed_report(path: Union[str, Path] = DEFAULT_SEED) -> tuple[Institution, list[Submission], list[Anomaly]]:
    """Parse the seed text; also return the anomalies noticed while parsing."""
    parser = _Parser(path)
    inst, subs = parser.run()
    return inst, subs, parser.anomalies + arithmetic_anomalies(inst, subs)


def parse_seed(path: Union[str, Path] = DEFAULT_SEED) -> tuple[Institution, list[Submission]]:
    """Parse the published text into the domain model (typed totals as published)."""
    inst, subs = _Parser(path).run()
    return inst, subs


def _all_activities(submissions: list[Submission]) -> list[Activity]:
    return [a for s in submissions for a in s.activities]


def arithmetic_anomalies(institution: Institution, submissions: list[Submission]) -> list[Anomaly]:
    """Places where the published numbers do not add up (call before drop_matching_typed)."""
    out: list[Anomaly] = []
    acts = _all_activities(submissions)
    by_target: dict[str, list[Activity]] = {}
    for a in acts:
        by_target.setdefault(a.target_code, []).append(a)
    key_order = {t.code: i for i, t in enumerate(institution.targets)}
    for a in sorted(acts, key=lambda a: (key_order.get(a.target_code, 0), int(a.code[1:]))):
        w = f"{a.target_code} {a.code}"
        if a.budget_typed is not None and a.budget_typed != a.budget:
            out.append(Anomaly("budget", w, f"performance table Bütçe {a.budget_typed:,} vs cost-table codes "
                                            f"{a.budget:,} ({_amounts_text(a)})"))
        if a.total_typed is not None and a.total_typed != a.total:
            out.append(Anomaly("total", w, f"performance table Toplam {a.total_typed:,} vs Bütçe + Bütçe Dışı "
                                           f"computed {a.total:,} (typed Bütçe {a.budget_typed})"))
        if a.cost_total_typed is not None and a.cost_total_typed != a.total:
            out.append(Anomaly("cost-total", w, f"cost table Toplam Kaynak İhtiyacı {a.cost_total_typed:,} vs "
                                                f"computed {a.total:,} ({_amounts_text(a)})"))
    for ct in institution.control_totals:
        ts = by_target.get(ct.target_code, [])
        if ct.column == "butce":
            typed = sum(a.budget_typed or 0 for a in ts)
            computed = sum(a.budget for a in ts)
        elif ct.column == "butce_disi":
            typed = computed = sum(a.off_budget for a in ts)
        elif ct.column == "toplam":
            typed = sum(a.total_typed or 0 for a in ts)
            computed = sum(a.total for a in ts)
        elif ct.column == "maliyet_toplam":
            typed = sum(a.cost_total_typed or 0 for a in ts)
            computed = sum(a.total for a in ts)
        else:
            typed = computed = sum(a.amounts.get(ct.column, 0) for a in ts)
        if ct.value != computed or ct.value != typed:
            out.append(Anomaly("control-total", f"{ct.target_code} Genel Toplam {ct.column}",
                               f"published {ct.value:,}; sum of published rows {typed:,}; computed {computed:,}"))
    for s in submissions:
        uc = s.unit_costs
        if uc is None:
            continue
        mine = [a for a in acts if a.unit_code == uc.department]
        count, target = len(mine), sum(a.total for a in mine)
        total = target + uc.personnel + uc.general_admin
        if uc.activity_count_typed is not None and uc.activity_count_typed != count:
            out.append(Anomaly("unit-count", uc.department,
                               f"FAALİYET SAYISI {uc.activity_count_typed} vs {count} activities"))
        if uc.target_cost_typed is not None and uc.target_cost_typed != target:
            out.append(Anomaly("unit-target", uc.department,
                               f"Hedef {uc.target_cost_typed:,} vs sum of activities {target:,}"))
        if uc.total_typed is not None and uc.total_typed != total:
            out.append(Anomaly("unit-total", uc.department,
                               f"Toplam {uc.total_typed:,} vs Hedef(computed) + Personel + Genel Yönetim {total:,}"))
    p = institution.profile
    if p.activity_count_typed is not None and p.activity_count_typed != len(acts):
        out.append(Anomaly("institution", "Toplam Faaliyet Sayısı",
                           f"{p.activity_count_typed} vs {len(acts)} activities"))
    ceilings = sum(d.ceiling or 0 for d in institution.departments)
    if p.total_budget is not None and p.total_budget != ceilings:
        out.append(Anomaly("institution", "Toplam Maliyet", f"{p.total_budget:,} vs sum of unit totals {ceilings:,}"))
    computed = sum(a.total for a in acts) + sum(s.unit_costs.personnel + s.unit_costs.general_admin
                                                  for s in submissions if s.unit_costs)
    if p.total_budget is not None and p.total_budget != computed:
        out.append(Anomaly("institution", "Toplam Maliyet", f"{p.total_budget:,} vs computed {computed:,}"))
    return out


def _amounts_text(a: Activity) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(a.amounts.items())) or "no amounts"


def drop_matching_typed(institution: Institution, submissions: list[Submission]) -> None:
    """Set each typed field to None where it equals the value computed from its parts.

    Activity: budget_typed vs sum(amounts); total_typed and cost_total_typed
    vs budget + off_budget. UnitCosts: activity_count_typed vs the number of
    the unit's activities; target_cost_typed vs the sum of their totals;
    total_typed vs target cost + personnel + general administration.
    Afterwards only the places where the document does not add up keep a
    typed value. (``institution`` is accepted for symmetry with the other
    checks; its control totals are always kept.)
    """
    acts = _all_activities(submissions)
    for a in acts:
        if a.budget_typed is not None and a.budget_typed == a.budget:
            a.budget_typed = None
        if a.total_typed is not None and a.total_typed == a.total:
            a.total_typed = None
        if a.cost_total_typed is not None and a.cost_total_typed == a.total:
            a.cost_total_typed = None
    for s in submissions:
        uc = s.unit_costs
        if uc is None:
            continue
        mine = [a for a in acts if a.unit_code == uc.department]
        target = sum(a.total for a in mine)
        if uc.activity_count_typed is not None and uc.activity_count_typed == len(mine):
            uc.activity_count_typed = None
        if uc.target_cost_typed is not None and uc.target_cost_typed == target:
            uc.target_cost_typed = None
        if uc.total_typed is not None and uc.total_typed == target + uc.personnel + uc.general_admin:
            uc.total_typed = None


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_SEED
    inst, subs, anomalies = parse_seed_report(path)
    acts = _all_activities(subs)
    inds = [i for s in subs for i in s.indicators]
    p = inst.profile
    print(f"{p.name} {p.year} Performans Programı ({p.plan_period}), {path.name}")
    print(f"  areas {len(inst.areas)}, aims {len(inst.aims)}, targets {len(inst.targets)}, "
          f"indicator defs {len(inst.indicator_defs)}, indicators {len(inds)}, activities {len(acts)}")
    print(f"  departments {len(inst.departments)}, unit costs {sum(1 for s in subs if s.unit_costs)}, "
          f"sum of ceilings {sum(d.ceiling or 0 for d in inst.departments):,} (published {p.total_budget:,})")
    print(f"  policies {len(inst.policies)}, laws {len(inst.laws)}, duties {len(p.duties)}, values {len(p.values)}, "
          f"team {len(p.team)}, narratives {len(inst.narratives)}, control totals {len(inst.control_totals)}")
    print("  info tables: " + ", ".join(f"{k} {len(t.rows)} rows" for k, t in inst.info_tables.items()))
    print(f"  units of measure: {', '.join(inst.units_of_measure)}")
    print("  submissions: " + ", ".join(f"{s.department} {len(s.indicators)}/{len(s.activities)}" for s in subs))
    drop_matching_typed(inst, subs)
    kept = [f"{a.target_code} {a.code}" for a in acts
            if a.budget_typed is not None or a.total_typed is not None or a.cost_total_typed is not None]
    kept_units = [s.department for s in subs if s.unit_costs and (
        s.unit_costs.activity_count_typed is not None or s.unit_costs.target_cost_typed is not None
        or s.unit_costs.total_typed is not None)]
    print(f"  typed values that do not add up (kept after drop_matching_typed): activities {', '.join(kept) or '-'}; "
          f"units {', '.join(kept_units) or '-'}")
    print(f"\nAnomalies ({len(anomalies)}):")
    kinds: dict[str, list[Anomaly]] = {}
    for a in anomalies:
        kinds.setdefault(a.kind, []).append(a)
    for kind, items in kinds.items():
        print(f"\n  {kind} ({len(items)})")
        for a in items:
            print(f"    {a.where}: {a.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
