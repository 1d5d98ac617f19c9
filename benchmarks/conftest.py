"""Shared fixtures for the benchmark suites: real datasets and fitted, saved models (cached).

Run on demand: ``RECTOOL_DATA_DIR=... python -m pytest benchmarks``. Besides pytest-benchmark's
own table, a summary of latency percentiles and throughput is printed at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import rectool
from rectool import plugins

#: Fit parameters: training quality does not change serving speed, so fits are kept short.
FIT_PARAMS: dict[str, dict[str, Any]] = {
    "popularity": {},
    "linear": {},
    "lightfm": {"epochs": 5},
    "svd": {"n_epochs": 5},
}
SUMMARY: list[dict[str, Any]] = []
_fitted: dict[tuple[str, str], rectool.Recommender] = {}
_data: dict[str, rectool.Dataset] = {}


@pytest.fixture(scope="session", autouse=True)
def all_plugins() -> None:
    plugins.reset()  # entry-point plugins (lightfm, svd) on


def fitted(model: str, dataset: str) -> rectool.Recommender:
    key = (model, dataset)
    if key not in _fitted:
        if dataset not in _data:
            _data[dataset] = rectool.load_dataset(dataset)
        _fitted[key] = rectool.fit(model, _data[dataset], **FIT_PARAMS[model])
    return _fitted[key]


@pytest.fixture(scope="session")
def saved_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("saved")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SUMMARY:
        return
    tr = terminalreporter
    tr.section("rectool serving summary")
    tr.write_line(f"{'dataset':<9} {'model':<11} {'measure':<22} value")
    for row in SUMMARY:
        tr.write_line(f"{row['dataset']:<9} {row['model']:<11} {row['measure']:<22} {row['value']}")
