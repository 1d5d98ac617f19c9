"""Case 9 -- tiny users in a ratio split. Kind: users with too few rows for the split. Handled
by ``splits._per_user_holdout``/``_per_user_fold`` (round(f x n) capped at n - 1: every user
trains) and ``evaluation._Target`` (``users_skipped_no_test_rows``, printed in the report)."""

from __future__ import annotations

import pytest

import rectool
from rectool.data.splits import parse_split
from rectool.evaluation import compare


@pytest.fixture
def ds(write):
    rows = ["a,i0", "b,i0", "b,i1"] + [f"c,i{i}" for i in range(10)]
    return rectool.load_dataset(write("r.csv", "user,item\n" + "\n".join(rows) + "\n"))


def test_tiny_users_stay_train_only_for_every_seed(ds):
    for seed in range(30):
        (fold,) = parse_split("holdout:0.2").folds(ds, seed)
        test_users = {ds.users.ids[u] for u in fold.test.user_index}
        assert test_users == {"c"}
        assert len(fold.test.user_index) == 2


def test_reported_as_skipped(ds):
    for seed in range(5):
        res = compare(["popularity"], ds, k=2, split="holdout:0.2", seed=seed)
        assert res.protocol["users_skipped_no_test_rows"] == 2
        assert res.protocol["users_evaluated"] == 1
        assert "2 train-only (no test rows)" in res.to_table()


@pytest.mark.parametrize("split", ["kfold:2", "kfold:5", "holdout:0.5"])
def test_no_crash_for_any_seed(ds, split):
    for seed in range(5):
        res = compare(["popularity"], ds, k=2, split=split, seed=seed)
        assert res.protocol["users_evaluated"] >= 1
