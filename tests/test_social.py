"""Social features, graph cleaning and cold start through friends (rectool.data.social)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import rectool
from rectool.data import build_dataset
from rectool.data.social import (
    clean_graph,
    friend_interactions,
    friends_scores,
    social_features,
    social_graph,
)
from rectool.errors import DataError


def small(social_kind: str = "trust") -> rectool.Dataset:
    """Users a, b, c, d (in this index order); a->b, a->c, b->c, c->a; d has no links."""
    users = ["a", "a", "b", "c", "c", "d"]
    items = ["i1", "i2", "i2", "i3", "i1", "i4"]
    return build_dataset("small", users, items, kind="implicit",
                         social=(["a", "a", "b", "c"], ["b", "c", "c", "a"]),
                         social_kind=social_kind)


def dense(f: rectool.Features) -> np.ndarray:
    return f.matrix.toarray()


def test_trust_features_use_outgoing_edges_row_normalised() -> None:
    ds = small()
    f = social_features(ds, weight=1.0)
    assert f.names == ("user:a", "user:b", "user:c", "user:d")
    np.testing.assert_allclose(dense(f), [
        [1.0, 0.5, 0.5, 0.0],
        [0.0, 1.0, 1.0, 0.0],
        [1.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ])
    f2 = social_features(ds, weight=2.0, two_hop_weight=0.5)
    # two hops: a -> (b -> c, c -> a): nothing new; b -> c -> a; c -> a -> b (c itself dropped)
    np.testing.assert_allclose(dense(f2), [
        [1.0, 1.0, 1.0, 0.0],
        [0.5, 1.0, 2.0, 0.0],
        [2.0, 0.5, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ])


def test_friends_graph_is_symmetric_and_separate_block() -> None:
    ds = small("friends")
    f = social_features(ds, weight=1.0, shared=False)
    assert f.width == 8 and f.names[4:] == ("friend:a", "friend:b", "friend:c", "friend:d")
    m = dense(f)
    np.testing.assert_allclose(m[:, :4], np.eye(4))
    np.testing.assert_allclose(m[:, 4:], [
        [0.0, 0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5, 0.0],
        [0.5, 0.5, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
    ])
    g = social_graph(ds)
    assert g.counts["social_edges_added_symmetric"] == 2


def test_graph_with_unknown_users_self_loops_and_inactive_users_is_cleaned_with_counts() -> None:
    ds = build_dataset(
        "dirty", ["a", "b", "c"], ["i1", "i1", "i2"], kind="implicit",
        social=(["a", "a", "a", "b", "ghost", "c"], ["b", "b", "a", "ghost", "a", "a"]),
        social_kind="trust",
    )
    counts = ds.report.counts
    assert counts["social_links_read"] == 6
    assert counts["social_links_dropped_unknown_user"] == 2
    assert counts["social_links_dropped_self_loop"] == 1
    assert counts["social_links_dropped_duplicate"] == 1
    assert ds.n_social_links == 2  # a->b, c->a
    # a split where c has no training row: edges *to* c would be dropped, edges *from* c kept
    train = ds.subset(np.array([0, 1]))
    g = social_graph(train)
    assert g.counts["social_edges_used"] == 2 and g.counts["social_edges_dropped_no_training_rows"] == 0
    # a raw matrix with a self-loop and an edge to an inactive user
    raw = sp.csr_matrix(np.array([[1, 1, 1], [0, 0, 0], [1, 0, 0]], dtype=np.float32))
    g = clean_graph(raw, kind="trust", active=np.array([True, True, False]))
    assert g.counts["social_edges_dropped_self_loop"] == 1
    assert g.counts["social_edges_dropped_no_training_rows"] == 1
    np.testing.assert_array_equal(g.matrix.toarray(), [[0, 1, 0], [0, 0, 0], [1, 0, 0]])
    with pytest.raises(DataError, match="no social graph"):
        social_graph(build_dataset("none", ["a"], ["i"], kind="implicit"))


def test_friend_interactions_is_rownormalised_s_times_x() -> None:
    ds = small()
    agg = friend_interactions(ds).toarray()  # items i1, i2, i3, i4
    np.testing.assert_allclose(agg[0], [0.5, 0.5, 0.5, 0.0])  # a: mean of b (i2) and c (i3, i1)
    np.testing.assert_allclose(agg[3], 0.0)


def test_cold_user_with_friends_gets_a_flagged_non_empty_list() -> None:
    ds = small()
    seen = ds.interaction_matrix(binary=True)
    a, b, c = ds.users.lookup(["a", "b", "c"])
    out = friends_scores(np.array([b, c, 99]), seen=seen)
    assert out.status == "fallback" and out.source == "friends"
    assert list(out.friends_used) == [b, c]
    assert out.scores is not None and np.isfinite(out.scores).sum() == 3  # i1, i2, i3
    model = rectool.fit("popularity", ds)
    via_model = friends_scores(np.array([b]), seen=seen, score_users=model.model.score)
    assert via_model.scores is not None and via_model.scores.shape == (ds.n_items,)
    nothing = friends_scores(np.array([], dtype=np.int64), seen=seen)
    assert nothing.scores is None
    rec = model.recommend_for(friends=["b", "c"], k=3)
    assert rec.items and rec.status == "fallback" and rec.source == "friends"


def test_socialmf_learns_and_folds_in_friends() -> None:
    from rectool.testing import planted_dataset

    base = planted_dataset(n_users=60, n_items=60, per_user=6)
    users = base.users.ids.tolist()
    # friends within each planted group (users with the same index mod 3)
    src = [u for k, u in enumerate(users) for _ in range(2)]
    dst = [users[(k + 3 * (j + 1)) % len(users)] for k in range(len(users)) for j in range(2)]
    ds = build_dataset("planted+social", base.users.to_ids(base.user_index),
                       base.items.to_ids(base.item_index), kind="implicit",
                       social=(src, dst), social_kind="friends")
    rec = rectool.fit("socialmf", ds, epochs=30, factors=8, seed=1)
    top = rec.recommend(["user0"], k=5)[0]
    assert all(int(i.removeprefix("item")) < 20 for i in top.items)  # group 0's block
    cold = rec.recommend_for(friends=["user3", "user6"], k=5)
    assert cold.status == "fallback" and cold.source == "friends" and len(cold.items) == 5
    assert all(int(i.removeprefix("item")) < 20 for i in cold.items)
