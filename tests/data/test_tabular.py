"""load_table: CSV/TSV/whitespace tables, column specs, strict and lenient cleaning, Parquet."""

from __future__ import annotations

import gzip
import importlib.util

import numpy as np
import pytest

from rectool.data.loaders import load_table
from rectool.errors import ConfigError, DataError


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def value(ds, user, item):
    u, i = ds.users.index(user), ds.items.index(item)
    return float(ds.values[(ds.user_index == u) & (ds.item_index == i)][0])


def test_csv_with_a_column_spec(tmp_path):
    p = write(tmp_path / "r.csv", "uid,iid,stars,ts\n1,10,4,100\n2,10,3.5,200\n1,11,5,300\n")
    ds = load_table(p, columns="user=uid,item=iid,rating=stars,timestamp=ts")
    assert ds.kind == "explicit"
    assert (ds.n_users, ds.n_items, ds.n_interactions) == (2, 2, 3)
    assert value(ds, "2", "10") == 3.5
    assert sorted(ds.timestamps.tolist()) == [100, 200, 300]
    assert ds.name == "r.csv"


def test_dict_spec_and_default_column_names(tmp_path):
    p = write(tmp_path / "r.tsv", "user_id\titem_id\trating\n1\t10\t4\n")
    assert load_table(p).n_interactions == 1
    assert load_table(p, columns={"user": "user_id", "item": "item_id"}).kind == "implicit"


def test_ids_are_never_floats_and_keep_leading_zeros(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,rating\n007,1e3,4\n7,1000,2\n7.0,NaN,1\n")
    ds = load_table(p)
    assert set(ds.users.ids) == {"007", "7", "7.0"}  # text ids are taken as written
    assert set(ds.items.ids) == {"1e3", "1000", "NaN"}


def test_without_rating_the_data_is_implicit_and_duplicates_sum(tmp_path):
    p = write(tmp_path / "clicks.csv", "user,item\na,x\na,x\nb,x\n")
    ds = load_table(p)
    assert ds.kind == "implicit"
    assert value(ds, "a", "x") == 2.0
    assert ds.interaction_matrix(binary=True).sum() == 2


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("r.txt", "user item rating\n1 10 4\n2  11 3\n"),
        ("r.dat", "user;item;rating\n1;10;4\n2;11;3\n"),
        ("r.data", "user|item|rating\n1|10|4\n2|11|3\n"),
        ("r.txt", "user\titem\trating\n1\t10\t4\n2\t11\t3\n"),
    ],
)
def test_separator_is_sniffed_from_the_content(tmp_path, name, text):
    ds = load_table(write(tmp_path / name, text))
    assert (ds.n_interactions, value(ds, "2", "11")) == (2, 3.0)


def test_explicit_separator_and_gzip(tmp_path):
    p = tmp_path / "r.csv.gz"
    with gzip.open(p, "wt") as f:
        f.write("user,item,rating\n1,10,4\n")
    assert load_table(p).n_interactions == 1
    q = write(tmp_path / "r.csv", "user:item:rating\n1:10:4\n")
    assert load_table(q, sep=":").n_interactions == 1


def test_headerless_file_by_column_position(tmp_path):
    p = write(tmp_path / "ratings.txt", "1 10 4\n2 11 3\n")
    ds = load_table(p, columns="user=0,item=1,rating=2")
    assert (ds.n_users, value(ds, "1", "10")) == (2, 4.0)


def test_missing_column_names_the_file_and_lists_columns(tmp_path):
    p = write(tmp_path / "r.csv", "uid,iid,stars\n1,10,4\n")
    with pytest.raises(DataError) as err:
        load_table(p, columns="user=uid,item=iid,rating=score")
    msg = str(err.value)
    assert "r.csv" in msg and "'score'" in msg and "'uid', 'iid', 'stars'" in msg
    q = write(tmp_path / "q.csv", "who,what\n1,10\n")
    with pytest.raises(DataError, match=r"q.csv: no user or item column; columns found: 'who'"):
        load_table(q)


def test_strict_non_numeric_rating_names_file_line_column_and_value(tmp_path):
    p = write(tmp_path / "r.csv", "uid,iid,stars\n1,10,4\n2,10,five\n3,10,\n")
    with pytest.raises(DataError) as err:
        load_table(p, columns="user=uid,item=iid,rating=stars", strict=True)
    msg = str(err.value)
    assert msg == (
        f"{p}, column 'stars': 2 rows with a non-numeric rating: line 3 'five', line 4 ''; "
        "fix the file or load with strict=False (--dataset-option strict=false) to drop such rows "
        "(they are counted)"
    )


