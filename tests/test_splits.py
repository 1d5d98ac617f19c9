"""Splits never overlap, keep a training row per user, are seeded, and respect time."""

from __future__ import annotations

import numpy as np
import pytest

from rectool.data import build_dataset
from rectool.data.splits import parse_split
from rectool.errors import ConfigError


def make_data(n_users: int = 30, seed: int = 0):
    rng = np.random.default_rng(seed)
    users, items, ts = [], [], []
    for u in range(n_users):
        n = int(rng.integers(1, 12))
        for i in rng.choice(50, size=n, replace=False):
            users.append(f"u{u}")
            items.append(f"i{i}")
            ts.append(int(rng.integers(0, 1000)))
    return build_dataset("toy", users, items, np.ones(len(users)) * 4, ts, kind="explicit")


def pairs(ds) -> set[tuple[int, int]]:
    return set(zip(ds.user_index.tolist(), ds.item_index.tolist(), strict=True))


@pytest.mark.parametrize("spec", ["holdout:0.2", "holdout:0.5", "temporal:0.3", "loo", "kfold:3"])
@pytest.mark.parametrize("seed", [0, 1, 7])
def test_no_overlap_and_shared_id_maps(spec, seed):
    data = make_data(seed=seed)
    folds = list(parse_split(spec).folds(data, seed))
    for fold in folds:
        assert not pairs(fold.train) & pairs(fold.test)
        assert pairs(fold.train) | pairs(fold.test) == pairs(data)
        assert fold.train.users is data.users and fold.test.items is data.items


@pytest.mark.parametrize("spec", ["holdout:0.2", "holdout:0.9", "loo", "kfold:2", "kfold:5"])
def test_every_user_keeps_a_training_row(spec):
    data = make_data()
    for fold in parse_split(spec).folds(data, 3):
        assert (fold.train.user_counts() > 0).all()


def test_holdout_takes_about_the_fraction_per_user():
    data = make_data(n_users=200)
    fold = next(parse_split("holdout:0.2").folds(data, 0))
    n = data.user_counts()
    n_test = fold.test.user_counts()
    assert (n_test == np.minimum(np.floor(0.2 * n + 0.5), n - 1)).all()


def test_same_seed_same_split_other_seed_other_split():
    data = make_data()
    a = next(parse_split("holdout:0.3").folds(data, 5))
    b = next(parse_split("holdout:0.3").folds(data, 5))
    c = next(parse_split("holdout:0.3").folds(data, 6))
    assert pairs(a.test) == pairs(b.test)
    assert pairs(a.test) != pairs(c.test)


def test_temporal_has_no_future_in_training():
    data = make_data()
    fold = next(parse_split("temporal:0.25").folds(data, 0))
    assert fold.train.timestamps.max() < fold.test.timestamps.min()


def test_kfold_test_sets_partition_the_rows_of_users_with_two_or_more():
    data = make_data()
    folds = list(parse_split("kfold:4").folds(data, 0))
    tests = [pairs(f.test) for f in folds]
    assert sum(len(t) for t in tests) == len(set().union(*tests))
    multi = {u for u, c in enumerate(data.user_counts()) if c >= 2}
    assert set().union(*tests) == {p for p in pairs(data) if p[0] in multi}


def test_loo_holds_out_each_users_latest_row():
    data = make_data()
    fold = next(parse_split("loo").folds(data, 0))
    for u in np.unique(fold.test.user_index):
        latest = data.timestamps[data.user_index == u].max()
        assert fold.test.timestamps[fold.test.user_index == u][0] == latest


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("holdout:1.5", "the fraction must be between 0 and 1"),
        ("kfold:1", "k-fold needs at least 2 folds"),
        ("random", "unknown split 'random'"),
        ("holdout:abc", "'abc' is not a number"),
    ],
)
def test_bad_split_specs(spec, message):
    with pytest.raises(ConfigError, match=message):
        parse_split(spec)


def test_temporal_without_timestamps_is_a_clear_error():
    data = build_dataset("nots", ["a", "a", "b"], ["x", "y", "x"])
    with pytest.raises(ConfigError, match="needs timestamps and dataset 'nots' has none"):
        next(parse_split("temporal:0.2").folds(data, 0))
