"""SVD passes rectool's model contract suite, like any third-party model."""

from __future__ import annotations

import numpy as np
from rectool_surprise import SVDModel

from rectool.data import Dataset, build_dataset
from rectool.testing import ModelContract


def rated_planted(n_users: int = 120, n_items: int = 60, n_groups: int = 3, seed: int = 0) -> Dataset:
    """Ratings 1-5 with planted taste: each user rates 10 items of its group's block 4-5 and
    4 items of other blocks 1-2 (SVD learns from ratings, so the implicit planted data, all 1s,
    gives it nothing to learn)."""
    rng = np.random.default_rng(seed)
    block = n_items // n_groups
    users, items, ratings = [], [], []
    for u in range(n_users):
        g = u % n_groups
        own = rng.choice(block, size=10, replace=False) + g * block
        other = rng.choice(np.setdiff1d(np.arange(n_items), np.arange(g * block, (g + 1) * block)),
                           size=4, replace=False)
        for i, r in [(i, rng.integers(4, 6)) for i in own] + [(i, rng.integers(1, 3)) for i in other]:
            users.append(f"user{u}")
            items.append(f"item{i}")
            ratings.append(float(r))
    return build_dataset("rated-planted", users, items, ratings, kind="explicit", rating_scale=(1, 5))


class TestSVDContract(ModelContract):
    model_class = SVDModel
    params = {"n_factors": 8, "n_epochs": 40, "lr_all": 0.01}

    def make_dataset(self) -> Dataset:
        return rated_planted()

    def make_planted(self) -> Dataset:
        return rated_planted()
