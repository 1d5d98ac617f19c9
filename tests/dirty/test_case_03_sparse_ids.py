"""Case 3 -- sparse raw ids. Kind: raw ids used as matrix indices. Handled by ``build_dataset``
(``pd.factorize`` into an ``IdMap``: contiguous indices, external ids only at the edges) and by
the loader's header rule (an all-numeric first row is data, columns by position)."""

from __future__ import annotations

import rectool


def test_two_by_three_and_only_real_items(write):
    p = write("r.csv", "7,500\n7,2883\n42,501\n42,500\n")
    ds = rectool.load_dataset(p)
    assert ds.interaction_matrix().shape == (2, 3)
    assert ds.report.policies["columns"] == "r.csv has no header row; by position user=0,item=1"
    rec = rectool.fit("popularity", ds)
    items = {i for r in rec.recommend(["7", "42", "nobody"], k=10) for i in r.items}
    assert items <= {"500", "501", "2883"}
    assert rec.recommend(["7"], k=10)[0].items == ("501",)
