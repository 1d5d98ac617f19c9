"""Case 8 -- a user with no training rows. Kind: a user the model cannot personalise for.
Handled by ``Recommender.recommend``: a user in the id map without history gets the popular
items (``fallback``, ``no history``); a user only in a side file (social edges or features
touching users without interactions are dropped and counted by ``build_dataset``) is unknown to
the model and gets k popular items marked ``unknown user`` -- never a silent empty list."""

from __future__ import annotations

import numpy as np

import rectool
from rectool.data.build import FeatureTriples, build_dataset

RATINGS = "user,item\nu1,a\nu1,b\nu2,b\nu2,c\nu3,a\nu3,d\n"


def test_user_only_in_the_social_file_gets_k_fallback_items(write):
    p = write("r.csv", RATINGS)
    s = write("trust.csv", "source,target\nu4,u1\nu1,u2\n")
    ds = rectool.load_dataset(p, social=s)
    assert ds.report.counts["social_links_dropped_unknown_user"] == 1
    rec = rectool.fit("popularity", ds)
    (r,) = rec.recommend(["u4"], k=3)
    assert (r.status, r.reason, len(r.items)) == ("fallback", "unknown user", 3)
    friends = rec.recommend_for(friends=["u1"], k=3)  # what the social file knows about u4
    assert (friends.status, friends.reason, len(friends.items)) == ("fallback", "no history", 3)


def test_user_only_in_a_features_file_is_counted(write):
    ds = build_dataset("t", ["u1", "u2"], ["a", "b"],
                       user_features=FeatureTriples(ids=["u1", "u9"], names=["f", "f"]))
    assert ds.report.counts["user_feature_entries_dropped_unknown_user"] == 1


def test_user_in_the_id_map_without_training_rows(write):
    ds = rectool.load_dataset(write("r.csv", RATINGS))
    u3 = ds.users.index("u3")
    train = ds.subset(np.flatnonzero(ds.user_index != u3))  # u3 keeps its id, loses its rows
    for name in ("popularity", "linear"):
        rec = rectool.fit(name, train)
        (r,) = rec.recommend(["u3"], k=2)
        assert (r.status, r.reason, r.source, len(r.items)) == (
            "fallback", "no history", "popular", 2)
        ranked = rec.model.recommend([u3], 2)
        assert (ranked >= 0).all()  # the model itself still fills k positions
