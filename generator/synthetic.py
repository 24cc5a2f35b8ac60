"""Synthetic programs of a chosen size, for the benchmark and for tests.

``synthetic_program(scale)`` builds an institution and its department
submissions in code, deterministically from a seed. At ``scale=1`` the
program has the size of the published sample (Balıkesir 2024): 7 strategic
areas, 12 aims, 55 performance targets, 218 indicators, 328 activities and
34 spending units. A larger scale multiplies the units and their activities
(34 → 340 → 3,400 units' worth of activities); the strategic plan (areas,
aims, targets, indicators) keeps its size, as it would in a real
institution. The units added by scaling cooperate ("i") on the targets of
the unit they copy, so each indicator keeps one responsible unit.

``write_synthetic_workbooks(folder, scale)`` writes the program as real
workbooks: ``folder/kurum.xlsx`` and ``folder/birimler/<year>_<code>.xlsx``.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Callable, Optional

from . import TEMPLATE_VERSION
from . import workbook_schema as ws
from .model import (
    COOPERATING,
    OFF_BUDGET_KINDS,
    RESPONSIBLE,
    Activity,
    Aim,
    Department,
    Indicator,
    IndicatorDef,
    InfoTable,
    Institution,
    Law,
    Policy,
    Profile,
    Program,
    StrategicArea,
    Submission,
    Target,
    TeamMember,
    UnitCosts,
)
from .turkish import upper

SAMPLE_SIZE = {"areas": 7, "aims": 12, "targets": 55, "indicators": 218, "activities": 328, "units": 34}

AREAS = [
    "Altyapı, Mobilizasyon ve Ulaşım Hizmetleri",
    "Çevre ve İklim Değişikliği",
    "Kentsel Gelişim ve İmar",
    "Kırsal Kalkınma ve Tarım",
    "Kültür, Sanat, Turizm ve Spor",
    "Kurumsal Gelişim ve Yönetişim",
    "Sosyal Hizmetler ve Sağlık",
]
UNIT_NAMES = [
    ("BHM", "1. Hukuk Müşavirliği"), ("BDB", "Basın Yayın ve Halkla İlişkiler Dairesi Başkanlığı"),
    ("BİD", "Bilgi İşlem Dairesi Başkanlığı"), ("ÇDB", "Çevre Koruma ve Kontrol Dairesi Başkanlığı"),
    ("DDB", "Destek Hizmetleri Dairesi Başkanlığı"), ("EDB", "Emlak ve İstimlak Dairesi Başkanlığı"),
    ("FDB", "Fen İşleri Dairesi Başkanlığı"), ("İŞD", "İmar ve Şehircilik Dairesi Başkanlığı"),
    ("İKD", "İnsan Kaynakları ve Eğitim Dairesi Başkanlığı"), ("İDB", "İtfaiye Dairesi Başkanlığı"),
    ("GSB", "Gençlik ve Spor Hizmetleri Dairesi Başkanlığı"), ("KED", "Kent Estetiği Dairesi Başkanlığı"),
    ("KHD", "Kırsal Hizmetler Dairesi Başkanlığı"), ("KİD", "Kültür ve Sosyal İşler Dairesi Başkanlığı"),
    ("MHD", "Mali Hizmetler Dairesi Başkanlığı"), ("MDB", "Muhtarlık İşleri Dairesi Başkanlığı"),
    ("ÖKM", "Özel Kalem Müdürlüğü"), ("SDB", "Sağlık ve Sosyal Hizmetler Dairesi Başkanlığı"),
    ("SGD", "Strateji Geliştirme Dairesi Başkanlığı"), ("TKB", "Teftiş Kurulu Başkanlığı"),
    ("UDB", "Ulaşım Planlama ve Raylı Sistemler Dairesi Başkanlığı"),
    ("YDB", "Yazı İşleri ve Kararlar Dairesi Başkanlığı"),
    ("YYB", "Yol Yapım Bakım ve Onarım Dairesi Başkanlığı"), ("ZDB", "Zabıta Dairesi Başkanlığı"),
    ("KTT", "Kent Tarihi ve Tanıtımı Dairesi Başkanlığı"), ("İHB", "İlçe Hizmetleri 1. Bölge Dairesi Başkanlığı"),
    ("İHİ", "İlçe Hizmetleri 2. Bölge Dairesi Başkanlığı"), ("AİD", "Afet İşleri Dairesi Başkanlığı"),
    ("İDS", "İklim Değişikliği ve Sıfır Atık Dairesi Başkanlığı"), ("DİB", "Dış İlişkiler Dairesi Başkanlığı"),
    ("EPB", "Etüt ve Projeler Dairesi Başkanlığı"), ("İİB", "İşletme ve İştirakler Dairesi Başkanlığı"),
    ("KAB", "Kadın ve Aile Hizmetleri Dairesi Başkanlığı"), ("TDB", "Tesisler Dairesi Başkanlığı"),
]
_VERBS = ["yapılması", "yürütülmesi", "geliştirilmesi", "onarılması", "yaygınlaştırılması", "iyileştirilmesi",
          "desteklenmesi", "izlenmesi", "düzenlenmesi", "güçlendirilmesi"]
_OBJECTS = ["kırsal yolların", "içme suyu hatlarının", "park ve yeşil alanların", "sosyal tesislerin",
            "afet eğitimlerinin", "kültür etkinliklerinin", "spor okullarının", "sıfır atık çalışmalarının",
            "toplu taşıma hatlarının", "mahalle muhtarlıklarıyla iletişimin", "ilçe hizmet binalarının",
            "şehit yakınlarına yönelik hizmetlerin", "tarihi yapıların restorasyonunun", "bilgi sistemlerinin"]
_PLACES = ["Altıeylül", "Karesi", "Edremit", "Gönen", "Bandırma", "Ayvalık", "Burhaniye", "Dursunbey",
           "Sındırgı", "İvrindi", "Şamlı", "Gömeç", "Erdek", "Marmara", "Kepsut", "Savaştepe"]
_MEASURES = ["adet", "%", "km", "kişi", "ton/yıl", "dekar", "TL"]


def _unit_code(i: int) -> tuple[str, str]:
    """Code and name of the i-th unit (0-based); units past 34 copy an earlier one."""
    abbr, name = UNIT_NAMES[i % len(UNIT_NAMES)]
    copy = i // len(UNIT_NAMES)
    if copy:
        return f"D{i + 1}-{abbr}{copy + 1}", f"{name} ({copy + 1}. Şube)"
    return f"D{i + 1}-{abbr}", name


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` near-equal integers, larger first."""
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def synthetic_institution(scale: int = 1, year: int = 2024, seed: int = 1) -> Institution:
    """kurum.xlsx content of a synthetic program of ``scale`` times the sample's units."""
    rnd = random.Random(seed)
    inst = Institution()
    inst.profile = Profile(
        name="Örnek Büyükşehir Belediyesi", year=year, plan_period=f"{year - 2}-{year + 2}",
        mayor="Ayşe IŞIK", mayor_title="Örnek Büyükşehir Belediye Başkanı",
        coordinator_unit="Strateji Geliştirme Dairesi Başkanlığı", date_text=f"Aralık, {year - 1}",
        address="Cumhuriyet Mah. İnönü Cd. No:1", phone="+90 266 000 00 00", email="bilgi@ornek.bel.tr",
        mission="Şehrin ve insanın yaşam kalitesini katılımcı ve şeffaf bir yönetimle geliştirmek.",
        vision="Yaşanabilir, çevreye duyarlı ve güvenli bir şehir.",
        foreword=[f"Değerli hemşehrilerimiz, {year} yılı performans programımızı sunuyoruz."] * 4,
        values=["Şeffaflık", "Katılımcılık", "Hesap verebilirlik", "Çevreye duyarlılık", "Eşitlik"],
        duties=[f"Görev ve sorumluluk maddesi {i}." for i in range(1, 21)],
        team=[TeamMember("Başkan", "Ali ÇAKIR", "Genel Sekreter"),
              *(TeamMember("Üyeler", f"Üye {i}", "Uzman") for i in range(1, 9))],
    )
    inst.areas = [StrategicArea(i + 1, name) for i, name in enumerate(AREAS)]
    n_aims, n_targets, n_ind = SAMPLE_SIZE["aims"], SAMPLE_SIZE["targets"], SAMPLE_SIZE["indicators"]
    inst.aims = [Aim(f"A{i + 1}", 1 + i * len(AREAS) // n_aims,
                     f"{AREAS[i * len(AREAS) // n_aims]} alanında hizmet kalitesini artırmak ({i + 1}).")
                 for i in range(n_aims)]
    for a, count in enumerate(_spread(n_targets, n_aims)):
        for k in range(count):
            obj = _OBJECTS[(a * 7 + k) % len(_OBJECTS)]
            inst.targets.append(Target(f"H{a + 1}.{k + 1}", f"A{a + 1}",
                                       f"{upper(obj[:1])}{obj[1:]} etkinliğini artırmak."))
    for t, count in zip(inst.targets, _spread(n_ind, n_targets)):
        num = t.code[1:]
        for k in range(count):
            inst.indicator_defs.append(IndicatorDef(f"PG{num}.{k + 1}", t.code,
                                                    f"{t.name[:-1]} göstergesi {k + 1}", rnd.choice(_MEASURES)))
    inst.units_of_measure = sorted(set(_MEASURES))

    n_units = SAMPLE_SIZE["units"] * scale
    for i in range(n_units):
        code, name = _unit_code(i)
        inst.departments.append(Department(code, name, [], None, i))
    base = inst.departments[: SAMPLE_SIZE["units"]]
    # responsibility: one responsible unit per target among the first 34, a few cooperating ones
    for j, t in enumerate(inst.targets):
        responsible = base[(j * 5) % len(base)].code
        t.responsibility = {responsible: RESPONSIBLE}
        for d in rnd.sample(base, 3):
            t.responsibility.setdefault(d.code, COOPERATING)
    # copies cooperate on the targets of the unit they copy
    for i in range(len(base), n_units):
        original = base[i % len(base)].code
        for t in inst.targets:
            if original in t.responsibility:
                t.responsibility[inst.departments[i].code] = COOPERATING

    inst.policies = [Policy(f"{264 + i}.1.", f"Mahalli idare politika metni {i + 1}.") for i in range(6)]
    inst.laws = [Law(f"{5000 + i * 17} sayılı Kanun", sorted(rnd.sample(range(1, 8), 2))) for i in range(25)]
    inst.info_tables = {
        "t1": InfoTable("t1", "Hizmet Binaları", ["Sıra No", "Hizmet Binası", "Sayı"],
                        rows=[[i + 1, f"Hizmet binası türü {i + 1}", rnd.randint(1, 40)] for i in range(12)],
                        kinds=["data"] * 12, source_note="Kaynak: Destek Hizmetleri Dairesi Başkanlığı"),
        "t2": InfoTable("t2", "Hizmet Araçları", ["Araç Türü", "Resmi", "Kiralık", "Toplam"],
                        rows=[["Otomobil", 10, 20, 30], ["Otobüs", 40, 0, 40], ["Toplam", 50, 20, 70]],
                        kinds=["data", "data", "total"], source_note="Kaynak: Destek Hizmetleri Dairesi Başkanlığı"),
    }
    return inst


