"""SVDModel on tiny synthetic datasets built inline (no real data)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from rectool_surprise import SVDModel
from rectool_surprise.model import training_ratings

import rectool
from rectool.errors import ConfigError, ModelError

FAST = {"n_factors": 8, "n_epochs": 30, "lr_all": 0.01}


def planted(n_users: int = 40, n_items: int = 30, per_user: int = 10, seed: int = 0):
    """Two communities: even users rate items 0..14 high and 15..29 low; odd users the reverse."""
    rng = np.random.default_rng(seed)
    half = n_items // 2
    users, items, ratings = [], [], []
    for u in range(n_users):
        for i in rng.choice(n_items, size=per_user, replace=False):
            likes = (i < half) == (u % 2 == 0)
            users.append(f"u{u}")
            items.append(f"i{i}")
            ratings.append(float(rng.integers(4, 6) if likes else rng.integers(1, 3)))
    return rectool.build_dataset("planted", users, items, ratings, kind="explicit", rating_scale=(1, 5))


def item_groups(ds: rectool.Dataset) -> np.ndarray:
    return np.array([0 if int(str(ds.items.ids[i])[1:]) < 15 else 1 for i in range(ds.n_items)])


def user_groups(ds: rectool.Dataset) -> np.ndarray:
    return np.array([int(str(ds.users.ids[u])[1:]) % 2 for u in range(ds.n_users)])


@pytest.fixture(scope="module")
def data() -> rectool.Dataset:
    return planted()


@pytest.fixture(scope="module")
def fitted(data: rectool.Dataset) -> SVDModel:
    return SVDModel(seed=5, **FAST).fit(data)


def test_fit_and_score_shapes(data: rectool.Dataset, fitted: SVDModel) -> None:
    scores = fitted.score(np.arange(4))
    assert scores.shape == (4, data.n_items)
    assert np.isfinite(scores).all()
    sub = fitted.score(np.array([1, 2]), np.array([0, 5, 9]))
    assert sub.shape == (2, 3)
    np.testing.assert_allclose(sub, fitted.score(np.array([1, 2]))[:, [0, 5, 9]], rtol=1e-6)
    assert SVDModel.predicts_ratings


def test_score_consistent_with_predict(data: rectool.Dataset, fitted: SVDModel) -> None:
    users = np.repeat(np.arange(data.n_users), data.n_items)
    items = np.tile(np.arange(data.n_items), data.n_users)
    pred = fitted.predict(users, items)
    full = fitted.score(np.arange(data.n_users)).ravel()
    np.testing.assert_allclose(pred, np.clip(full, 1, 5), rtol=1e-5, atol=1e-5)
    assert pred.min() >= 1 and pred.max() <= 5


def test_matches_surprise_predict(data: rectool.Dataset) -> None:
    """Our numpy formula and id mapping reproduce surprise's own predictions."""
    surprise = pytest.importorskip("surprise")
    model = SVDModel(seed=7, **FAST).fit(data)
    frame = pd.DataFrame(
        {
            "u": data.user_index.astype(np.int64),
            "i": data.item_index.astype(np.int64),
            "r": data.values.astype(np.float64),
        }
    )
    trainset = surprise.Dataset.load_from_df(
        frame, surprise.Reader(rating_scale=(1, 5))
    ).build_full_trainset()
    algo = surprise.SVD(n_factors=8, n_epochs=30, lr_all=0.01, random_state=7).fit(trainset)
    rng = np.random.default_rng(0)
    us = rng.integers(0, data.n_users, 50)
    its = rng.integers(0, data.n_items, 50)
    theirs = np.array([algo.predict(int(u), int(i)).est for u, i in zip(us, its, strict=True)])
    np.testing.assert_allclose(model.predict(us, its), theirs, rtol=1e-9, atol=1e-9)


def test_unknown_users_and_items_are_bias_only(data: rectool.Dataset) -> None:
    user0 = 0
    item0 = int(data.item_index[data.user_index != user0][0])
    keep = (data.user_index != user0) & (data.item_index != item0)
    model = SVDModel(seed=1, **FAST).fit(data.subset(np.flatnonzero(keep)))
    state, arrays = model.get_state()
    mu, bi, bu = state["global_mean"], arrays["bi"], arrays["bu"]
    assert not arrays["known_users"][user0] and not arrays["known_items"][item0]
    np.testing.assert_allclose(model.score(np.array([user0]))[0], mu + bi, rtol=1e-5)
    np.testing.assert_allclose(
        model.score(np.arange(data.n_users), np.array([item0]))[:, 0], mu + bu, rtol=1e-5
    )


