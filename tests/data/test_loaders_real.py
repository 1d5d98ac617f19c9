"""The known loaders on the real shared datasets: exact counts, cleaning counts, side data.

These need ``RECTOOL_DATA_DIR`` (for example ``RECTOOL_DATA_DIR=../shared/data``); without it
the ``data_dir`` fixture (tests/conftest.py) fails with a message saying so: never a skip.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.io

from rectool.data import locate
from rectool.data.loaders import load_ciao, load_filmtrust, load_lastfm, load_ml100k
from rectool.errors import ConfigError

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def ml(data_dir):
    return load_ml100k()


@pytest.fixture(scope="module")
def lastfm(data_dir):
    return load_lastfm()


@pytest.fixture(scope="module")
def ciao(data_dir):
    return load_ciao()


@pytest.fixture(scope="module")
def filmtrust(data_dir):
    return load_filmtrust()


def value(ds, user, item):
    u, i = ds.users.index(user), ds.items.index(item)
    return float(ds.values[(ds.user_index == u) & (ds.item_index == i)][0])


def nonzero_counts(ds):
    return {k: v for k, v in ds.report.counts.items() if v}


def test_hash_table_matches_the_shared_sums(data_dir):
    sums = {}
    for line in (data_dir / "SHA256SUMS").read_text().splitlines():
        digest, _, rel = line.partition("  ")
        sums[rel.removeprefix("./")] = digest
    for entry in locate.KNOWN.values():
        for name, digest in {**entry.required, **entry.optional}.items():
            assert sums[f"{entry.folder}/{name}"] == digest, name
            assert locate.sha256(data_dir / entry.folder / name) == digest, name


def test_ml100k(ml):
    assert (ml.n_users, ml.n_items, ml.n_interactions, ml.n_social_links) == (943, 1682, 100000, 0)
    assert ml.kind == "explicit" and ml.rating_scale == (1.0, 5.0)
    assert nonzero_counts(ml) == {  # facts about u.item (titles and dates are not used)
        "titles_shared_by_several_items": 18, "items_without_release_date": 1,
        "rows_read": 100000}
    assert value(ml, "196", "242") == 3.0  # first line of u.data
    assert ml.timestamps[0] == 881250949
    assert np.bincount(ml.values.astype(int))[1:].tolist() == [6110, 11370, 27145, 34174, 21201]
    items = ml.item_features
    assert items.width == 19 and items.names[0] == "genre:Action" and items.matrix.nnz == 2893
    toy_story = items.matrix[ml.items.index("1")].indices
    assert [items.names[j] for j in toy_story] == [
        "genre:Animation",
        "genre:Children's",
        "genre:Comedy",
    ]
    users = ml.user_features
    assert users.width == 30  # 7 age buckets + 2 genders + 21 occupations
    assert users.matrix.nnz == 3 * 943
    assert [users.names[j] for j in users.matrix[ml.users.index("1")].indices] == [
        "age:18-24",
        "gender:M",
        "occupation:technician",
    ]
    assert {n for n in users.names if n.startswith("age:")} == {
        "age:under18",
        "age:18-24",
        "age:25-34",
        "age:35-44",
        "age:45-49",
        "age:50-55",
        "age:56+",
    }


def test_lastfm(lastfm):
    ds = lastfm
    assert (ds.n_users, ds.n_items, ds.n_interactions) == (1892, 17632, 92834)
    assert (ds.n_social_links, ds.social_kind, ds.kind) == (25434, "friends", "implicit")
    assert (ds.social != ds.social.T).nnz == 0  # friendships are listed both ways
    assert value(ds, "2", "51") == 13883.0
    assert ds.values.max() == 352698.0
    assert nonzero_counts(ds) == {
        "rows_read": 92834,
        "social_links_read": 25434,
        "tags_dropped_below_min_tag_count": 5373,
        "tag_assignments_dropped_below_min_tag_count": 5373,
        "item_feature_entries_dropped_unknown_item": 1509,
    }
    f = ds.item_features
    assert f.width == 4374 and f.matrix.sum() == 179597
    row = f.matrix[ds.items.index("289")]  # Britney Spears
    assert row[0, f.names.index("tag:pop")] == 108.0


def test_lastfm_min_tag_count_option(data_dir):
    ds = load_lastfm(min_tag_count="1")
    assert ds.item_features.width == 9718
    assert ds.report.counts["tags_dropped_below_min_tag_count"] == 0
    assert ds.report.counts["item_feature_entries_dropped_unknown_item"] == 1538
    with pytest.raises(ConfigError, match="min_tag_count"):
        load_lastfm(min_tag_count="many")
    with pytest.raises(ConfigError, match="does not take option"):
        load_lastfm(min_tags=3)


def test_ciao(ciao, data_dir):
    ds = ciao
    assert (ds.n_users, ds.n_items, ds.kind, ds.rating_scale) == (7375, 105114, "explicit", (0, 5))
    # 284,086 rows read; 1,436 of them are extra copies of a (user, product) pair already seen
    # (1,252 pairs occur more than once, 458 of those with differing ratings): 282,650 remain.
    assert ds.n_interactions == 284086 - 1436 == 282650
    assert (ds.n_social_links, ds.social_kind) == (111781, "trust")  # nothing to drop
    assert nonzero_counts(ds) == {
        "ratings_of_zero": 34,  # rows read; 32 remain after collapsing duplicates
        "products_in_several_categories": 101,  # 97 in two categories, 4 in three
        "rows_read": 284086,
        "duplicate_rows_collapsed": 1436,
        "duplicate_pairs": 1252,
        "duplicate_pairs_with_conflicting_values": 458,
        "social_links_read": 111781,
        "users_without_social_links": 58,  # rating users absent from the trust graph
    }
    assert int((ds.values == 0).sum()) == 32
    assert ds.report.policies["duplicates"] == "latest"
    # no timestamps: the last row of a duplicated pair in file order wins
    raw = pd.DataFrame(
        scipy.io.loadmat(data_dir / "ciao" / "rating.mat")["rating"],
        columns=["user", "product", "category", "rating", "helpfulness"],
    )
    dup = raw[raw.duplicated(["user", "product"], keep=False)]
    conflicting = dup.groupby(["user", "product"]).filter(lambda g: g["rating"].nunique() > 1)
    last = conflicting.drop_duplicates(["user", "product"], keep="last").head(20)
    for row in last.itertuples():
        assert value(ds, str(row.user), str(row.product)) == row.rating
    f = ds.item_features
    assert f.width == 28 and "category:DVDs" in f.names and f.matrix.nnz == 105219
    assert (f.matrix.getnnz(axis=1) > 1).sum() == 101
    assert set(f.matrix.data.tolist()) == {1.0}
    users_with_links = np.union1d(ds.social.indices, np.flatnonzero(ds.social.getnnz(axis=1)))
    assert ds.n_users - len(users_with_links) == 58


def test_filmtrust(filmtrust):
    ds = filmtrust
    assert (ds.n_users, ds.n_items, ds.n_interactions) == (1508, 2071, 35497 - 3)
    assert (ds.kind, ds.rating_scale, ds.social_kind) == ("explicit", (0.5, 4.0), "trust")
    assert ds.n_social_links == 1853 - 221 == 1632
    assert nonzero_counts(ds) == {
        "rows_read": 35497,
        "duplicate_rows_collapsed": 3,
        "duplicate_pairs": 3,
        "duplicate_pairs_with_conflicting_values": 2,
        "social_links_read": 1853,
        "social_links_dropped_unknown_user": 221,  # trust links to users who rated nothing
        "users_without_social_links": 1508 - 705,  # see below
    }
    # user 308 rated items 207 and 235 twice, differently: the later line wins
    assert value(ds, "308", "207") == 3.0
    assert value(ds, "308", "235") == 1.5
    assert sorted(np.unique(ds.values).tolist()) == [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]
    # 740 rating users appear in trust.txt, but only 705 keep a link once the links to users
    # who rated nothing are dropped
    with_links = np.union1d(ds.social.indices, np.flatnonzero(ds.social.getnnz(axis=1)))
    assert len(with_links) == 705


def test_unknown_option_is_a_config_error(data_dir):
    with pytest.raises(ConfigError, match=r"'ml-100k' does not take option\(s\) foo"):
        load_ml100k(foo=1)


def test_explicit_path_option(data_dir):
    assert load_filmtrust(path=data_dir / "filmtrust").n_interactions == 35494
    with pytest.raises(ConfigError, match="not a folder"):
        load_filmtrust(path=data_dir / "nope")


def test_registered_as_builtin_datasets(data_dir):
    from rectool.builtins import datasets

    seen = {}
    datasets.register_datasets(register=lambda name, loader: seen.setdefault(name, loader))
    assert set(seen) == {"ml-100k", "lastfm", "ciao", "filmtrust", "table", "synthetic"}
    for loader in seen.values():
        doc = loader.__doc__.strip()
        assert doc and "\n" not in doc
    from rectool.loading import load_dataset
    from rectool.registry import resolve

    assert resolve("dataset", "ciao").plugin == "builtin"
    assert load_dataset("filmtrust").n_interactions == 35494
