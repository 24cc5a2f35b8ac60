"""The on-disk cache of outputs (generator/cache.py): the same inputs give the stored bytes, any
change of inputs, code or library writes them anew."""
from __future__ import annotations

import pytest

from generator import cache


def _counting():
    calls = []

    def compute(value: bytes):
        def run() -> bytes:
            calls.append(value)
            return value * 2
        return run
    return calls, compute


def test_same_material_is_computed_once(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls, compute = _counting()
    assert cache.cached_bytes("deneme", [b"a", b"b"], compute(b"x")) == b"xx"
    assert cache.cached_bytes("deneme", [b"a", b"b"], compute(b"y")) == b"xx"  # stored, not computed
    assert calls == [b"x"]
    # parts are length-prefixed: "a" + "b" is not "ab"
    assert cache.cached_bytes("deneme", [b"ab"], compute(b"z")) == b"zz"
    assert cache.cached_bytes("baska", [b"a", b"b"], compute(b"w")) == b"ww"  # another kind
    assert calls == [b"x", b"z", b"w"]


def test_code_and_library_versions_are_part_of_the_key(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls, compute = _counting()
    cache.cached_bytes("deneme", [b"a"], compute(b"1"), libraries=("openpyxl",))
    cache.cached_bytes("deneme", [b"a"], compute(b"2"), libraries=("xlsxwriter",))
    monkeypatch.setattr(cache, "_code_stamp", lambda: "baska-kod")
    cache.cached_bytes("deneme", [b"a"], compute(b"3"), libraries=("openpyxl",))
    assert calls == [b"1", b"2", b"3"]


def test_switched_off_or_unwritable_cache_just_computes(tmp_path, monkeypatch):
    calls, compute = _counting()
    monkeypatch.setenv("PP_NO_CACHE", "1")
    assert cache.cached_bytes("deneme", [b"a"], compute(b"1")) == b"11"
    assert cache.cached_bytes("deneme", [b"a"], compute(b"2")) == b"22"
    monkeypatch.delenv("PP_NO_CACHE")
    blocker = tmp_path / "dosya"
    blocker.write_text("bir klasör değil")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the cache folder cannot be made
    assert cache.cached_bytes("deneme", [b"a"], compute(b"3")) == b"33"
    assert calls == [b"1", b"2", b"3"]


def test_oldest_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(cache, "KEEP", 3)
    for i in range(5):
        cache.cached_bytes("deneme", [bytes([i])], lambda: b"v")
    assert len(list((tmp_path / "performans-programi" / "deneme").glob("*.bin"))) == 3


@pytest.mark.parametrize("name", ["matplotlib", "pillow", "openpyxl", "jinja2", "docxtpl", "python-docx", "xlsxwriter"])
def test_library_version_is_the_installed_distributions(name):
    from importlib.metadata import version

    assert cache.library_version(name) == version(name)


def test_library_version_of_a_missing_library():
    assert cache.library_version("yok-boyle-bir-kutuphane") == "?"
