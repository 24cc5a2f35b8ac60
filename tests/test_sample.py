"""The shipped sample: the published Balıkesir 2024 program as workbooks."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from generator.pipeline import BuildConfig, read_all
from generator.progress import NullReporter

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "2024"
SEED = ROOT.parent / "shared" / "seed" / "balikesir_2024_performans_programi.txt"


@pytest.fixture(scope="module")
def sample():
    inst, subs, findings = read_all(BuildConfig(SAMPLE), NullReporter())
    return inst, {s.department: s for s in subs}, findings


def _activity(subs, target, code):
    hits = [a for s in subs.values() for a in s.activities if a.target_code == target and a.code == code]
    assert len(hits) == 1, (target, code, hits)
    return hits[0]


def test_sample_reads_without_findings(sample):
    _, _, findings = sample
    assert [f"{f.code} {f.where()} {f.message}" for f in findings] == []


def test_sample_counts(sample):
    inst, subs, _ = sample
    assert inst.profile.year == 2024
    assert (len(inst.areas), len(inst.aims), len(inst.targets)) == (7, 12, 55)
    assert len(inst.indicator_defs) == 218
    assert sum(len(s.indicators) for s in subs.values()) == 218
    assert sum(len(s.activities) for s in subs.values()) == 328
    assert len(inst.departments) == len(subs) == 34
    assert sum(d.ceiling for d in inst.departments) == 12_000_000_000
    assert inst.profile.total_budget == 12_000_000_000
    assert inst.profile.activity_count_typed == 328
    assert len(inst.policies) == 56
    assert len(inst.laws) == 174
    assert sorted(inst.info_tables) == [f"t{i}" for i in range(1, 10)]


def test_sample_exact_values(sample):
    inst, subs, _ = sample
    p = inst.profile
    assert p.name == "Balıkesir Büyükşehir Belediyesi"
    assert p.mayor == "Yücel YILMAZ"
    assert p.foreword[0] == "Kıymetli Balıkesirliler,"
    assert p.team[0].name == "Dr. Mustafa KÜÇÜKKAPTAN" and p.team[0].title == "Genel Sekreter"
    assert inst.department("D7-FDB").name == "Fen İşleri Dairesi Başkanlığı"
    assert inst.department("D23-YYB").ceiling == 2_500_000_000
    assert inst.target("H1.1").name.startswith("Mavi bayraklı plajları arttırarak")
    assert inst.target("H12.7").aim_code == "A12"
    assert [a.name for a in inst.areas][4] == "Şehir Yönetimi"
    pg = next(d for d in inst.indicator_defs if d.code == "PG1.4.1")
    assert (pg.target_code, pg.unit) == ("H1.4", "m²")
    ind = next(i for s in subs.values() for i in s.indicators if i.code == "PG1.1.1")
    assert (ind.value, ind.unit) == (2, "adet")
    f1 = _activity(subs, "H1.1", "F1")
    assert (f1.unit_code, f1.amounts, f1.off_budget) == ("D29-İDS", {"03": 800_000}, 0)
    expl = _activity(subs, "H1.2", "F1")
    assert expl.explanation.startswith("Sahillerimize yeni kimlik kazandırmak")
    assert expl.unit_code == "D27-İHİ"
    assert _activity(subs, "H1.2", "F2").unit_code == "D26-İHB"
    # the published errors stay as typed totals
    h14f1, h14f2 = _activity(subs, "H1.4", "F1"), _activity(subs, "H1.4", "F2")
    assert h14f1.amounts == {"06": 190_000_000} and h14f1.cost_total_typed == 200_000_000
    assert h14f1.total_typed is None and h14f1.budget_typed is None
    assert h14f2.amounts == {"06": 100_000_000} and h14f2.total_typed == 105_000_000
    assert h14f2.cost_total_typed == 105_000_000
    assert _activity(subs, "H12.7", "F6").amounts == {"05": 2_000_000}
    assert _activity(subs, "H12.7", "F4").amounts == {"03": 8_000_000}
    # section D
    tkb = subs["D20-TKB"].unit_costs
    assert (tkb.personnel, tkb.general_admin) == (4_975_000, 25_000)
    assert subs["D11-GSB"].unit_costs.target_cost_typed == 270_000_000
    assert Counter(a.unit_code for s in subs.values() for a in s.activities)["D18-SDB"] == 48
    # matrix, policies, laws, tables, narratives
    assert inst.target("H1.3").responsibility["D7-FDB"] == "S"
    assert inst.target("H1.6").responsibility["D8-İŞD"] == "S"
    assert inst.policies[0].row_no == "99."
    assert inst.policies[4].row_no == "264.1."
    t2 = inst.info_tables["t2"]
    assert t2.rows[-1] == ["Toplam", 780, 255, 1035] and t2.kinds[-1] == "total"
    t5 = inst.info_tables["t5"]
    assert t5.rows[-1][:4] == ["Toplam", 4411, 995, 3416]
    assert inst.info_tables["t1"].rows[-1] == [None, "Toplam", 228]
    t3 = inst.info_tables["t3"]
    assert len(t3.rows) == 57 and t3.rows[0] == ["Mecut Sunucular", None] and t3.kinds[0] == "group"
    assert ["IP Kamera", 2747] in t3.rows and t3.rows[-1] == ["IP Telefon", 151]
    assert inst.info_tables["t9"].rows[-1] == ["Toplam", None, None, None, 4411]
    assert {n.key: n.value for n in inst.narratives}["yonetici:Kadın"] == 22.83


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not available")
def test_committed_workbooks_equal_a_fresh_conversion(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from convert_seed import convert

    convert(SEED, tmp_path)
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx"))
    committed = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*.xlsx"))
    assert fresh == committed
    for rel in fresh:
        assert (tmp_path / rel).read_bytes() == (SAMPLE / rel).read_bytes(), rel
