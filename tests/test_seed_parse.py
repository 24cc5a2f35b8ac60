"""Tests of tools/seed_parse.py against the published Balıkesir 2024 text (skipped when absent)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared/seed/balikesir_2024_performans_programi.txt"

if not SEED.exists():
    pytest.skip(f"seed text not available: {SEED}", allow_module_level=True)

from generator import TEMPLATE_VERSION
from generator.model import TeamMember

_spec = importlib.util.spec_from_file_location("seed_parse", ROOT / "tools" / "seed_parse.py")
seed_parse = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("seed_parse", seed_parse)
_spec.loader.exec_module(seed_parse)


@pytest.fixture(scope="module")
def parsed():
    return seed_parse.parse_seed(SEED)


@pytest.fixture(scope="module")
def inst(parsed):
    return parsed[0]


@pytest.fixture(scope="module")
def subs(parsed):
    return parsed[1]


@pytest.fixture(scope="module")
def acts(subs):
    return {a.key: a for s in subs for a in s.activities}


@pytest.fixture(scope="module")
def inds(subs):
    return {i.code: i for s in subs for i in s.indicators}


def dept(inst, code):
    d = inst.department(code)
    assert d is not None, code
    return d


def row(table, first):
    return next(r for r in table.rows if first in r)


# -- counts ----------------------------------------------------------------------


def test_counts(inst, subs):
    assert len(inst.areas) == 7
    assert len(inst.aims) == 12
    assert len(inst.targets) == 55
    assert len(inst.indicator_defs) == 218
    assert len(inst.departments) == 34
    assert len(subs) == 34
    assert sum(1 for s in subs if s.unit_costs is not None) == 34
    assert len(inst.policies) == 56
    assert len(inst.laws) == 174
    assert len(inst.profile.duties) == 42
    assert len(inst.profile.values) == 10
    assert len(inst.profile.team) == 10
    assert len(inst.narratives) == 8


def test_every_indicator_and_activity_in_exactly_one_submission(inst, subs):
    ind_codes = [i.code for s in subs for i in s.indicators]
    assert len(ind_codes) == 218
    assert sorted(ind_codes) == sorted(d.code for d in inst.indicator_defs)
    keys = [a.key for s in subs for a in s.activities]
    assert len(keys) == 328 == len(set(keys))
    for s in subs:
        assert s.file == "" and s.year == 2024 and s.template_version == TEMPLATE_VERSION
        assert all(a.unit_code == s.department for a in s.activities)
        assert all(i.department == s.department for i in s.indicators)
        assert s.unit_costs.department == s.department


def test_ceilings_and_totals(inst):
    assert sum(d.ceiling for d in inst.departments) == 12_000_000_000
    assert inst.profile.total_budget == 12_000_000_000
    assert inst.profile.activity_count_typed == 328
    assert dept(inst, "D23-YYB").ceiling == 2_500_000_000
    assert dept(inst, "D20-TKB").ceiling == 5_000_000


# -- profile ------------------------------------------------------------------------


def test_profile(inst):
    p = inst.profile
    assert p.name == "Balıkesir Büyükşehir Belediyesi"
    assert p.year == 2024
    assert p.plan_period == "2022-2024"
    assert p.mayor == "Yücel YILMAZ"
    assert p.mayor_title == "Balıkesir Büyükşehir Belediye Başkanı"
    assert p.coordinator_unit == "Strateji Geliştirme Dairesi Başkanlığı"
    assert p.date_text == "Aralık, 2023"
    assert p.address == "Eski Kuyumcular Mah. Mekik Sk. No.25 Karesi/BALIKESİR"
    assert p.phone == "+90 266 532 10 10"
    assert p.email == "bilgi@balikesir.bel.tr"
    assert p.mission.startswith("Balıkesir'inin temiz, huzurlu, güvenli bir hayat sürmesi için")
    assert p.vision.startswith("Coğrafyasının gücünü, tarımsal üretim çeşitliliğini")
    assert p.values[0] == "Güvenilirlik ve Saygınlık"
    assert p.values[-1] == "Çevre Merkezli, Sürdürülebilir Gelişim"


def test_foreword_without_signature(inst):
    fw = inst.profile.foreword
    assert len(fw) == 7
    assert fw[0] == "Kıymetli Balıkesirliler,"
    assert fw[1].startswith("2019'da çıktığımız şehre hizmet yolculuğunda, 4 yılı geride bıraktık.")
    assert fw[-1].startswith("İnsanımız için, şehrimiz için bütün enerjimizle")
    assert not any("YILMAZ" in p for p in fw)


def test_team(inst):
    team = inst.profile.team
    assert team[0] == TeamMember("Başkan", "Dr. Mustafa KÜÇÜKKAPTAN", "Genel Sekreter")
    assert team[2] == TeamMember("Üyeler", "Nezaket Elif BİNİCİ", "Strateji Geliştirme Dairesi Başkanı")
    assert team[-1] == TeamMember("Grafik Tasarım ve Uygulama", "Fatih TANER", "")


def test_duties(inst):
    d = inst.profile.duties
    assert d[0].startswith("Balıkesir Büyükşehir Belediyesi sınırları içerisinde yer alan ilçe belediyelerinin")
    # split by a page break: "deniz araçlarının" / "- atıklarını toplamak ..." is one item
    assert d[14].endswith("işletmek veya işlettmek; deniz araçlarının atıklarını toplamak, toplatmak, arıtmak "
                          "ve bununla ilgili gerekli düzenlemeleri yapmak.")
    assert d[15].startswith("Gıda ile ilgili olanlar dâhil birinci sınıf gayrisihhi müesseseleri")
    assert d[24] == "Su ve kanalizasyon hizmetlerini yürütmek, bunun için gerekli baraj ve diğer tesisleri kurmak, " \
                    "kurdurmak ve işletmek."
    assert "müstereken çıkarılan yönetmelikle belirlenir." in d[37]
    assert not any(x.startswith(("-", "16.")) for x in d)


# -- plan structure -----------------------------------------------------------------------


def test_areas_aims_targets(inst):
    assert [a.name for a in inst.areas if a.no == 5] == ["Şehir Yönetimi"]
    assert inst.areas[0].name == "Altyapı, Mobilizasyon ve Ulaşım Hizmetleri"
    a4 = next(a for a in inst.aims if a.code == "A4")
    assert (a4.area_no, a4.name) == (2, "Kırsal kalkınmayı öncelik alarak, şehrin ekonomisini güçlendirmek.")
    first, last = inst.targets[0], inst.targets[-1]
    assert (first.code, first.aim_code) == ("H1.1", "A1")
    assert first.name == "Mavi bayraklı plajları arttırarak deniz turizmine katkı sağlayacak projeler geliştirmek."
    assert (last.code, last.aim_code) == ("H12.7", "A12")
    assert last.name == "Şehit yakınları ve Gazilere yönelik sosyal hizmet faaliyetlerini yürütmek ve koordine etmek."
    # canonical text is the list, not the (copied) table heading of the body
    assert inst.target("H5.4").name.startswith("Çevre ve toplum sağlığının korunması amacıyla")


def test_indicators(inst, inds):
    d = next(x for x in inst.indicator_defs if x.code == "PG1.4.1")
    assert (d.target_code, d.name, d.unit) == ("H1.4", "İmar Planına Göre Kamulaştırılan Alan", "m²")
    assert inds["PG1.4.1"].value == 90_000
    assert (inds["PG1.5.4"].unit, inds["PG1.5.4"].value) == ("km", 1000)
    assert (inds["PG4.1.1"].unit, inds["PG4.1.1"].value) == ("Kg", 120_000)
    assert (inds["PG5.3.3"].unit, inds["PG5.3.3"].value) == ("ton/yıl", 443_600)
    assert inds["PG12.7.4"].value == 4
    assert inds["PG1.1.1"].department == "D29-İDS"
    assert inds["PG10.10.1"].department == "D10-İDB"
    assert "PG1.6.4" not in inds  # the document skips it
    assert inst.units_of_measure == ["%", "KWH", "Kg", "TL", "adet", "dekar", "doz", "kişi", "km", "koli", "m²",
                                     "ton/yıl"]


# -- departments -------------------------------------------------------------------------


def test_departments_and_aliases(inst):
    assert [d.code for d in inst.departments[:2]] == ["D1-BHM", "D2-BDB"]
    assert (dept(inst, "D7-FDB").order, dept(inst, "D34-TDB").order) == (7, 34)
    assert dept(inst, "D31-EPB").name == "Etüd ve Projeler Daire Başkanlığı"
    assert "Etüt ve Projeler Dairesi Başkanlığı" in dept(inst, "D31-EPB").aliases
    assert "Ulaşım Planlama ve Raylı Sistemleri Dairesi Başkanlığı" in dept(inst, "D21-UDB").aliases
    assert "Fen İşleri Dai. Bşk." in dept(inst, "D7-FDB").aliases
    assert dept(inst, "D25-KTT").aliases == ["Kent Tarihi ve Tanıtımı Dai. Bşk.",
                                             "Kent Tarihi ve Tanıtım Dairesi Başkanlığı"]
    assert "Muhtarlık Hizmetleri Dairesi Başkanlığı" in dept(inst, "D16-MDB").aliases
    assert dept(inst, "D6-EDB").aliases == []


def test_responsibility_matrix(inst):
    assert inst.target("H1.2").responsible == ["D27-İHİ", "D28-AİD"]
    assert inst.target("H9.1").responsible == ["D11-GSB", "D14-KİD"]
    assert inst.target("H3.2").responsible == []
    assert inst.target("H1.3").responsibility == {
        "D4-ÇDB": "i", "D5-DDB": "i", "D6-EDB": "i", "D7-FDB": "S", "D12-KED": "i", "D15-MHD": "i",
        "D22-YDB": "i", "D23-YYB": "i"}
    assert inst.target("H12.7").responsibility["D18-SDB"] == "S"
    assert inst.target("H9.2").responsible == ["D26-İHB"]
    assert len(inst.target("H1.6").responsibility) == 29


# -- activities -------------------------------------------------------------------------------


def test_activity_h1_4_typed_totals(acts):
    f1, f2 = acts[("H1.4", "F1")], acts[("H1.4", "F2")]
    assert f1.unit_code == "D6-EDB"
    assert f1.amounts == {"06": 190_000_000}
    assert (f1.budget_typed, f1.total_typed, f1.cost_total_typed) == (190_000_000, 190_000_000, 200_000_000)
    assert f2.amounts == {"06": 100_000_000}
    assert (f2.budget_typed, f2.total_typed, f2.cost_total_typed) == (100_000_000, 105_000_000, 105_000_000)
    assert f2.off_budget == 0


def test_activity_details(acts):
    h12f1 = acts[("H1.2", "F1")]
    assert h12f1.unit_code == "D27-İHİ"
    assert h12f1.explanation == ("Sahillerimize yeni kimlik kazandırmak, turizme katkı sağlamak için kullanılan "
                                 "bütçedir.")
    assert acts[("H1.2", "F2")].unit_code == "D26-İHB"
    assert acts[("H1.2", "F2")].explanation == ""
    assert acts[("H1.1", "F1")].name.startswith("Balıkesir Büyükşehir Belediyesine tahsisli kıyı alanlarında")
    assert acts[("H12.7", "F6")].amounts == {"05": 2_000_000}
    assert acts[("H12.4", "F2")].amounts == {"03": 197_500_000, "05": 55_750_000}
    assert acts[("H1.7", "F3")].amounts == {"03": 31_450_000, "06": 219_950_000}
    assert acts[("H1.7", "F1")].amounts == {}
    assert acts[("H11.2", "F1")].amounts == {"09": 1_232_000_000}
    assert acts[("H11.2", "F8")].amounts == {"07": 360_000_000}
    # the cost table numbers H12.5's last row "F8" again: paired by position
    f9 = acts[("H12.5", "F9")]
    assert f9.name.startswith("Kadın ve aile sorunları ile ilgili sağlık, eğitim, kültür")
    assert f9.amounts == {"03": 5_000_000}
    assert acts[("H7.2", "F1")].unit_code == "D25-KTT"
    assert acts[("H7.2", "F3")].unit_code == "D14-KİD"
    assert acts[("H5.5", "F10")].unit_code == "D29-İDS"
    assert acts[("H2.2", "F7")].explanation.startswith("2024 Yılı Stratejik Hedefler Doğrultusunda İlimiz geneli Toplu")


def test_control_totals(inst):
    ct = {(c.target_code, c.column): c.value for c in inst.control_totals}
    assert ct[("H7.1", "butce")] == 166_100_000  # rows add up to 164.300.000
    assert ct[("H6.3", "03")] == 43_900_000  # rows add up to 6.200.000
    assert ct[("H11.2", "09")] == 1_232_000_000
    assert ct[("H1.4", "maliyet_toplam")] == 290_000_000
    assert ct[("H1.1", "butce_disi")] == 0
    assert ("H1.1", "07") not in ct


def test_unit_costs(subs):
    uc = {s.department: s.unit_costs for s in subs}
    mhd = uc["D15-MHD"]
    assert (mhd.personnel, mhd.general_admin) == (25_000_000, 100_000_000)
    assert (mhd.activity_count_typed, mhd.target_cost_typed, mhd.total_typed) == (13, 1_657_000_000, 1_782_000_000)
    assert (uc["D33-KAB"].activity_count_typed, uc["D33-KAB"].target_cost_typed) == (0, 0)
    assert uc["D20-TKB"].general_admin == 25_000


# -- drop_matching_typed ------------------------------------------------------------------------


def test_drop_matching_typed_keeps_only_disagreements():
    inst, subs = seed_parse.parse_seed(SEED)
    seed_parse.drop_matching_typed(inst, subs)
    acts = {a.key: a for s in subs for a in s.activities}
    f1, f2 = acts[("H1.4", "F1")], acts[("H1.4", "F2")]
    assert (f1.budget_typed, f1.total_typed, f1.cost_total_typed) == (None, None, 200_000_000)
    assert (f2.budget_typed, f2.total_typed, f2.cost_total_typed) == (None, 105_000_000, 105_000_000)
    assert acts[("H5.3", "F5")].cost_total_typed == 31_300_000
    kept = sorted(k for k, a in acts.items()
                  if (a.budget_typed, a.total_typed, a.cost_total_typed) != (None, None, None))
    assert kept == [("H1.4", "F1"), ("H1.4", "F2"), ("H5.3", "F5")]
    uc = {s.department: s.unit_costs for s in subs}
    gsb = uc["D11-GSB"]
    assert (gsb.activity_count_typed, gsb.target_cost_typed, gsb.total_typed) == (None, 270_000_000, 300_000_000)
    aid = uc["D28-AİD"]
    assert (aid.activity_count_typed, aid.target_cost_typed, aid.total_typed) == (None, None, None)
    assert sum(1 for s in subs if s.unit_costs.target_cost_typed is not None) == 1


def test_arithmetic_anomalies_name_the_document_errors():
    inst, subs = seed_parse.parse_seed(SEED)
    found = {(a.kind, a.where) for a in seed_parse.arithmetic_anomalies(inst, subs)}
    assert ("cost-total", "H1.4 F1") in found
    assert ("total", "H1.4 F2") in found
    assert ("control-total", "H7.1 Genel Toplam butce") in found
    assert ("control-total", "H6.3 Genel Toplam 03") in found
    assert ("unit-target", "D11-GSB") in found


# -- policies, laws, general information ---------------------------------------------------------


def test_policies(inst):
    pol = {p.row_no: p.text for p in inst.policies}
    assert pol["264.1."] == "Belediye Gelirleri Kanunu yeniden düzenlenecektir."
    assert pol["690.1"].startswith("Kentsel dönüşüm uygulamalarında tarihi kent merkezi")
    assert "797.1" in pol and "819.2" in pol
    assert inst.policies[0].row_no == "99."


def test_laws(inst):
    laws = {law.name: law.areas for law in inst.laws}
    assert laws["5216 Sayılı Büyükşehir Belediyesi Kanunu"] == [1, 2, 3, 4, 5, 6, 7]
    assert laws["644 Sayılı KHK ve 648 Sayılı KHK"] == [3, 4]
    assert laws["2828 Sayılı Sosyal Hizmetler ve Çocuk Esirgeme Kurumu Kanunu"] == [4, 7]
    assert laws["193 Sayılı Gelir Vergisi Kanunu"] == [6]
    assert inst.laws[0].name == "193 Sayılı Gelir Vergisi Kanunu"
    assert inst.laws[-1].name == "Yüzeysel Su Kalitesi Yönetimi Yönetmeliği"
    assert laws["Yüzeysel Su Kalitesi Yönetimi Yönetmeliği"] == [3]


def test_info_tables(inst):
    t = inst.info_tables
    assert sorted(t) == [f"t{i}" for i in range(1, 10)]
    t1 = t["t1"]
    assert t1.title == "Hizmet Binaları"
    assert t1.columns == ["Sıra No", "Hizmet Binası", "Sayı"]
    assert t1.rows[0] == [None, "Hizmet Binaları", None] and t1.kinds[0] == "group"
    assert t1.rows[1] == [1, "Belediye Hizmet Binası", 20]
    assert t1.rows[-1] == [None, "Toplam", 228] and t1.kinds[-1] == "total"
    assert t1.source_note == "Kaynak: Emlak ve İstimlak Dairesi Başkanlığı, Kasım 2023"
    assert t["t2"].rows[-1] == ["Toplam", 780, 255, 1035] and t["t2"].kinds[-1] == "total"
    t3 = t["t3"]
    assert t3.rows[0] == ["Mecut Sunucular", None] and t3.kinds[0] == "group"
    assert row(t3, "IP Kamera") == ["IP Kamera", 2747]
    assert row(t3, "Analog Telefon") == ["Analog Telefon", 1292]
    assert t3.rows[-1] == ["IP Telefon", 151]
    assert t3.source_note == "Kaynak: Bilgi İşlem Daire Başkanlığı, Kasım 2023"
    t4 = t["t4"]
    assert len(t4.rows) == 30
    assert [r[0] for r in t4.rows].count("İlçe Hizmetleri Depo Yazılımı") == 2
    assert t4.rows[16] == ["Kültür Depo Yazılımı", "Stok giriş-çıkış işlemlerinin yapıldığı yazılımdır."]
    t5 = t["t5"]
    assert [r[0] for r in t5.rows] == ["Memur", "İşçi", "Süresiz İşçi", "Toplam"]
    assert t5.rows[2] == ["Süresiz İşçi", 3433, 829, 2604, 1082, 1249, 511, 531, 58, 2]
    assert t5.kinds == ["data", "data", "data", "total"]
    assert t["t6"].rows == [["Memur", 3264, 765, 2499], ["İşçi", 1630, 213, 1417]]
    assert t["t8"].rows[-1] == ["Toplam", 4411]
    assert t["t9"].rows[0] == ["1 - 10 yıl arası", 243, 3, 3120, 3366]
    assert t["t9"].rows[-1] == ["Toplam", None, None, None, 4411]


def test_narratives(inst):
    n = {x.key: x for x in inst.narratives}
    assert n["egitim:İlköğretim"].value == 27.93
    assert n["egitim:İlköğretim"].text == "%27,93'ü ilköğretim"
    assert n["egitim:Y. Lisans"].value == 2.99
    assert n["egitim:Doktora"].value == 0.11
    # the published sentence is about managers ("yöneticilerin"), a group table 5 does not count
    assert n["yonetici:Kadın"].value == 22.83
    assert n["yonetici:Erkek"].value == 77.17


def test_report_lists_annex_and_matrix_anomalies():
    _, _, anomalies = seed_parse.parse_seed_report(SEED)
    where = {(a.kind, a.where) for a in anomalies}
    assert ("annex", "D21-UDB H2.1") in where
    assert ("numbering", "H12.5 F9") in where
    assert ("matrix", "H3.2") in where
    assert not any(a.kind == "annex-unit" for a in anomalies)  # the annex agrees with the cost tables
