"""The one description of both workbook kinds.

``kurum.xlsx`` (coordinator) and the department workbook are described here
sheet by sheet, column by column. The template writer (:mod:`.templates`)
and the reader (:mod:`.reader`) both work from these definitions, so the two
cannot drift apart.

Layout conventions (Excel rows are 1-based):
  row 1 title, row 2 help text, row 3 column headers,
  row 4 the live totals row for sheets with ``totals=True``,
  data rows after that.
Form sheets hold one field per row: label in column A, value in column B.

Each column (:class:`Col`) and form field (:class:`Field`) also says which
model attribute it holds (``attr``; for a formula column the number typed over
the formula, ``computed`` the value the formula gives), its kind, formula,
validation (``required``, ``pattern``, ``choices``) and hint (``note``).
:func:`row_of` turns a model object into a row for the writer,
:func:`attrs_of` a row the reader found into the object's constructor
arguments, so a new column is one line here (and its attribute in the model).
"""
from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any, Optional

from .model import COOPERATING, ECONOMIC_CODES, RESPONSIBLE, ROW_DATA, ROW_GROUP, ROW_TOTAL

KURUM_FILE = "kurum.xlsx"  # the coordinator's workbook in a year folder
DEPARTMENTS_DIR = "birimler"  # the department workbooks beside it

TITLE_ROW = 1
HELP_ROW = 2
HEADER_ROW = 3

TEXT, INT, NUMBER, MONEY, CODE, FORMULA = "text", "int", "number", "money", "code", "formula"
YEAR = "year"  # an integer shown without thousands separator


@dataclass(frozen=True)
class Col:
    key: str
    header: str  # may contain {year}
    kind: str = TEXT
    width: float = 14
    required: bool = False
    editable: bool = True  # unlocked input cell in protected workbooks
    choices: Optional[str] = None  # name of a dropdown list (see LISTS)
    formula: Optional[str] = None  # Excel formula; {r} = row, {c:key} = column letter
    note: str = ""  # Turkish help shown as a cell comment on the header
    pattern: Optional[str] = None  # regular expression a code must match
    # shown for reference (e.g. last year's values): written read-only, not an
    # input, so it does not make a row non-empty; older workbooks may lack it
    reference: bool = False
    may_be_absent: bool = False  # added later: a workbook without the column is read without a finding
    # the model attribute: the input value, or for a FORMULA column the number typed over the
    # formula; "amounts[03]" is item "03" of the dict attribute ``amounts``
    attr: Optional[str] = None
    computed: Optional[str] = None  # FORMULA: the model attribute the formula computes

    def title(self, year: int | str = "") -> str:
        """The header for a program year; {year_1} and {year_2} are the years before it."""
        return header_title(self.header, year)


def header_title(header: str, year: int | str = "") -> str:
    """``header`` with {year}, {year_1} (year t-1) and {year_2} (year t-2) filled in."""
    before = {"year_1": year - 1, "year_2": year - 2} if isinstance(year, int) and year else \
        {"year_1": "", "year_2": ""}
    return header.format(year=year, **before)


