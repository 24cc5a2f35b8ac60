"""Test-wide settings."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """The on-disk cache (generator/cache.py) of the test run lives in a temporary folder, not in
    the user's ~/.cache; worker processes the build spawns inherit it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    mp.delenv("PP_NO_CACHE", raising=False)
    yield
    mp.undo()
