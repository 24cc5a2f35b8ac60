"""Merge the department workbooks of one year into one :class:`Program`.

Checks that need both kurum.xlsx and the submissions as a whole live here:
missing and duplicate workbooks, unknown department / target / indicator
codes, wrong year or template version, department names, and the same
activity or indicator entered in two workbooks. Nothing is dropped silently:
a record left out of the program (the second file of a department, an
identical activity entered twice, a repeated indicator) is reported.
"""
from __future__ import annotations

import re

from . import TEMPLATE_VERSION
from .findings import ERROR, WARNING, Finding, Rule, RuleSet, loc_of, sub_loc, where
from .model import RESPONSIBLE, Activity, Indicator, Institution, Program, Submission
from .turkish import money, normalize, turkey_time

# --- catalogue ---------------------------------------------------------------
RULES = RuleSet(
    Rule("BRL-01", ERROR, "{department} ({name}) birimine ait çalışma kitabı yok.",
         "kurum.xlsx Birimler sayfasındaki her harcama birimi için birimler/ klasöründe bir çalışma "
         "kitabı bulunmalıdır; faaliyeti olmayan birimler de personel ve genel yönetim giderleri için "
         "dosya gönderir. Birimin dosyasını ekleyin ya da birimi listeden çıkarın."),
    Rule("BRL-02", WARNING,
         "{department} birimi için iki çalışma kitabı var: \"{first}\" ({first_saved}) kullanıldı, \"{file}\" "
         "({saved}, {count} faaliyet) yok sayıldı.",
         "Aynı birim kodunu taşıyan birden fazla çalışma kitabı bulundu. Dosya adı önemli değildir: çalışma "
         "kitabının kendi kayıt zamanına (Excel'in dosyaya yazdığı son kaydetme zamanı) göre en yeni dosya "
         "kullanılır, diğerleri programa alınmaz. Eski ya da kopya dosyayı klasörden kaldırın."),
    Rule("BRL-03", ERROR, "Program yılı {year} yazılmış; kurum.xlsx'teki program yılı {expected}.",
         "Çalışma kitabı başka bir yılın şablonundan doldurulmuş. Güncel yılın şablonunu kullanın."),
    Rule("BRL-04", ERROR, "Şablon sürümü \"{version}\"; geçerli sürüm \"{expected}\".",
         "Çalışma kitabı eski ya da farklı bir şablon sürümünden doldurulmuş. Verileri güncel şablona "
         "aktarın (python build.py templates)."),
    Rule("BRL-05", WARNING, "Birim adı \"{name}\", kurum.xlsx'teki adla (\"{expected}\") uyuşmuyor.",
         "Çalışma kitabındaki birim adı, kurum.xlsx Birimler sayfasındaki ad ve diğer yazılışlarla "
         "eşleşmiyor. Dosyanın doğru birime ait olduğunu kontrol edin; ad değiştiyse kurum.xlsx'i "
         "güncelleyin."),
    Rule("BRL-06", ERROR, "{department} ({name}) birimi çalışma kitabına veri girmemiş; gönderilmemiş sayıldı.",
         "Birimin dosyasında hiçbir gösterge değeri, adı ya da tutarı olan faaliyet (geçen yıldan aktarılan "
         "satırlar tutar girilince sayılır) ve personel ya da genel yönetim gideri yok: şablon doldurulmadan "
         "bırakılmış. Dosya programa alınmaz; birimden doldurulmuş dosyayı isteyin."),
    Rule("YIL-04", WARNING, "{target} {activity} faaliyeti geçen yıldan aktarılmış, tutar girilmemiş; programa "
         "alınmadı.",
         "Yeni yıl şablonunda geçen yılın faaliyetleri başlangıç olarak yer alır. Tutarı girilmeyen aktarılmış "
         "faaliyet programa alınmaz: bu yıl yapılacaksa tutarlarını girin, yapılmayacaksa Faaliyet Kodu ve Adı "
         "hücrelerini silin."),
    Rule("KOD-01", ERROR, "Birim kodu \"{department}\" kurum.xlsx Birimler listesinde yok.",
         "Çalışma kitabının birim kodu tanınmıyor. Faaliyetleri programa alınır ama hiçbir birime "
         "bağlanamaz. Birimi kurum.xlsx'e ekleyin ya da şablonu doğru birim için yeniden üretin."),
    Rule("KOD-02", ERROR, "Hedef kodu {target} stratejik planda (kurum.xlsx Hedefler) yok.",
         "Faaliyet, gösterge ya da kontrol toplamı planda olmayan bir performans hedefine bağlanmış. "
         "Hedef kodunu düzeltin ya da hedefi kurum.xlsx'e ekleyin."),
    Rule("KOD-03", ERROR, "Gösterge kodu {indicator} stratejik planda (kurum.xlsx Göstergeler) tanımlı değil.",
         "Birim, planda tanımlanmamış bir performans göstergesi girmiş. Kodu düzeltin ya da "
         "göstergeyi kurum.xlsx Göstergeler sayfasına ekleyin."),
    Rule("KOD-04", ERROR, "{indicator} göstergesi planda {expected} hedefine ait; burada {target} yazılmış.",
         "Göstergenin hedef kodu, stratejik plandaki tanımıyla uyuşmuyor."),
    Rule("KOD-05", WARNING, "Ölçü birimi \"{unit}\" ölçü birimleri listesinde yok.",
         "Göstergenin ölçü birimi kurum.xlsx Ölçü Birimleri listesinde bulunmuyor. Listeden bir değer "
         "seçin ya da birimi listeye ekleyin."),
    Rule("TEK-02", ERROR,
         "{target} {activity} faaliyeti \"{first}\" dosyasında da aynen var; bu kayıt ({amount} TL) yok sayıldı.",
         "Aynı hedef ve faaliyet kodu, adı ve tutarları aynı olarak iki birimin dosyasında girilmiş. "
         "Çift sayılmaması için yalnızca ilk kayıt (hedefin sorumlu birimininki, yoksa Birimler "
         "sırasına göre ilk birim) kullanılır. Faaliyeti tek birimin dosyasında bırakın."),
    Rule("KOD-08", WARNING,
         "{target} hedefinde {others} birimi de aynı faaliyet kodlarını ({codes}) kullanmış; bu birimin "
         "faaliyetleri belgede yeniden numaralandı: {renumbered}.",
         "Her birim bir hedefteki faaliyetlerini kendi içinde F1, F2, … diye numaralar; başka birimlerin "
         "numaralarını bilmesi gerekmez. Kodlar çakışınca belge hedefin faaliyetlerini yeniden numaralar: "
         "önce sorumlu (S) birimin, sonra Birimler sırasıyla diğerlerinin faaliyetleri. Bulgu bilgi "
         "içindir; birimin dosyasında bir şey değiştirmesi gerekmez."),
    Rule("TEK-04", ERROR, "{indicator} göstergesi ikinci kez girilmiş (ilk: {first}); bu satır yok sayıldı.",
         "Aynı performans göstergesi birden fazla satırda ya da dosyada girilmiş. Programa ilk satır "
         "alınır; fazla satırı silin."),
)
finding = RULES.finding

