"""Small programs built in code for the tests (no binary fixtures)."""
from __future__ import annotations

from generator import TEMPLATE_VERSION
from generator.model import (
    Activity,
    Aim,
    ControlTotal,
    Department,
    Indicator,
    IndicatorDef,
    InfoTable,
    Institution,
    Law,
    Narrative,
    Policy,
    Profile,
    StrategicArea,
    Submission,
    Target,
    TeamMember,
    TextBlock,
    UnitCosts,
)


def small_institution(year: int = 2024) -> Institution:
    inst = Institution()
    inst.profile = Profile(
        name="Örnek Büyükşehir Belediyesi", year=year, plan_period="2022-2026", mayor="Ayşe IŞIK",
        mayor_title="Örnek Büyükşehir Belediye Başkanı", coordinator_unit="Strateji Geliştirme Dairesi Başkanlığı",
        date_text="Aralık, 2023", total_budget=1_000_000, activity_count_typed=None,
        address="Cumhuriyet Mah. İnönü Cd. No:1", phone="+90 266 000 00 00", email="bilgi@ornek.bel.tr",
        mission="Şehri & insanı <birlikte> geliştirmek.", vision="\"Yaşanabilir\" bir şehir.",
        foreword=["Değerli hemşehrilerimiz,", "İkinci paragraf."], values=["Şeffaflık", "Katılımcılık"],
        duties=["Stratejik planı hazırlamak.", "İmar planlarını onaylamak."],
        team=[TeamMember("Başkan", "Ali ÇAKIR", "Genel Sekreter"), TeamMember("Üyeler", "İpek ŞAHİN", "Uzman")],
    )
    inst.areas = [StrategicArea(1, "Altyapı ve Ulaşım"), StrategicArea(2, "Çevre")]
    inst.aims = [Aim("A1", 1, "Altyapıyı geliştirmek."), Aim("A2", 2, "Çevreyi korumak.")]
    inst.departments = [
        Department("D1-FDB", "Fen İşleri Dairesi Başkanlığı", ["Fen İşleri Dai. Bşk."], 600_000, 0),
        Department("D2-ÇDB", "Çevre Koruma ve Kontrol Dairesi Başkanlığı", [], 300_000, 1),
        Department("D3-İDB", "İtfaiye Dairesi Başkanlığı", [], 100_000, 2),
    ]
    inst.targets = [
        Target("H1.1", "A1", "Yolları yapmak.", {"D1-FDB": "S", "D2-ÇDB": "i"}),
        Target("H1.2", "A1", "Köprüleri onarmak.", {"D1-FDB": "S"}),
        Target("H2.1", "A2", "Atıkları azaltmak.", {"D2-ÇDB": "S", "D1-FDB": "i", "D3-İDB": "i"}),
    ]
    inst.indicator_defs = [
        IndicatorDef("PG1.1.1", "H1.1", "Yapılan yol uzunluğu", "km"),
        IndicatorDef("PG1.2.1", "H1.2", "Onarılan köprü sayısı", "adet"),
        IndicatorDef("PG2.1.1", "H2.1", "Geri kazanım oranı", "%"),
    ]
    inst.units_of_measure = ["%", "adet", "km"]
    inst.policies = [Policy("264.1.", "Belediye Gelirleri Kanunu yeniden düzenlenecektir.")]
    inst.laws = [Law("5393 sayılı Belediye Kanunu", [1, 2]), Law("2872 sayılı Çevre Kanunu", [2])]
    inst.control_totals = [ControlTotal("H1.1", "toplam", 500_000), ControlTotal("H1.1", "03", 200_000)]
    inst.narratives = [Narrative("egitim:Lisans", "personelin %50,00'si lisans", 50.0)]
    inst.texts = [
        TextBlock("teskilat", "paragraf", "Kurumun **kendi** metni & <özel> karakterleri."),
        TextBlock("performans_gostergeleri", "paragraf", "Göstergeler iki grup içinde sınıflandırılmaktadır."),
        TextBlock("performans_gostergeleri", "madde", "**Girdi göstergeleri:** personel sayısı vb."),
        TextBlock("performans_gostergeleri", "madde", "**Çıktı göstergeleri:** *eğitilen* kişi sayısı vb."),
        TextBlock("tablo2_sonra", "paragraf", "NOT:"),
        TextBlock("tablo2_sonra", "paragraf", "Resmi Araçlar; trafik sigortası yapılan araçlardır."),
        TextBlock("tablo2_once", "ara_baslik", "Taşıtlar"),
    ]
    inst.info_tables = {
        "t2": InfoTable("t2", "Hizmet Araçları", ["Araç Türü", "Resmi", "Kiralık", "Toplam"],
                        rows=[["Otomobil", 1, 2, 3], ["Otobüs", 4, 0, 4], ["Toplam", 5, 2, 7]],
                        kinds=["data", "data", "total"], source_note="Kaynak: Destek Hizmetleri"),
        "t5": InfoTable("t5", "Statü, Cinsiyet ve Öğrenim Durumuna Göre Personel Analizi",
                        ["Statü", "Toplam", "Kadın", "Erkek", "İlköğretim", "Lise", "Ön Lisans", "Lisans",
                         "Y. Lisans", "Doktora"],
                        rows=[["Memur", 4, 2, 2, 0, 1, 1, 2, 0, 0], ["Toplam", 4, 2, 2, 0, 1, 1, 2, 0, 0]],
                        kinds=["data", "total"], source_note=""),
    }
    return inst


