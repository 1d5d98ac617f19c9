"""Case 6 -- missing and non-numeric ratings. Kind: cells that are not numbers. Handled by the
loader (``_numbers`` + ``_strict_check``: strict lists every bad line in one message; the
``wide`` layout treats blank/NaN cells as "no rating") and ``build_dataset._drop_non_finite``
(lenient: dropped and counted); ``top_k`` turns any NaN score into -inf."""

from __future__ import annotations

import numpy as np
import pytest

import rectool
from rectool.errors import DataError
from rectool.evaluation import compare

LONG = "user,item,rating\nu1,i1,4\nu1,i2,NaN\nu2,i1,abc\nu2,i2,-\nu3,i1,3\n"


def test_wide_file_stores_only_real_cells(write):
    p = write("w.csv", "user,i1,i2,i3\nu1,5,,NaN\nu2,,3,NA\nu3,4,nan,2\n")
    ds = rectool.load_dataset(p, layout="wide")
    assert ds.n_interactions == 4
    cells = {(ds.users.ids[u], ds.items.ids[i], float(v))
             for u, i, v in zip(ds.user_index, ds.item_index, ds.values, strict=True)}
    assert cells == {("u1", "i1", 5.0), ("u2", "i2", 3.0), ("u3", "i1", 4.0), ("u3", "i3", 2.0)}
    assert ds.report.counts["wide_cells_without_rating"] == 5
    assert ds.report.counts.get("rows_dropped_missing_or_non_numeric", 0) == 0


def test_wide_strict_non_numeric_cell(write):
    p = write("w.csv", "user,i1,i2\nu1,5,x\nu2,,3\n")
    with pytest.raises(DataError) as err:
        rectool.load_dataset(p, layout="wide", strict=True)
    assert str(err.value) == (f"{p}, line 2, column 'i2': a non-numeric rating 'x'; fix the file "
                              "or load with strict=False (--dataset-option strict=false) to drop such rows "
                              "(they are counted)")


def test_strict_lists_all_three_lines(write):
    p = write("r.csv", LONG)
    with pytest.raises(DataError) as err:
        rectool.load_dataset(p, strict=True)
    assert str(err.value) == (
        f"{p}, column 'rating': 3 rows with a non-numeric rating: line 3 'NaN', line 4 'abc', "
        "line 5 '-'; fix the file or load with strict=False (--dataset-option strict=false) to drop "
        "such rows (they are counted)")


def test_lenient_keeps_good_rows_and_counts_three(write):
    ds = rectool.load_dataset(write("r.csv", LONG))
    assert ds.n_interactions == 2
    assert ds.report.counts["rows_dropped_missing_or_non_numeric"] == 3
    assert np.isfinite(ds.values).all()


def test_scores_and_metrics_are_never_nan(write):
    rows = "".join(f"u{u},i{i},{(u * i) % 5 + 1}\n" for u in range(8) for i in range(6))
    p = write("r.csv", "user,item,rating\n" + rows + "u1,i9,NaN\nu2,i9,abc\n")
    res = compare(["popularity", "linear"], str(p), k=3, split="holdout:0.3")
    for m in res.models:
        assert m.error is None
        ranking = {k: v for k, v in m.values.items() if k not in ("rmse", "mae")}
        assert all(np.isfinite(v) for v in ranking.values()), m.values
        # rmse/mae exist only for models that predict ratings (rendered '-', not a number)
        assert "rmse" not in m.values or not np.isfinite(m.values["rmse"])
    rec = rectool.fit("linear", rectool.load_dataset(p))
    for r in rec.recommend([f"u{u}" for u in range(8)], k=3):
        assert all(np.isfinite(s) for s in r.scores)


class _Broken(rectool.Model):
    def _fit(self, train):
        pass

    def score(self, users, items=None):
        return np.full((len(users), self.n_items), np.nan, dtype=np.float32)


def test_a_model_with_nan_scores_fails_loudly(write):
    from rectool.errors import ModelError

    rows = "".join(f"u{u},i{i},{(u * i) % 5 + 1}\n" for u in range(8) for i in range(6))
    ds = rectool.load_dataset(write("r.csv", "user,item,rating\n" + rows))
    with pytest.raises(ModelError, match=r"_Broken returned NaN scores for 2 of 2 users"):
        _Broken().fit(ds).recommend([0, 1], 3)
