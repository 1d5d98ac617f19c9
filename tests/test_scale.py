"""The fast evaluation path against slow references, memory budgets, the synthetic dataset."""

from __future__ import annotations

import numpy as np
import pytest

from rectool.data.dataset import Dataset
from rectool.data.idmap import IdMap
from rectool.errors import ConfigError
from rectool.loading import load_dataset
from rectool.models import Model, parse_bytes


class _Factors(Model):
    fresh_scores = True

    def __init__(self, n_users: int, n_items: int, seed: int = 0, ties: bool = False) -> None:
        super().__init__(seed=seed)
        rng = np.random.default_rng(seed)
        self.S = rng.standard_normal((n_users, n_items)).astype(np.float32)
        if ties:
            self.S = np.round(self.S)  # many ties: canonical lowest-index order matters

    def _fit(self, train: Dataset) -> None:
        pass

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        rows = self.S[np.asarray(users)].copy()
        return rows if items is None else rows[:, np.asarray(items)]


def _train(n_users: int, n_items: int, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, n_users * n_items, n_users * n_items // 5))
    return Dataset("t", IdMap.from_unique(np.arange(n_users).astype(str).astype(object)),
                   IdMap.from_unique(np.arange(n_items).astype(str).astype(object)),
                   (keys // n_items).astype(np.int32), (keys % n_items).astype(np.int32),
                   np.ones(len(keys), np.float32))


def _naive(model: Model, users: np.ndarray, k: int) -> np.ndarray:
    """Slow reference: score everything, mask densely, stable sort (lowest index among ties)."""
    scores = np.asarray(model.score(users), dtype=np.float64)
    scores[model._seen[users].toarray() > 0] = -np.inf
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.where(np.isneginf(np.take_along_axis(scores, order, axis=1)), -1, order)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("workers", [1, 3])
@pytest.mark.parametrize("batch_bytes", [4 * 50 * 7, 2**20])
def test_recommend_matches_naive_full_scoring_200_x_50(ties, workers, batch_bytes) -> None:
    model = _Factors(200, 50, ties=ties).fit(_train(200, 50))
    users = np.arange(200)
    got = model.recommend(users, 10, batch_bytes=batch_bytes, workers=workers)
    assert (got == _naive(model, users, 10)).all()


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("k", [1, 10, 37])
def test_wide_rows_block_path_matches_naive_full_scoring(ties, k) -> None:
    """Over 2,048 columns ``top_k`` goes through block maxima; ties at the cut-off sit in
    unchosen blocks too, and the lowest indices must still win."""
    model = _Factors(60, 3000, seed=5, ties=ties).fit(_train(60, 3000, seed=5))
    users = np.arange(60)
    assert (model.recommend(users, k) == _naive(model, users, k)).all()


def test_nan_check_ignores_infinities_and_finds_every_nan_row() -> None:
    from rectool.models import _nan_rows

    scores = np.zeros((5, 4000), dtype=np.float32)
    scores[0, 3] = np.inf
    scores[0, 7] = -np.inf  # the product with ones is NaN here, but no score is
    scores[2, 3999] = np.nan
    scores[4, 0] = np.nan
    assert _nan_rows(scores).tolist() == [2, 4]


def test_recommend_never_writes_into_the_models_array() -> None:
    class Cached(_Factors):
        fresh_scores = False

        def score(self, users, items=None):
            return self.S[: len(users)] if len(users) == len(self.S) else self.S[users]

    model = Cached(30, 40).fit(_train(30, 40))
    before = model.S.copy()
    model.recommend(np.arange(30), 5, batch_bytes=10**6)
    assert (before == model.S).all()


def test_popularity_broadcast_scores_are_ranked_like_a_dense_copy() -> None:
    from rectool.builtins.popularity import Popularity

    train = _train(60, 300, seed=3)
    pop = Popularity().fit(train)
    users = np.arange(60)
    assert (pop.recommend(users, 10, workers=2) == _naive(pop, users, 10)).all()


def test_parse_bytes() -> None:
    assert parse_bytes("512MB") == 512 * 10**6
    assert parse_bytes("64MiB") == 64 * 2**20
    assert parse_bytes(1000) == 1000
    for bad in ("lots", "0", "-3GB", True):
        with pytest.raises(ConfigError):
            parse_bytes(bad)


def test_compare_takes_a_memory_budget() -> None:
    from rectool.evaluation import compare

    data = load_dataset("synthetic", users=300, items=200, interactions=6000)
    small = compare(["popularity"], data, metrics=["precision", "ndcg"], memory_budget="4KB",
                    workers=2)
    large = compare(["popularity"], data, metrics=["precision", "ndcg"], memory_budget="1GB")
    assert small.models[0].values == large.models[0].values


# -- the synthetic dataset ---------------------------------------------------------------------
def test_synthetic_shape_and_options_from_text() -> None:
    d = load_dataset("synthetic", users="500", items="300", interactions="8000", rank="4")
    assert d.name == "synthetic" and d.kind == "implicit"
    assert d.n_interactions == 8000
    assert d.n_users <= 500 and d.n_items <= 300
    keys = d.user_index.astype(np.int64) * d.n_items + d.item_index
    assert len(np.unique(keys)) == len(keys)  # one row per (user, item)
    assert d.item_counts().min() >= 1 and d.user_counts().min() >= 1


def test_synthetic_is_deterministic_by_seed() -> None:
    a = load_dataset("synthetic", users=400, items=200, interactions=5000, seed=7)
    b = load_dataset("synthetic", users=400, items=200, interactions=5000, seed=7)
    c = load_dataset("synthetic", users=400, items=200, interactions=5000, seed=8)
    assert (a.user_index == b.user_index).all() and (a.item_index == b.item_index).all()
    assert (a.users.ids == b.users.ids).all() and (a.items.ids == b.items.ids).all()
    assert not (len(a.item_index) == len(c.item_index) and (a.item_index == c.item_index).all())


def test_synthetic_has_a_long_tail_and_planted_structure() -> None:
    d = load_dataset("synthetic", users=2000, items=1000, interactions=40000, exponent=1.0)
    counts = np.sort(d.item_counts())[::-1]
    head = counts[: len(counts) // 10].sum() / counts.sum()
    assert head > 0.4  # the top 10% of items carry a large share
    flat = load_dataset("synthetic", users=2000, items=1000, interactions=40000, exponent=0.0,
                        strength=0.0)
    flat_counts = np.sort(flat.item_counts())[::-1]
    assert flat_counts[: len(flat_counts) // 10].sum() / flat_counts.sum() < head
    from rectool.evaluation import compare

    res = compare(["popularity", "linear"], d, metrics=["ndcg"])
    ndcg = {m.model: m.values["ndcg@10"] for m in res.models}
    assert ndcg["linear"] > ndcg["popularity"]  # the planted topics are learnable


def test_synthetic_rejects_bad_options() -> None:
    with pytest.raises(ConfigError):
        load_dataset("synthetic", users=10, items=10, interactions=90)
    with pytest.raises(ConfigError):
        load_dataset("synthetic", exponent="steep")
    with pytest.raises(ConfigError):
        load_dataset("synthetic", colour="red")