_NUM = re.compile(r"\d+")


def code_numbers(code: str) -> tuple:
    """Sort key of a code by its numbers: H1.10 after H1.9, F10 after F9."""
    nums = tuple(int(n) for n in _NUM.findall(code or ""))
    return (0, nums, code) if nums else (1, (), code or "")


def activity_diff(a: Activity, b: Activity) -> list[str]:
    """What differs between two records of the same activity (Turkish labels)."""
    diff = []
    if normalize(a.name) != normalize(b.name):
        diff.append("ad")
    if {k: v for k, v in a.amounts.items() if v} != {k: v for k, v in b.amounts.items() if v} \
            or {k: v for k, v in a.off_amounts.items() if v} != {k: v for k, v in b.off_amounts.items() if v}:
        diff.append("tutarlar")
    return diff


def choose_indicators(indicators: list[Indicator]) -> dict[str, Indicator]:
    """The row used for each indicator code: the first with a value, else the first."""
    chosen: dict[str, Indicator] = {}
    for ind in indicators:
        if ind.code and (ind.code not in chosen or (chosen[ind.code].value is None and ind.value is not None)):
            chosen[ind.code] = ind
    return chosen


@RULES.check("BRL-06")
def not_submitted(sub: Submission, name: str = "") -> Finding:
    """BRL-06: the workbook of a department holds nothing entered."""
    return finding("BRL-06", sub_loc(sub, "kod"), department=sub.department or sub.file,
                   name=name or sub.department_name or sub.file)
