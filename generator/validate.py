"""Validation of a merged program and of single department workbooks.

:func:`validate_submission` needs no kurum.xlsx: sums inside the workbook,
repeated codes, signs and typed totals. :func:`validate` runs it for every
merged workbook and adds the checks against the strategic plan: unit
ceilings and totals, the responsibility matrix, code numbering, indicators,
the general-information tables and the percentages stated in the text.

Conventions
-----------
* A *typed* total (a number typed over a template formula) is compared with
  the value computed from the parts shown next to it in the same row, so one
  wrong cell gives one finding (TOP-01..04, BRM-03..05).
* Table totals of kurum.xlsx (control totals, unit ceilings, the institution
  total) are compared with totals *computed* from the activities, i.e. with
  what the generated document shows.
* Ceiling: a unit over its ceiling is an error (BRM-01), a unit under it a
  warning (BRM-02), because an unused part of a ceiling may be intended but a
  need above it cannot be budgeted. As in the workbook formula "Tavana Göre
  Kalan", the unit total includes off-budget sources.
* ``partial=True`` (one workbook checked on its own against kurum.xlsx) skips
  the checks that need every unit or only concern kurum.xlsx.
"""
from __future__ import annotations

import re
from typing import Optional

from . import merge, reader, totals
from . import workbook_schema as ws
from .findings import ERROR, WARNING, Finding, Rule, RuleSet, loc_of, sort_findings, sub_loc, where
from .merge import choose_indicators, code_numbers
from .model import (
    ECONOMIC_CODES,
    OFF_BUDGET_KINDS,
    ROW_DATA,
    ROW_GROUP,
    ROW_TOTAL,
    Activity,
    Indicator,
    IndicatorDef,
    InfoTable,
    Institution,
    Loc,
    Program,
    Submission,
    Target,
)
from .turkish import money, normalize, number, percent

