"""The names the program template uses, built section by section as dataclasses.

:func:`build` returns a :class:`DocumentContext`: one small dataclass per part
of the document (front matter, narrative, general information, plan,
resource need, annex, charts), each made by its own builder from the
:class:`~generator.model.Program`. Field names are the template's Turkish
names (``kurum``, ``hedef.gostergeler`` ...); :meth:`DocumentContext.names`
flattens the sections into the dict docxtpl renders, so a template edited in
Word keeps working with the same tags.

Every value is ready to print: amounts and percentages in Turkish format,
every total computed from its parts (typed ``*_typed`` totals are the
validator's business and never shown). Caption numbers follow document order
(:class:`Numbering`), so the builders run in that order.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Callable, Optional

from . import totals
from .model import ECONOMIC_CODES, OFF_BUDGET_KINDS, Activity, Indicator, IndicatorDef, InfoTable, Program, UnitCosts
from .totals import Sums
from .turkish import money as _money_tr
from .turkish import number, percent, sort_key, upper

DASH = "–"


def _money(value: int) -> str:
    return _cached_money(value)


_cached_money = lru_cache(maxsize=None)(_money_tr)  # the same amounts recur many times; babel is slow


class Numbering:
    """Caption numbers in document order (the SEQ fields' cached results)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def next(self, kind: str) -> int:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]


# ---------------------------------------------------------------------------
# row types (template names in Turkish)
# ---------------------------------------------------------------------------

class _Named:
    """Rows read by attribute (the template) or by name (``row["kod"]``, as plain data)."""

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

@dataclass
class Blok(_Named):
    """A narrative block: ``tur`` paragraf / madde / ara_baslik, ``metin`` formatted runs."""

    tur: str
    metin: Any


@dataclass
class EkipGrubu(_Named):
    ad: str
    uyeler: list[str]


@dataclass
class Birim(_Named):
    kod: str
    ad: str


@dataclass
class Kanun(_Named):
    ad: str
    isaretler: list[str]


@dataclass
class Hucre(_Named):
    metin: str
    sayi: bool


@dataclass
class BilgiSatiri(_Named):
    tur: str  # veri | grup | toplam
    etiket: str
    hucreler: list[Hucre]


@dataclass
class BilgiTablosu(_Named):
    """A general-information table (Tablo 1–9) with the narrative around it."""

    no: int
    baslik: str
    sutunlar: list[str]
    sutun_sayisi: int
    satirlar: list[BilgiSatiri]
    kaynak: str
    once: list[Blok] = field(default_factory=list)
    sonra: list[Blok] = field(default_factory=list)


@dataclass
class Politika(_Named):
    no: str
    metin: str


@dataclass
class Gosterge(_Named):
    """A row of the Performans Hedefi Tablosu: the guide's three years when the data has them."""

    kod: str
    ad: str
    olcu: str
    deger: str  # program year t (hedef)
    gerceklesme: str = ""  # t-2
    tahmin: str = ""  # t-1


@dataclass
class HedefKarti(_Named):
    """Optional per-indicator card data (kurum.xlsx, Göstergeler)."""

    kod: str
    ad: str
    agirlik: str
    baslangic: str
    yon: str
    izleme: str
    kaynak: str


@dataclass
class Faaliyet(_Named):
    kod: str
    ad: str
    birim: str
    butce: str
    butce_disi: str
    toplam: str
    kod_tutarlari: list[str]
    aciklama: str
    bd_tutarlari: list[str] = field(default_factory=list)  # by kind and their sum, when the target has any


@dataclass
class Hedef(_Named):
    kod: str
    ad: str
    gostergeler: list[Gosterge]
    faaliyetler: list[Faaliyet]
    butce: str
    butce_disi: str
    toplam: str
    kodlar: list[str]
    kod_toplamlari: list[str]
    kod_sayisi: int
    sutun_sayisi: int
    kart: list[HedefKarti] = field(default_factory=list)
    # bütçe dışı kaynak columns of the cost table (kinds and their sum), only when an activity has any
    bd_basliklar: list[str] = field(default_factory=list)
    bd_toplamlari: list[str] = field(default_factory=list)
    bd_ek: str = ""  # added to the cost table's column group title

    @property
    def bd_sayisi(self) -> int:
        return len(self.bd_basliklar)


@dataclass
class Amac(_Named):
    kod: str
    ad: str
    hedefler: list[Hedef]


@dataclass
class Alan(_Named):
    no: int
    ad: str
    amaclar: list[Amac]
    toplam: int  # unformatted: the chart's value


@dataclass
class TutarSatiri(_Named):
    """A row of the İdare Performans and Toplam Kaynak İhtiyacı tables."""

    tur: str  # alan | amac | hedef | grup | ara | alt | veri | toplam
    ad: str
    butce: str = ""
    butce_disi: str = ""
    toplam: str = ""
    pay: str = ""


@dataclass
class TutarTablosu(_Named):
    no: int
    satirlar: list[TutarSatiri]
    toplam: Optional[TutarSatiri] = None


@dataclass
class MatrisSatiri(_Named):
    kod: str
    isaretler: list[str]


@dataclass
class MatrisParcasi(_Named):
    """One table of the responsibility matrix: a group of units (columns) and every target's marks."""

    birimler: list[Birim]
    satirlar: list[MatrisSatiri]


@dataclass
class BirimSatiri(_Named):
    kod: str
    ad: str
    faaliyet_sayisi: str
    toplam: str
    hedef: str
    personel: str
    genel_yonetim: str
    veri_gelmedi: bool = False  # draft: the department sent nothing (its figures read "veri gelmedi")


@dataclass
class BirimKaynak(_Named):
    no: int
    birimler: list[BirimSatiri]
    toplam: BirimSatiri


@dataclass
class EkFaaliyet(_Named):
    kod: str
    ad: str


@dataclass
class EkHedef(_Named):
    kod: str
    ad: str
    faaliyetler: list[EkFaaliyet]


@dataclass
class EkAmac(_Named):
    kod: str
    ad: str
    hedefler: list[EkHedef]


@dataclass
class EkBirim(_Named):
    ad: str
    ad_buyuk: str
    amaclar: list[EkAmac]


@dataclass
class TaslakHatasi(_Named):
    kural: str
    birim: str
    yer: str
    mesaj: str


@dataclass
class TaslakNotlari(_Named):
    """The closing page of a draft: departments without data and the open errors."""

    birimler: list[str]
    hatalar: list[TaslakHatasi]
    hata_sayisi: str


@dataclass
class Grafik(_Named):
    resim: Any
    no: int
    baslik: str


# ---------------------------------------------------------------------------
# sections
# ---------------------------------------------------------------------------

@dataclass
class OnBolum(_Named):
    """Cover, header, foreword and preparation team."""

    kurum: str
    kurum_buyuk: str
    yil: Any
    plan_donemi: str
    tarih: str
    koordinator_birim: str
    baskan: str
    baskan_unvan: str
    onsoz: list[Any]
    taslak: bool
    taslak_isareti: str
    ust_bilgi: str
    ekip: list[EkipGrubu]
    taslak_notlari: Optional[TaslakNotlari] = None  # a draft's closing page; None in a final document


@dataclass
class Anlatim(_Named):
    """The institution's own text: Metinler blocks per section, duties, mission, vision, values."""

    metinler: dict[str, list[Blok]]
    gorevler: list[Any]
    misyon: Any
    vizyon: Any
    degerler: list[Any]


@dataclass
class GenelBilgiler(_Named):
    """1- Genel Bilgiler: units, laws, general-information tables, human resources, policies."""

    birimler: list[Birim]
    mevzuat: list[Kanun]
    alan_aciklamasi: str
    fiziksel_tablolar: list[BilgiTablosu]
    insan_tablolar: list[BilgiTablosu]
    egitim_metni: str
    cinsiyet_metni: str
    personel_tablo_e: str
    politikalar: list[Politika]


@dataclass
class PlanBolumu(_Named):
    """2- B/C: the plan tree with each target's tables, the matrix, the İdare Performans Tablosu."""

    alanlar: list[Alan]
    alan_sayisi: int
    amac_sayisi: int
    hedef_sayisi: int
    matris_tablo_no: int
    matris_tablo_de: str
    matris: list[MatrisSatiri]  # every unit's marks in one row per target (plain data)
    matris_parcalari: list[MatrisParcasi]  # the same, as the document prints it (MATRIX_UNITS_PER_TABLE)
    idare_performans: TutarTablosu
    gosterge_onceki_yillar: bool  # indicator columns t-2 (gerçekleşme) and t-1 (tahmin) beside t
    gosterge_yil_t2: Any
    gosterge_yil_t1: Any


@dataclass
class KaynakBolumu(_Named):
    """2- D: resource need per unit and the Toplam Kaynak İhtiyacı Tablosu."""

    birim_kaynak: BirimKaynak
    birim_kaynak_de: str
    toplam_kaynak: TutarTablosu


@dataclass
class EkBolumu(_Named):
    ekler: list[EkBirim]


@dataclass
class Grafikler(_Named):
    insan_grafikleri: list[Grafik] = field(default_factory=list)
    grafik_alan: Optional[Grafik] = None
    grafik_birim: Optional[Grafik] = None
    grafik_kod: Optional[Grafik] = None

    @property
    def grafik_var(self) -> bool:
        return bool(self.insan_grafikleri or self.grafik_alan or self.grafik_birim or self.grafik_kod)


@dataclass
class DocumentContext(_Named):
    on: OnBolum
    anlatim: Anlatim
    genel: GenelBilgiler
    plan: PlanBolumu
    kaynak: KaynakBolumu
    ek: EkBolumu
    grafikler: Grafikler

    def names(self) -> dict[str, Any]:
        """The template's names: every section's fields side by side (no name twice)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            section = getattr(self, f.name)
            for g in fields(section):
                assert g.name not in out, g.name
                out[g.name] = getattr(section, g.name)
        out["grafik_var"] = self.grafikler.grafik_var
        return out


# ---------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------

class _Data:
    """The program's records in document order, looked up once for all builders."""

    def __init__(self, program: Program, missing: frozenset[str] | set[str] = frozenset()):
        self.program = program
        self.missing = set(missing)  # departments without data (draft only)
        self.inst = inst = program.institution
        self.year = inst.profile.year or program.year
        self.areas = sorted(inst.areas, key=lambda a: a.no)
        self.departments = sorted(inst.departments, key=lambda d: (d.order, sort_key(d.code)))
        self.dept_name = {d.code: d.name for d in inst.departments}
        # a program that was never merged: its submissions' records (totals.py)
        self.targets = {t.code: t for t in reversed(inst.targets)}  # inst.target(): the first with a code
        self.activities = [a for a in totals.activities(program) if a.target_code in self.targets]
        self.submitted: dict[str, Indicator] = {}
        for ind in totals.indicators(program):
            self.submitted.setdefault(ind.code, ind)
        self.unit_costs: dict[str, UnitCosts] = totals.unit_costs(program)
        self.units = {d.code: d.name for d in inst.departments}
        for a in self.activities:
            self.units.setdefault(a.unit_code, a.unit_code)
        self.by_code = totals.economic_totals(self.activities)


def draft_notes(d: _Data, open_errors) -> TaslakNotlari:
    """The closing "Taslak Notları" page of a draft: departments without data and the open errors."""
    order = {x.code: x.order for x in d.inst.departments}
    rows = [TaslakHatasi(f.code, f.department, " › ".join(p for p in (f.file, f.sheet, f.cell) if p), f.message)
            for f in open_errors]
    return TaslakNotlari([f"{code} {d.dept_name.get(code, '')}".strip()
                          for code in sorted(d.missing, key=lambda c: (order.get(c, len(order)), c))],
                         rows, number(len(rows)))


def front(d: _Data, draft: bool, open_errors=()) -> OnBolum:
    """Cover, running header, foreword, the preparation team and a draft's closing notes."""
    from .document import rich

    p = d.inst.profile
    groups: dict[str, list[str]] = {}
    for m in p.team:
        groups.setdefault(m.group, []).append(f"{m.name}, {m.title}" if m.title else m.name)
    return OnBolum(
        kurum=p.name, kurum_buyuk=upper(p.name), yil=d.year or "", plan_donemi=p.plan_period,
        tarih=p.date_text, koordinator_birim=p.coordinator_unit, baskan=p.mayor, baskan_unvan=p.mayor_title,
        onsoz=[rich(t) for t in p.foreword if t and t.strip()], taslak=bool(draft),
        taslak_isareti="TASLAK" if draft else "", ust_bilgi=f"{p.name} {d.year} Yılı Performans Programı".strip(),
        ekip=[EkipGrubu(g, names) for g, names in groups.items()],
        taslak_notlari=draft_notes(d, open_errors) if draft else None)


def narrative(d: _Data) -> Anlatim:
    """Metinler blocks by section (an empty list: the template's default text) and the profile's prose."""
    from .document import rich
    from .narrative import SECTIONS

    blocks: dict[str, list[Blok]] = {key: [] for key in SECTIONS}
    for b in d.inst.texts:
        if b.section in blocks and b.text.strip():
            blocks[b.section].append(Blok(b.kind, rich(b.text)))
    p = d.inst.profile
    return Anlatim(metinler=blocks, gorevler=[rich(t) for t in p.duties],
                   misyon=rich(p.mission) if p.mission else "", vizyon=rich(p.vision) if p.vision else "",
                   degerler=[rich(t) for t in p.values])


def _cell(value) -> Hucre:
    if isinstance(value, bool) or value is None:
        return Hucre("" if value is None else str(value), False)
    if isinstance(value, (int, float)):
        return Hucre(number(value), True)
    return Hucre(str(value), False)


def info_table(table: InfoTable, no: int, texts: dict[str, list[Blok]]) -> BilgiTablosu:
    """A general-information table with totals computed from their parts."""
    from .document import computed_info_rows

    satirlar = []
    for row, kind in zip(computed_info_rows(table), table.kinds):
        if kind == "group":
            label = next((str(v) for v in row if v not in (None, "")), "")
            satirlar.append(BilgiSatiri("grup", label, []))
        else:
            satirlar.append(BilgiSatiri("toplam" if kind == "total" else "veri", "", [_cell(v) for v in row]))
    n = table.key.lstrip("t")  # the narrative around it is keyed by the table's number in kurum.xlsx
    return BilgiTablosu(no, table.title, list(table.columns), len(table.columns), satirlar, table.source_note,
                        texts.get(f"tablo{n}_once", []), texts.get(f"tablo{n}_sonra", []))


def general(d: _Data, numbering: Numbering, texts: dict[str, list[Blok]]) -> GenelBilgiler:
    """1- Genel Bilgiler."""
    from .document import PERSONNEL_TABLES, PHYSICAL_TABLES, _education_texts, suffix

    inst = d.inst
    physical = [info_table(inst.info_tables[k], numbering.next("Tablo"), texts)
                for k in PHYSICAL_TABLES if k in inst.info_tables]
    human, personnel_no = [], None
    for k in PERSONNEL_TABLES:
        if k in inst.info_tables:
            no = numbering.next("Tablo")
            personnel_no = no if k == "t5" else personnel_no
            human.append(info_table(inst.info_tables[k], no, texts))
    edu_text, gender_text, _, _ = _education_texts(inst.info_tables.get("t5"))
    return GenelBilgiler(
        birimler=[Birim(x.code, x.name) for x in d.departments],
        mevzuat=[Kanun(law.name, ["X" if a.no in law.areas else "" for a in d.areas]) for law in inst.laws],
        alan_aciklamasi="  ".join(f"{a.no}. ALAN: {a.name}" for a in d.areas),  # as the published legend
        fiziksel_tablolar=physical, insan_tablolar=human, egitim_metni=edu_text, cinsiyet_metni=gender_text,
        personel_tablo_e=f"Tablo {suffix(str(personnel_no), 'yönelme')}" if personnel_no else "tabloya",
        politikalar=[Politika(p.row_no, p.text) for p in inst.policies])


def _value(v) -> str:
    return number(v) if v is not None else ""


def target(t, acts: list[Activity], defs: list[IndicatorDef], submitted: dict[str, Indicator],
           extra: list[Indicator], dept_name: dict[str, str], s: Sums, no_data: bool = False) -> Hedef:
    """A target's Performans Hedefi and Faaliyet Maliyetleri tables.

    ``no_data``: the responsible department sent nothing (draft): values read "veri gelmedi".
    """
    from .document import NO_DATA, cost_codes

    money = _money
    gostergeler = []
    for x in defs:
        ind = submitted.get(x.code)
        value = _value(ind.value) if ind is not None and ind.value is not None else (NO_DATA if no_data else "")
        gostergeler.append(Gosterge(x.code, x.name, x.unit, value, _value(x.actual_t2), _value(x.estimate_t1)))
    for ind in extra:
        gostergeler.append(Gosterge(ind.code, ind.name, ind.unit, _value(ind.value)))
    codes = cost_codes(acts)
    code_totals = {c: 0 for c in codes}
    # the guide's bütçe dışı kaynak columns (by kind, then their sum), shown when the target has any
    kinds = list(OFF_BUDGET_KINDS) if any(a.off_budget for a in acts) else []
    faaliyetler = []
    for a in acts:
        for c in codes:
            code_totals[c] += a.amounts.get(c, 0)
        off = [money(a.off_amounts.get(k, 0)) for k in kinds] + ([money(a.off_budget)] if kinds else [])
        faaliyetler.append(Faaliyet(a.number or a.code, a.name, dept_name.get(a.unit_code, a.unit_code),
                                    money(a.budget),
                                    money(a.off_budget), money(a.total),
                                    [money(a.amounts.get(c, 0)) for c in codes], (a.explanation or "").strip(),
                                    bd_tutarlari=off))
    off_totals = [money(sum(a.off_amounts.get(k, 0) for a in acts)) for k in kinds] + \
        ([money(s.off)] if kinds else [])
    headers = [OFF_BUDGET_KINDS[k] for k in kinds] + (["Bütçe Dışı Toplam"] if kinds else [])
    return Hedef(t.code, t.name, gostergeler, faaliyetler, money(s.budget), money(s.off), money(s.total),
                 [f"{c} {ECONOMIC_CODES[c]}" for c in codes], [money(code_totals[c]) for c in codes],
                 len(codes), len(codes) + len(headers) + 3, kart=target_card(defs),
                 bd_basliklar=headers, bd_toplamlari=off_totals, bd_ek=" ve Bütçe Dışı Kaynak" if kinds else "")


def target_card(defs: list[IndicatorDef]) -> list[HedefKarti]:
    """The guide's optional target card: the indicators' weight, baseline, direction, monitoring
    frequency and data source (empty when kurum.xlsx gives none for the target)."""
    if not any(x.has_card for x in defs):
        return []
    return [HedefKarti(x.code, x.name, percent(x.weight / 100) if x.weight is not None else "",
                       _value(x.baseline), x.direction, x.frequency, x.data_source) for x in defs]


def _amount_row(kind: str, name: str, s: Sums, base: int) -> TutarSatiri:
    money = _money
    return TutarSatiri(kind, name, money(s.budget), money(s.off), money(s.total),
                       percent(s.total / base) if base else "")


def plan(d: _Data, numbering: Numbering) -> PlanBolumu:
    """The plan tree with every target's tables, the responsibility matrix and the İdare Performans Tablosu.

    The İdare Performans Tablosu lists the targets under their areas and aims,
    then the general administration costs (personnel and general
    administration of the units) and the transfers to other administrations,
    each with its share of the grand total.
    """
    from .document import suffix

    inst = d.inst
    acts_by_target: dict[str, list[Activity]] = {}
    for a in d.activities:
        acts_by_target.setdefault(a.target_code, []).append(a)
    defs_by_target: dict[str, list[IndicatorDef]] = {}
    for x in inst.indicator_defs:
        defs_by_target.setdefault(x.target_code, []).append(x)
    def_codes = {x.code for x in inst.indicator_defs}
    extra_by_target: dict[str, list[Indicator]] = {}
    for ind in d.submitted.values():
        if ind.code not in def_codes:
            extra_by_target.setdefault(ind.target_code, []).append(ind)
    # the years t-2 and t-1 only when some indicator has a value for them (otherwise as the published program)
    three_years = any(x.actual_t2 is not None or x.estimate_t1 is not None for x in inst.indicator_defs)
    aims_by_area: dict[int, list] = {}
    for aim in inst.aims:
        aims_by_area.setdefault(aim.area_no, []).append(aim)
    targets_by_aim: dict[str, list] = {}
    for t in inst.targets:
        targets_by_aim.setdefault(t.aim_code, []).append(t)

    admin = general_admin(d)
    base = totals.total(d.activities) + admin.total + transfers(d)
    rows: list[TutarSatiri] = []
    alanlar = []
    plan_sum = Sums()
    for area in d.areas:
        area_sum = Sums()
        area_row = len(rows)
        rows.append(TutarSatiri("alan", f"Stratejik Alan {area.no}: {area.name}"))
        amaclar = []
        for aim in aims_by_area.get(area.no, []):
            aim_sum = Sums()
            aim_row = len(rows)
            rows.append(TutarSatiri("amac", f"{aim.code}: {aim.name}"))
            hedefler = []
            for t in targets_by_aim.get(aim.code, []):
                acts = acts_by_target.get(t.code, [])
                s = Sums()
                for a in acts:
                    s.add(a)
                aim_sum.merge(s)
                rows.append(_amount_row("hedef", f"{t.code} {t.name}", s, base))
                hedefler.append(target(t, acts, defs_by_target.get(t.code, []), d.submitted,
                                       extra_by_target.get(t.code, []), d.dept_name, s,
                                       no_data=bool(d.missing & set(t.responsible))))
            rows[aim_row] = _amount_row("amac", rows[aim_row].ad, aim_sum, base)
            area_sum.merge(aim_sum)
            amaclar.append(Amac(aim.code, aim.name, hedefler))
        rows[area_row] = _amount_row("alan", rows[area_row].ad, area_sum, base)
        plan_sum.merge(area_sum)
        alanlar.append(Alan(area.no, area.name, amaclar, area_sum.total))
    rows.append(_amount_row("ara", "Performans Hedefleri Toplamı", plan_sum, base))
    rows += _admin_rows(d, admin, base)
    grand = Sums(plan_sum.budget + admin.budget + transfers(d), plan_sum.off)

    matrix_no = numbering.next("Tablo")
    matrix = [MatrisSatiri(t.code, [t.responsibility.get(x.code, "") for x in d.departments]) for t in inst.targets]
    y = d.year
    return PlanBolumu(
        alanlar=alanlar, alan_sayisi=len(inst.areas), amac_sayisi=len(inst.aims), hedef_sayisi=len(inst.targets),
        matris_tablo_no=matrix_no, matris_tablo_de=f"Tablo {suffix(str(matrix_no), 'bulunma')}",
        matris=matrix, matris_parcalari=matrix_parts(matrix, [Birim(x.code, x.name) for x in d.departments]),
        idare_performans=TutarTablosu(numbering.next("Tablo"), rows, _amount_row("toplam", "Genel Toplam", grand,
                                                                                 base)),
        gosterge_onceki_yillar=three_years, gosterge_yil_t2=y - 2 if y else "", gosterge_yil_t1=y - 1 if y else "")


MATRIX_UNITS_PER_TABLE = 40
"""The most unit columns of one responsibility-matrix table. A unit's column needs about 0,5 cm (its
code turned upright, an S or i mark, the cell margins): 40 of them beside the target column fill the
landscape page at the table's own font. A larger institution's matrix is printed as several tables
of about equal width, each repeating the target column, instead of one table whose marks shrink
below reading size (and whose tens of thousands of cells would be laid out at once)."""


def matrix_parts(rows: list[MatrisSatiri], units: list[Birim], most: Optional[int] = None) -> list[MatrisParcasi]:
    """The matrix ``rows`` (one mark per unit of ``units``) cut into tables of at most ``most``
    (:data:`MATRIX_UNITS_PER_TABLE`) units, as equal as can be (341 units: 9 tables of 37 or 38),
    units in their order."""
    most = most or MATRIX_UNITS_PER_TABLE
    n = len(units)
    count = max(1, -(-n // most))
    cuts = [k * n // count for k in range(count + 1)]
    return [MatrisParcasi(units[a:b], [MatrisSatiri(r.kod, r.isaretler[a:b]) for r in rows])
            for a, b in zip(cuts, cuts[1:])]


def general_admin(d: _Data) -> Sums:
    """Personnel and general administration costs of all units (budget)."""
    c = d.unit_costs.values()
    return Sums(sum(x.personnel for x in c) + sum(x.general_admin for x in c), 0)


def transfers(d: _Data) -> int:
    return d.inst.profile.transfers or 0


def _admin_rows(d: _Data, admin: Sums, base: int) -> list[TutarSatiri]:
    c = d.unit_costs.values()
    return [
        _amount_row("ara", "Genel Yönetim Giderleri", admin, base),
        _amount_row("alt", "Personel giderleri", Sums(sum(x.personnel for x in c)), base),
        _amount_row("alt", "Diğer genel yönetim giderleri", Sums(sum(x.general_admin for x in c)), base),
        _amount_row("ara", "Diğer İdarelere Transfer Edilecek Kaynaklar", Sums(transfers(d)), base),
    ]


def resources(d: _Data, numbering: Numbering) -> KaynakBolumu:
    """Resource need per unit and the guide's Toplam Kaynak İhtiyacı Tablosu (economic codes 01–09 as rows)."""
    from .document import suffix

    money = _money
    per_unit: dict[str, Sums] = {code: Sums() for code in d.units}
    counts = {code: 0 for code in d.units}
    for a in d.activities:
        per_unit[a.unit_code].add(a)
        counts[a.unit_code] += 1
    from .document import NO_DATA

    rows = []
    tot_count = tot_target = tot_pers = tot_gen = 0
    for code, name in sorted(d.units.items(), key=lambda kv: (sort_key(kv[1]), kv[0])):
        c = d.unit_costs.get(code)
        personnel, general_ = (c.personnel, c.general_admin) if c else (0, 0)
        target_cost = per_unit[code].total
        if code in d.missing:  # draft: nothing was sent, so there are no figures (not 0 TL)
            rows.append(BirimSatiri(code, name, DASH, NO_DATA, NO_DATA, NO_DATA, NO_DATA, veri_gelmedi=True))
        else:
            rows.append(BirimSatiri(code, name, number(counts[code]), money(target_cost + personnel + general_),
                                    money(target_cost), money(personnel), money(general_)))
        tot_count += counts[code]
        tot_target += target_cost
        tot_pers += personnel
        tot_gen += general_
    unit_no = numbering.next("Tablo")
    unit_table = BirimKaynak(unit_no, rows, BirimSatiri(
        "", "Genel Toplam", number(tot_count), money(tot_target + tot_pers + tot_gen), money(tot_target),
        money(tot_pers), money(tot_gen)))

    admin = general_admin(d)
    acts = Sums()
    for a in d.activities:
        acts.add(a)
    base = acts.total + admin.total + transfers(d)
    krows = [_amount_row("grup", "Performans Hedefleri İçin Gerekli Kaynak İhtiyacı", acts, base)]
    for code, name in ECONOMIC_CODES.items():
        krows.append(_amount_row("veri", f"{code} {name}", Sums(d.by_code[code]), base))
        krows[-1].butce_disi = DASH
    off = _amount_row("veri", "Bütçe dışı kaynaklar", Sums(0, acts.off), base)
    off.butce = DASH
    krows.append(off)
    krows += _admin_rows(d, admin, base)
    grand = Sums(acts.budget + admin.budget + transfers(d), acts.off)
    krows.append(_amount_row("toplam", "Toplam Kaynak İhtiyacı", grand, base))
    return KaynakBolumu(birim_kaynak=unit_table, birim_kaynak_de=f"Tablo {suffix(str(unit_no), 'bulunma')}",
                        toplam_kaynak=TutarTablosu(numbering.next("Tablo"), krows))


def annex(d: _Data) -> EkBolumu:
    """Activities per responsible unit, units in Turkish alphabetical order."""
    inst = d.inst
    aim_order = {a.code: i for i, a in enumerate(inst.aims)}
    target_order = {t.code: i for i, t in enumerate(inst.targets)}
    by_unit: dict[str, list[Activity]] = {}
    for a in d.activities:
        by_unit.setdefault(a.unit_code, []).append(a)
    out = []
    for code in sorted(by_unit, key=lambda c: (sort_key(d.units[c]), c)):
        aims: dict[str, EkAmac] = {}
        targets: dict[str, EkHedef] = {}
        for a in sorted(by_unit[code], key=lambda a: target_order[a.target_code]):
            t = d.targets.get(a.target_code)
            assert t is not None
            if t.aim_code not in aims:
                aim = next((x for x in inst.aims if x.code == t.aim_code), None)
                aims[t.aim_code] = EkAmac(t.aim_code, aim.name if aim else "", [])
            if t.code not in targets:
                targets[t.code] = EkHedef(t.code, t.name, [])
                aims[t.aim_code].hedefler.append(targets[t.code])
            targets[t.code].faaliyetler.append(EkFaaliyet(a.number or a.code, a.name))
        ordered = sorted(aims.values(), key=lambda x: aim_order.get(x.kod, len(aim_order)))
        out.append(EkBirim(d.units[code], upper(d.units[code]), ordered))
    return EkBolumu(out)


def personnel_charts(inst) -> list[tuple[Any, str]]:
    """The charts of the personnel table (kurum.xlsx Tablo 5) with their titles: they need only
    kurum.xlsx, so the build asks for them before the departments' workbooks are read."""
    from . import chartpool as charts
    from .document import _education_texts

    out: list[tuple[Any, str]] = []
    _, _, edu_chart, status_chart = _education_texts(inst.info_tables.get("t5"))
    if edu_chart:
        out.append((charts.vertical_bars([h for h, _ in edu_chart], [v for _, v in edu_chart], kind="share"),
                    "Personelin Öğrenim Durumuna Göre Dağılımı"))
    if status_chart and any(v for _, v in status_chart):
        out.append((charts.horizontal_bars([h for h, _ in status_chart], [v for _, v in status_chart], kind="count"),
                    "Personelin İstihdam Statüsüne Göre Dağılımı"))
    return out


def charts_section(d: _Data, numbering: Numbering, image: Optional[Callable], plan_: PlanBolumu,
                   resources_: Optional[KaynakBolumu]) -> Grafikler:
    """The charts (none without ``image``), numbered after each other."""
    from . import chartpool as charts  # drawn in the build's chart process when one runs
    from .document import TOP_UNITS

    g = Grafikler()
    if image is None:
        return g

    def chart(png: bytes, title: str) -> Grafik:
        return Grafik(image(png, 15.5), numbering.next("Grafik"), title)

    for png, title in personnel_charts(d.inst):
        g.insan_grafikleri.append(chart(png, title))
    if any(a.toplam for a in plan_.alanlar):
        g.grafik_alan = chart(
            charts.horizontal_bars([f"{a.no}. {a.ad}" for a in plan_.alanlar], [a.toplam for a in plan_.alanlar]),
            "Stratejik Alanlara Göre Faaliyet Kaynak İhtiyacı")
    unit_totals = _unit_totals(d)
    if any(v for _, v in unit_totals):
        items = charts.top_n(unit_totals, TOP_UNITS, "Diğer birimler ({count})")
        g.grafik_birim = chart(charts.horizontal_bars([n for n, _ in items], [v for _, v in items],
                                                      rest_last=len(items) > TOP_UNITS),
                               "Harcama Birimlerine Göre Toplam Kaynak İhtiyacı")
    used = [(c, v) for c, v in d.by_code.items() if v]
    if used:
        g.grafik_kod = chart(
            charts.horizontal_bars([f"{c} {ECONOMIC_CODES[c]}" for c, _ in used], [v for _, v in used]),
            "Ekonomik Kodlara Göre Bütçe Kaynak İhtiyacı")
    return g


def _unit_totals(d: _Data) -> list[tuple[str, int]]:
    totals = {code: 0 for code in d.units}
    for a in d.activities:
        totals[a.unit_code] += a.total
    for code, c in d.unit_costs.items():
        if code in totals:
            totals[code] += c.personnel + c.general_admin
    return [(d.units[c], totals[c]) for c in sorted(d.units, key=lambda c: (sort_key(d.units[c]), c))
            if c not in d.missing]


def request_charts(program: Program, draft: bool = False, *, missing=frozenset()) -> Grafikler:
    """The charts :func:`build` will ask for, asked for now (same data, same order): with the build's
    chart process (:mod:`.chartpool`) they are drawn while the rest of the build goes on."""
    d = _Data(program, set(missing) if draft else set())
    numbering = Numbering()
    return charts_section(d, numbering, lambda png, width_cm: png, plan(d, numbering), None)


def build(program: Program, draft: bool = False, image: Optional[Callable] = None, *,
          missing=frozenset(), open_errors=()) -> DocumentContext:
    """The whole context, section by section in document order (caption numbers follow it).

    In a draft, the departments in ``missing`` show "veri gelmedi" instead of
    figures and ``open_errors`` fill the closing "Taslak Notları" page.
    """
    d = _Data(program, set(missing) if draft else set())
    numbering = Numbering()
    anlatim = narrative(d)
    genel = general(d, numbering, anlatim.metinler)
    plan_ = plan(d, numbering)
    kaynak = resources(d, numbering)
    return DocumentContext(on=front(d, draft, open_errors), anlatim=anlatim, genel=genel, plan=plan_, kaynak=kaynak,
                           ek=annex(d), grafikler=charts_section(d, numbering, image, plan_, kaynak))
