"""Evaluation at speed and scale (issue 7); figures in docs/performance.md.

Run: ``RECTOOL_DATA_DIR=../shared/data python -m pytest benchmarks/test_evaluation_speed.py
--benchmark-only -s`` (Cornac is a benchmark-only dependency: ``pip install -e ".[bench]"``).

1. metric kernels (hits matrix + precision/recall/F1/NDCG/MAP) on 1,000,000 users x k = 10;
2. recommend-all, 50,000 users x 20,000 items, k = 10, rank-64 factors: time and peak extra
   memory (tracemalloc sees numpy's allocations);
3. MovieLens 100K and Last.fm with popularity, linear and LightFM: ``compare`` end to end
   (load, clean, split, fit, evaluate), and after fitting rectool's full evaluation against
   the bare score product + argpartition top-k;
4. side by side with Cornac: same fold, same scores, Cornac's ranking_eval against rectool.
No timing is asserted; the summary table at the end prints the figures.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from benchmarks.conftest import SUMMARY
from benchmarks.evalspeed import (
    FIT_PARAMS,
    METRICS,
    K,
    bare,
    cornac_side_by_side,
    full,
    median_seconds,
    prepare,
)
from rectool.metrics import Ranked, hits_matrix
from rectool.models import Model


def _record(dataset: str, model: str, measure: str, value: str) -> None:
    SUMMARY.append({"dataset": dataset, "model": model, "measure": measure, "value": value})


def test_metric_kernels(benchmark) -> None:
    rng = np.random.default_rng(0)
    n_users, n_items = 1_000_000, 20_000
    recs = rng.integers(0, n_items, (n_users, K))
    n_rel = rng.integers(1, 30, n_users)
    import scipy.sparse as sp

    indptr = np.concatenate([[0], np.cumsum(n_rel)])
    relevant = sp.csr_matrix((np.ones(indptr[-1], np.float32), rng.integers(0, n_items, indptr[-1]),
                              indptr), shape=(n_users, n_items))
    relevant.sum_duplicates()
    n_relevant = np.diff(relevant.indptr)

    def run() -> None:
        ranked = Ranked(recs, hits_matrix(recs, relevant), n_relevant, n_items)
        for cls in METRICS.values():
            cls().compute(ranked)

    benchmark.pedantic(run, rounds=3, iterations=1)
    _record("random", "-", "hits+5 metrics, 1M x 10", f"{benchmark.stats.stats.median:.3f} s")


class _Factors(Model):
    """A rank-64 factor model with random factors (scoring cost of any MF model)."""

    fresh_scores = True

    def __init__(self, n_users: int, n_items: int, seed: int = 0) -> None:
        super().__init__(seed=seed)
        rng = np.random.default_rng(seed)
        self.U = rng.standard_normal((n_users, 64)).astype(np.float32)
        self.V = rng.standard_normal((n_items, 64)).astype(np.float32)

    def _fit(self, train) -> None:
        pass

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        V = self.V if items is None else self.V[np.asarray(items)]
        return self.U[np.asarray(users)] @ V.T


def test_recommend_all_50k_x_20k(benchmark) -> None:
    from rectool.data.dataset import Dataset
    from rectool.data.idmap import IdMap

    n_users, n_items = 50_000, 20_000
    rng = np.random.default_rng(1)
    rows = rng.integers(0, n_users, 1_000_000).astype(np.int32)
    cols = rng.integers(0, n_items, 1_000_000).astype(np.int32)
    keys = np.unique(rows.astype(np.int64) * n_items + cols)
    train = Dataset("random", IdMap.from_unique(np.arange(n_users).astype(str).astype(object)),
                    IdMap.from_unique(np.arange(n_items).astype(str).astype(object)),
                    (keys // n_items).astype(np.int32), (keys % n_items).astype(np.int32),
                    np.ones(len(keys), np.float32))
    model = _Factors(n_users, n_items).fit(train)
    users = np.arange(n_users)
    model.recommend(users[:1000], K)
    tracemalloc.start()
    recs = model.recommend(users, K)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2**30
    sub = rng.choice(n_users, 200, replace=False)  # naive full scoring for 200 users
    naive = model.score(sub)
    seen = model._seen[sub].toarray() > 0
    naive[seen] = -np.inf
    assert (recs[sub] == np.argsort(-naive, axis=1, kind="stable")[:, :K]).all()
    benchmark.pedantic(lambda: model.recommend(users, K), rounds=3, iterations=1)
    _record("random", "factors", "recommend 50k x 20k",
            f"{benchmark.stats.stats.median:.2f} s, peak extra {peak / 2**20:.0f} MiB")


@pytest.mark.parametrize("dataset", ["ml-100k", "lastfm"])
@pytest.mark.parametrize("model", ["popularity", "linear", "lightfm"])
def test_full_evaluation_vs_bare(benchmark, dataset: str, model: str) -> None:
    p = prepare(dataset, model)
    users = p.target.users
    full(p)  # warm up
    bare(p.model, users)
    bare_s = median_seconds(lambda: bare(p.model, users), 7)
    full_s = median_seconds(lambda: full(p), 7)
    benchmark.pedantic(lambda: full(p), rounds=3, iterations=1)
    benchmark.extra_info.update({"bare_s": bare_s, "full_s": full_s})
    _record(dataset, model, "full eval / bare",
            f"{full_s * 1e3:.1f} ms / {bare_s * 1e3:.1f} ms = {full_s / bare_s:.2f}x "
            f"({len(users)} users x {p.model.n_items} items)")


@pytest.mark.parametrize("dataset", ["ml-100k", "lastfm"])
@pytest.mark.parametrize("model", ["popularity", "lightfm"])
def test_cornac_side_by_side(benchmark, dataset: str, model: str) -> None:
    pytest.importorskip("cornac", reason="benchmark-only dependency: pip install -e '.[bench]'")
    r = benchmark.pedantic(lambda: cornac_side_by_side(dataset, model, repeats=3), rounds=1,
                           iterations=1)
    for name in ("precision", "recall", "f1", "ndcg"):  # same definitions: must agree
        assert r["rectool"][name] == pytest.approx(r["cornac"][name], abs=1e-9), name
    benchmark.extra_info.update(r)
    _record(dataset, model, "cornac / rectool",
            f"{r['cornac_s']:.3f} s / {r['rectool_s']:.4f} s = {r['speedup']:.0f}x; "
            + ", ".join(f"{n} {r['rectool'][n]:.4f}|{r['cornac'][n]:.4f}"
                        for n in ("precision", "recall", "f1", "ndcg", "map")))


@pytest.mark.parametrize("dataset", ["ml-100k", "lastfm"])
def test_compare_end_to_end(benchmark, dataset: str) -> None:
    """What a user waits for: load, clean, split, fit and evaluate three models, one call."""
    from rectool.evaluation import ModelSpec, compare

    models = [ModelSpec(name, dict(params)) for name, params in FIT_PARAMS.items()]
    result = benchmark.pedantic(lambda: compare(models, dataset, k=K), rounds=1, iterations=1)
    assert all(m.error is None for m in result.models)
    fits = ", ".join(f"{m.model} fit {m.fit_seconds:.2f} s" for m in result.models)
    _record(dataset, "pop+linear+lightfm", "compare end to end",
            f"{benchmark.stats.stats.median:.1f} s ({fits}; lightfm {FIT_PARAMS['lightfm']})")