def newest_first(sub: Submission) -> tuple:
    """Sort key: the latest save time first; files without one last; then by file name."""
    when = sub.saved_at
    return (when is None, -when.timestamp() if when else 0.0, sub.file)


def saved_label(sub: Submission) -> str:
    """"kaydedilme 14.11.2024 16:05" (Turkish time) or "kayıt zamanı yok"."""
    return f"kaydedilme {turkey_time(sub.saved_at)}" if sub.saved_at else "kayıt zamanı yok"


@RULES.check("KOD-08")
def _renumber(activities: list[Activity], collisions: dict[str, dict[str, list[Activity]]],
              owner: dict[int, Submission], owner_rank) -> list[Finding]:
    """Targets where two units used the same F codes get program numbers F1…Fn.

    Activity codes are numbered by each unit inside a target; when two units'
    codes meet, the document numbers the target's activities afresh: the
    responsible (S) unit's first, then the Birimler order, each unit's in its
    own order. A warning (KOD-08) goes to each unit whose numbers changed."""
    out: list[Finding] = []
    for target in sorted(collisions, key=code_numbers):
        acts = [a for a in activities if a.target_code == target]
        acts.sort(key=lambda a: (owner_rank((owner[id(a)], a)), code_numbers(a.code), a.row))
        for n, a in enumerate(acts, start=1):
            a.number = f"F{n}"
        for unit, hit in collisions[target].items():
            mine = [a for a in acts if a.unit_code == unit]
            changed = [a for a in mine if a.number != a.code]
            if not changed:
                continue
            others = sorted({a.unit_code for a in acts if a.unit_code != unit and a.code in {h.code for h in hit}})
            out.append(finding(
                "KOD-08", loc_of(changed[0].src, "kod"), department=unit, target=target, activity=changed[0].code,
                others=", ".join(others), codes=", ".join(sorted({h.code for h in hit}, key=code_numbers)),
                renumbered=", ".join(f"{a.code} → {a.number}" for a in changed)))
    return out


def department_order(inst: Institution) -> dict[str, int]:
    """Position of each department: the order of kurum.xlsx Birimler."""
    return {d.code: i for i, d in enumerate(sorted(inst.departments, key=lambda d: d.order))}


def merge(inst: Institution, submissions: list[Submission], partial: bool = False,
          ) -> tuple[Program, list[Finding]]:
    """Merge all department workbooks of a year into one program.

    ``partial`` is set when one workbook is checked on its own: missing
    departments are then not reported.
    """
    findings: list[Finding] = []
    kept, blank = _drop_blank(inst, _one_per_department(submissions, findings), findings)
    _check_headers(inst, kept, findings)
    if not partial:
        _missing_departments(inst, {s.department for s in kept}, blank, findings)
    dept_order = department_order(inst)
    kept.sort(key=lambda s: (dept_order.get(s.department, len(dept_order)), s.department, s.file))
    indicators = _merge_indicators(inst, kept, findings)
    activities = _merge_activities(inst, kept, findings)
    unit_costs = {s.department: s.unit_costs for s in kept if s.department and s.unit_costs is not None}
    program = Program(institution=inst, submissions=kept, indicators=indicators, activities=activities,
                      unit_costs=unit_costs)
    return program, findings


def _drop_blank(inst: Institution, submissions: list[Submission], findings: list[Finding],
                ) -> tuple[list[Submission], set[str]]:
    """Step 2: a department whose only workbook has nothing entered has not submitted (BRL-06)."""
    names = {d.code: d.name for d in inst.departments}
    for sub in submissions:
        if sub.is_blank:
            findings.append(not_submitted(sub, names.get(sub.department, sub.department_name)))
    return [s for s in submissions if not s.is_blank], {s.department for s in submissions if s.is_blank}


