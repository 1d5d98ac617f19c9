"""build_dataset cleaning rules on tiny inline data."""

from __future__ import annotations

import numpy as np
import pytest

from rectool.data.build import FeatureTriples, build_dataset, ids_as_strings
from rectool.errors import DataError


def rating_of(ds, user, item):
    u, i = ds.users.index(user), ds.items.index(item)
    row = np.flatnonzero((ds.user_index == u) & (ds.item_index == i))
    assert len(row) == 1
    return float(ds.values[row[0]])


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 2, 0]])
def test_explicit_duplicates_keep_latest_by_timestamp_whatever_the_file_order(order):
    rows = [("u", "a", 1.0, 100), ("u", "a", 5.0, 300), ("u", "a", 3.0, 200)]
    rows = [rows[k] for k in order] + [("v", "a", 2.0, 50)]
    users, items, values, ts = zip(*rows, strict=True)
    ds = build_dataset("t", users, items, values, ts)
    assert ds.n_interactions == 2
    assert rating_of(ds, "u", "a") == 5.0
    assert ds.timestamps[ds.users.index("u") == ds.user_index][0] == 300
    assert ds.report.counts["duplicate_rows_collapsed"] == 2
    assert ds.report.counts["duplicate_pairs"] == 1
    assert ds.report.counts["duplicate_pairs_with_conflicting_values"] == 1
    assert ds.report.policies["duplicates"] == "latest"


def test_explicit_duplicates_without_timestamps_keep_the_last_in_file_order():
    ds = build_dataset("t", ["u", "u", "u"], ["a", "a", "a"], [4, 2, 3])
    assert rating_of(ds, "u", "a") == 3.0
    assert ds.report.counts["duplicate_rows_collapsed"] == 2


def test_equal_duplicates_are_collapsed_but_not_conflicting():
    ds = build_dataset("t", ["u", "u"], ["a", "a"], [4, 4])
    assert ds.report.counts["duplicate_rows_collapsed"] == 1
    assert ds.report.counts["duplicate_pairs_with_conflicting_values"] == 0


def test_missing_timestamp_counts_as_oldest_for_latest():
    ds = build_dataset("t", ["u", "u"], ["a", "a"], [5, 1], [np.nan, 10])
    assert rating_of(ds, "u", "a") == 1.0


def test_implicit_sum_keeps_the_binary_matrix_binary_and_sums_the_weight():
    ds = build_dataset("t", ["u", "u", "u", "v"], ["a", "a", "b", "a"], [3, 4, 1, 2], kind="implicit")
    assert ds.kind == "implicit"
    assert ds.report.policies["duplicates"] == "sum"
    assert ds.n_interactions == 3
    assert rating_of(ds, "u", "a") == 7.0
    binary = ds.interaction_matrix(binary=True)
    assert set(binary.data.tolist()) == {1.0}
    assert binary.nnz == 3
    assert ds.interaction_matrix()[ds.users.index("u"), ds.items.index("a")] == 7.0


def test_implicit_without_values_sums_ones():
    ds = build_dataset("t", ["u", "u", "v"], ["a", "a", "a"])
    assert ds.kind == "implicit"
    assert rating_of(ds, "u", "a") == 2.0
    assert ds.interaction_matrix(binary=True).sum() == 2


def test_non_finite_values_and_missing_ids_are_dropped_and_counted():
    ds = build_dataset(
        "t",
        ["u", "u", "v", "", "w", "x"],
        ["a", "b", "a", "a", "", "c"],
        [1.0, np.nan, "x", 2.0, 3.0, np.inf],
    )
    assert ds.n_interactions == 1
    assert ds.report.counts["rows_read"] == 6
    assert ds.report.counts["rows_dropped_missing_or_non_numeric"] == 5
    assert list(ds.users.ids) == ["u"]


def test_strict_mode_raises_and_names_the_rows():
    with pytest.raises(DataError, match=r"data rows 2") as err:
        build_dataset("t", ["u", "v"], ["a", "a"], [1.0, "bad"], strict=True, source="f.csv")
    assert "f.csv" in str(err.value)


def test_nothing_left_is_an_error():
    with pytest.raises(DataError, match="no interactions left"):
        build_dataset("t", ["u"], ["a"], [np.nan])


def test_social_unknown_self_loop_and_duplicate_links_are_counted():
    ds = build_dataset(
        "t",
        ["1", "2", "3"],
        ["a", "a", "b"],
        [1, 2, 3],
        social=(["1", "1", "2", "1", "9", "3", "2"], ["2", "2", "2", "3", "1", "42", "1"]),
        social_kind="trust",
    )
    c = ds.report.counts
    assert c["social_links_read"] == 7
    assert c["social_links_dropped_unknown_user"] == 2
    assert c["social_links_dropped_self_loop"] == 1
    assert c["social_links_dropped_duplicate"] == 1
    assert ds.n_social_links == 3
    assert set(ds.social.data.tolist()) == {1.0}
    idx = ds.users.index
    assert ds.social[idx("1"), idx("2")] == 1 and ds.social[idx("2"), idx("1")] == 1
    assert ds.social_kind == "trust"


def test_ids_str_int_and_integral_float_name_the_same_entity():
    for users in (["7", "8"], [7, 8], [7.0, 8.0], np.array([7, 8]), ["7", 8.0], [" 7", "8 "]):
        ds = build_dataset("t", users, ["a", "a"], [1, 2])
        assert list(ds.users.ids) == ["7", "8"], users
        assert ds.n_users == 2
    ds = build_dataset("t", ["7", 7, 7.0], ["a", "b", "c"], [1, 2, 3])
    assert ds.n_users == 1
    assert "7" in ds.users and 7 in ds.users and 7.0 in ds.users


def test_ids_as_strings_never_makes_nan_an_id():
    assert list(ids_as_strings([7.0, np.nan])) == ["7", ""]
    assert list(ids_as_strings(np.array(["x", None], dtype=object))) == ["x", ""]
    ds = build_dataset("t", [1.0, np.nan, 2.0], ["a", "a", "a"], [1, 2, 3])
    assert ds.n_users == 2
    assert ds.report.counts["rows_dropped_missing_or_non_numeric"] == 1


def test_feature_rows_of_unknown_entities_are_dropped_and_counted():
    ds = build_dataset(
        "t",
        ["u", "v"],
        ["a", "b"],
        [1, 2],
        item_features=FeatureTriples(ids=["a", "a", "b", "zz"], names=["f:x", "f:x", "f:y", "f:y"]),
        user_features=FeatureTriples(ids=["u", "nobody"], names=["g:M", "g:F"], values=[1, 1]),
    )
    assert ds.report.counts["item_feature_entries_dropped_unknown_item"] == 1
    assert ds.report.counts["user_feature_entries_dropped_unknown_user"] == 1
    f = ds.item_features
    assert f.names == ("f:x", "f:y")
    assert f.matrix[ds.items.index("a"), 0] == 2.0  # repeated entries are summed
    assert ds.user_features.names == ("g:M",)


def test_report_lines_hide_zero_counts():
    ds = build_dataset("t", ["u", "u"], ["a", "a"], [1, 2])
    lines = ds.report.lines()
    assert "duplicate rows collapsed: 1" in lines
    assert not any("conflicting" in line and line.endswith(": 0") for line in lines)
    assert "policy duplicates: latest" in lines
