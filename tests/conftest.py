"""Core tests are hermetic: entry-point plugins are off unless a test turns them on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rectool import plugins


@pytest.fixture(autouse=True)
def hermetic_plugins(monkeypatch: pytest.MonkeyPatch):
    """Built-ins only, a fresh plugin manager per test."""
    monkeypatch.setenv(plugins.LOAD_ENV, "")
    plugins.reset()
    yield
    plugins.reset()


@pytest.fixture
def entry_point_plugins(monkeypatch: pytest.MonkeyPatch):
    """Load every installed entry-point plugin (lightfm, surprise, ...) for this test."""
    monkeypatch.delenv(plugins.LOAD_ENV, raising=False)
    plugins.reset()
    yield


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared real datasets. Missing data is a failure, never a skip."""
    raw = os.environ.get("RECTOOL_DATA_DIR")
    assert raw, (
        "RECTOOL_DATA_DIR is not set: point it at the shared datasets "
        "(for example RECTOOL_DATA_DIR=../shared/data) to run the real-data tests"
    )
    path = Path(raw)
    assert path.is_dir(), f"RECTOOL_DATA_DIR={raw} is not a directory"
    return path