@RULES.check("BRL-02")
def _one_per_department(submissions: list[Submission], findings: list[Finding]) -> list[Submission]:
    """Step 1: one submission per department: a filled workbook before a blank one, then the
    newest by the workbook's own save time (the file name does not matter), the first by file
    name on a tie; the others are BRL-02."""
    kept: list[Submission] = []
    first_file: dict[str, Submission] = {}
    for sub in sorted(submissions, key=lambda s: (s.is_blank, newest_first(s))):
        if sub.department and sub.department in first_file:
            used = first_file[sub.department]
            findings.append(finding("BRL-02", sub_loc(sub, "kod"), department=sub.department,
                                    first=used.file, first_saved=saved_label(used), file=sub.file,
                                    saved=saved_label(sub), count=len(sub.activities)))
            continue
        if sub.department:
            first_file[sub.department] = sub
        kept.append(sub)
    return kept


@RULES.check("BRL-03", "BRL-04", "BRL-05", "KOD-01")
def _check_headers(inst: Institution, kept: list[Submission], findings: list[Finding]) -> None:
    """Step 3: each workbook's department, year, template version and department name."""
    year = inst.profile.year
    for sub in kept:
        dept = inst.department(sub.department)
        if sub.department and dept is None:
            findings.append(finding("KOD-01", sub_loc(sub, "kod"), department=sub.department))
        if sub.year is not None and year and sub.year != year:
            findings.append(finding("BRL-03", sub_loc(sub, "yil"), department=sub.department,
                                    year=sub.year, expected=year))
        if sub.template_version and sub.template_version != TEMPLATE_VERSION:
            findings.append(finding("BRL-04", sub_loc(sub, "surum"), department=sub.department,
                                    version=sub.template_version, expected=TEMPLATE_VERSION))
        if dept is not None and sub.department_name:
            spellings = {normalize(dept.name), *(normalize(a) for a in dept.aliases)}
            if normalize(sub.department_name) not in spellings:
                findings.append(finding("BRL-05", sub_loc(sub, "ad"), department=sub.department,
                                        name=sub.department_name, expected=dept.name))


@RULES.check("BRL-01")
def _missing_departments(inst: Institution, submitted: set[str], blank: set[str], findings: list[Finding]) -> None:
    """Step 3b: departments of kurum.xlsx without a workbook (BRL-01; a blank one is BRL-06)."""
    for dept in inst.departments:
        if dept.code not in submitted and dept.code not in blank:
            findings.append(finding("BRL-01", loc_of(dept.src, "kod"), department=dept.code, name=dept.name))


@RULES.check("KOD-02", "KOD-03", "KOD-04", "KOD-05", "TEK-04")
def _merge_indicators(inst: Institution, kept: list[Submission], findings: list[Finding]) -> list[Indicator]:
    """Step 4: indicators: codes, targets, units; one row per indicator code (a row with a
    value wins over a blank one, else the first); the other rows are TEK-04."""
    targets = {t.code for t in inst.targets}
    defs = {d.code: d for d in inst.indicator_defs}
    units = {normalize(u).replace(" ", "") for u in inst.units_of_measure}
    all_inds = [(sub, ind) for sub in kept for ind in sub.indicators]
    for sub, ind in all_inds:
        ind_ctx = dict(department=sub.department, target=ind.target_code)
        d = defs.get(ind.code)
        if ind.target_code and ind.target_code not in targets:
            findings.append(finding("KOD-02", loc_of(ind.src, "hedef"), **ind_ctx))
        if ind.code and d is None:
            findings.append(finding("KOD-03", loc_of(ind.src, "kod"), indicator=ind.code, **ind_ctx))
        elif d is not None and ind.target_code and d.target_code != ind.target_code:
            findings.append(finding("KOD-04", loc_of(ind.src, "hedef"), indicator=ind.code,
                                    expected=d.target_code, **ind_ctx))
        if ind.unit and units and normalize(ind.unit).replace(" ", "") not in units:
            findings.append(finding("KOD-05", loc_of(ind.src, "olcu"), unit=ind.unit, **ind_ctx))
    # repeats inside one workbook are reported by validate_submission; here
    # the row each workbook keeps competes with the other workbooks
    local = [(sub, ind) for sub in kept for ind in choose_indicators(sub.indicators).values()]
    chosen = {ind.code: (sub, ind) for sub, ind in reversed(local)}
    for sub, ind in local:
        if chosen[ind.code][1].value is None and ind.value is not None:
            chosen[ind.code] = (sub, ind)
    indicators: list[Indicator] = [ind for _, ind in all_inds if not ind.code]
    for sub, ind in local:
        first_sub, first = chosen[ind.code]
        if first is ind:
            indicators.append(ind)
            continue
        findings.append(finding(
            "TEK-04", loc_of(ind.src, "kod"), department=sub.department, target=ind.target_code,
            indicator=ind.code, first=where(loc_of(first.src, "kod")) or first_sub.file or first_sub.department))
    indicators.sort(key=lambda i: (code_numbers(i.target_code), code_numbers(i.code)))
    return indicators


