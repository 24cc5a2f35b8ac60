"""A row shifted by one column and an amount typed in Açıklama: said once, in plain words."""
from __future__ import annotations

import pytest

from generator.reader import read_department
from generator.templates import write_department
from tests.factory import edit_cells, small_institution, small_submissions


@pytest.fixture
def workbook(tmp_path):
    inst = small_institution()
    return write_department(inst, "D1-FDB", tmp_path / "2024_D1-FDB.xlsx", small_submissions(inst)[0])


def test_row_shifted_right_is_one_finding(workbook):
    # row 6 (H1.2 F1 Köprü onarımı, 06: 50.000) typed one column to the right
    edit_cells(workbook, {("Faaliyetler", "A6"): None, ("Faaliyetler", "B6"): "H1.2",
                          ("Faaliyetler", "C6"): "F1", ("Faaliyetler", "D6"): "Köprü onarımı"})
    sub, findings = read_department(workbook)
    assert [(f.code, f.cell) for f in findings] == [("TIP-10", "A6")]
    assert "bir sütun sağa kaymış" in findings[0].message and "\"H1.2\"" in findings[0].message
    assert [a.row for a in sub.activities] == [5]


def test_row_shifted_left_is_one_finding(workbook):
    edit_cells(workbook, {("Faaliyetler", "A6"): "F1", ("Faaliyetler", "B6"): "Köprü onarımı",
                          ("Faaliyetler", "C6"): None})
    sub, findings = read_department(workbook)
    assert [(f.code, f.cell) for f in findings] == [("TIP-10", "A6")]
    assert "sola kaymış" in findings[0].message
    assert [a.row for a in sub.activities] == [5]


@pytest.mark.parametrize("text", ["1.250.000", "1.250.000 TL", "250000", "75.000,00 ₺"])
def test_amount_typed_in_explanation_is_warned(workbook, text):
    edit_cells(workbook, {("Faaliyetler", "D5"): text})
    sub, findings = read_department(workbook)
    assert [(f.code, f.cell, f.activity) for f in findings] == [("TIP-11", "D5", "F1")]
    assert "hiçbir toplama girmez" in findings[0].message


@pytest.mark.parametrize("text", ["2024 yılında başlanacak", "3 etap", "Çok yıllı proje; ikinci etap."])
def test_ordinary_explanations_are_not_warned(workbook, text):
    edit_cells(workbook, {("Faaliyetler", "D5"): text})
    _, findings = read_department(workbook)
    assert findings == []


def test_every_cell_of_a_row_carries_a_plain_loc(workbook):
    # read_table makes the Loc of each cell without the frozen dataclass's __init__: the objects must be
    # Locs like any other (equal, hashed, printed, pickled and frozen alike)
    import dataclasses
    import pickle

    from generator.model import Loc

    sub, _ = read_department(workbook)
    locs = [loc for a in sub.activities for loc in a.src.values()] + \
        [loc for i in sub.indicators for loc in i.src.values()]
    assert locs and all(type(loc) is Loc for loc in locs)
    first = sub.activities[0].src["kod"]
    assert (first.file, first.sheet, first.cell) == ("2024_D1-FDB.xlsx", "Faaliyetler", "B5")
    for loc in locs:
        same = Loc(loc.file, loc.sheet, loc.cell)
        assert loc == same and hash(loc) == hash(same) and repr(loc) == repr(same) and str(loc) == str(same)
        assert pickle.loads(pickle.dumps(loc)) == same and dataclasses.astuple(loc) == dataclasses.astuple(same)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.cell = "A1"  # type: ignore[misc]
