"""Validator blind spots closed by #15: each case written to workbooks, read back, merged, validated."""
from __future__ import annotations

import copy

from generator.model import Activity, IndicatorDef, Target
from generator.reader import read_institution
from generator.templates import write_institution
from tests.factory import clean_institution, clean_submissions
from tests.test_validate import CDB, FDB, IDB, hits, one, run


def test_responsible_unit_without_activities_while_a_cooperating_unit_has_them(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    # H2.1: D2-ÇDB is S, D1-FDB and D3-İDB are i; the activity comes from D1-FDB only
    act = next(a for a in subs[1].activities if a.target_code == "H2.1")
    subs[1].activities.remove(act)
    subs[0].activities.append(Activity("H2.1", "F1", act.name, FDB, "", dict(act.amounts)))
    _, findings = run(tmp_path, inst, subs)
    f = one(findings, "MTR-08")
    assert (f.target, f.department, f.file, f.sheet) == ("H2.1", CDB, "kurum.xlsx", "Sorumluluk Matrisi")
    assert f.message.startswith("H2.1 hedefinin sorumlu (S) birimi D2-ÇDB hedefin hiçbir faaliyetini girmemiş; "
                                "faaliyetler yalnızca iş birliği yapan (i) D1-FDB biriminden.")
    # the matrix columns are D1-FDB, D2-ÇDB, D3-İDB: the S mark sits one column right of the owner
    assert "Matris satırı kaymış olabilir: S işareti, faaliyetleri giren D1-FDB sütununun 1 sütun sağında" \
        in f.message
    assert not hits(findings, "MTR-03")


def test_percentage_indicator_above_100(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[1].indicators[0].value = 150  # PG2.1.1, unit "%"
    _, findings = run(tmp_path, inst, subs)
    f = one(findings, "GST-05")
    assert (f.file, f.sheet, f.department, f.target) == ("2024_D2-ÇDB.xlsx", "Göstergeler", CDB, "H2.1")
    assert "150" in f.message and "%100" in f.message


def test_target_and_indicator_defined_twice_in_kurum_keep_the_first(tmp_path):
    inst = clean_institution()
    inst.targets.append(Target("H1.1", "A2", "Başka bir hedef.", {IDB: "S"}))
    inst.indicator_defs.append(IndicatorDef("PG1.1.1", "H2.1", "Başka gösterge", "adet"))
    path = write_institution(inst, tmp_path / "kurum.xlsx")
    back, findings = read_institution(path)
    got = sorted((f.code, f.sheet, f.details["defined"]) for f in findings)
    assert got == [("TEK-05", "Göstergeler", "PG1.1.1"), ("TEK-05", "Hedefler", "H1.1")]
    assert back.target("H1.1").name == "Yolları yapmak."
    assert [d.target_code for d in back.indicator_defs if d.code == "PG1.1.1"] == ["H1.1"]
    assert "ikinci kez tanımlanmış" in findings[0].message


def test_off_budget_does_not_count_against_the_ceiling(tmp_path):
    inst = clean_institution()
    # D1-FDB: 560.000 activities (10.000 of them off-budget) + 25.000 = 585.000; budget need 575.000
    inst.departments[0].ceiling = 575_000
    _, findings = run(tmp_path, inst)
    assert not [f for f in hits(findings, "BRM-01") + hits(findings, "BRM-02") if f.department == FDB]


def test_ceiling_does_not_count_an_activity_the_merge_ignored(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    # D3-İDB enters D1-FDB's H1.1 F1 again, identically: the merge keeps D1-FDB's (TEK-02)
    subs[2].activities.append(copy.deepcopy(subs[0].activities[0]))
    subs[2].activities[-1].unit_code = IDB
    _, findings = run(tmp_path, inst, subs)
    assert one(findings, "TEK-02").department == IDB
    assert not [f for f in hits(findings, "BRM-01") if f.department == IDB]


def test_small_unused_part_of_a_ceiling_is_not_warned(tmp_path):
    inst = clean_institution()
    inst.departments[2].ceiling = 105_000  # D3-İDB needs 100.000: 4,8 % unused
    _, findings = run(tmp_path, inst)
    assert not [f for f in hits(findings, "BRM-02") if f.department == IDB]
    inst.departments[2].ceiling = 120_000  # 16,7 % unused
    _, findings = run(tmp_path / "b", inst)
    assert one([f for f in findings if f.department == IDB], "BRM-02").details["diff"] == "20.000"


def test_no_numbering_check_inside_an_unknown_target(tmp_path):
    inst = clean_institution()
    subs = clean_submissions(inst)
    subs[0].activities.append(Activity("H9.9", "F3", "Bilinmeyen hedefte faaliyet", FDB, "", {"03": 1}))
    _, findings = run(tmp_path, inst, subs)
    assert one(findings, "KOD-02").target == "H9.9"
    assert not [f for f in hits(findings, "KOD-07") if f.target == "H9.9"]


def test_a_wrong_unit_code_is_the_cause_of_the_findings_it_brings(tmp_path, capsys):
    from generator.cli import main
    from tests.factory import dept_path, edit_cells, write_year

    inst = clean_institution()
    folder = write_year(tmp_path / "2024", inst, clean_submissions(inst))
    edit_cells(dept_path(folder, CDB), {("Birim", "B4"): "D2-CDB"})  # Ç typed as C
    from generator.validate import group_consequences

    _, findings = run(tmp_path / "b", inst, clean_submissions(inst), edits={CDB: {("Birim", "B4"): "D2-CDB"}})
    findings = group_consequences(findings)  # the pipeline does this after merge and validation
    cause = one(findings, "KOD-01")
    consequences = [f for f in findings if f.details.get("neden")]
    assert sorted(f.code for f in consequences) == ["BRL-01", "MTR-03"]
    ref = "KOD-01 2024_D2-ÇDB.xlsx › Birim › B4"
    assert all(f.details["neden"] == ref and f.message.endswith(f"(Olası neden: {ref}.)") for f in consequences)
    assert "neden" not in cause.details
    # the CLI prints them under the cause
    main(["build", "--workbooks", str(folder), "--out", str(tmp_path / "out"), "--quiet", "--no-pdf"])
    out = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    at = out.index("KOD-01 2024_D2-ÇDB.xlsx › Birim › B4:")
    assert at < out.index("↳ sonuç: BRL-01") and at < out.index("↳ sonuç: MTR-03")
    assert out.count("BRL-01 kurum.xlsx") == 1  # printed once, under its cause
