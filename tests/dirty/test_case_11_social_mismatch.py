"""Case 11 -- a social graph that does not match the ratings. Kind: edges naming users the
interactions do not have. Handled by ``build_dataset._social_matrix`` (indexed by the rating
users' ``IdMap``; unknown-user edges, self-loops, repeats dropped and counted) and the splits,
which share that id map, so every fold's graph is users x users of the same index."""

from __future__ import annotations

import pytest

import rectool
from rectool.data.social import social_graph
from rectool.data.splits import parse_split
from rectool.evaluation import compare


@pytest.fixture
def ds(write):
    rows = "".join(f"u{u},i{i},{(u + i) % 5 + 1}\n" for u in (1, 2, 3) for i in range(8))
    p = write("r.csv", "user,item,rating\n" + rows)
    s = write("trust.csv", "source,target\nu1,u2\nu2,u4\nu5,u1\n")
    return rectool.load_dataset(p, social=s)


def test_edges_to_unrated_users_are_dropped_and_counted(ds):
    assert ds.report.counts["social_links_read"] == 3
    assert ds.report.counts["social_links_dropped_unknown_user"] == 2
    assert ds.n_social_links == 1
    assert ds.social[ds.users.index("u1"), ds.users.index("u2")] == 1


def test_every_fold_indexes_the_graph_by_its_users(ds):
    for seed in range(5):
        for fold in parse_split("kfold:3").folds(ds, seed):
            assert fold.train.social.shape == (ds.n_users, ds.n_users)
            graph = social_graph(fold.train)
            assert graph.matrix.shape == (ds.n_users, ds.n_users)
            # the one surviving edge names the same users in every fold
            u1, u2 = fold.train.users.index("u1"), fold.train.users.index("u2")
            assert fold.train.users.ids[u1] == "u1" and fold.train.users.ids[u2] == "u2"
            assert [(int(a), int(b)) for a, b in zip(*fold.train.social.nonzero(),
                                                    strict=True)] == [(u1, u2)]
            assert fold.test.users.index("u1") == u1  # train and test share the id map


def test_kfold_compare_with_a_social_model(ds):
    res = compare(["popularity", "socialmf"], ds, k=3, split="kfold:3", relevance=3,
                  metrics=["precision", "ndcg"])
    assert [m.error for m in res.models] == [None, None]
    for m in res.models:  # socialmf once diverged to NaN on data smaller than one batch
        assert m.values["precision@3"] > 0
