"""One description of the workbook: each column's ``attr``/``computed`` drive the writer's rows
and the reader's objects, and the Birim formulas come from ``Field.formula``."""
from __future__ import annotations

import dataclasses

import pytest

from generator import workbook_schema as ws
from generator.model import (
    Acceptance,
    Activity,
    Aim,
    Department,
    Indicator,
    IndicatorDef,
    Narrative,
    Policy,
    Profile,
    StrategicArea,
    Submission,
    Target,
    TeamMember,
    UnitCosts,
)
from generator.templates import write_department, write_institution
from tests.factory import small_institution, small_submissions

TABLES = [
    (ws.DEPT_ACTIVITIES, Activity), (ws.DEPT_INDICATORS, Indicator), (ws.INST_TEAM, TeamMember),
    (ws.INST_AREAS, StrategicArea), (ws.INST_AIMS, Aim), (ws.INST_TARGETS, Target),
    (ws.INST_INDICATORS, IndicatorDef), (ws.INST_DEPARTMENTS, Department), (ws.INST_POLICIES, Policy),
    (ws.INST_NARRATIVES, Narrative), (ws.INST_ACCEPTED, Acceptance),
]
FORMS = [(ws.INST_PROFILE, {"": Profile}), (ws.DEPT_INFO, {"submission.": Submission, "unit_costs.": UnitCosts})]


def _names(model: type) -> set[str]:
    return {f.name for f in dataclasses.fields(model)} | {n for n in dir(model) if not n.startswith("_")}


@pytest.mark.parametrize(("spec", "model"), TABLES, ids=[s.name for s, _ in TABLES])
def test_every_attr_names_a_model_attribute(spec, model):
    for col in spec.columns:
        for attr in filter(None, (col.attr, col.computed)):
            base = attr.split("[")[0]
            assert base in _names(model), f"{spec.name}.{col.key}: {model.__name__} has no {base}"
        if col.kind == ws.FORMULA:
            assert col.formula, col.key


@pytest.mark.parametrize(("spec", "models"), FORMS, ids=[s.name for s, _ in FORMS])
def test_every_form_attr_names_a_model_attribute(spec, models):
    for fld in spec.fields:
        if fld.attr:
            prefix = next(p for p in models if fld.attr.startswith(p))
            assert fld.attr[len(prefix):] in _names(models[prefix]), fld.key


def _objects():
    inst = small_institution()
    subs = small_submissions(inst)
    return {
        Activity: [a for s in subs for a in s.activities], Indicator: [i for s in subs for i in s.indicators],
        TeamMember: inst.profile.team, StrategicArea: inst.areas, Aim: inst.aims, Target: inst.targets,
        IndicatorDef: inst.indicator_defs, Department: inst.departments, Policy: inst.policies,
        Narrative: inst.narratives,
        Acceptance: [Acceptance("MTR-02", "Bilerek.", department="D1-FDB", target="H1.1", date="1.1.2024")],
    }


@pytest.mark.parametrize(("spec", "model"), TABLES, ids=[s.name for s, _ in TABLES])
def test_row_and_back_give_the_same_object(spec, model):
    objects = _objects()[model]
    assert objects, model
    defaults = {f.name: f.default if f.default is not dataclasses.MISSING else
                (f.default_factory() if f.default_factory is not dataclasses.MISSING else None)  # type: ignore[misc]
                for f in dataclasses.fields(model)}
    mapped = {c.attr.split("[")[0] for c in spec.columns if c.attr}
    for obj in objects:
        row = ws.row_of(spec, obj)
        values = {k: v for k, v in row.items() if v not in (None, "") and "__" not in k}  # what a reader finds
        back = ws.attrs_of(spec.columns, values, model)
        for name in mapped:
            expected = getattr(obj, name)
            if name == "amounts":  # only the economic codes the sheet has columns for
                expected = {k: v for k, v in expected.items() if f"e{k}" in row}
            assert back.get(name, defaults[name]) in (expected, "" if expected is None else expected), \
                (model.__name__, name)


def test_formula_columns_carry_typed_and_computed_values():
    a = Activity("H1.1", "F1", "Ad", "D1-FDB", amounts={"03": 100, "06": 50}, off_amounts={"doner": 7},
                 total_typed=999)
    row = ws.row_of(ws.DEPT_ACTIVITIES, a)
    assert (row["e03"], row["e06"], row["e01"], row["bd_doner"], row["bd_yurt_disi"]) == (100, 50, None, 7, None)
    assert (row["butce_disi"], row["butce_disi__value"]) == (None, 7)  # Bütçe Dışı: the kinds' live sum
    assert (row["toplam"], row["toplam__value"], row["butce"], row["butce__value"]) == (999, 157, None, 150)


def test_a_new_column_is_one_line():
    """A column added to the description (and its attribute to the model) is written and read back."""
    @dataclasses.dataclass
    class NotedActivity(Activity):
        note: str = ""

    spec = dataclasses.replace(ws.DEPT_ACTIVITIES, columns=(*ws.DEPT_ACTIVITIES.columns,
                                                            ws.Col("not", "Not", ws.TEXT, attr="note")))
    a = NotedActivity("H1.1", "F1", "Ad", "D1-FDB", amounts={"03": 1}, note="önemli")
    row = ws.row_of(spec, a)
    assert row["not"] == "önemli"
    back = NotedActivity(**ws.attrs_of(spec.columns, row, NotedActivity), unit_code="D1-FDB")
    assert back.note == "önemli" and back.amounts == {"03": 1} and back.name == "Ad"


def test_birim_formulas_come_from_the_description():
    acts = ws.DEPT_ACTIVITIES
    f = {fld.key: ws.DEPT_INFO.formula(fld.key, acts, 64) for fld in ws.DEPT_INFO.fields if fld.formula}
    b = {k: f"B{ws.DEPT_INFO.row(k)}" for k in ("tavan", "personel", "genel_yonetim", "hedef_maliyeti", "toplam")}
    assert f == {
        "faaliyet_sayisi": f"=COUNTA('Faaliyetler'!{acts.letter('kod')}{acts.first_data_row}:{acts.letter('kod')}64)",
        "hedef_maliyeti": f"='Faaliyetler'!{acts.letter('toplam')}{acts.totals_row}",
        "toplam": f"={b['hedef_maliyeti']}+{b['personel']}+{b['genel_yonetim']}",
        "kalan": f"={b['tavan']}-{b['toplam']}",
    }


def test_written_workbooks_read_back_through_the_description(tmp_path):
    from generator.reader import read_department, read_institution

    inst = small_institution()
    sub = small_submissions(inst)[0]
    write_institution(inst, tmp_path / "kurum.xlsx")
    write_department(inst, sub.department, tmp_path / "d.xlsx", sub)
    got, _ = read_institution(tmp_path / "kurum.xlsx")
    assert got is not None and got.profile.name == inst.profile.name and got.profile.email == inst.profile.email
    assert [(a.code, a.name) for a in got.aims] == [(a.code, a.name) for a in inst.aims]
    back, _ = read_department(tmp_path / "d.xlsx")
    assert back is not None and back.prepared_by == sub.prepared_by
    assert [(a.key, a.amounts, a.off_budget) for a in back.activities] == \
        [(a.key, {k: v for k, v in a.amounts.items() if v is not None}, a.off_budget) for a in sub.activities]