# --- catalogue ---------------------------------------------------------------
RULES = RuleSet(
    merge.RULES["KOD-02"],  # a control total under a target the plan does not have
    merge.RULES["TEK-04"],  # an indicator repeated inside one workbook
    reader.RULES["TIP-02"],  # negative amounts in programs built in code
    Rule("KOD-06", ERROR, "Ekonomik kod \"{economic}\" geçersiz; 01–09 arasında bir kod olmalı.",
         "Faaliyet tutarı analitik bütçe sınıflandırmasının birinci düzeyinde olmayan bir ekonomik "
         "koda yazılmış."),
    Rule("KOD-07", WARNING, "{target} hedefinin faaliyet numaralarında boşluk var: {missing} yok.",
         "Faaliyetler her hedef içinde F1'den başlayarak boşluksuz numaralandırılır (tüm birimlerin "
         "faaliyetleri birlikte). Numaraları düzeltin."),
    Rule("TEK-01", ERROR, "{target} {activity} faaliyet kodu bu dosyada ikinci kez kullanılmış (ilk: {first}).",
         "Aynı hedef içinde bir faaliyet kodu yalnızca bir kez kullanılabilir. İki satır da programa "
         "alınır; kodlardan birini düzeltin ya da fazla satırı silin."),
    Rule("TOP-01", ERROR, "Bütçe {typed} TL yazılmış; ekonomik kodların toplamı {computed} TL.",
         "Bütçe sütunu formülünün üzerine farklı bir sayı yazılmış. Programda ekonomik kodların "
         "toplamı kullanılır; formülü geri yükleyin ya da tutarları düzeltin."),
    Rule("TOP-02", ERROR, "Toplam {typed} TL yazılmış; Bütçe + Bütçe Dışı = {computed} TL.",
         "Performans hedefi tablosunda faaliyetin toplamı, bütçe ve bütçe dışı kaynakların toplamına "
         "eşit değil."),
    Rule("TOP-03", ERROR, "Toplam Kaynak İhtiyacı {typed} TL yazılmış; ekonomik kodlar ve bütçe dışı "
         "kaynakların toplamı {computed} TL.",
         "Faaliyet maliyetleri tablosunda faaliyetin toplamı, ekonomik kodlara göre tutarların "
         "toplamına eşit değil."),
    Rule("TOP-04", ERROR, "Performans hedefi tablosundaki toplam ({perf} TL), faaliyet maliyetleri "
         "tablosundaki toplamdan ({cost} TL) farklı.",
         "Aynı faaliyet iki tabloda farklı toplamla yer alıyor; belge kendisiyle çelişir."),
    Rule("TOP-05", ERROR, "{target} hedefinin \"{column}\" kontrol toplamı {typed} TL; faaliyetlerden "
         "hesaplanan {computed} TL.",
         "kurum.xlsx Kontrol Toplamları sayfasına yazılan Genel Toplam, hedefin faaliyetlerinden "
         "hesaplanan toplamla uyuşmuyor."),
    Rule("TOP-06", ERROR, "Toplam satırında \"{column}\" {typed} TL yazılmış; satırların toplamı {computed} TL.",
         "Faaliyetler sayfasının toplam satırındaki formülün üzerine farklı bir sayı yazılmış."),
    Rule("TOP-07", ERROR, "Bütçe Dışı {typed} TL yazılmış; Döner Sermaye, Diğer Yurt İçi ve Yurt Dışı "
         "toplamı {computed} TL.",
         "Bütçe Dışı sütunu formülünün üzerine farklı bir sayı yazılmış. Programda türlerin toplamı "
         "kullanılır; formülü geri yükleyin ya da tutarları düzeltin."),
    Rule("BRM-01", ERROR, "Birimin bütçe ihtiyacı (bütçe dışı kaynaklar hariç) {total} TL; bütçe tavanını "
         "({ceiling} TL) {diff} TL aşıyor.",
         "Faaliyetlerin bütçe tutarları, personel ve genel yönetim giderlerinin toplamı birimin bütçe "
         "tavanından büyük olamaz. Bütçe dışı kaynaklar tavana sayılmaz; birleştirmede yinelenen "
         "kayıt olarak yok sayılan faaliyetler de sayılmaz."),
    Rule("BRM-02", WARNING, "Birimin bütçe ihtiyacı (bütçe dışı kaynaklar hariç) {total} TL; bütçe tavanının "
         "({ceiling} TL) {diff} TL altında.",
         "Birim tavanının %10'undan fazlasını kullanmıyor (daha küçük farklar olağandır ve "
         "bildirilmez). Bilinçli değilse tutarları kontrol edin."),
    Rule("BRM-03", ERROR, "Faaliyet sayısı {typed} yazılmış; dosyada {computed} faaliyet var.",
         "Birim sayfasındaki faaliyet sayısı formülünün üzerine farklı bir sayı yazılmış."),
    Rule("BRM-04", ERROR, "Hedeflere yönelik faaliyet maliyeti {typed} TL yazılmış; faaliyetlerin "
         "toplamı {computed} TL.",
         "Birim sayfasındaki hedef maliyeti, faaliyetlerin toplam kaynak ihtiyacına eşit değil."),
    Rule("BRM-05", ERROR, "Birim toplamı {typed} TL yazılmış; hedef maliyeti + personel + genel "
         "yönetim = {computed} TL.",
         "Birimin toplam kaynak ihtiyacı, hedef maliyeti, personel ve genel yönetim giderlerinin "
         "toplamına eşit değil."),
    Rule("BRM-06", ERROR, "Birimlerin toplam kaynak ihtiyacı {computed} TL; idare toplam bütçesi "
         "{typed} TL (fark {diff} TL).",
         "Tüm birimlerin faaliyet, personel ve genel yönetim giderlerinin toplamı kurum.xlsx'teki "
         "İdare Toplam Bütçesine eşit olmalıdır."),
    Rule("BRM-07", ERROR, "Toplam faaliyet sayısı {typed} yazılmış; programda {computed} faaliyet var.",
         "kurum.xlsx'teki kontrol amaçlı toplam faaliyet sayısı, birimlerin faaliyetlerinin sayısıyla "
         "uyuşmuyor."),
    Rule("MTR-01", ERROR, "{target} hedefinin sorumlu (S) birimi yok.",
         "Sorumluluk matrisinde her performans hedefi için tam olarak bir sorumlu (S) birim "
         "işaretlenmelidir."),
    Rule("MTR-02", ERROR, "{target} hedefinin birden fazla sorumlu (S) birimi var: {units}.",
         "Sorumluluk matrisinde her performans hedefi için tam olarak bir sorumlu (S) birim "
         "işaretlenmelidir; diğer birimler iş birliği yapan (i) olarak işaretlenir."),
    Rule("MTR-03", ERROR, "{target} hedefinin faaliyetlerinin hiçbiri sorumlu (S) ya da iş birliği "
         "yapan (i) bir birimden değil ({units}).{hint}",
         "Hedefin faaliyetlerini yalnızca matriste o hedefle ilişkisi olmayan birimler girmiş. "
         "Matrisi ya da faaliyetlerin hedef kodlarını düzeltin."),
    Rule("MTR-08", WARNING, "{target} hedefinin sorumlu (S) birimi {responsible} hedefin hiçbir faaliyetini "
         "girmemiş; faaliyetler yalnızca iş birliği yapan (i) {units} biriminden.{hint}",
         "Hedeften sorumlu birimin hedefte hiç faaliyeti yok; faaliyetleri matriste yalnızca iş birliği "
         "yapan olarak işaretli birimler girmiş. Çoğunlukla matris satırındaki S ve i işaretleri yanlış "
         "sütundadır (bir ya da iki sütun kaymış): matrisi ya da faaliyetlerin hedef kodlarını düzeltin."),
    Rule("GST-05", WARNING, "{indicator} göstergesinin ölçü birimi yüzde; {year} hedef değeri {value}, %100'ü aşıyor.",
         "Yüzde ile ölçülen bir göstergenin değeri 100'ü aşmış. Oran bir artış oranı değilse değeri "
         "kontrol edin (ör. 0,85 ya da 85 yerine 850 yazılmış olabilir)."),
    Rule("MTR-04", WARNING, "{department} birimi {target} hedefinde sorumlu (S) ya da iş birliği "
         "yapan (i) birim değil ({count} faaliyet).",
         "Birim, sorumluluk matrisinde ilişkilendirilmediği bir hedefe faaliyet girmiş. Hedefin hiçbir "
         "faaliyeti S ya da i birimlerinden değilse yalnızca MTR-03 bildirilir."),
    Rule("MTR-05", ERROR, "Sorumluluk matrisindeki {target} hedefi stratejik planda yok.",
         "Matris satırının hedef kodu kurum.xlsx Hedefler sayfasında bulunmuyor."),
    Rule("MTR-06", ERROR, "Sorumluluk matrisindeki \"{department}\" sütunu Birimler listesinde yok.",
         "Matris sütun başlığı, kurum.xlsx Birimler sayfasındaki birim kodlarından biri olmalıdır."),
    Rule("MTR-07", WARNING, "{target} hedefi için hiç faaliyet girilmemiş.",
         "Performans hedefinin programda faaliyeti yok; hedefin tablosu boş kalır."),
    Rule("GST-01", WARNING, "{target} hedefinin gösterge numaralarında boşluk var: {missing} yok.",
         "Göstergeler her hedef içinde PG…1'den başlayarak boşluksuz numaralandırılır."),
    Rule("GST-02", WARNING, "{target} hedefi için tanımlı performans göstergesi yok.",
         "Her performans hedefinin en az bir göstergesi olmalıdır (kurum.xlsx Göstergeler)."),
    Rule("GST-03", WARNING, "{indicator} göstergesinin ölçü birimi \"{unit}\"; planda \"{expected}\".",
         "Birimin yazdığı ölçü birimi stratejik plandaki tanımdan farklı."),
    Rule("GST-04", ERROR, "{indicator} göstergesinin {year} hedef değeri girilmemiş.",
         "Planda tanımlı göstergenin değeri hiçbir birimden gelmemiş. Hedefin sorumlu biriminin "
         "Göstergeler sayfasına değeri yazın."),
    Rule("GNL-01", ERROR, "{table}, \"{row}\" satırı: {total_column} {typed}; {parts} toplamı {computed}.",
         "Genel bilgi tablosunda bir satırın toplam sütunu, parçalarının toplamına eşit değil."),
    Rule("GNL-02", ERROR, "{table}, toplam satırı: \"{column}\" {typed}; satırların toplamı {computed}.",
         "Genel bilgi tablosunun toplam satırı, üstündeki veri satırlarının toplamına eşit değil."),
    Rule("GNL-03", ERROR, "{table} personel toplamı {value}; {reference} toplamı {expected}.",
         "Personel tabloları (Tablo 5, 7, 8, 9) aynı personelin farklı dağılımlarıdır; toplamları "
         "eşit olmalıdır."),
    Rule("ANL-01", WARNING, "Metindeki oran {stated}; {table} verilerinden hesaplanan {computed}.",
         "Metinde yazılı yüzde, ilgili tablodan hesaplanan oranla (iki ondalığa yuvarlanmış) "
         "uyuşmuyor. Metin başka bir gruba (ör. yalnızca yöneticilere) ilişkin değilse düzeltin."),
    Rule("ANL-02", WARNING, "\"{key}\" oranı tablodan hesaplanamıyor: {reason}.",
         "Anlatım Oranları sayfasındaki anahtar \"egitim:<Tablo 5 sütunu>\" ya da "
         "\"cinsiyet:Kadın/Erkek\" biçiminde olmalı ve Tablo 5'te toplamı olan bir sütunu göstermelidir. "
         "Tablo 5'in saymadığı bir gruba ait oranlar (ör. yöneticilerin cinsiyet dağılımı) "
         "\"yonetici:Kadın\" biçiminde yazılır ve karşılaştırılmaz."),
    Rule("YIL-01", ERROR, "Program yılı {year}, stratejik plan döneminin ({period}) dışında.",
         "Performans programı stratejik planın dönemi içindeki bir yıl için hazırlanır. Yeni stratejik "
         "plan kabul edildiyse dönemini (Kurum sayfası, Stratejik Plan Dönemi) ve alanlarını, amaçlarını, "
         "hedeflerini ve göstergelerini kurum.xlsx'e girin."),
    Rule("YIL-02", WARNING, "Stratejik plan dönemi \"{period}\" okunamadı; 2022-2024 biçiminde yazın.",
         "Stratejik Plan Dönemi başlangıç ve bitiş yılı olarak yazılır; program yılının dönem içinde olup "
         "olmadığı buna göre denetlenir."),
    Rule("YIL-03", ERROR, "kurum.xlsx'teki program yılı {year}; dosya \"{folder}\" yıl klasöründe.",
         "Her yılın kurum.xlsx dosyası kendi yıl klasöründe durur (workbooks/2025/kurum.xlsx içinde program "
         "yılı 2025). Yanlış klasöre kopyalanmış ya da yılı güncellenmemiş bir dosya başka yılın programını "
         "üretir. Program yılını ya da klasörü düzeltin."),
    Rule("YIL-05", WARNING, "Metin {mentioned} yılının programından söz ediyor; program yılı {year}: \"{excerpt}\"",
         "Önsöz ya da anlatım metni başka bir program yılını anıyor; metin büyük olasılıkla geçen yılın "
         "programından aktarıldı. Metni bu yıl için güncelleyin."),
    Rule("YIL-06", WARNING, "\"{topic}\" geçen yılın programından aktarıldı ve henüz gözden geçirilmedi: {todo}",
         "Yeni yıl açılırken aktarılan bölümler kurum.xlsx'in Gözden Geçirilecekler sayfasında listelenir. "
         "Bölümü güncelledikten sonra satırın Durum hücresine \"Gözden geçirildi\" yazın."),
)
finding = RULES.finding