def small_submissions(inst: Institution) -> list[Submission]:
    year = inst.profile.year
    fdb = Submission(file="", department="D1-FDB", department_name="Fen İşleri Dairesi Başkanlığı", year=year,
                     template_version=TEMPLATE_VERSION, prepared_by="Veli KAYA", phone="0266 000",
                     email="veli.kaya@ornek.bel.tr")
    fdb.indicators = [
        Indicator("PG1.1.1", "H1.1", "Yapılan yol uzunluğu", "km", 38, "D1-FDB"),
        Indicator("PG1.2.1", "H1.2", "Onarılan köprü sayısı", "adet", 2.5, "D1-FDB"),
    ]
    fdb.activities = [
        Activity("H1.1", "F1", "Asfalt yapılması & <bakım>", "D1-FDB", "Açıklama satırı",
                 {"03": 200_000, "06": 300_000}),
        Activity("H1.2", "F1", "Köprü onarımı", "D1-FDB", "", {"06": 50_000}, off_amounts={"doner": 10_000},
                 total_typed=70_000),
    ]
    fdb.unit_costs = UnitCosts("D1-FDB", personnel=20_000, general_admin=5_000)
    cdb = Submission(file="", department="D2-ÇDB", department_name="Çevre Koruma ve Kontrol Dairesi Başkanlığı",
                     year=year, template_version=TEMPLATE_VERSION)
    cdb.indicators = [Indicator("PG2.1.1", "H2.1", "Geri kazanım oranı", "%", 40, "D2-ÇDB")]
    cdb.activities = [
        Activity("H2.1", "F1", "Sıfır atık eğitimi", "D2-ÇDB", "", {"05": 100_000, "07": 1_000, "09": 2}),
        Activity("H1.1", "F2", "Yol kenarı ağaçlandırma", "D2-ÇDB", "", {"03": 0}),
    ]
    cdb.unit_costs = UnitCosts("D2-ÇDB", personnel=1, general_admin=0, activity_count_typed=5)
    return [fdb, cdb]


# --- clean variants and workbook helpers (merge / validation tests) ------------

def clean_institution(year: int = 2024) -> Institution:
    """``small_institution`` whose institution total matches ``clean_submissions``:
    D1-FDB 560.000 + 20.000 + 5.000, D2-ÇDB 101.002 + 1, D3-İDB 60.000 + 40.000."""
    inst = small_institution(year)
    inst.profile.total_budget = 786_003
    return inst


def clean_submissions(inst: Institution) -> list[Submission]:
    """``small_submissions`` without its deliberate errors (D1-FDB H1.2 F1 typed
    total 70.000 instead of 60.000, D2-ÇDB activity count 5 instead of 2) and
    with a workbook for D3-İDB, which has no activities."""
    fdb, cdb = small_submissions(inst)
    fdb.activities[1].total_typed = None
    cdb.unit_costs.activity_count_typed = None
    idb = Submission(file="", department="D3-İDB", department_name="İtfaiye Dairesi Başkanlığı",
                     year=inst.profile.year, template_version=TEMPLATE_VERSION)
    idb.unit_costs = UnitCosts("D3-İDB", personnel=60_000, general_admin=40_000)
    return [fdb, cdb, idb]


def write_year(folder, inst: Institution, submissions: list[Submission]):
    """Write kurum.xlsx and birimler/<year>_<code>.xlsx like a coordinator's year folder."""
    from pathlib import Path

    from generator.templates import department_filename, write_department, write_institution

    folder = Path(folder)
    write_institution(inst, folder / "kurum.xlsx")
    for sub in submissions:
        dept = inst.department(sub.department)
        write_department(inst, sub.department, folder / "birimler" / department_filename(dept, inst.profile.year),
                         sub)
    return folder


def dept_path(folder, code: str, year: int = 2024):
    from pathlib import Path

    return Path(folder) / "birimler" / f"{year}_{code}.xlsx"


def edit_cells(path, cells: dict) -> None:
    """Change cells of a written workbook: {("Sheet", "B4"): value}."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)


def check_year(folder):
    """Read, merge and validate a year folder: (program, all findings)."""
    from generator.findings import sort_findings
    from generator.merge import merge
    from generator.pipeline import BuildConfig, read_all
    from generator.progress import NullReporter
    from generator.validate import validate

    inst, subs, findings = read_all(BuildConfig(workbooks=folder), NullReporter())
    program, f = merge(inst, subs)
    return program, sort_findings(findings + f + validate(program))
