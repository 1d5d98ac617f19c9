"""Helpers shared by the evaluation-speed benchmarks (benchmarks/test_evaluation_speed.py).

- ``prepare``: one holdout fold (seed 42) of a dataset, its evaluation target and a fitted model;
- ``bare``: the floor -- the model's score matrix in the same batches plus a textbook top-k
  (``argpartition`` + sort of the k), nothing else: no mask, no hits, no metrics;
- ``full``: what ``compare`` does after fitting -- ``recommend`` (scores, training items masked
  from the CSR, top-k), one hits matrix, precision/recall/F1/NDCG/MAP at k;
- ``cornac_side_by_side``: the same fold and the same scores through Cornac's
  ``ranking_eval`` (``BaseMethod.from_splits`` on rectool's train/test rows).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from rectool.data.dataset import Dataset
from rectool.data.splits import Fold, parse_split
from rectool.evaluation import _Target, default_relevance, default_workers
from rectool.loading import load_dataset
from rectool.metrics import F1, MAP, NDCG, Precision, Ranked, Recall, hits_matrix
from rectool.models import DEFAULT_BATCH_BYTES, Model
from rectool.registry import resolve

K = 10
METRICS = {"precision": Precision, "recall": Recall, "f1": F1, "ndcg": NDCG, "map": MAP}
#: shorter fits than the defaults: training quality does not change evaluation speed
FIT_PARAMS: dict[str, dict[str, Any]] = {"popularity": {}, "linear": {}, "lightfm": {"epochs": 5}}


@dataclass
class Prepared:
    data: Dataset
    fold: Fold
    target: _Target
    model: Model
    threshold: float | None


_cache: dict[tuple[str, str, str], Prepared] = {}


def prepare(dataset: str, model: str, mask: str = "all", known_items_only: bool = False) -> Prepared:
    """A fitted model on the seed-42 holdout fold; ``known_items_only`` drops test rows whose
    item has no training row (Cornac's ``exclude_unknowns`` drops them; rectool ranks them)."""
    key = (dataset, model, mask + ("-known" if known_items_only else ""))
    if key not in _cache:
        data = load_dataset(dataset)
        fold = next(iter(parse_split("holdout:0.2").folds(data, 42)))
        if known_items_only:
            known = fold.train.item_counts()[fold.test.item_index] > 0
            fold = replace(fold, test=fold.test.subset(np.flatnonzero(known)))
        threshold = default_relevance(data)
        target = _Target.build(fold, threshold, mask)
        fitted = resolve("model", model).obj(seed=42, **FIT_PARAMS.get(model, {})).fit(fold.train)
        _cache[key] = Prepared(data, fold, target, fitted, threshold)
    return _cache[key]


def bare(model: Model, users: np.ndarray, k: int = K,
         batch_bytes: int = DEFAULT_BATCH_BYTES) -> np.ndarray:
    """Score matrix in batches + argpartition top-k + sort of the k: the floor to compare with."""
    batch = max(1, batch_bytes // (4 * model.n_items))
    out = np.empty((len(users), k), dtype=np.int64)
    for start in range(0, len(users), batch):
        scores = np.asarray(model.score(users[start : start + batch]), dtype=np.float32)
        part = np.argpartition(scores, -k, axis=1)[:, -k:]
        order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
        out[start : start + batch] = np.take_along_axis(part, order, axis=1)
    return out


def full(p: Prepared, k: int = K, batch_bytes: int = DEFAULT_BATCH_BYTES,
         workers: int | None = None) -> dict[str, np.ndarray]:
    """rectool's evaluation after fitting: recommend (masked), one hits matrix, five metrics."""
    t = p.target
    recs = p.model.recommend(t.users, k, exclude=t.mask, batch_bytes=batch_bytes,
                             workers=workers if workers is not None
                             else 1 if p.model.parallel_scoring else default_workers())
    ranked = Ranked(recs, hits_matrix(recs, t.relevant), t.n_relevant, p.model.n_items)
    return {name: cls().compute(ranked) for name, cls in METRICS.items()}


def median_seconds(func: Any, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


# -- Cornac ------------------------------------------------------------------------------------
class FixedScores(Model):
    """A rectool model whose scores are a given users x items matrix (same outputs for both)."""

    fresh_scores = False

    def __init__(self, matrix: np.ndarray, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.matrix = matrix

    def _fit(self, train: Dataset) -> None:
        pass

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        rows = self.matrix[np.asarray(users)]
        return rows if items is None else rows[:, np.asarray(items)]


def score_matrix(model: Model) -> np.ndarray:
    """All users x items scores of a fitted model, float32, with a tiny item-index tie-breaker so
    that both tools (whose tie-breaking differs) produce the same rankings."""
    users = np.arange(model.n_users)
    scores = np.vstack([np.asarray(model.score(users[s : s + 1024]), dtype=np.float32)
                        for s in range(0, len(users), 1024)])
    finite = np.isfinite(scores)
    low = scores[finite].min() if finite.any() else 0.0
    scores[~finite] = low - 1.0  # Cornac cannot rank -inf sensibly: lowest finite score instead
    ranks = np.argsort(np.argsort(scores, axis=1, kind="stable"), axis=1, kind="stable")
    # replace scores by their within-row rank: the same order, no ties, exact in float32
    return (ranks.astype(np.float32) / scores.shape[1]).astype(np.float32)


def cornac_side_by_side(dataset: str, model: str, repeats: int = 3) -> dict[str, Any]:
    """Same fold, same scores, through rectool (mask=positives) and Cornac's ranking_eval."""
    import cornac
    from cornac.eval_methods import BaseMethod, ranking_eval
    from cornac.models import Recommender

    p = prepare(dataset, model, mask="positives", known_items_only=True)
    data, fold = p.data, p.fold
    threshold = p.threshold if p.threshold is not None else 1.0
    matrix = score_matrix(p.model)
    # Cornac ranks only items with a training row; rectool ranks every catalogue item (a feature
    # model such as LightFM scores cold items from their tags). Same candidates for both: cold
    # items go below every real score (the rank scores lie in [0, 1)).
    matrix[:, fold.train.item_counts() == 0] = -1.0
    fixed = FixedScores(matrix).fit(fold.train)
    fixed_p = Prepared(data, fold, p.target, fixed, p.threshold)

    def rows(part: Dataset) -> list[tuple[str, str, float]]:
        u = data.users.ids[part.user_index]
        i = data.items.ids[part.item_index]
        return list(zip(u.tolist(), i.tolist(), part.values.astype(float).tolist(), strict=True))

    method = BaseMethod.from_splits(rows(fold.train), rows(fold.test), rating_threshold=threshold,
                                    exclude_unknowns=True, seed=42, verbose=False)
    train_set, test_set = method.train_set, method.test_set
    # cornac index -> rectool index, then the score matrix in Cornac's order
    u_of = np.array([data.users.index(uid) for uid in train_set.uid_map], dtype=np.int64)
    i_of = np.array([data.items.index(iid) for iid in train_set.iid_map], dtype=np.int64)
    cornac_scores = matrix[np.ix_(u_of, i_of)]

    class Wrapped(Recommender):
        def __init__(self) -> None:
            super().__init__(name="rectool-scores", trainable=False)

        def score(self, user_idx: int, item_idx: int | None = None) -> np.ndarray:
            row = cornac_scores[user_idx]
            return row if item_idx is None else row[item_idx]

    wrapped = Wrapped()
    wrapped.fit(train_set)
    metrics = [cornac.metrics.Precision(k=K), cornac.metrics.Recall(k=K),
               cornac.metrics.FMeasure(k=K), cornac.metrics.NDCG(k=K), cornac.metrics.MAP()]

    def run_cornac() -> list[float]:
        avg, _ = ranking_eval(wrapped, metrics, train_set, test_set,
                              rating_threshold=threshold, exclude_unknowns=True)
        return avg

    cornac_values = run_cornac()
    cornac_s = median_seconds(run_cornac, repeats)
    rectool_values = {name: float(v.mean()) for name, v in full(fixed_p).items()}
    rectool_s = median_seconds(lambda: full(fixed_p), max(repeats, 5))
    names = ["precision", "recall", "f1", "ndcg", "map"]
    return {
        "dataset": dataset, "model": model, "users": len(p.target.users),
        "items": fold.train.n_items,
        "cornac_s": cornac_s, "rectool_s": rectool_s, "speedup": cornac_s / rectool_s,
        "rectool": rectool_values, "cornac": dict(zip(names, map(float, cornac_values), strict=True)),
    }