ACT = ws.DEPT_ACTIVITIES
BELOW_CEILING_SHARE = 0.10  # BRM-02 only when more than this share of the ceiling is left unused
_F_CODE = re.compile(r"F(\d+)")
_PG_CODE = re.compile(r"PG(\d+)\.(\d+)\.(\d+)")


def _col_title(key: str) -> str:
    return ACT.col(key).title()


# ---------------------------------------------------------------------------
# one workbook
# ---------------------------------------------------------------------------

@RULES.check("KOD-06", "TEK-01", "TEK-04", "TOP-01", "TOP-02", "TOP-03", "TOP-04", "TOP-06", "TOP-07")
def validate_submission(sub: Submission) -> list[Finding]:
    """Checks of one department workbook that need no kurum.xlsx."""
    out: list[Finding] = []
    dep = sub.department
    out += _signs(sub)
    seen: dict[tuple[str, str], Activity] = {}
    for a in sub.activities:
        ctx = dict(department=dep, target=a.target_code, activity=a.code)
        for code in a.amounts:
            if code not in ECONOMIC_CODES:
                out.append(finding("KOD-06", loc_of(a.src, f"e{code}", "kod"), economic=code, **ctx))
        if a.target_code and a.code:
            if a.key in seen:
                first = seen[a.key]
                first_loc = loc_of(first.src, "kod")
                out.append(finding("TEK-01", loc_of(a.src, "kod"),
                                   first=first_loc.cell if first_loc else f"{first.row}. satır", **ctx))
            else:
                seen[a.key] = a
        budget = a.budget
        if a.budget_typed is not None and a.budget_typed != budget:
            out.append(finding("TOP-01", loc_of(a.src, "butce"), typed=money(a.budget_typed),
                               computed=money(budget), typed_value=a.budget_typed, computed_value=budget,
                               **ctx))
        if a.off_budget_typed is not None and a.off_budget_typed != a.off_budget:
            out.append(finding("TOP-07", loc_of(a.src, "butce_disi"), typed=money(a.off_budget_typed),
                               computed=money(a.off_budget), typed_value=a.off_budget_typed,
                               computed_value=a.off_budget, **ctx))
        shown_budget = a.budget_typed if a.budget_typed is not None else budget
        if a.total_typed is not None and a.total_typed != shown_budget + a.off_budget:
            computed = shown_budget + a.off_budget
            out.append(finding("TOP-02", loc_of(a.src, "toplam"), typed=money(a.total_typed),
                               computed=money(computed), typed_value=a.total_typed,
                               computed_value=computed, **ctx))
        if a.cost_total_typed is not None and a.cost_total_typed != a.total:
            out.append(finding("TOP-03", loc_of(a.src, "kaynak_toplam"), typed=money(a.cost_total_typed),
                               computed=money(a.total), typed_value=a.cost_total_typed,
                               computed_value=a.total, **ctx))
        if a.total_typed is not None and a.cost_total_typed is not None and a.total_typed != a.cost_total_typed:
            out.append(finding("TOP-04", loc_of(a.src, "kaynak_toplam", "toplam"), perf=money(a.total_typed),
                               cost=money(a.cost_total_typed), perf_value=a.total_typed,
                               cost_value=a.cost_total_typed, **ctx))
    # indicators repeated inside the workbook (the row with a value is used)
    chosen = choose_indicators(sub.indicators)
    for ind in sub.indicators:
        used = chosen.get(ind.code)
        if used is not None and used is not ind:
            out.append(finding("TEK-04", loc_of(ind.src, "kod"), department=dep, target=ind.target_code,
                               indicator=ind.code, first=where(loc_of(used.src, "kod")) or f"{used.row}. satır"))
    # the typed totals row of the activities sheet
    for key, typed in sorted(sub.typed_totals.items(), key=lambda kv: ACT.index(kv[0])):
        column_sum = totals.column_total(sub.activities, key)
        if column_sum is not None and typed != column_sum:
            out.append(finding("TOP-06", sub.src.get(f"toplam:{key}"), department=dep, column=_col_title(key),
                               typed=money(typed), computed=money(column_sum), typed_value=typed,
                               computed_value=column_sum))
    out += _unit_figures(sub)
    return sort_findings(out)


