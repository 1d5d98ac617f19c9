"""lightfm-social: social user features, the kept feature space, cold start from friends."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from rectool_lightfm import LightFMModel, LightFMSocialModel

import rectool
from rectool.errors import ModelError

FAST = {"no_components": 8, "epochs": 10, "num_threads": 1}


def social_planted(n_users: int = 60, n_items: int = 40) -> rectool.Dataset:
    """Two communities (even / odd users, item halves), friends only inside a community."""
    rng = np.random.default_rng(0)
    half = n_items // 2
    users, items = [], []
    for u in range(n_users):
        pool = np.arange(half) if u % 2 == 0 else np.arange(half, n_items)
        for i in rng.choice(pool, size=5, replace=False):
            users.append(f"u{u}")
            items.append(f"i{i}")
    src = [f"u{u}" for u in range(n_users) for _ in range(2)]
    dst = [f"u{(u + 2 * (j + 1)) % n_users}" for u in range(n_users) for j in range(2)]
    return rectool.build_dataset("social-planted", users, items, kind="implicit",
                                 social=(src, dst), social_kind="trust")


def test_social_variant_defaults_and_requirement() -> None:
    assert LightFMSocialModel().params["social"] is True
    assert LightFMSocialModel.requires == frozenset({"social"})
    plain = rectool.build_dataset("plain", ["a", "b"], ["x", "y"], kind="implicit")
    with pytest.raises(ModelError, match="requires social"):
        LightFMSocialModel(**FAST).fit(plain)
    with pytest.raises(ModelError, match="needs a social graph"):
        LightFMModel(social=True, **FAST).fit(plain)


@pytest.mark.parametrize("shared", [True, False])
def test_feature_space_is_kept_and_width_checked(shared: bool) -> None:
    data = social_planted()
    m = LightFMSocialModel(seed=1, social_shared=shared, social_weight=1.0, social_items=0.0,
                           **FAST).fit(data)
    width = data.n_users * (1 if shared else 2)
    assert len(m.user_feature_names) == width
    # a training user's own feature row scores like the folded representation
    from rectool.data.social import social_features

    rows = social_features(data, shared=shared).matrix[:3]
    np.testing.assert_allclose(m.score_features(rows), m.score(np.arange(3)), rtol=1e-4, atol=1e-5)
    with pytest.raises(ModelError, match=f"user feature space has {width}"):
        m.score_features(sp.csr_matrix((1, width + 1), dtype=np.float32))
    plain = LightFMModel(**FAST).fit(data)
    with pytest.raises(ModelError, match="kept no user feature space"):
        plain.score_features(rows)
    assert plain.fold_in_friends(np.array([0])) is None
    # the default adds the friends' items block: one column per item
    full = LightFMSocialModel(seed=1, **FAST).fit(data)
    assert len(full.user_feature_names) == data.n_users + data.n_items
    assert full.user_feature_names[data.n_users].startswith("friend_item:")


def test_cold_user_with_friends_gets_community_items(tmp_path) -> None:
    data = social_planted()
    rec = rectool.Recommender(LightFMSocialModel(seed=1, **{**FAST, "epochs": 30}).fit(data))
    out = rec.recommend_for(friends=["u0", "u2", "u4", "ghost"], k=5)
    assert (out.status, out.reason, out.source) == ("fallback", "no history", "friends")
    assert len(out.items) == 5
    assert "social feature rows of 3 friends" in (out.detail or "")
    assert sum(int(i[1:]) < 20 for i in out.items) >= 4  # the even community's items
    # the feature space survives save / load
    rec.model.save(tmp_path / "m")
    loaded = LightFMSocialModel.load(tmp_path / "m")
    np.testing.assert_allclose(loaded.fold_in_friends(np.array([0, 2])),
                               rec.model.fold_in_friends(np.array([0, 2])), rtol=1e-6)
