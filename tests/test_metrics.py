"""Metric conventions from docs/evaluation.md, with exact values on hand-made rankings."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from rectool.metrics import (
    F1,
    MAP,
    MRR,
    NDCG,
    Coverage,
    HitRate,
    Precision,
    Ranked,
    Recall,
    hits_matrix,
)


def ranked(recs: list[list[int]], relevant: list[set[int]], n_items: int = 20) -> Ranked:
    rec = np.array(recs, dtype=np.int64)
    rows, cols = [], []
    for u, items in enumerate(relevant):
        rows += [u] * len(items)
        cols += sorted(items)
    rel = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(relevant), n_items))
    return Ranked(rec, hits_matrix(rec, rel), np.array([len(r) for r in relevant]), n_items)


def test_precision_divides_by_k_even_with_fewer_relevant_items():
    r = ranked([[1, 2, 3, 4, 5]], [{1, 9}])
    assert Precision().compute(r)[0] == pytest.approx(1 / 5)
    assert Recall().compute(r)[0] == pytest.approx(1 / 2)


def test_empty_list_counts_as_zero_not_skipped():
    r = ranked([[-1, -1, -1]], [{4}])
    for metric in (Precision(), Recall(), F1(), NDCG(), MAP(), MRR(), HitRate()):
        assert metric.compute(r)[0] == 0.0


def test_short_list_padded_with_minus_one_is_still_divided_by_k():
    r = ranked([[4, -1, -1, -1]], [{4}])
    assert Precision().compute(r)[0] == pytest.approx(0.25)
    assert Recall().compute(r)[0] == 1.0
    assert NDCG().compute(r)[0] == pytest.approx(1.0)


def test_f1_is_zero_when_precision_and_recall_are_zero():
    r = ranked([[1, 2]], [{7}])
    assert F1().compute(r)[0] == 0.0


def test_f1_is_per_user_harmonic_mean():
    r = ranked([[1, 2, 3, 4]], [{1, 2, 9, 10, 11, 12}])
    p, rec = 2 / 4, 2 / 6
    assert F1().compute(r)[0] == pytest.approx(2 * p * rec / (p + rec))


def test_ndcg_ideal_uses_min_k_and_relevant():
    r = ranked([[5, 1, 6]], [{1}])
    assert NDCG().compute(r)[0] == pytest.approx((1 / np.log2(3)) / 1.0)
    r2 = ranked([[1, 2, 3]], [{2, 3, 4, 5, 6}])
    dcg = 1 / np.log2(3) + 1 / np.log2(4)
    idcg = 1 + 1 / np.log2(3) + 1 / np.log2(4)
    assert NDCG().compute(r2)[0] == pytest.approx(dcg / idcg)


def test_map_divides_by_min_k_and_relevant():
    r = ranked([[1, 5, 2]], [{1, 2}])
    assert MAP().compute(r)[0] == pytest.approx((1 / 1 + 2 / 3) / 2)
    r2 = ranked([[1, 2]], [{1, 2, 3, 4}])
    assert MAP().compute(r2)[0] == pytest.approx((1 + 1) / 2)


def test_mrr_and_hit_rate():
    r = ranked([[9, 8, 3], [1, 2, 3]], [{3}, {7}])
    assert MRR().compute(r).tolist() == pytest.approx([1 / 3, 0.0])
    assert HitRate().compute(r).tolist() == [1.0, 0.0]


def test_coverage_counts_distinct_items_over_catalogue():
    r = ranked([[1, 2], [2, 3], [-1, -1]], [{1}, {2}, {3}], n_items=10)
    assert Coverage().compute(r)[0] == pytest.approx(3 / 10)


def test_cut_at_smaller_k_equals_direct_computation():
    r = ranked([[1, 2, 3, 4]], [{2, 4}])
    assert Precision().compute(r.at(2))[0] == pytest.approx(0.5)
    assert Recall().compute(r.at(2))[0] == pytest.approx(0.5)


def _slow(recs: list[int], relevant: set[int], k: int) -> dict[str, float]:
    recs = recs[:k]
    hits = [1 if (i >= 0 and i in relevant) else 0 for i in recs]
    p = sum(hits) / k
    r = sum(hits) / len(relevant)
    dcg = sum(h / np.log2(pos + 2) for pos, h in enumerate(hits))
    idcg = sum(1 / np.log2(pos + 2) for pos in range(min(k, len(relevant))))
    ap = sum(sum(hits[: pos + 1]) / (pos + 1) for pos, h in enumerate(hits) if h)
    return {
        "precision": p,
        "recall": r,
        "f1": 0.0 if p + r == 0 else 2 * p * r / (p + r),
        "ndcg": dcg / idcg,
        "map": ap / min(k, len(relevant)),
        "mrr": next((1 / (pos + 1) for pos, h in enumerate(hits) if h), 0.0),
    }


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_vectorised_metrics_match_slow_reference(data):
    n_items, k = 15, data.draw(st.integers(1, 6))
    n_users = data.draw(st.integers(1, 5))
    recs, rels = [], []
    for _ in range(n_users):
        n_valid = data.draw(st.integers(0, k))
        items = data.draw(st.permutations(range(n_items)))[:n_valid]
        recs.append(list(items) + [-1] * (k - n_valid))
        rels.append(set(data.draw(st.lists(st.integers(0, n_items - 1), min_size=1,
                                           max_size=6))))
    r = ranked(recs, rels, n_items)
    metrics = {"precision": Precision(), "recall": Recall(), "f1": F1(), "ndcg": NDCG(),
               "map": MAP(), "mrr": MRR()}
    for name, metric in metrics.items():
        got = metric.compute(r)
        want = [_slow(recs[u], rels[u], k)[name] for u in range(n_users)]
        assert got.tolist() == pytest.approx(want), name


def test_top_k_keeps_lowest_indices_among_ties_so_smaller_k_is_a_prefix():
    from rectool.models import top_k

    rng = np.random.default_rng(0)
    for width in (30, 3000):
        scores = rng.integers(0, 4, size=(50, width)).astype(np.float32)
        ten = top_k(scores, 10)
        five = top_k(scores, 5)
        assert (ten[:, :5] == five).all()
        for row, ranked in zip(scores, ten, strict=True):
            want = np.lexsort((np.arange(width), -row))[:10]
            assert ranked.tolist() == want.tolist()