@RULES.check("TIP-02")
def _signs(sub: Submission) -> list[Finding]:
    """Negative numbers in programs built in code (the reader rejects them in cells)."""
    out = []
    for a in sub.activities:
        ctx = dict(department=sub.department, target=a.target_code, activity=a.code)
        for code, v in a.amounts.items():
            if v < 0:
                header = _col_title(f"e{code}") if code in ECONOMIC_CODES else code
                out.append(finding("TIP-02", loc_of(a.src, f"e{code}"), column=header, value=v, **ctx))
        for kind, v in a.off_amounts.items():
            if v < 0:
                out.append(finding("TIP-02", loc_of(a.src, f"bd_{kind}", "butce_disi"),
                                   column=_col_title(f"bd_{kind}") if kind in OFF_BUDGET_KINDS else kind,
                                   value=v, **ctx))
    uc = sub.unit_costs
    if uc is not None:
        for key, v in (("personel", uc.personnel), ("genel_yonetim", uc.general_admin)):
            if v < 0:
                out.append(finding("TIP-02", uc.src.get(key), department=sub.department,
                                   column=ws.DEPT_INFO.field(key).label, value=v))
    for ind in sub.indicators:
        if ind.value is not None and ind.value < 0:
            out.append(finding("TIP-02", loc_of(ind.src, "deger"), department=sub.department,
                               target=ind.target_code, column=ws.DEPT_INDICATORS.col("deger").title(),
                               value=ind.value))
    return out


@RULES.check("BRM-03", "BRM-04", "BRM-05")
def _unit_figures(sub: Submission) -> list[Finding]:
    uc = sub.unit_costs
    if uc is None:
        return []
    out = []
    dep = sub.department
    n = len(sub.activities)
    if uc.activity_count_typed is not None and uc.activity_count_typed != n:
        out.append(finding("BRM-03", uc.src.get("faaliyet_sayisi"), department=dep,
                           typed=number(uc.activity_count_typed), computed=number(n),
                           typed_value=uc.activity_count_typed, computed_value=n))
    cost = totals.total(sub.activities)
    if uc.target_cost_typed is not None and uc.target_cost_typed != cost:
        out.append(finding("BRM-04", uc.src.get("hedef_maliyeti"), department=dep,
                           typed=money(uc.target_cost_typed), computed=money(cost),
                           typed_value=uc.target_cost_typed, computed_value=cost))
    shown_cost = uc.target_cost_typed if uc.target_cost_typed is not None else cost
    total = shown_cost + uc.personnel + uc.general_admin
    if uc.total_typed is not None and uc.total_typed != total:
        out.append(finding("BRM-05", uc.src.get("toplam"), department=dep, typed=money(uc.total_typed),
                           computed=money(total), typed_value=uc.total_typed, computed_value=total))
    return out


# ---------------------------------------------------------------------------
# the merged program
# ---------------------------------------------------------------------------

def validate(program: Program, partial: bool = False) -> list[Finding]:
    """All checks of a merged program (``partial``: one workbook against kurum.xlsx)."""
    out: list[Finding] = []
    for sub in program.submissions:
        out += validate_submission(sub)
    out += _ceilings(program)
    out += _activity_roles(program, partial)
    out += _indicator_values(program, partial)
    if not partial:
        out += _control_totals(program)
        out += _institution_totals(program)
        out += _matrix(program)
        out += _numbering(program)
        out += _info_tables(program.institution)
        out += _narratives(program.institution)
        out += year_of_plan(program.institution)
    return sort_findings(out)


# ---------------------------------------------------------------------------
# the yearly cycle: plan period, the year of the folder, text of another year
# ---------------------------------------------------------------------------
# "2024 yılı Performans Programı", "2024 yılına ait hedeflerimizi": a year named
# as the year of a program or of its targets
_PROGRAM_YEAR = re.compile(r"\b((?:19|20)\d{2})\s*(?:'\w+\s+)?y[ıi]l\w*\b([^.!?;]{0,40}?)"
                           r"(performans\s+program|hedef)", re.IGNORECASE)


