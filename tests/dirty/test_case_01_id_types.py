"""Case 1 -- same id, two types. Kind: ids reaching rectool as int, float or str must name one
entity. Handled by ``normalize_id`` (every lookup: ``IdMap``, ``Recommender``) and
``ids_as_strings`` (every loader, through ``build_dataset``); unknown ids follow ``on_unknown``."""

from __future__ import annotations

import numpy as np

import rectool


def test_string_and_integer_user_get_the_same_list_and_unknown_says_so(write):
    p = write("r.csv", "user,item,rating\n1,10,5\n1,11,3\n2,10,4\n2,12,1\n")
    rec = rectool.fit("popularity", rectool.load_dataset(p))
    as_str, as_int, as_np, as_float, unknown = rec.recommend(
        ["1", 1, np.int64(1), 1.0, 99], k=2)
    assert as_str == as_int == as_np == as_float
    assert (as_str.user, as_str.items, as_str.status) == ("1", ("12",), "personalised")
    assert (unknown.user, unknown.status, unknown.reason) == ("99", "fallback", "unknown user")
    assert unknown.items == ("10", "11")  # the unknown-user policy: popular items
    empty = rec.recommend([99], k=2, on_unknown="empty")[0]
    assert (empty.items, empty.reason) == ((), "unknown user")


def test_ids_never_pass_through_float(write):
    p = write("r.csv", "user,item\n007,1e3\n7,1000\n")
    ds = rectool.load_dataset(p)
    assert sorted(ds.users.ids) == ["007", "7"] and sorted(ds.items.ids) == ["1000", "1e3"]