def synthetic_submissions(inst: Institution, scale: int = 1, seed: int = 1) -> list[Submission]:
    """One submission per unit: ``328 × scale`` activities in all (every target has
    some), indicators of the targets the unit is responsible for, personnel and
    general administration costs; each unit's ceiling (set on ``inst``) is its total."""
    rnd = random.Random(seed * 7919 + scale)
    year = inst.profile.year
    units = inst.departments
    n_acts = SAMPLE_SIZE["activities"] * scale
    per_unit = _spread(n_acts, len(units))
    rnd.shuffle(per_unit)
    targets_of = {d.code: [t for t in inst.targets if d.code in t.responsibility] for d in units}
    next_code: dict[str, int] = {t.code: 0 for t in inst.targets}
    defs_of: dict[str, list[IndicatorDef]] = {}
    for d in inst.indicator_defs:
        defs_of.setdefault(d.target_code, []).append(d)
    subs = []
    total_budget = 0
    own: set[tuple[str, str]] = set()
    for dept, count in zip(units, per_unit):
        sub = Submission(file="", department=dept.code, department_name=dept.name, year=year,
                         template_version=TEMPLATE_VERSION, prepared_by="Veli KAYA, Uzman",
                         phone="0266 000 00 00")
        for t in inst.targets:
            if t.responsibility.get(dept.code) == RESPONSIBLE:
                for d in defs_of.get(t.code, []):
                    value = rnd.choice([rnd.randint(1, 500), round(rnd.uniform(1, 100), 1), 100])
                    if "%" in d.unit:
                        value = min(value, 100)  # a percentage stays within 100 (GST-05)
                    sub.indicators.append(Indicator(d.code, t.code, d.name, d.unit, value, dept.code))
        choices = targets_of[dept.code] or inst.targets[:1]
        for _ in range(count):
            # the unit's own (S) targets come first, then targets nobody has an activity for
            # yet: every target gets one, and its responsible unit has one in it (MTR-08)
            mine = [t for t in choices if t.responsibility.get(dept.code) == "S" and (dept.code, t.code) not in own]
            empty = [t for t in choices if next_code[t.code] == 0]
            t = mine[0] if mine else empty[0] if empty else rnd.choice(choices)
            own.add((dept.code, t.code))
            next_code[t.code] += 1
            amounts: dict[str, int] = {}
            for code in rnd.sample(["03", "03", "03", "06", "06", "05", "07", "01", "02", "09"], rnd.randint(1, 3)):
                amounts[code] = amounts.get(code, 0) + rnd.choice([0, 1, 2, 5]) * 10 ** rnd.randint(5, 7)
            off_budget = rnd.choice([0] * 9 + [rnd.randint(1, 50) * 100_000])
            sub.activities.append(Activity(
                t.code, f"F{next_code[t.code]}",
                f"{rnd.choice(_PLACES)} ilçesinde {rnd.choice(_OBJECTS)} {rnd.choice(_VERBS)}.",
                dept.code, rnd.choice(["", "", "", "Çok yıllı proje; ikinci etap."]), amounts,
                # the kind follows the activity number (no extra draw: the random stream stays as it was)
                {list(OFF_BUDGET_KINDS)[next_code[t.code] % 3]: off_budget} if off_budget else {}))
        personnel = rnd.randint(10, 200) * 1_000_000
        general = rnd.randint(1, 50) * 500_000
        sub.unit_costs = UnitCosts(dept.code, personnel=personnel, general_admin=general)
        total = sum(a.total for a in sub.activities) + personnel + general
        dept.ceiling = total  # the unit plans exactly its ceiling
        total_budget += total
        subs.append(sub)
    inst.profile.total_budget = total_budget
    return subs


