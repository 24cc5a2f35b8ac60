"""Golden regression test: a fresh build of the sample against the committed
expectations in tests/golden/expected and the README's findings table.

An intended change of an output: run ``python -m tests.golden --update``,
review ``git diff tests/golden README.md`` and mention it in the commit.
"""
from __future__ import annotations

import difflib
import re

import pytest

from tests import golden


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> golden.Snapshot:
    return golden.build_sample(tmp_path_factory.mktemp("golden"))


def _diff(expected: str, actual: str, name: str, limit: int = 60) -> str:
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), f"beklenen/{name}",
                                      f"üretilen/{name}", lineterm="", n=1))
    more = f"\n… {len(lines) - limit} satır daha" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more + f"\n(bilerek değiştiyse: {golden.UPDATE_COMMAND})"


def test_same_files(snapshot):
    expected = set(golden.expected_files())
    produced = set(snapshot.files)
    assert produced == expected, (
        f"yeni: {sorted(produced - expected)}, eksik: {sorted(expected - produced)} "
        f"(bilerek değiştiyse: {golden.UPDATE_COMMAND})")


@pytest.mark.parametrize("name", sorted(golden.expected_files()))
def test_output_matches(snapshot, name):
    expected = golden.expected_files()[name]
    actual = snapshot.files.get(name)
    assert actual is not None, f"{name} artık üretilmiyor"
    assert actual == expected, _diff(expected, actual, name)


def test_readme_lists_exactly_the_findings(snapshot):
    readme = golden.readme_findings()
    assert readme == snapshot.findings, _diff("\n".join(map(str, readme)), "\n".join(map(str, snapshot.findings)),
                                              "README.md")


def test_readme_prose_names_only_codes_found(snapshot):
    """The codes the README's prose about the published errors mentions are all found."""
    text = golden.README.read_text(encoding="utf-8")
    prose = text[text.index("On the sample the validator finds"):text.index(golden.README_BEGIN)]
    mentioned = set(re.findall(r"\b[A-Z]{3}-\d{2}\b", prose))
    assert mentioned, "README'de bulgu kodu bulunamadı"
    assert mentioned <= {code for code, *_ in snapshot.findings}
