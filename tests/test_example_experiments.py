"""The experiment files shipped in examples/ parse, and name only registered models and metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from rectool.experiment import load_experiment
from rectool.registry import resolve

EXAMPLES = sorted((Path(__file__).parents[1] / "examples" / "experiments").glob("*.toml"))


def test_there_are_two_example_experiments():
    assert [p.name for p in EXAMPLES] == ["lastfm-social-text.toml", "movielens-100k.toml"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_experiment_names_registered_parts(path, entry_point_plugins):
    exp = load_experiment(path)
    resolve("dataset", exp.dataset)
    for entry in exp.models:
        resolve("model", entry.name)
        for name, _ in entry.features or ():
            resolve("featurizer", name)
    for name in exp.metrics or ():
        resolve("metric", name)
    for name, _ in exp.features:
        resolve("featurizer", name)