@RULES.check("YIL-01", "YIL-02", "YIL-05", "YIL-06")
def year_of_plan(inst: Institution) -> list[Finding]:
    """YIL-01/02 the program year within the plan period, YIL-05 foreword and
    narrative naming another program year, YIL-06 carried parts not reviewed."""
    out = []
    p = inst.profile
    year = p.year
    loc = p.src.get("plan_donemi")
    start, end = p.plan_years()
    if p.plan_period and start is None:
        out.append(finding("YIL-02", loc, period=p.plan_period))
    elif year and start is not None and end is not None and not start <= year <= end:
        out.append(finding("YIL-01", loc or p.src.get("yil"), year=year, period=p.plan_period))
    texts: list[tuple[str, Optional[Loc]]] = [
        (text, p.src.get(f"onsoz:{i}") or Loc(inst.file, ws.INST_FOREWORD.name)) for i, text in enumerate(p.foreword)]
    texts += [(n.text, loc_of(n.src, "metin", "anahtar")) for n in inst.narratives]
    texts += [(t.text, loc_of(t.src, "metin", "bolum")) for t in inst.texts]
    for text, where_ in texts:
        for m in _PROGRAM_YEAR.finditer(text or ""):
            mentioned = int(m.group(1))
            if year and mentioned != year:
                excerpt = text[max(m.start() - 20, 0):m.end() + 20].strip()
                out.append(finding("YIL-05", where_, mentioned=mentioned, year=year,
                                   excerpt=("…" if m.start() > 20 else "") + excerpt + "…"))
                break  # one finding per paragraph
    for r in inst.reviews:
        if not r.done:
            out.append(finding("YIL-06", loc_of(r.src, "durum", "konu"), topic=r.topic, todo=r.todo))
    return out


@RULES.check("YIL-03")
def folder_year(inst: Institution, folder_name: str) -> list[Finding]:
    """YIL-03: the year inside kurum.xlsx matches its year folder (workbooks/2025)."""
    p = inst.profile
    if re.fullmatch(r"\d{4}", folder_name or "") and p.year and p.year != int(folder_name):
        return [finding("YIL-03", p.src.get("yil"), year=p.year, folder=folder_name)]
    return []


def _target_loc(t: Target) -> Optional[Loc]:
    return loc_of(t.src, "matris", "kod")


@RULES.check("BRM-01", "BRM-02")
def _ceilings(program: Program) -> list[Finding]:
    """BRM-01 / BRM-02: a unit's budget need against its ceiling.

    The ceiling limits the budget: off-budget sources do not count, and an
    activity the merge left out as a duplicate (TEK-02) is not counted twice."""
    out = []
    inst = program.institution
    budget_by_unit: dict[str, int] = {}
    for a in program.activities:
        budget_by_unit[a.unit_code] = budget_by_unit.get(a.unit_code, 0) + a.budget
    for sub in program.submissions:
        dept = inst.department(sub.department)
        if dept is None or dept.ceiling is None or sub.unit_costs is None:
            continue
        uc = sub.unit_costs
        total = budget_by_unit.get(sub.department, 0) + uc.personnel + uc.general_admin
        if total == dept.ceiling:
            continue
        if total < dept.ceiling and dept.ceiling - total < BELOW_CEILING_SHARE * dept.ceiling:
            continue  # a small unused part of a ceiling is normal: no warning
        code = "BRM-01" if total > dept.ceiling else "BRM-02"
        loc = uc.src.get("toplam") or sub_loc(sub, "tavan")
        out.append(finding(code, loc, department=sub.department, total=money(total), ceiling=money(dept.ceiling),
                           diff=money(abs(total - dept.ceiling)), total_value=total, ceiling_value=dept.ceiling))
    return out


@RULES.check("MTR-04")
def _activity_roles(program: Program, partial: bool) -> list[Finding]:
    """MTR-04: a unit enters activities for a target where it is neither S nor i.

    One finding per unit and target. When no activity of the target comes from
    an S or i unit, the target gets MTR-03 instead (not in a partial check)."""
    out = []
    inst = program.institution
    known = {d.code for d in inst.departments}
    unowned = set() if partial else _unowned_targets(program)
    for sub in program.submissions:
        if sub.department not in known:
            continue  # KOD-01
        groups: dict[str, list[Activity]] = {}
        for a in sub.activities:
            t = inst.target(a.target_code)
            if t is not None and sub.department not in t.responsibility:
                groups.setdefault(a.target_code, []).append(a)
        for code, acts in groups.items():
            if code in unowned:
                continue
            out.append(finding("MTR-04", loc_of(acts[0].src, "hedef"), department=sub.department, target=code,
                               activity=acts[0].code if len(acts) == 1 else "", count=len(acts)))
    return out


def _activities_by_target(program: Program) -> dict[str, list[Activity]]:
    by_target: dict[str, list[Activity]] = {}
    for a in program.activities:
        by_target.setdefault(a.target_code, []).append(a)
    return by_target


def _unowned_targets(program: Program) -> set[str]:
    """Targets that have activities, but none from a unit marked S or i for them (one pass)."""
    inst = program.institution
    out = set()
    for code, acts in _activities_by_target(program).items():
        t = inst.target(code)
        if t is not None and not any(a.unit_code in t.responsibility for a in acts):
            out.add(code)
    return out


