"""Case 4 -- duplicates and the split. Kind: a pair present twice leaking into train and test.
Handled by ``build_dataset`` (duplicates collapsed before any split) and ``splits`` (every split
partitions the unique rows of one cleaned ``Dataset``)."""

from __future__ import annotations

import numpy as np
import pytest

import rectool
from rectool.data.splits import parse_split


@pytest.mark.parametrize("split", ["holdout:0.2", "holdout:0.5", "kfold:2", "kfold:3"])
def test_three_unique_pairs_and_no_shared_pair_for_any_seed(write, split):
    p = write("r.csv", "user,item\nu1,i1\nu1,i1\nu1,i2\nu2,i3\nu2,i3\n")
    ds = rectool.load_dataset(p)
    assert ds.n_interactions == 3
    assert ds.report.counts["duplicate_rows_collapsed"] == 2
    for seed in range(50):
        for fold in parse_split(split).folds(ds, seed):
            train = set(zip(fold.train.user_index.tolist(), fold.train.item_index.tolist(), strict=True))
            test = set(zip(fold.test.user_index.tolist(), fold.test.item_index.tolist(), strict=True))
            assert not train & test
            assert len(train) + len(test) == 3
            assert np.array_equal(np.sort(fold.train.users.ids), np.sort(ds.users.ids))
