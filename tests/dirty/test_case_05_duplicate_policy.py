"""Case 5 -- duplicate policy. Kind: repeated (user, item) rows. Handled by
``build_dataset._collapse_duplicates``: implicit weights summed (matrix stays binary), explicit
ratings keep the latest by timestamp (file order without), counted in ``CleaningReport``."""

from __future__ import annotations

import rectool


def test_implicit_binary_matrix_and_summed_weight(write):
    p = write("r.csv", "0,0,1\n0,1,3\n2,0,1\n2,0,1\n")
    ds = rectool.load_dataset(p, kind="implicit")
    binary = ds.interaction_matrix(binary=True).toarray()
    assert set(binary.ravel().tolist()) <= {0.0, 1.0}
    u, i = ds.users.index("2"), ds.items.index("0")
    assert ds.interaction_matrix()[u, i] == 2.0
    assert ds.report.policies["duplicates"] == "sum"


def test_explicit_latest_by_time_whatever_the_file_order(write):
    for name, text in [("a.csv", "user,item,rating,timestamp\nu1,i1,2,100\nu1,i1,5,200\nu2,i1,3,150\n"),
                       ("b.csv", "user,item,rating,timestamp\nu1,i1,5,200\nu2,i1,3,150\nu1,i1,2,100\n")]:
        ds = rectool.load_dataset(write(name, text))
        u, i = ds.users.index("u1"), ds.items.index("i1")
        assert ds.interaction_matrix()[u, i] == 5.0
        assert ds.report.counts["duplicate_pairs"] == 1
        assert ds.report.counts["duplicate_rows_collapsed"] == 1
        assert ds.report.policies["duplicates"] == "latest"
