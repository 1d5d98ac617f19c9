"""pytest fixtures shipped with rectool (registered through the ``pytest11`` entry point)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from rectool import plugins
from rectool.data import Dataset
from rectool.testing.datasets import planted_dataset, tiny_dataset


@pytest.fixture
def rectool_tiny_dataset() -> Dataset:
    """Four users, six items, ratings, genres and a trust graph."""
    return tiny_dataset()


@pytest.fixture
def rectool_planted_dataset() -> Dataset:
    """Implicit data with planted block structure."""
    return planted_dataset()


@pytest.fixture
def rectool_register_plugin() -> Iterator[Callable[[object, str], None]]:
    """Register plugin objects for one test; they are unregistered afterwards."""
    names: list[str] = []

    def register(plugin: object, name: str) -> None:
        plugins.register_plugin(plugin, name)
        names.append(name)

    yield register
    for name in names:
        plugins.unregister_plugin(name)


@pytest.fixture
def rectool_load_plugins(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[str | None], None]]:
    """Choose which entry-point plugins load for one test, as ``RECTOOL_LOAD_PLUGINS`` does:
    ``"example"`` loads only that one, ``""`` built-ins only, ``None`` every installed one."""

    def load(names: str | None) -> None:
        if names is None:
            monkeypatch.delenv(plugins.LOAD_ENV, raising=False)
        else:
            monkeypatch.setenv(plugins.LOAD_ENV, names)
        plugins.reset()

    yield load
    monkeypatch.undo()
    plugins.reset()