def synthetic_program(scale: int = 1, year: int = 2024, seed: int = 1) -> tuple[Institution, list[Submission]]:
    inst = synthetic_institution(scale, year, seed)
    return inst, synthetic_submissions(inst, scale, seed)


def assemble(inst: Institution, submissions: list[Submission]) -> Program:
    """The program of ``inst`` and ``submissions``: merged by :func:`generator.merge.merge`
    when that module exists, else simply put together (activities, indicators and
    unit costs of all submissions, no checks)."""
    from .merge import merge

    program, _ = merge(inst, submissions)
    return program


def plain_program(inst: Institution, submissions: list[Submission]) -> Program:
    """The submissions simply put together, without any check."""
    program = Program(inst, list(submissions))
    for s in submissions:
        program.indicators += s.indicators
        program.activities += s.activities
        if s.unit_costs is not None:
            program.unit_costs[s.department] = s.unit_costs
    return program


def write_synthetic_workbooks(folder: str | Path, scale: int = 1, year: int = 2024, seed: int = 1,
                              progress: Optional[Callable[[int, int], None]] = None) -> Path:
    """Write kurum.xlsx and birimler/*.xlsx of a synthetic program into ``folder``."""
    from .templates import department_filename, write_department, write_institution

    folder = Path(folder)
    inst, subs = synthetic_program(scale, year, seed)
    write_institution(inst, folder / ws.KURUM_FILE)
    outdir = folder / ws.DEPARTMENTS_DIR
    for i, sub in enumerate(subs):
        dept = inst.department(sub.department)
        assert dept is not None  # the synthetic submissions are made for the institution's departments
        write_department(inst, sub.department, outdir / department_filename(dept, year), sub)
        if progress is not None:
            progress(i + 1, len(subs))
    return folder
