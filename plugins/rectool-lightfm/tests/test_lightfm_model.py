"""LightFMModel on tiny synthetic datasets built inline (no real data)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from rectool_lightfm import LightFMModel

import rectool
from rectool.data.build import FeatureTriples
from rectool.errors import ConfigError, ModelError

FAST = {"no_components": 8, "epochs": 15, "num_threads": 1}


def planted(
    n_users: int = 40,
    n_items: int = 30,
    per_user: int = 6,
    seed: int = 0,
    kind: str = "implicit",
    item_features: bool = False,
) -> rectool.Dataset:
    """Two communities: even users only touch items 0..n/2-1, odd users only the rest."""
    rng = np.random.default_rng(seed)
    half = n_items // 2
    users, items, values = [], [], []
    for u in range(n_users):
        pool = np.arange(half) if u % 2 == 0 else np.arange(half, n_items)
        for i in rng.choice(pool, size=per_user, replace=False):
            users.append(f"u{u}")
            items.append(f"i{i}")
            values.append(float(rng.integers(1, 6)) if kind == "explicit" else float(rng.integers(1, 50)))
    feats = None
    if item_features:
        feats = FeatureTriples(
            ids=[f"i{i}" for i in range(n_items)],
            names=["groupA" if i < half else "groupB" for i in range(n_items)],
        )
    return rectool.build_dataset(
        "planted",
        users,
        items,
        values,
        kind=kind,
        rating_scale=(1, 5) if kind == "explicit" else None,
        item_features=feats,
    )


def group_of_items(ds: rectool.Dataset) -> np.ndarray:
    """0 for community-A items, 1 for community-B items, by dataset item index."""
    half = 15
    return np.array([0 if int(str(ds.items.ids[i])[1:]) < half else 1 for i in range(ds.n_items)])


def group_of_users(ds: rectool.Dataset) -> np.ndarray:
    return np.array([int(str(ds.users.ids[u])[1:]) % 2 for u in range(ds.n_users)])


@pytest.fixture(scope="module")
def data() -> rectool.Dataset:
    return planted()


@pytest.fixture(scope="module")
def fitted(data: rectool.Dataset) -> LightFMModel:
    return LightFMModel(seed=3, **FAST).fit(data)


def test_fit_and_score_shapes(data: rectool.Dataset, fitted: LightFMModel) -> None:
    scores = fitted.score(np.arange(5))
    assert scores.shape == (5, data.n_items)
    assert scores.dtype == np.float32
    assert np.isfinite(scores).all()
    sub = fitted.score(np.array([0, 3]), np.array([1, 2, 7]))
    assert sub.shape == (2, 3)
    np.testing.assert_allclose(sub, fitted.score(np.array([0, 3]))[:, [1, 2, 7]], rtol=1e-6)


def test_recommend_excludes_seen_and_never_repeats(data: rectool.Dataset, fitted: LightFMModel) -> None:
    users = np.arange(data.n_users)
    recs = fitted.recommend(users, 10)
    assert recs.shape == (data.n_users, 10)
    seen = data.interaction_matrix(binary=True)
    for u, row in zip(users, recs, strict=True):
        valid = row[row >= 0]
        assert len(set(valid.tolist())) == len(valid)
        assert valid.max() < data.n_items
        assert not set(valid.tolist()) & set(seen[u].indices.tolist())


def test_recommend_pads_with_minus_one() -> None:
    # user a has seen 3 of 4 items: only one candidate is left for k=3
    ds = rectool.build_dataset(
        "tiny",
        ["a", "a", "a", "b", "b", "c"],
        ["x", "y", "z", "z", "w", "x"],
        kind="implicit",
    )
    model = LightFMModel(seed=0, **FAST).fit(ds)
    recs = model.recommend([ds.users.lookup(np.array(["a"], dtype=object))[0]], 3)
    assert recs[0, 0] == ds.items.lookup(np.array(["w"], dtype=object))[0]
    assert recs[0, 1:].tolist() == [-1, -1]


def test_same_seed_same_recommendations(data: rectool.Dataset) -> None:
    a = LightFMModel(seed=11, **FAST).fit(data).recommend(np.arange(data.n_users), 5)
    b = LightFMModel(seed=11, **FAST).fit(data).recommend(np.arange(data.n_users), 5)
    np.testing.assert_array_equal(a, b)


def test_save_load_round_trip(tmp_path, data: rectool.Dataset, fitted: LightFMModel) -> None:
    fitted.save(tmp_path / "m")
    loaded = LightFMModel.load(tmp_path / "m")
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(loaded.score(users), fitted.score(users))
    np.testing.assert_array_equal(loaded.recommend(users, 5), fitted.recommend(users, 5))
    assert loaded.params == fitted.params


def test_planted_structure_beats_random(data: rectool.Dataset, fitted: LightFMModel) -> None:
    recs = fitted.recommend(np.arange(data.n_users), 5)
    same = group_of_items(data)[recs] == group_of_users(data)[:, None]
    # random among unseen items would give about 9/24 = 0.375 from the user's own community
    assert same.mean() > 0.8


def test_explicit_min_rating_and_logistic() -> None:
    ds = planted(kind="explicit")
    m = LightFMModel(seed=0, min_rating=4, **FAST).fit(ds)
    assert m.score(np.arange(3)).shape == (3, ds.n_items)
    m = LightFMModel(seed=0, min_rating=4, loss="logistic", **FAST).fit(ds)
    assert np.isfinite(m.score(np.arange(3))).all()
    with pytest.raises(ModelError, match="no positive"):
        LightFMModel(seed=0, min_rating=6, **FAST).fit(ds)


@pytest.mark.parametrize("weights", ["binary", "log1p"])
def test_implicit_weights(data: rectool.Dataset, weights: str) -> None:
    m = LightFMModel(seed=0, implicit_weights=weights, **FAST).fit(data)
    recs = m.recommend(np.arange(data.n_users), 5)
    same = group_of_items(data)[recs] == group_of_users(data)[:, None]
    assert same.mean() > 0.8


def test_log1p_weights_reach_lightfm(data: rectool.Dataset) -> None:
    m = LightFMModel(implicit_weights="log1p", **FAST)
    interactions, weights = m._training_matrices(data)
    assert weights is not None
    np.testing.assert_array_equal(weights.row, interactions.row)
    np.testing.assert_array_equal(weights.col, interactions.col)
    expected = np.log1p(data.values) / np.log1p(data.values).mean()
    np.testing.assert_allclose(weights.data, expected, rtol=1e-6)
    assert LightFMModel(implicit_weights="binary")._training_matrices(data)[1] is None


def test_item_features_reach_cold_items() -> None:
    full = planted(n_users=60, per_user=8, item_features=True)
    cold = int(full.items.lookup(np.array(["i0"], dtype=object))[0])  # a community-A item
    train = full.subset(np.flatnonzero(full.item_index != cold))
    m = LightFMModel(seed=0, use_features=True, **{**FAST, "epochs": 30}).fit(train)
    assert m.get_state()[0]["n_item_features"] == full.n_items + 2
    s = m.score(np.arange(full.n_users), np.array([cold]))[:, 0]
    groups = group_of_users(full)
    assert s[groups == 0].mean() > s[groups == 1].mean()
    plain = LightFMModel(seed=0, use_features=False, **FAST).fit(train)
    assert plain.get_state()[0]["n_item_features"] == 0


def test_scores_equal_lightfm_predict_with_features() -> None:
    """The folded representations reproduce LightFM.predict on the same feature matrices."""
    lightfm = pytest.importorskip("lightfm")
    from rectool_lightfm.model import _feature_matrix

    ds = planted(item_features=True)
    ours = LightFMModel(seed=4, **FAST).fit(ds)
    m = LightFMModel(seed=4, **FAST)
    interactions, weights = m._training_matrices(ds)
    item_features = _feature_matrix(ds.n_items, ds.item_features)
    ref = lightfm.LightFM(no_components=8, loss="warp", random_state=4)
    ref.fit(interactions, item_features=item_features, sample_weight=weights, epochs=15)
    users = np.repeat(np.arange(ds.n_users), ds.n_items).astype(np.int32)
    items = np.tile(np.arange(ds.n_items), ds.n_users).astype(np.int32)
    expected = ref.predict(users, items, item_features=item_features)
    np.testing.assert_allclose(ours.score(np.arange(ds.n_users)).ravel(), expected, atol=1e-4)


def test_bad_params() -> None:
    with pytest.raises(ConfigError, match="no parameter"):
        LightFMModel(factors=3)
    with pytest.raises(ConfigError, match="loss"):
        LightFMModel(loss="hinge")
    with pytest.raises(ConfigError, match="implicit_weights"):
        LightFMModel(implicit_weights="sqrt")


def test_not_fitted() -> None:
    with pytest.raises(ModelError, match="not fitted"):
        LightFMModel().recommend([0], 3)


def test_missing_backend_is_a_clear_error(monkeypatch, data: rectool.Dataset) -> None:
    monkeypatch.setitem(sys.modules, "lightfm", None)  # makes `import lightfm` fail
    with pytest.raises(ModelError, match="pip install rectools-lightfm"):
        LightFMModel(**FAST).fit(data)


def test_plugin_import_does_not_import_backend() -> None:
    code = "import sys, rectool_lightfm; assert 'lightfm' not in sys.modules, 'eager import'"
    subprocess.run([sys.executable, "-c", code], check=True)


def _planted_with_user_features() -> rectool.Dataset:
    """``planted`` plus one user feature per user: its community (``group:A`` or ``group:B``)."""
    base = planted(n_users=60)
    users = [str(base.users.ids[u]) for u in base.user_index]
    items = [str(base.items.ids[i]) for i in base.item_index]
    ids = [str(u) for u in base.users.ids]
    groups = ["group:A" if int(u[1:]) % 2 == 0 else "group:B" for u in ids]
    return rectool.build_dataset("planted-users", users, items, base.values.tolist(),
                                 kind="implicit", user_features=FeatureTriples(ids=ids, names=groups))


def test_new_user_is_scored_from_user_features_alone(tmp_path) -> None:
    data = _planted_with_user_features()
    rec = rectool.fit("lightfm", data, **{**FAST, "epochs": 30})
    for group, community in (("group:A", 0), ("group:B", 1)):
        for served in (rec, None):
            if served is None:
                rec.save(tmp_path / "m")
                served = rectool.load_model(tmp_path / "m")
            out = served.recommend_for(features={group: 1.0}, k=5)
            assert (out.status, out.reason, out.source) == ("fallback", "no history", "features")
            assert len(out.items) == 5
            assert all((int(i[1:]) >= 15) == bool(community) for i in out.items), (group, out.items)
    same = rec.recommend_for(features=["group:A"], k=5)  # a list of names means value 1
    assert same.items == rec.recommend_for(features={"group:A": 1}, k=5).items
    with pytest.raises(ModelError, match="unknown user feature\\(s\\) 'group:C'; this model's user "
                                         "features are 'group:A', 'group:B'"):
        rec.recommend_for(features={"group:C": 1}, k=5)
    plain = rectool.fit("lightfm", data, **{**FAST, "use_features": False})
    out = plain.recommend_for(features={"group:A": 1}, k=5)
    assert out.source == "popular" and "cannot score a new user from features alone" in out.detail


@pytest.mark.parametrize("weight", [float("nan"), float("inf"), -1.0, "x", None])
def test_a_feature_weight_that_is_not_a_finite_non_negative_number_is_refused(weight) -> None:
    rec = rectool.fit("lightfm", _planted_with_user_features(), **FAST)
    with pytest.raises(ModelError, match=f"^feature 'group:A': weight {weight!r} is not a finite "
                                         "number >= 0; give 1 for a feature the user has"):
        rec.recommend_for(features={"group:A": weight}, k=5)
    plain = rectool.fit("popularity", _planted_with_user_features())  # whatever the model
    with pytest.raises(ModelError, match="^feature 'group:A'"):
        plain.recommend_for(features={"group:A": weight}, k=5)


def test_empty_or_unused_features_say_so() -> None:
    data = _planted_with_user_features()
    rec = rectool.fit("lightfm", data, **FAST)
    for empty in ({}, [], {"group:A": 0}):
        out = rec.recommend_for(features=empty, k=5)
        assert (out.source, out.detail) == (
            "popular", "no features given (every value was 0 or the list was empty)")
    out = rec.recommend_for(history=["i0", "i1"], features={"group:B": 1}, k=5)
    assert out.source == "history" and out.detail == "features not used: scored from the history"


def test_cli_recommend_for_a_new_user_by_feature(tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from rectool.cli import create_cli

    rectool.fit("lightfm", _planted_with_user_features(), **{**FAST, "epochs": 30}).save(tmp_path / "m")
    out = CliRunner().invoke(create_cli(), ["recommend", str(tmp_path / "m"), "--feature", "group:B",
                                            "--k", "5", "--format", "json"])
    assert out.exit_code == 0, out.output
    [listed] = json.loads(out.output)
    assert (listed["status"], listed["source"]) == ("fallback", "features")
    assert all(int(i[1:]) >= 15 for i in listed["items"]), listed["items"]
    bad = CliRunner().invoke(create_cli(), ["recommend", str(tmp_path / "m"), "--feature", "group:B=x"])
    assert bad.exit_code == 1
    assert "Error: feature 'group:B': weight 'x' is not a finite number >= 0" in bad.output