@dataclass(frozen=True)
class TableSheet:
    key: str
    name: str
    title: str
    columns: tuple[Col, ...]
    help: str = ""
    totals: bool = False  # live SUM row under the header
    blank_rows: int = 0  # empty input rows written after pre-filled data
    min_rows: int = 0  # data area at least this many rows

    @property
    def first_data_row(self) -> int:
        return HEADER_ROW + (2 if self.totals else 1)

    @property
    def totals_row(self) -> int:
        return HEADER_ROW + 1

    def col(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    def index(self, key: str) -> int:
        """0-based column index."""
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def letter(self, key: str) -> str:
        return get_column_letter(self.index(key) + 1)

    def formula(self, key: str, row: int) -> str:
        template = self.col(key).formula or ""
        return re.sub(r"\{c:(\w+)\}", lambda m: self.letter(m.group(1)), template).replace(
            "{r}", str(row)
        )


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    editable: bool = True
    # {f:key} the value cell of another field; {range:key} and {total:key} the data range and the
    # totals-row cell of a column of the form's ``source`` table sheet
    formula: Optional[str] = None
    note: str = ""
    optional: bool = False  # added later: a workbook without this row is still read without a finding
    attr: Optional[str] = None  # "submission.email", "unit_costs.personnel", "profile.name"
    computed: Optional[str] = None


@dataclass(frozen=True)
class FormSheet:
    key: str
    name: str
    title: str
    fields: tuple[Field, ...]
    help: str = ""

    def row(self, key: str) -> int:
        """Excel row of a field."""
        return HEADER_ROW + 1 + next(i for i, f in enumerate(self.fields) if f.key == key)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def formula(self, key: str, source: Optional[TableSheet] = None, last_row: int = 0) -> str:
        """The Excel formula of a field: {f:key} → B<row>; with the ``source`` table sheet
        {range:key} → its data cells of that column (up to ``last_row``), {total:key} → its totals cell."""
        text = self.field(key).formula or ""
        text = re.sub(r"\{f:(\w+)\}", lambda m: f"B{self.row(m.group(1))}", text)
        if source is not None:
            ref = f"'{source.name}'!"
            text = re.sub(r"\{range:(\w+)\}", lambda m: f"{ref}{source.letter(m.group(1))}{source.first_data_row}:"
                          f"{source.letter(m.group(1))}{last_row}", text)
            text = re.sub(r"\{total:(\w+)\}", lambda m: f"{ref}{source.letter(m.group(1))}{source.totals_row}",
                          text)
        return text


@dataclass(frozen=True)
class MatrixSheet:
    """Rows keyed by a code, one column per dynamic key (department, area)."""

    key: str
    name: str
    title: str
    row_header: str
    values: tuple[str, ...]  # allowed marks
    help: str = ""
    row_width: float = 12


@dataclass(frozen=True)
class InfoSpec:
    """A general-information table (Tablo 1–9) of kurum.xlsx."""

    key: str  # "t1"
    no: int
    title: str
    columns: tuple[tuple[str, str], ...]  # (header, kind)
    row_sums: tuple[tuple[str, tuple[str, ...]], ...] = ()  # total column = sum of parts
    total_row: bool = True

    @property
    def sheet(self) -> str:
        return f"Tablo {self.no}"


ROW_KIND_LABELS = {ROW_DATA: "Veri", ROW_GROUP: "Grup", ROW_TOTAL: "Toplam"}
ROW_KINDS = {v: k for k, v in ROW_KIND_LABELS.items()}

ECON_COLS = tuple(
    Col(f"e{code}", f"{code} {name}", MONEY, width=15, attr=f"amounts[{code}]",
        note=f"{code} ekonomik kodlu giderler için bütçe kaynak ihtiyacı (TL, tam sayı).")
    for code, name in ECONOMIC_CODES.items()
)
_ECON_SUM = "=SUM({c:e01}{r}:{c:e09}{r})"

# --------------------------------------------------------------------------
# Department workbook (birim çalışma kitabı)
# --------------------------------------------------------------------------
DEPT_INFO = FormSheet(
    key="birim",
    name="Birim",
    title="Harcama Birimi Bilgileri",
    help="Sarı hücreleri doldurun. Gri hücreler otomatik hesaplanır.",
    fields=(
        Field("kod", "Birim Kodu", CODE, required=True, editable=False, attr="submission.department"),
        Field("ad", "Birim Adı", TEXT, required=True, editable=False, attr="submission.department_name"),
        Field("yil", "Program Yılı", YEAR, required=True, editable=False, attr="submission.year"),
        Field("surum", "Şablon Sürümü", TEXT, required=True, editable=False, attr="submission.template_version"),
        Field("tavan", "Bütçe Tavanı (TL)", MONEY, editable=False,
              note="Strateji Geliştirme Dairesi Başkanlığınca bildirilen tavan."),
        Field("personel", "Personel Gideri (TL)", MONEY, required=True, attr="unit_costs.personnel",
              note="Birimin personel giderleri (faaliyetlere dağıtılmayan)."),
        Field("genel_yonetim", "Genel Yönetim Gideri (TL)", MONEY, required=True, attr="unit_costs.general_admin",
              note="Birimin faaliyetlere dağıtılmayan genel yönetim giderleri."),
        Field("faaliyet_sayisi", "Faaliyet Sayısı", FORMULA, editable=False,
              attr="unit_costs.activity_count_typed", formula="=COUNTA({range:kod})"),
        Field("hedef_maliyeti", "Hedeflere Yönelik Faaliyet Maliyeti (TL)", FORMULA, editable=False,
              attr="unit_costs.target_cost_typed", formula="={total:toplam}"),
        Field("toplam", "Birim Toplam Kaynak İhtiyacı (TL)", FORMULA, editable=False,
              attr="unit_costs.total_typed", formula="={f:hedef_maliyeti}+{f:personel}+{f:genel_yonetim}"),
        Field("kalan", "Tavana Göre Kalan (TL)", FORMULA, editable=False, formula="={f:tavan}-{f:toplam}"),
        Field("hazirlayan", "Hazırlayan (Ad Soyad, Unvan)", TEXT, attr="submission.prepared_by",
              note="Çalışma kitabını dolduran kişi; bulgular için kendisine ulaşılır."),
        Field("telefon", "Hazırlayan Telefon", TEXT, optional=True, attr="submission.phone"),
        Field("eposta", "Hazırlayan E-posta", TEXT, optional=True, attr="submission.email"),
    ),
)

DEPT_TARGETS = TableSheet(
    key="hedefler",
    name="Hedefler",
    title="Birimin İlgili Olduğu Performans Hedefleri",
    help="S: Sorumlu birim, i: İş birliği yapılacak birim. Bu sayfa bilgi amaçlıdır.",
    columns=(
        Col("kod", "Hedef Kodu", CODE, width=11, editable=False),
        Col("ad", "Performans Hedefi", TEXT, width=90, editable=False),
        Col("rol", "Rol", TEXT, width=6, editable=False),
    ),
)

DEPT_INDICATORS = TableSheet(
    key="gostergeler",
    name="Göstergeler",
    title="Performans Göstergeleri",
    help="Sorumlu olduğunuz hedeflerin göstergeleri için {year} yılı hedef değerlerini girin.",
    columns=(
        Col("hedef", "Hedef Kodu", CODE, width=11, required=True, editable=False, pattern=r"H\d+\.\d+",
            attr="target_code"),
        Col("kod", "Gösterge Kodu", CODE, width=13, required=True, editable=False,
            pattern=r"PG\d+\.\d+\.\d+", attr="code"),
        Col("ad", "Performans Göstergesi", TEXT, width=70, required=True, editable=False, attr="name"),
        Col("olcu", "Ölçü Birimi", TEXT, width=12, required=True, choices="olcu", attr="unit"),
        Col("deger", "{year} Hedef Değeri", NUMBER, width=14, required=True, attr="value",
            note="Göstergenin program yılı için hedeflenen değeri."),
        Col("gerceklesme", "{year_2} Gerçekleşme", NUMBER, width=13, editable=False, reference=True,
            note="Bilgi için: göstergenin iki yıl önceki gerçekleşme değeri (kurum.xlsx)."),
        Col("tahmin", "{year_1} Tahmin", NUMBER, width=13, editable=False, reference=True,
            note="Bilgi için: göstergenin geçen yılki tahmini ya da hedef değeri (kurum.xlsx)."),
    ),
)

DEPT_ACTIVITIES = TableSheet(
    key="faaliyetler",
    name="Faaliyetler",
    title="Faaliyetler ve Kaynak İhtiyacı",
    help=(
        "Her satır bir faaliyettir. Tutarları ekonomik kodlara göre TL olarak (kuruşsuz) "
        "girin; Bütçe ve Toplam sütunları otomatik hesaplanır."
    ),
    totals=True,
    blank_rows=40,
    min_rows=60,
    columns=(
        Col("hedef", "Hedef Kodu", CODE, width=10, required=True, choices="hedefler",
            pattern=r"H\d+\.\d+", note="Listeden seçin: birimin ilgili olduğu hedefler.", attr="target_code"),
        Col("kod", "Faaliyet Kodu", CODE, width=9, required=True, pattern=r"F\d+", attr="code",
            note="Hedef içinde sıra numarası: F1, F2, ..."),
        Col("ad", "Faaliyet Adı", TEXT, width=60, required=True, attr="name"),
        Col("aciklama", "Açıklama", TEXT, width=40, attr="explanation",
            note="İsteğe bağlı: Faaliyet Maliyetleri Tablosunda faaliyetin altında gösterilir."),
        *ECON_COLS,
        Col("butce", "Bütçe (TL)", FORMULA, width=15, editable=False, formula=_ECON_SUM,
            attr="budget_typed", computed="budget"),
        Col("bd_doner", "Döner Sermaye (TL)", MONEY, width=14, attr="off_amounts[doner]", may_be_absent=True,
            note="Bütçe dışı kaynak: döner sermaye."),
        Col("bd_yurt_ici", "Diğer Yurt İçi (TL)", MONEY, width=14, attr="off_amounts[yurt_ici]",
            may_be_absent=True, note="Bütçe dışı kaynak: döner sermaye dışındaki yurt içi kaynaklar."),
        Col("bd_yurt_disi", "Yurt Dışı (TL)", MONEY, width=14, attr="off_amounts[yurt_disi]", may_be_absent=True,
            note="Bütçe dışı kaynak: yurt dışı kaynaklar (hibe, kredi vb.)."),
        Col("butce_disi", "Bütçe Dışı (TL)", FORMULA, width=15, editable=False,
            formula="={c:bd_doner}{r}+{c:bd_yurt_ici}{r}+{c:bd_yurt_disi}{r}", attr="off_budget_typed",
            computed="off_budget", note="Döner Sermaye, Diğer Yurt İçi ve Yurt Dışı sütunlarının toplamı."),
        Col("toplam", "Toplam (TL)", FORMULA, width=15, editable=False,
            formula="={c:butce}{r}+{c:butce_disi}{r}", attr="total_typed", computed="total"),
        Col("kaynak_toplam", "Toplam Kaynak İhtiyacı (TL)", FORMULA, width=16, editable=False,
            formula="={c:butce}{r}+{c:butce_disi}{r}", attr="cost_total_typed", computed="total",
            note="Faaliyet Maliyetleri Tablosundaki toplam."),
        Col("onceki", "{year_1} Toplam Kaynak İhtiyacı (TL, bilgi)", MONEY, width=17, editable=False,
            reference=True, attr="previous_total",
            note="Bilgi için: geçen yılın programından aktarılan faaliyetin geçen yılki toplamı. "
                 "Bu yıl yapılmayacak faaliyetin Faaliyet Kodu ve Adı hücrelerini silin."),
    ),
)

DEPT_LISTS = "Listeler"

DEPARTMENT_SHEETS = (DEPT_INFO, DEPT_TARGETS, DEPT_INDICATORS, DEPT_ACTIVITIES)
INSTRUCTIONS_SHEET = "Talimatlar"

# --------------------------------------------------------------------------
# Coordinator workbook kurum.xlsx
# --------------------------------------------------------------------------
INST_PROFILE = FormSheet(
    key="kurum",
    name="Kurum",
    title="Kurum Bilgileri",
    help="Performans programının kapak, önsöz ve genel bilgilerinde kullanılır.",
    fields=(
        Field("ad", "Kurum Adı", TEXT, attr="name", required=True),
        Field("yil", "Program Yılı", YEAR, attr="year", required=True),
        Field("plan_donemi", "Stratejik Plan Dönemi", TEXT, attr="plan_period", required=True,
              note="Başlangıç ve bitiş yılı, örneğin 2022-2024. Program yılı bu dönemin içinde olmalıdır."),
        Field("baskan", "Belediye Başkanı", TEXT, attr="mayor", required=True),
        Field("baskan_unvani", "Başkanın Unvanı", TEXT, attr="mayor_title"),
        Field("koordinator", "Koordinatör Birim", TEXT, attr="coordinator_unit"),
        Field("tarih", "Hazırlanma Tarihi (metin)", TEXT, attr="date_text"),
        Field("toplam_butce", "İdare Toplam Bütçesi (TL)", MONEY, attr="total_budget",
              note="Birim toplamlarının karşılaştırılacağı idare toplamı."),
        Field("faaliyet_sayisi", "Toplam Faaliyet Sayısı (kontrol)", INT, attr="activity_count_typed",
              note="Boş bırakılabilir; doluysa faaliyet sayısıyla karşılaştırılır."),
        Field("adres", "Adres", TEXT, attr="address"),
        Field("telefon", "Telefon / Faks", TEXT, attr="phone"),
        Field("eposta", "E-posta", TEXT, attr="email"),
        Field("misyon", "Misyon", TEXT, attr="mission"),
        Field("vizyon", "Vizyon", TEXT, attr="vision"),
        Field("transfer", "Diğer İdarelere Transfer Edilecek Kaynaklar (TL)", MONEY, optional=True,
              attr="transfers",
              note="İdare Performans ve Toplam Kaynak İhtiyacı tablolarında ayrı satır olarak gösterilir."),
    ),
)


def _single(key: str, name: str, title: str, header: str, width: float = 100) -> TableSheet:
    return TableSheet(key, name, title, (Col("metin", header, TEXT, width=width, required=True),))


INST_FOREWORD = _single("onsoz", "Önsöz", "Başkanın Önsözü", "Paragraf")
INST_VALUES = _single("degerler", "Değerler", "İlkelerimiz ve Temel Değerlerimiz", "Değer", 60)
INST_DUTIES = _single("gorevler", "Görevler", "Görev, Yetki ve Sorumluluklar", "Görev")
INST_UNITS = _single("olcu", "Ölçü Birimleri", "Ölçü Birimleri", "Ölçü Birimi", 20)
INST_TEAM = TableSheet(
    "ekip", "Hazırlama Ekibi", "Hazırlama Ekibi",
    (
        Col("grup", "Grup", TEXT, width=28, required=True, attr="group"),
        Col("ad", "Ad Soyad", TEXT, width=30, required=True, attr="name"),
        Col("unvan", "Unvan", TEXT, width=50, attr="title"),
    ),
)
INST_AREAS = TableSheet(
    "alanlar", "Stratejik Alanlar", "Stratejik Alanlar",
    (Col("no", "Alan No", INT, width=8, required=True, attr="no"),
     Col("ad", "Stratejik Alan", TEXT, width=60, required=True, attr="name")),
)
INST_AIMS = TableSheet(
    "amaclar", "Amaçlar", "Stratejik Amaçlar",
    (
        Col("kod", "Amaç Kodu", CODE, width=10, required=True, pattern=r"A\d+", attr="code"),
        Col("alan", "Alan No", INT, width=8, required=True, attr="area_no"),
        Col("ad", "Amaç", TEXT, width=100, required=True, attr="name"),
    ),
)
INST_TARGETS = TableSheet(
    "hedefler", "Hedefler", "Performans Hedefleri",
    (
        Col("kod", "Hedef Kodu", CODE, width=10, required=True, pattern=r"H\d+\.\d+", attr="code"),
        Col("amac", "Amaç Kodu", CODE, width=10, required=True, pattern=r"A\d+", attr="aim_code"),
        Col("ad", "Performans Hedefi", TEXT, width=100, required=True, attr="name"),
    ),
)
INST_INDICATORS = TableSheet(
    "gostergeler", "Göstergeler", "Performans Göstergeleri",
    (
        Col("kod", "Gösterge Kodu", CODE, width=13, required=True, pattern=r"PG\d+\.\d+\.\d+", attr="code"),
        Col("hedef", "Hedef Kodu", CODE, width=10, required=True, pattern=r"H\d+\.\d+", attr="target_code"),
        Col("ad", "Performans Göstergesi", TEXT, width=80, required=True, attr="name"),
        Col("olcu", "Ölçü Birimi", TEXT, width=12, required=True, choices="olcu", attr="unit"),
        Col("gerceklesme", "{year_2} Gerçekleşme", NUMBER, width=13, may_be_absent=True, attr="actual_t2",
            note="Göstergenin iki yıl önceki (t-2) gerçekleşme değeri; programda gösterilir."),
        Col("tahmin", "{year_1} Tahmin", NUMBER, width=13, may_be_absent=True, attr="estimate_t1",
            note="Göstergenin geçen yılki (t-1) tahmini; yeni yıl açılırken geçen yılın hedef değeri "
                 "aktarılır, yıl sonu tahminiyle güncelleyin."),
        # the guide's optional target card (hedef kartı); shown under the target's table when filled
        Col("agirlik", "Hedefe Etkisi (%)", NUMBER, width=11, may_be_absent=True, attr="weight",
            note="İsteğe bağlı hedef kartı: göstergenin hedefe etkisi (ağırlığı), yüzde olarak."),
        Col("baslangic", "Başlangıç Değeri", NUMBER, width=12, may_be_absent=True, attr="baseline",
            note="İsteğe bağlı hedef kartı: plan dönemi başındaki değer."),
        Col("yon", "İzleme Yönü", TEXT, width=12, choices="yon", may_be_absent=True, attr="direction",
            note="İsteğe bağlı hedef kartı: Artış, Azalış ya da Koruma."),
        Col("siklik", "İzleme Sıklığı", TEXT, width=13, may_be_absent=True, attr="frequency",
            note="İsteğe bağlı hedef kartı: ör. 6 ay, yıllık."),
        Col("veri_kaynagi", "Veri Kaynağı", TEXT, width=28, may_be_absent=True, attr="data_source",
            note="İsteğe bağlı hedef kartı: göstergenin verisinin alındığı kayıt ya da rapor."),
    ),
)
DIRECTIONS = ("Artış", "Azalış", "Koruma")  # İzleme Yönü of the target card

INST_DEPARTMENTS = TableSheet(
    "birimler", "Birimler", "Harcama Birimleri",
    (
        Col("kod", "Birim Kodu", CODE, width=11, required=True, pattern=r"D\d+-\w+", attr="code"),
        Col("ad", "Birim Adı", TEXT, width=55, required=True, attr="name"),
        Col("diger", "Diğer Yazılışlar (; ile ayırın)", TEXT, width=60),  # Department.aliases, "; "-joined
        Col("tavan", "Bütçe Tavanı (TL)", MONEY, width=18, attr="ceiling"),
    ),
)
INST_MATRIX = MatrixSheet(
    "matris", "Sorumluluk Matrisi", "Daire Başkanlıkları Hedef Sorumluluk Matrisi",
    "Hedef Kodu", (RESPONSIBLE, COOPERATING),
    help="S: Sorumlu Daire Başkanlığı, i: İş Birliği Yapılacak Daire Başkanlığı.",
)
INST_POLICIES = TableSheet(
    "politikalar", "Politikalar", "Temel Politika ve Öncelikler",
    (
        Col("no", "Satır No", TEXT, width=10, required=True, attr="row_no"),
        Col("metin", "Mahalli İdare Politikaları", TEXT, width=110, required=True, attr="text"),
    ),
)
INST_LAWS = MatrixSheet(
    "mevzuat", "Mevzuat", "Faaliyetleri Düzenleyen Kanun ve Düzenlemeler",
    "Kanun / Düzenleme", ("X",), row_width=80,
    help="Her satır bir mevzuat; ilgili stratejik alan sütunlarını X ile işaretleyin.",
)
INST_CONTROL = TableSheet(
    "kontrol", "Kontrol Toplamları", "Tablo Toplamları (Kontrol)",
    help=(
        "İsteğe bağlı: hedef tablolarında beklenen Genel Toplam değerleri. "
        "Doluysa faaliyetlerden hesaplanan toplamlarla karşılaştırılır."
    ),
    columns=(
        Col("hedef", "Hedef Kodu", CODE, width=10, required=True, pattern=r"H\d+\.\d+"),
        Col("butce", "Bütçe", MONEY, width=15),
        Col("butce_disi", "Bütçe Dışı", MONEY, width=15),
        Col("toplam", "Toplam", MONEY, width=15),
        *(Col(f"e{code}", f"{code}", MONEY, width=14) for code in ECONOMIC_CODES),
        Col("maliyet_toplam", "Toplam Kaynak İhtiyacı", MONEY, width=16),
    ),
)
CONTROL_COLUMNS = ("butce", "butce_disi", "toplam", *ECONOMIC_CODES, "maliyet_toplam")

INST_NARRATIVES = TableSheet(
    "anlatim", "Anlatım Oranları", "Metinde Belirtilen Oranlar",
    help="Metinde yazılı yüzdeler; tablolardan hesaplananlarla karşılaştırılır.",
    columns=(
        Col("anahtar", "Anahtar", CODE, width=24, required=True, attr="key"),
        Col("metin", "Metin", TEXT, width=80, attr="text"),
        Col("oran", "Oran (%)", NUMBER, width=10, required=True, attr="value"),
    ),
)

REVIEWED = "Gözden geçirildi"
INST_REVIEW = TableSheet(
    "gozden", "Gözden Geçirilecekler", "Yeni Yılda Gözden Geçirilecekler",
    help=(
        "Geçen yılın programından aktarılan ve bu yıl için gözden geçirilmesi gereken bölümler. "
        "Gözden geçirdiğiniz satırın Durum hücresine \"" + REVIEWED + "\" yazın."
    ),
    columns=(
        Col("konu", "Konu", TEXT, width=30, required=True),
        Col("sayfa", "Sayfa", TEXT, width=22),
        Col("aciklama", "Yapılacak", TEXT, width=80),
        Col("durum", "Durum", TEXT, width=18, choices="durum"),
    ),
)

INST_TEXTS = TableSheet(
    "metinler", "Metinler", "Program Metinleri (Anlatım)",
    help=(
        "Belgedeki anlatım metinleri: her satır bir paragraf, madde ya da ara başlıktır ve belgede "
        "Bölüm sütunundaki yerde, bu sayfadaki sırayla yer alır (bölümlerin listesi sağdadır). "
        "**kalın** ve *italik* yazılabilir. Metni olmayan bölümde şablonun kendi metni kullanılır."
    ),
    columns=(
        Col("bolum", "Bölüm", CODE, width=22, required=True, choices="bolumler",
            note="Metnin belgedeki yeri; sağdaki listeden bir anahtar."),
        Col("tur", "Tür", TEXT, width=12, choices="metin_turleri",
            note="Paragraf (boş bırakılırsa), Madde (madde imli liste) ya da Ara Başlık."),
        Col("metin", "Metin", TEXT, width=110, required=True),
    ),
)
TEXT_LEGEND_COL = 4  # 0-based column of the section list beside the Metinler table

INST_ACCEPTED = TableSheet(
    "kabul", "Kabul Edilen Bulgular", "Gerekçesiyle Kabul Edilen Bulgular",
    help=(
        "Bilerek kabul edilen bulgular: kural kodu, yeri (birim, dosya, sayfa, hücre ya da hedef, faaliyet; "
        "boş bırakılan alan her değere uyar) ve gerekçe. Kabul edilen hatalar belgeyi taslak yapmaz."
    ),
    columns=(
        Col("kural", "Kural Kodu", CODE, width=11, required=True, pattern=r"[A-ZÇĞİÖŞÜ]{3}-\d{2}", attr="rule"),
        Col("birim", "Birim Kodu", CODE, width=11, attr="department"),
        Col("dosya", "Dosya", TEXT, width=24, attr="file"),
        Col("sayfa", "Sayfa", TEXT, width=14, attr="sheet"),
        Col("hucre", "Hücre", TEXT, width=8, attr="cell"),
        Col("hedef", "Hedef Kodu", CODE, width=10, attr="target"),
        Col("faaliyet", "Faaliyet Kodu", CODE, width=10, attr="activity"),
        Col("gerekce", "Gerekçe", TEXT, width=60, required=True, attr="reason"),
        Col("kabul_eden", "Kabul Eden", TEXT, width=24, attr="accepted_by"),
        Col("tarih", "Tarih", TEXT, width=12, attr="date"),
    ),
)

INFO_TABLES: tuple[InfoSpec, ...] = (
    InfoSpec("t1", 1, "Hizmet Binaları", (("Sıra No", INT), ("Hizmet Binası", TEXT), ("Sayı", INT))),
    InfoSpec("t2", 2, "Hizmet Araçları",
             (("Araç Türü", TEXT), ("Resmi", INT), ("Kiralık", INT), ("Toplam", INT)),
             row_sums=(("Toplam", ("Resmi", "Kiralık")),)),
    InfoSpec("t3", 3, "Teknolojik Kaynaklar", (("Kalem", TEXT), ("Adet", INT)), total_row=False),
    InfoSpec("t4", 4, "Yazılım Bilgileri", (("Yazılım Adı", TEXT), ("Açıklama", TEXT)), total_row=False),
    InfoSpec("t5", 5, "Statü, Cinsiyet ve Öğrenim Durumuna Göre Personel Analizi",
             (("Statü", TEXT), ("Toplam", INT), ("Kadın", INT), ("Erkek", INT), ("İlköğretim", INT),
              ("Lise", INT), ("Ön Lisans", INT), ("Lisans", INT), ("Y. Lisans", INT), ("Doktora", INT)),
             row_sums=(("Toplam", ("Kadın", "Erkek")),
                       ("Toplam", ("İlköğretim", "Lise", "Ön Lisans", "Lisans", "Y. Lisans", "Doktora")))),
    InfoSpec("t6", 6, "Personelin Norm Kadroya Göre Analizi",
             (("Personel", TEXT), ("Norm Kadro", INT), ("Dolu Kadro", INT), ("Boş Kadro", INT)),
             row_sums=(("Norm Kadro", ("Dolu Kadro", "Boş Kadro")),), total_row=False),
    InfoSpec("t7", 7, "Personelin Yaş Analizi",
             (("Yaş Aralığı", TEXT), ("Memur", INT), ("İşçi", INT), ("Süresiz İşçi", INT), ("Toplam", INT)),
             row_sums=(("Toplam", ("Memur", "İşçi", "Süresiz İşçi")),)),
    InfoSpec("t8", 8, "Personelin Hizmet Sınıfına Göre Analizi",
             (("Hizmet Sınıfı", TEXT), ("Personel Sayısı", INT))),
    InfoSpec("t9", 9, "Personelin Hizmet Süreleri Analizi",
             (("Hizmet Süresi", TEXT), ("Memur", INT), ("İşçi", INT), ("Süresiz İşçi", INT), ("Toplam", INT)),
             row_sums=(("Toplam", ("Memur", "İşçi", "Süresiz İşçi")),)),
)
INFO_KIND_HEADER = "Satır Türü"
INFO_SOURCE_LABEL = "Kaynak:"

INSTITUTION_TABLES = (
    INST_FOREWORD, INST_TEAM, INST_VALUES, INST_DUTIES, INST_AREAS, INST_AIMS, INST_TARGETS,
    INST_INDICATORS, INST_UNITS, INST_DEPARTMENTS, INST_POLICIES, INST_CONTROL, INST_NARRATIVES, INST_REVIEW,
    INST_TEXTS, INST_ACCEPTED,
)
# sheets added after the first template version: a kurum.xlsx without them is read as empty
OPTIONAL_SHEETS = (INST_REVIEW.name, INST_TEXTS.name, INST_ACCEPTED.name)


def cell_sort_key(cell: str) -> tuple:
    """Order A2 < A10 < B1 by row then column; empty first."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    if not m:
        return (0, 0, cell or "")
    return (1, int(m.group(2)), len(m.group(1)), m.group(1))


def get_column_letter(col: int) -> str:
    """Excel column letters of a 1-based column number: 1 → A, 28 → AB (openpyxl's, without importing it)."""
    if not 1 <= col <= 18278:
        raise ValueError(f"Invalid column index {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row: int, col0: int) -> str:
    """Excel reference from a 1-based row and 0-based column."""
    return f"{get_column_letter(col0 + 1)}{row}"


# --------------------------------------------------------------------------
# model <-> rows, driven by ``attr`` / ``computed``
# --------------------------------------------------------------------------
_ITEM = re.compile(r"(\w+)\[(\w+)\]")


def get_attr(obj: Any, attr: str) -> Any:
    """``obj.a``, ``obj.a.b`` or ``obj.a[key]`` (a missing dict item is None; ``obj`` may be a
    dict of objects: ``{"submission": sub}`` and ``"submission.email"``)."""
    for part in attr.split("."):
        m = _ITEM.fullmatch(part)
        if m:
            return (getattr(obj, m.group(1)) or {}).get(m.group(2))
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part)
        if obj is None:
            return None
    return obj


def row_of(spec: TableSheet, obj: Any) -> dict:
    """A model object as a row of ``spec`` for the writer: every column with an ``attr``; a
    formula column gets the typed number (if any) and, as ``<key>__value``, the computed one."""
    row: dict[str, Any] = {}
    for col in spec.columns:
        if col.attr:
            row[col.key] = get_attr(obj, col.attr)
        if col.computed:
            row[f"{col.key}__value"] = get_attr(obj, col.computed)
    return row


@functools.cache
def _fields(model: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(model)}


def attrs_of(columns: tuple[Col, ...] | tuple[Field, ...], values: dict, model: type,
             prefix: str = "") -> dict[str, Any]:
    """Constructor arguments of ``model`` from the values the reader found (keyed by column or
    field key). A value left blank keeps the attribute's default ("" for a required text).
    ``prefix`` selects the fields of one object of a form ("unit_costs.")."""
    out: dict[str, Any] = {}
    for key, attr, item, optional, text in _attr_plan(columns, model, prefix):
        value = values.get(key)
        if item is not None:
            items = out.setdefault(attr, {})
            if value is not None:
                items[item] = value
            continue
        if value is None and optional:
            continue
        out[attr] = "" if value is None and text else value
    return out


_PLANS: dict[tuple[int, type, str], tuple[Any, tuple]] = {}


def _attr_plan(columns: tuple, model: type, prefix: str) -> tuple:
    """What :func:`attrs_of` does per column, worked out once per (columns, model, prefix):
    (key, attribute, dict item or None, has a default, is a str)."""
    cached = _PLANS.get((id(columns), model, prefix))
    if cached is not None and cached[0] is columns:
        return cached[1]
    fields = _fields(model)
    plan = []
    for col in columns:
        if not col.attr or not col.attr.startswith(prefix):
            continue
        attr = col.attr[len(prefix):]
        m = _ITEM.fullmatch(attr)
        if m:
            plan.append((col.key, m.group(1), m.group(2), False, False))
            continue
        f = fields[attr]
        optional = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        plan.append((col.key, attr, None, optional, f.type == "str"))
    _PLANS[(id(columns), model, prefix)] = (columns, tuple(plan))
    return tuple(plan)