def test_recommend_excludes_seen_and_never_repeats(data: rectool.Dataset, fitted) -> None:
    recs = fitted.recommend(np.arange(data.n_users), 10)
    seen = data.interaction_matrix(binary=True)
    for u, row in enumerate(recs):
        valid = row[row >= 0]
        assert len(set(valid.tolist())) == len(valid)
        assert not set(valid.tolist()) & set(seen[u].indices.tolist())


def test_recommend_pads_with_minus_one() -> None:
    ds = rectool.build_dataset(
        "tiny",
        ["a", "a", "a", "b", "b", "c"],
        ["x", "y", "z", "z", "w", "x"],
        [5, 4, 3, 2, 5, 1],
        kind="explicit",
        rating_scale=(1, 5),
    )
    model = SVDModel(seed=0, **FAST).fit(ds)
    recs = model.recommend([int(ds.users.lookup(np.array(["a"], dtype=object))[0])], 3)
    assert recs[0, 0] == ds.items.lookup(np.array(["w"], dtype=object))[0]
    assert recs[0, 1:].tolist() == [-1, -1]


def test_same_seed_same_recommendations(data: rectool.Dataset) -> None:
    a = SVDModel(seed=9, **FAST).fit(data).recommend(np.arange(data.n_users), 5)
    b = SVDModel(seed=9, **FAST).fit(data).recommend(np.arange(data.n_users), 5)
    np.testing.assert_array_equal(a, b)


def test_save_load_round_trip(tmp_path, data: rectool.Dataset, fitted: SVDModel) -> None:
    fitted.save(tmp_path / "svd")
    loaded = SVDModel.load(tmp_path / "svd")
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(loaded.score(users), fitted.score(users))
    np.testing.assert_array_equal(
        loaded.predict(data.user_index, data.item_index),
        fitted.predict(data.user_index, data.item_index),
    )


def test_planted_structure_beats_random(data: rectool.Dataset, fitted: SVDModel) -> None:
    recs = fitted.recommend(np.arange(data.n_users), 5)
    liked = item_groups(data)[recs] == user_groups(data)[:, None]
    assert liked.mean() > 0.8  # random would be about 0.5


def test_unbiased_falls_back_to_global_mean(data: rectool.Dataset) -> None:
    keep = np.flatnonzero(data.user_index != 0)
    model = SVDModel(seed=0, biased=False, **FAST).fit(data.subset(keep))
    mu = model.get_state()[0]["global_mean"]
    np.testing.assert_allclose(model.score(np.array([0]))[0], mu, rtol=1e-6)


def test_implicit_trains_on_log1p_weights() -> None:
    ds = rectool.build_dataset(
        "plays",
        ["a", "a", "b", "b", "c"],
        ["x", "y", "x", "z", "y"],
        [1, 100, 3, 7, 20],
        kind="implicit",
    )
    ratings, scale = training_ratings(ds)
    np.testing.assert_allclose(ratings, np.log1p(ds.values))
    assert scale == (pytest.approx(np.log1p(1)), pytest.approx(np.log1p(100)))
    model = SVDModel(seed=0, **FAST).fit(ds)
    pred = model.predict(ds.user_index, ds.item_index)
    assert (pred >= scale[0]).all() and (pred <= scale[1]).all()


def test_bad_params_and_usage(fitted: SVDModel) -> None:
    with pytest.raises(ConfigError, match="no parameter"):
        SVDModel(factors=3)
    with pytest.raises(ConfigError, match="n_factors"):
        SVDModel(n_factors=0)
    with pytest.raises(ModelError, match="not fitted"):
        SVDModel().predict(np.array([0]), np.array([0]))
    with pytest.raises(ModelError, match="as many users as items"):
        fitted.predict(np.array([0, 1]), np.array([0]))


def test_missing_backend_is_a_clear_error(monkeypatch, data: rectool.Dataset) -> None:
    monkeypatch.setitem(sys.modules, "surprise", None)
    with pytest.raises(ModelError, match="pip install scikit-surprise"):
        SVDModel(**FAST).fit(data)


def test_plugin_import_does_not_import_backend() -> None:
    code = "import sys, rectool_surprise; assert 'surprise' not in sys.modules, 'eager import'"
    subprocess.run([sys.executable, "-c", code], check=True)