@RULES.check("GST-03", "GST-04", "GST-05")
def _indicator_values(program: Program, partial: bool) -> list[Finding]:
    """GST-03 units against the plan, GST-04 indicators without a value."""
    out = []
    inst = program.institution
    year = inst.profile.year
    defs = {d.code: d for d in inst.indicator_defs}
    submitted: dict[str, Indicator] = {}
    for ind in program.indicators:
        submitted.setdefault(ind.code, ind)
        d = defs.get(ind.code)
        if d is not None and ind.unit and d.unit and _unit_key(ind.unit) != _unit_key(d.unit):
            out.append(finding("GST-03", loc_of(ind.src, "olcu"), department=ind.department,
                               target=ind.target_code, indicator=ind.code, unit=ind.unit, expected=d.unit))
        unit = (d.unit if d is not None and d.unit else ind.unit) or ""
        if ind.value is not None and ind.value > 100 and _is_percent(unit):
            out.append(finding("GST-05", loc_of(ind.src, "deger"), department=ind.department,
                               target=ind.target_code, indicator=ind.code, year=year, value=number(ind.value)))
        # a blank value cell was reported by the reader (ZRN-01); programs built in code have no cell
        if ind.value is None and "deger" not in ind.src:
            out.append(finding("GST-04", None, department=ind.department, target=ind.target_code,
                               indicator=ind.code, year=year))
    if partial:
        return out  # another unit's workbook may give the value: only the whole year can tell
    units = {s.department for s in program.submissions}
    for d in inst.indicator_defs:
        if d.code in submitted:
            continue
        t = inst.target(d.target_code)
        if t is None:
            continue
        responsible = t.responsible
        if responsible and not any(u in units for u in responsible):
            continue  # the responsible unit sent nothing: reported once as BRL-01 / BRL-06
        dep = next((u for u in responsible if u in units), responsible[0] if responsible else "")
        out.append(finding("GST-04", loc_of(d.src, "kod"), department=dep, target=d.target_code,
                           indicator=d.code, year=year))
    return out


def _is_percent(unit: str) -> bool:
    key = normalize(unit)
    return key.startswith("%") or key.startswith("yüzde") or key in ("oran (%)", "yüzde oranı")


def _unit_key(unit: str) -> str:
    return normalize(unit).replace(" ", "")


def _control_column(column: str) -> str:
    if column in ECONOMIC_CODES:
        return f"{column} {ECONOMIC_CODES[column]}"
    try:
        return ws.INST_CONTROL.col(column).header
    except StopIteration:
        return column


@RULES.check("KOD-02", "TOP-05")
def _control_totals(program: Program) -> list[Finding]:
    out = []
    inst = program.institution
    by_target: dict[str, list[Activity]] = {}
    for a in program.activities:
        by_target.setdefault(a.target_code, []).append(a)
    reported_unknown = set()
    for ct in inst.control_totals:
        loc = ct.src.get("value")
        if inst.target(ct.target_code) is None:
            if ct.target_code not in reported_unknown:
                reported_unknown.add(ct.target_code)
                out.append(finding("KOD-02", loc, target=ct.target_code))
            continue
        acts = by_target.get(ct.target_code, [])
        computed = totals.column_total(acts, ct.column)
        if computed is None:  # any other column: the total
            computed = totals.total(acts)
        if computed != ct.value:
            out.append(finding("TOP-05", loc, target=ct.target_code, column=_control_column(ct.column),
                               typed=money(ct.value), computed=money(computed), typed_value=ct.value,
                               computed_value=computed))
    return out


@RULES.check("BRM-06", "BRM-07")
def _institution_totals(program: Program) -> list[Finding]:
    out = []
    p = program.institution.profile
    if p.total_budget is not None:
        computed = totals.institution_total(program)
        if computed != p.total_budget:
            out.append(finding("BRM-06", p.src.get("toplam_butce"), computed=money(computed),
                               typed=money(p.total_budget), diff=money(abs(computed - p.total_budget)),
                               computed_value=computed, typed_value=p.total_budget))
    if p.activity_count_typed is not None and p.activity_count_typed != len(program.activities):
        out.append(finding("BRM-07", p.src.get("faaliyet_sayisi"), typed=number(p.activity_count_typed),
                           computed=number(len(program.activities)), typed_value=p.activity_count_typed,
                           computed_value=len(program.activities)))
    return out


@RULES.check("MTR-01", "MTR-02", "MTR-03", "MTR-05", "MTR-06", "MTR-07", "MTR-08")
def _matrix(program: Program) -> list[Finding]:
    out = []
    inst = program.institution
    known = {d.code for d in inst.departments}
    submitted = {s.department for s in program.submissions}
    by_target = _activities_by_target(program)
    for t in inst.targets:
        s_units = t.responsible
        if not s_units:
            out.append(finding("MTR-01", _target_loc(t), target=t.code))
        elif len(s_units) > 1:
            out.append(finding("MTR-02", _target_loc(t), target=t.code, units=", ".join(s_units)))
        acts = by_target.get(t.code, [])
        if not acts and s_units and not any(u in submitted for u in s_units):
            pass  # the responsible unit sent nothing: reported once as BRL-01 / BRL-06
        elif not acts:
            out.append(finding("MTR-07", loc_of(t.src, "kod"), target=t.code,
                               department=s_units[0] if s_units else ""))
        elif not any(a.unit_code in t.responsibility for a in acts):  # activities, none from an S or i unit
            units = sorted({a.unit_code for a in acts})
            out.append(finding("MTR-03", _target_loc(t), target=t.code, units=", ".join(units),
                               hint=_shift_hint(inst, s_units, units),
                               department=units[0] if len(units) == 1 else ""))
        elif len(s_units) == 1 and not any(a.unit_code == s_units[0] for a in acts):
            units = sorted({a.unit_code for a in acts})
            out.append(finding("MTR-08", _target_loc(t), target=t.code, responsible=s_units[0],
                               units=", ".join(units), hint=_shift_hint(inst, s_units, units),
                               department=s_units[0]))
    for code, _marks, row_loc in inst.matrix_unknown:
        out.append(finding("MTR-05", row_loc, target=code))
    unknown: dict[str, Optional[Loc]] = {}
    rows = [(t.responsibility, _target_loc(t)) for t in inst.targets] + \
        [(marks, loc) for _, marks, loc in inst.matrix_unknown]
    for marks, loc in rows:
        for dep in marks:
            if dep not in known and dep not in unknown:
                unknown[dep] = inst.src.get(f"matris:{dep}") or loc
    for dep, dep_loc in unknown.items():
        out.append(finding("MTR-06", dep_loc, department=dep))
    return out


