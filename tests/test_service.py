"""Recommender: external ids, statuses and reasons, new users, thread safety."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import rectool
from rectool.data import build_dataset
from rectool.errors import ConfigError, ModelError
from rectool.testing import planted_dataset


@pytest.fixture(scope="module")
def numeric() -> rectool.Dataset:
    """Integer-looking ids; user 4 saw every item; user 5 is in the id map without history."""
    users = [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5]
    items = [10, 11, 12, 10, 13, 11, 14, 15, 10, 11, 12, 13, 14, 15, 15]
    full = build_dataset("numeric", users, items, kind="implicit")
    return full.subset(np.arange(full.n_interactions - 1))  # as a split leaves a test-only user


@pytest.mark.parametrize("name", ["popularity", "linear"])
def test_string_and_integer_ids_name_the_same_user(numeric: rectool.Dataset, name: str) -> None:
    rec = rectool.fit(name, numeric, l2=1.0) if name == "linear" else rectool.fit(name, numeric)
    a, b, c = rec.recommend(["1", 1, np.int64(1)], k=3)
    assert a == b == c
    assert a.user == "1" and all(isinstance(i, str) for i in a.items)
    assert rec.recommend(1, k=3) == [a]
    np.testing.assert_array_equal(rec.score([1], [10, 11]), rec.score(["1"], ["10", "11"]))
    assert rec.recommend_for(history=[10, 11]) == rec.recommend_for(history=["10", "11"])


def test_statuses_and_reasons(numeric: rectool.Dataset) -> None:
    rec = rectool.fit("linear", numeric, l2=1.0)
    known, no_history, all_seen, unknown = rec.recommend([1, 5, 4, "x"], k=3)
    assert (known.status, known.reason, known.source) == ("personalised", None, "model")
    assert not set(known.items) & {"10", "11", "12"}
    assert (no_history.status, no_history.reason, no_history.source) == (
        "fallback", "no history", "popular")
    assert no_history.items == ("10", "11", "12")  # by training users, ties by index
    assert (all_seen.status, all_seen.reason) == ("fallback", "all items already seen")
    assert (all_seen.items, all_seen.source) == ((), "none")  # nothing left: empty, with why
    assert (unknown.status, unknown.reason, unknown.source) == (
        "fallback", "unknown user", "popular")
    assert unknown.items == no_history.items
    assert rec.recommend([4], k=3, exclude_seen=False)[0].status == "personalised"


def test_on_unknown(numeric: rectool.Dataset) -> None:
    rec = rectool.fit("popularity", numeric)
    empty = rec.recommend(["x", 1], on_unknown="empty")[0]
    assert (empty.items, empty.status, empty.reason, empty.source) == (
        (), "fallback", "unknown user", "none")
    with pytest.raises(ModelError) as err:
        rec.recommend([1, "x", "y"], on_unknown="error")
    assert str(err.value) == (
        "2 user id(s) unknown to the model, e.g. 'x', 'y'; use on_unknown='popular' or "
        "'empty' to serve them"
    )
    with pytest.raises(ConfigError, match="on_unknown must be one of popular, error, empty"):
        rec.recommend([1], on_unknown="guess")  # type: ignore[arg-type]


def test_scores_follow_the_items(numeric: rectool.Dataset) -> None:
    rec = rectool.fit("linear", numeric, l2=1.0)
    [r] = rec.recommend([2], k=4)
    np.testing.assert_allclose(rec.score([2], list(r.items))[0], r.scores, rtol=1e-6)
    assert list(r.scores) == sorted(r.scores, reverse=True)
    with pytest.raises(ModelError, match="unknown item id"):
        rec.score([2], ["nope"])


def test_recommend_for_history_matches_a_trained_user_for_linear() -> None:
    data = planted_dataset()
    rec = rectool.fit("linear", data, l2=10.0)
    user = 7
    history = data.items.to_ids(data.item_index[data.user_index == user]).tolist()
    new = rec.recommend_for(history=history, k=5)
    known = rec.recommend([data.users.ids[user]], k=5)[0]
    assert (new.status, new.source) == ("personalised", "history")
    assert new.items == known.items
    np.testing.assert_allclose(new.scores, known.scores, rtol=1e-5)


@pytest.mark.parametrize("name", ["popularity", "linear", "lightfm", "svd"])
def test_recommend_for_every_backend(name: str, entry_point_plugins: None) -> None:
    data = planted_dataset()
    params = {"lightfm": {"epochs": 3, "no_components": 8}, "svd": {"n_epochs": 3}}
    rec = rectool.fit(name, data, **params.get(name, {}))
    history = ["item0", "item1", "item2", "nope"]
    by_history = rec.recommend_for(history=history, k=5)
    assert by_history.status == "personalised" and by_history.source == "history"
    assert not set(by_history.items) & set(history)
    assert by_history.detail == "1 of 4 history items unknown"
    by_friends = rec.recommend_for(friends=["user0", "user3", "ghost"], k=5)
    assert (by_friends.status, by_friends.reason, by_friends.source) == (
        "fallback", "no history", "friends")
    np.testing.assert_allclose(
        by_friends.scores,
        rec.score(["user0", "user3"], list(by_friends.items)).mean(axis=0), rtol=1e-4)
    nothing = rec.recommend_for(friends=["ghost"], features={"age": 30}, k=5)
    assert (nothing.status, nothing.reason, nothing.source) == (
        "fallback", "no history", "popular")
    assert "none of the 1 friends is known with history" in (nothing.detail or "")


@pytest.mark.parametrize("name, params", [
    ("popularity", {}), ("linear", {}), ("lightfm", {"epochs": 3, "no_components": 8}),
    ("svd", {"n_epochs": 3, "n_factors": 8}),
])
def test_eight_threads_give_the_same_lists_as_one(entry_point_plugins: None, tmp_path: Path,
                                                  name: str, params: dict) -> None:
    """A model loaded from disk, as a service has it, hammered by 8 threads."""
    data = planted_dataset(n_users=300, n_items=90)
    users = data.users.ids.tolist() + ["unknown"]
    rectool.fit(name, data, **params).save(tmp_path / name)
    for rec in [rectool.load_model(tmp_path / name)]:
        expected = {u: rec.recommend([u], k=10)[0] for u in users}
        expected_batch = rec.recommend(users, k=10)
        # a batch may round differently from one row (BLAS blocking), never rank differently
        assert [r.items for r in expected_batch] == [expected[u].items for u in users]
        np.testing.assert_allclose([r.scores for r in expected_batch if r.scores],
                                   [expected[u].scores for u in users if expected[u].scores],
                                   rtol=1e-5, atol=1e-6)

        def work(offset: int, rec: rectool.Recommender = rec,
                 expected: dict = expected, batch: list = expected_batch) -> bool:
            order = users[offset:] + users[:offset]
            singles = [rec.recommend([u], k=10)[0] for u in order]
            again = rec.recommend(users, k=10)
            return singles == [expected[u] for u in order] and again == batch

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert all(pool.map(work, [i * 37 for i in range(16)]))