def test_strict_line_numbers_count_blank_lines(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,rating\n1,10,4\n\n2,10,x\n")
    with pytest.raises(DataError, match="line 4"):
        load_table(p, strict=True)


def test_strict_empty_id(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,rating\n1,10,4\n,10,3\n")
    with pytest.raises(DataError, match=r"line 3, column 'user': an empty id"):
        load_table(p, strict="true")


def test_lenient_drops_and_counts_bad_rows(tmp_path):
    text = "user,item,rating\n1,10,4\n2,10,five\n3,10,\n,10,2\n4,11,NaN\n5,12,3\n\n"
    ds = load_table(write(tmp_path / "r.csv", text))
    assert ds.n_interactions == 2
    assert ds.report.counts["rows_read"] == 6
    assert ds.report.counts["rows_dropped_missing_or_non_numeric"] == 4
    assert ds.report.counts["blank_lines_skipped"] == 1


def test_short_rows_do_not_become_nan_ids(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,rating\n1,10,4\n2\n")
    ds = load_table(p)
    assert list(ds.users.ids) == ["1"]
    assert ds.report.counts["rows_dropped_missing_or_non_numeric"] == 1


def test_timestamps_numbers_or_dates(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,timestamp\n1,10,2020-01-01T00:00:00Z\n1,11,1970-01-02\n")
    ds = load_table(p)
    assert sorted(ds.timestamps.tolist()) == [86400, 1577836800]
    bad = write(tmp_path / "b.csv", "user,item,rating,ts\n1,10,4,100\n1,11,3,soon\n")
    assert load_table(bad).n_interactions == 1
    with pytest.raises(DataError, match=r"line 3, column 'ts'.*'soon'"):
        load_table(bad, strict=True)


def test_latest_duplicate_by_timestamp(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,rating,ts\n1,10,5,300\n1,10,1,100\n")
    assert value(load_table(p), "1", "10") == 5.0


def test_social_edge_list(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,rating\n1,10,4\n2,10,3\n3,11,5\n")
    s = write(tmp_path / "trust.txt", "1 2 1\n2 3 1\n1 1 1\n1 99 1\n1 2 1\n")
    ds = load_table(p, social=s, social_columns="source=0,target=1")
    assert ds.n_social_links == 2
    assert ds.social_kind == "trust"
    c = ds.report.counts
    assert (c["social_links_dropped_self_loop"], c["social_links_dropped_unknown_user"]) == (1, 1)
    assert c["social_links_dropped_duplicate"] == 1
    named = write(tmp_path / "friends.csv", "a,b\n1,2\n")
    ds = load_table(p, social=named, social_kind="friends")
    assert (ds.n_social_links, ds.social_kind) == (1, "friends")
    with pytest.raises(DataError, match=r"no column 'x'"):
        load_table(p, social=named, social_columns="source=x,target=b")


def test_options(tmp_path):
    p = write(tmp_path / "r.csv", "user,item,rating\n1,10,4\n1,10,2\n")
    ds = load_table(p, name="mine", rating_scale="1,5", duplicates="max")
    assert (ds.name, ds.rating_scale, value(ds, "1", "10")) == ("mine", (1.0, 5.0), 4.0)
    assert load_table(p, kind="implicit").kind == "implicit"
    with pytest.raises(ConfigError, match="does not take option"):
        load_table(p, colums="user=user")
    with pytest.raises(ConfigError, match="unknown role"):
        load_table(p, columns="user=user,item=item,score=rating")
    with pytest.raises(ConfigError, match="at least the user and item"):
        load_table(p, columns="user=user")
    with pytest.raises(ConfigError, match="kind"):
        load_table(p, kind="binary")
    with pytest.raises(ConfigError, match="rating column"):
        load_table(write(tmp_path / "i.csv", "user,item\n1,2\n"), kind="explicit")
    with pytest.raises(DataError, match="no such file"):
        load_table(tmp_path / "missing.csv")


def test_parquet_without_pyarrow_is_a_clear_error(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    p = tmp_path / "r.parquet"
    p.write_bytes(b"PAR1")
    with pytest.raises(ConfigError, match=r"pip install 'rectool\[parquet\]'"):
        load_table(p)


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow not installed")
def test_parquet_round_trip(tmp_path):
    import pandas as pd

    p = tmp_path / "r.parquet"
    pd.DataFrame({"uid": [1.0, 2.0, np.nan], "iid": ["a", "b", "c"], "stars": [4.0, 3.0, 5.0]}).to_parquet(p)
    ds = load_table(p, columns="user=uid,item=iid,rating=stars")
    assert set(ds.users.ids) == {"1", "2"}
    assert ds.report.counts["rows_dropped_missing_or_non_numeric"] == 1