def _matrix_column(inst: Institution, code: str) -> Optional[int]:
    """Column number of a unit in the responsibility matrix (else its place in Birimler)."""
    loc = inst.src.get(f"matris:{code}")
    if loc is not None and loc.cell:
        letters = re.match(r"[A-Z]+", loc.cell)
        if letters:
            n = 0
            for ch in letters.group():
                n = n * 26 + ord(ch) - 64
            return n
    dept = inst.department(code)
    return None if dept is None else 1000 + dept.order


def _shift_hint(inst: Institution, s_units: list[str], owners: list[str]) -> str:
    """" Matris satırı kaymış olabilir ..." when the S mark sits one or two columns off the only owner."""
    if len(s_units) != 1 or len(owners) != 1:
        return ""
    marked, owner = _matrix_column(inst, s_units[0]), _matrix_column(inst, owners[0])
    if marked is None or owner is None or not 1 <= abs(marked - owner) <= 2:
        return ""
    side = "sağında" if marked > owner else "solunda"
    return (f" Matris satırı kaymış olabilir: S işareti, faaliyetleri giren {owners[0]} sütununun "
            f"{abs(marked - owner)} sütun {side} ({s_units[0]}).")


def _gaps(numbers: list[int]) -> list[int]:
    present = set(numbers)
    return [n for n in range(1, max(present) + 1) if n not in present] if present else []


@RULES.check("GST-01", "GST-02", "KOD-07")
def _numbering(program: Program) -> list[Finding]:
    """KOD-07 activity numbers per target, GST-01 indicator numbers, GST-02 targets without indicators."""
    out = []
    inst = program.institution
    by_target: dict[str, list[tuple[int, Activity]]] = {}
    for a in program.activities:
        m = _F_CODE.fullmatch(a.code or "")
        if m and a.target_code:
            by_target.setdefault(a.target_code, []).append((int(m.group(1)), a))
    for target, items in sorted(by_target.items(), key=lambda kv: code_numbers(kv[0])):
        if inst.target(target) is None:
            continue  # KOD-02 reports the unknown target; its numbering means nothing yet
        missing = _gaps([n for n, _ in items])
        if missing:
            after = min(n for n, _ in items if n > missing[0])
            a = next(a for n, a in items if n == after)
            out.append(finding("KOD-07", loc_of(a.src, "kod"), department=a.unit_code, target=target,
                               activity=a.code, missing=", ".join(f"F{n}" for n in missing)))
    defs_by_target: dict[str, list[tuple[int, IndicatorDef]]] = {}
    for d in inst.indicator_defs:
        m = _PG_CODE.fullmatch(d.code)
        defs_by_target.setdefault(d.target_code, [])
        if m:
            defs_by_target[d.target_code].append((int(m.group(3)), d))
    for target, def_items in sorted(defs_by_target.items(), key=lambda kv: code_numbers(kv[0])):
        missing = _gaps([n for n, _ in def_items])
        if missing:
            after = min(n for n, _ in def_items if n > missing[0])
            gap_def = next(d for n, d in def_items if n == after)
            prefix = gap_def.code.rsplit(".", 1)[0]
            out.append(finding("GST-01", loc_of(gap_def.src, "kod"), target=target, indicator=gap_def.code,
                               missing=", ".join(f"{prefix}.{n}" for n in missing)))
    submitted = {i.target_code for i in program.indicators}
    for t in inst.targets:
        if t.code not in defs_by_target and t.code not in submitted:
            out.append(finding("GST-02", loc_of(t.src, "kod"), target=t.code))
    return out


# ---------------------------------------------------------------------------
# general-information tables and the percentages in the text
# ---------------------------------------------------------------------------
_SPECS = {s.key: s for s in ws.INFO_TABLES}
PERSONNEL_TOTALS = (("t5", "Toplam"), ("t7", "Toplam"), ("t8", "Personel Sayısı"), ("t9", "Toplam"))


def _num(v) -> Optional[float]:
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _cell_loc(table: InfoTable, i: int, j: int) -> Loc:
    cell = ws.cell_ref(table.src_rows[i], j + 1) if i < len(table.src_rows) else ""
    return Loc(table.file, table.sheet or _SPECS[table.key].sheet, cell)


def _table_name(table: InfoTable) -> str:
    spec = _SPECS.get(table.key)
    return spec.sheet if spec else table.key


def _row_label(table: InfoTable, i: int) -> str:
    text = next((str(v) for v in table.rows[i] if isinstance(v, str) and v.strip()), "")
    return text or f"{i + 1}. satır"


def _col_index(table: InfoTable, header: str) -> Optional[int]:
    key = normalize(header)
    return next((j for j, h in enumerate(table.columns) if normalize(h) == key), None)


