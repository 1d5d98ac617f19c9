"""The example plugin's parts pass rectool's own contract suites (rectool.testing)."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from rectool_plugin_example import ItemKNN, Novelty, load_eventlog

from rectool import Dataset
from rectool.errors import EvaluationError
from rectool.testing import DatasetContract, MetricCase, MetricContract, ModelContract, make_ranked


class TestItemKNN(ModelContract):
    model_class = ItemKNN
    params = {"k": 20}


class TestItemKNNOneNeighbour(ModelContract):
    model_class = ItemKNN
    params = {"k": 1}


# training counts 4, 2, 1, 1, 0 of 8 interactions: self-information 1, 2, 3, 3 and 3 bits
# (an item never seen in training counts as seen once)
COUNTS = [4, 2, 1, 1, 0]


class TestNovelty(MetricContract):
    metric_class = Novelty
    value_range = (0.0, math.inf)

    def cases(self) -> list[MetricCase]:
        ranked = make_ranked([[0, 1], [2, -1], [-1, -1], [4, 3]], [{0}, {2}, {1}, {3}],
                             n_items=5, item_counts=COUNTS)
        return [
            MetricCase(ranked, [1.5, 3.0, math.nan, 3.0], "padding ignored; empty list is NaN"),
            MetricCase(ranked.at(1), [1.0, 3.0, math.nan, 3.0]),
        ]


def test_novelty_without_training_counts_is_a_clear_error() -> None:
    with pytest.raises(EvaluationError, match="novelty needs training popularity"):
        Novelty().compute(make_ranked([[0]], [{0}], n_items=2))


def write_events(folder: Path) -> Path:
    path = folder / "events.csv"
    path.write_text(
        "user,item,timestamp,extra\n"
        "alice,apple,1700000000,x\n"
        "alice,apple,1700000500,x\n"       # a repeat: weight 2, latest timestamp kept
        "alice,pear,2023-11-15T00:00:00Z,\n"
        "bob,apple,1700000100,\n"
        "bob,plum,not-a-time,\n"           # dropped and counted
        "carol,plum,1700000200,\n"
        ",pear,1700000300,\n"              # missing user: dropped and counted
    )
    return path


class TestEventlog(DatasetContract):
    def load(self) -> Dataset:
        return load_eventlog(write_events(Path(tempfile.mkdtemp(prefix="eventlog-"))))


def test_eventlog_sums_repeats_and_counts_what_it_drops(tmp_path: Path) -> None:
    data = load_eventlog(write_events(tmp_path), name="shop")
    assert data.name == "shop" and data.kind == "implicit"
    assert (data.n_users, data.n_items, data.n_interactions) == (3, 3, 4)
    apple = (data.user_index == data.users.index("alice")) & (
        data.item_index == data.items.index("apple"))
    assert data.values[apple].tolist() == [2.0]
    assert data.timestamps[apple].tolist() == [1700000500]
    pear = data.item_index == data.items.index("pear")
    assert data.timestamps[pear].tolist() == [1700006400]
    assert data.report.counts["rows_dropped_missing_or_non_numeric"] == 2
    assert data.report.counts["duplicate_rows_collapsed"] == 1


def test_eventlog_errors_name_the_fix(tmp_path: Path) -> None:
    from rectool.errors import ConfigError, DataError

    with pytest.raises(ConfigError, match="needs a path option"):
        load_eventlog()
    with pytest.raises(ConfigError, match="does not take option"):
        load_eventlog(tmp_path / "x.csv", colums="user")
    with pytest.raises(DataError, match="does not exist"):
        load_eventlog(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("uid,item,timestamp\nu,i,1\n")
    with pytest.raises(DataError, match="no column 'user'"):
        load_eventlog(bad)
    assert load_eventlog(bad, user="uid").n_users == 1


def test_top_k_per_row_matches_a_row_by_row_reference() -> None:
    import scipy.sparse as sp
    from rectool_plugin_example.itemknn import top_k_per_row

    rng = np.random.default_rng(0)
    dense = np.where(rng.random((30, 30)) < 0.3, rng.integers(1, 5, (30, 30)), 0).astype(float)
    kept = top_k_per_row(sp.csr_matrix(dense), 3).toarray()
    for row, got in zip(dense, kept, strict=True):
        order = sorted(np.flatnonzero(row), key=lambda j: (-row[j], j))[:3]
        expected = np.zeros_like(row)
        expected[order] = row[order]
        np.testing.assert_array_equal(got, expected)