@RULES.check("KOD-02", "TEK-02", "YIL-04")
def _merge_activities(inst: Institution, kept: list[Submission], findings: list[Finding]) -> list[Activity]:
    """Step 5: activities: target codes (KOD-02); rows carried over from last year and left
    without amounts stay out (YIL-04); the same target + code in two workbooks (TEK-02/03)."""
    targets = {t.code: t for t in inst.targets}
    dept_order = department_order(inst)
    ordered: list[tuple[Submission, Activity]] = []
    for sub in kept:
        for act in sub.activities:
            if act.carried_untouched:
                findings.append(finding("YIL-04", loc_of(act.src, "ad", "kod"), department=sub.department,
                                        target=act.target_code, activity=act.code))
                continue
            if act.target_code and act.target_code not in targets:
                findings.append(finding("KOD-02", loc_of(act.src, "hedef"), target=act.target_code,
                                        department=sub.department, activity=act.code))
            ordered.append((sub, act))

    def owner_rank(item: tuple[Submission, Activity]) -> tuple:
        sub, act = item
        t = targets.get(act.target_code)
        role = t.responsibility.get(sub.department) if t else None
        return (0 if role == RESPONSIBLE else 1, dept_order.get(sub.department, len(dept_order)), sub.file)

    # the same target + code in two workbooks: the responsible unit's record
    # comes first, then the Birimler order
    by_key: dict[tuple[str, str], list[tuple[Submission, Activity]]] = {}
    for sub, act in ordered:
        by_key.setdefault(act.key, []).append((sub, act))
    dropped: set[int] = set()
    collisions: dict[str, dict[str, list[Activity]]] = {}  # target -> unit -> its colliding activities
    for key, items in by_key.items():
        if not key[0] or not key[1]:
            continue
        subs = {id(s) for s, _ in items}
        if len(subs) < 2:
            continue  # repeats inside one workbook: validate_submission
        items = sorted(items, key=owner_rank)
        first_sub, first_act = items[0]
        for sub, act in items[1:]:
            if sub is first_sub:
                continue
            act_ctx = dict(department=sub.department, target=act.target_code, activity=act.code)
            diff = activity_diff(first_act, act)
            if diff:
                # each unit numbers its own activities: a code another unit also used is no error,
                # the target is renumbered for the document below (KOD-08)
                collisions.setdefault(act.target_code, {}).setdefault(sub.department, []).append(act)
            else:
                findings.append(finding("TEK-02", loc_of(act.src, "kod"), first=first_sub.file or first_sub.department,
                                        other=first_sub.department, amount=money(act.total), **act_ctx))
                dropped.add(id(act))
    activities = [a for _, a in ordered if id(a) not in dropped]
    rank = {id(s): i for i, s in enumerate(kept)}
    owner = {id(a): s for s, a in ordered}
    findings += _renumber(activities, collisions, owner, owner_rank)
    activities.sort(key=lambda a: (code_numbers(a.target_code), code_numbers(a.number or a.code),
                                   rank[id(owner[id(a)])], a.row))
    return activities