@RULES.check("GNL-01", "GNL-02", "GNL-03")
def _info_tables(inst: Institution) -> list[Finding]:
    out = []
    for key in sorted(inst.info_tables, key=code_numbers):
        table = inst.info_tables[key]
        spec = _SPECS.get(key)
        if spec is None:
            continue
        name = _table_name(table)
        # GNL-01 row sums
        for i, row in enumerate(table.rows):
            if table.kinds[i] == ROW_GROUP:
                continue
            for total_col, parts in spec.row_sums:
                j = _col_index(table, total_col)
                found = [_col_index(table, p) for p in parts]
                idx = [k for k in found if k is not None]
                if j is None or len(idx) < len(found):
                    continue
                typed = _num(row[j]) if j < len(row) else None
                values = [_num(row[k]) if k < len(row) else None for k in idx]
                if typed is None or all(v is None for v in values):
                    continue
                computed = sum(v for v in values if v is not None)
                if computed != typed:
                    out.append(finding("GNL-01", _cell_loc(table, i, j), table=name, row=_row_label(table, i),
                                       total_column=total_col, typed=number(typed), parts=", ".join(parts),
                                       computed=number(computed), typed_value=typed, computed_value=computed))
        # GNL-02 total rows against the data rows above them
        numeric = [j for j, (h, kind) in enumerate(spec.columns) if kind == ws.INT and h != "Sıra No"]
        seg_start = 0
        for i, kind in enumerate(table.kinds):
            if kind != ROW_TOTAL:
                continue
            segment = [r for r in range(seg_start, i) if table.kinds[r] == ROW_DATA]
            above = [r for r in range(0, i) if table.kinds[r] == ROW_DATA]
            seg_start = i + 1
            for j in numeric:
                if j >= len(table.rows[i]):
                    continue
                typed = _num(table.rows[i][j])
                seg_vals = [_num(table.rows[r][j]) for r in segment if j < len(table.rows[r])]
                all_vals = [_num(table.rows[r][j]) for r in above if j < len(table.rows[r])]
                if typed is None or all(v is None for v in all_vals):
                    continue
                seg_sum = sum(v for v in seg_vals if v is not None)
                all_sum = sum(v for v in all_vals if v is not None)
                if typed not in (seg_sum, all_sum):
                    out.append(finding("GNL-02", _cell_loc(table, i, j), table=name, column=table.columns[j],
                                       typed=number(typed), computed=number(seg_sum), typed_value=typed,
                                       computed_value=seg_sum))
    # GNL-03 personnel totals of tables 5, 7, 8 and 9
    totals = []
    for key, column in PERSONNEL_TOTALS:
        personnel = inst.info_tables.get(key)
        got = _table_total(personnel, column) if personnel else None
        if personnel is not None and got is not None:
            totals.append((personnel, got))
    if totals:
        ref_table, (ref_value, _) = totals[0]
        for table, (value, loc) in totals[1:]:
            if value != ref_value:
                out.append(finding("GNL-03", loc, table=_table_name(table), value=number(value),
                                   reference=_table_name(ref_table), expected=number(ref_value),
                                   value_value=value, expected_value=ref_value))
    return out


def _table_total(table: InfoTable, column: str) -> Optional[tuple[float, Loc]]:
    """The total of a column: the last total row, else the sum of the data rows."""
    j = _col_index(table, column)
    if j is None:
        return None
    for i in range(len(table.rows) - 1, -1, -1):
        value = _num(table.rows[i][j]) if table.kinds[i] == ROW_TOTAL and j < len(table.rows[i]) else None
        if value is not None:
            return value, _cell_loc(table, i, j)
    cells = [_num(r[j]) for r, k in zip(table.rows, table.kinds) if k == ROW_DATA and j < len(r)]
    values = [v for v in cells if v is not None]
    if not values:
        return None
    return sum(values), Loc(table.file, table.sheet or _SPECS[table.key].sheet, "")


NARRATIVE_TABLES = {"egitim": "t5", "eğitim": "t5", "cinsiyet": "t5"}
# percentages about a group no table of the program counts (managers): kept for the text, not compared
OTHER_POPULATIONS = {"yonetici", "yönetici"}


@RULES.check("ANL-01", "ANL-02")
def _narratives(inst: Institution) -> list[Finding]:
    out = []
    for n in inst.narratives:
        loc = loc_of(n.src, "oran", "anahtar")
        prefix, _, column = n.key.partition(":")
        if normalize(prefix) in OTHER_POPULATIONS:
            continue  # e.g. the managers' gender ratio: table 5 counts all staff, not the same population
        table_key = NARRATIVE_TABLES.get(normalize(prefix))
        if table_key is None or not column.strip():
            out.append(finding("ANL-02", loc, key=n.key, reason="anahtar tanınmıyor"))
            continue
        table = inst.info_tables.get(table_key)
        if table is None:
            out.append(finding("ANL-02", loc, key=n.key, reason=f"{_SPECS[table_key].sheet} boş"))
            continue
        part = _table_total(table, column.strip())
        whole = _table_total(table, "Toplam")
        if part is None or whole is None:
            missing = column.strip() if part is None else "Toplam"
            out.append(finding("ANL-02", loc, key=n.key,
                               reason=f"{_table_name(table)}: \"{missing}\" sütunu ya da toplamı yok"))
            continue
        if not whole[0]:
            out.append(finding("ANL-02", loc, key=n.key, reason=f"{_table_name(table)} toplamı sıfır"))
            continue
        computed = round(100 * part[0] / whole[0], 2)
        if abs(computed - n.value) > 0.005 + 1e-9:
            out.append(finding("ANL-01", loc, key=n.key, stated=percent(n.value / 100),
                               table=_table_name(table), computed=percent(computed / 100),
                               stated_value=n.value, computed_value=computed))
    return out


# ---------------------------------------------------------------------------
# causes and their consequences
# ---------------------------------------------------------------------------

def group_consequences(findings: list[Finding]) -> list[Finding]:
    """Mark findings that follow from another one, so the cause is read first.

    An unknown unit code in a workbook (KOD-01) makes its unit look absent
    (BRL-01 for the unit the file is named after) and its activities look
    foreign to their targets (MTR-03, MTR-04). Each such consequence gets
    ``details["neden"]`` (the cause's rule and place) and a note in its
    message; the CLI prints consequences under their cause."""
    for cause in [f for f in findings if f.code == "KOD-01" and f.department]:
        unknown = cause.department
        ref = f"{cause.code} {cause.where()}"
        for f in findings:
            if f is cause or "neden" in f.details:
                continue
            hit = False
            if f.code == "MTR-03":
                hit = unknown in [u.strip() for u in str(f.details.get("units", "")).split(",")]
            elif f.code == "MTR-04":
                hit = f.department == unknown
            elif f.code == "BRL-01" and f.department:
                hit = re.search(rf"(^|[_\s]){re.escape(f.department)}(\.|_|\s|$)", cause.file) is not None
            if hit:
                f.details["neden"] = ref
                f.message = f"{f.message} (Olası neden: {ref}.)"
    return findings
