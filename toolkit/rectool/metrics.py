"""Metrics over one (users x k) hits matrix, vectorised across users.

Conventions (docs/evaluation.md): precision@k = hits / k even when fewer than k items are
relevant or recommendable; recall@k = hits / |relevant|; f1@k is per user, 0 when P + R = 0,
and the reported value is the mean of per-user F1; ndcg@k uses binary gains, log2 discounts and
an ideal DCG over min(k, |relevant|); map@k divides by min(k, |relevant|). Every user passed in
has at least one relevant test item (the harness skips and counts the others); an empty list
scores 0 for that user.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Ranked:
    """Everything ranking metrics need for a set of evaluated users at one cut-off k."""

    recommended: np.ndarray  # int64 (users x k) item indices, -1 = no item at that position
    hits: np.ndarray  # bool (users x k): the item at that position is relevant
    n_relevant: np.ndarray  # int64 (users,): relevant test items of each user (>= 1)
    n_items: int  # catalogue size, for coverage
    # training interactions of each item (n_items,), for popularity-aware metrics such as
    # novelty; the harness always fills it, hand-made rankings may leave it None
    item_counts: np.ndarray | None = None

    @property
    def k(self) -> int:
        return self.hits.shape[1]

    def at(self, k: int) -> Ranked:
        """The same ranking cut at a smaller k (one ranking serves every k)."""
        if k > self.k:
            raise ValueError(f"ranking has {self.k} positions, cannot cut at {k}")
        return Ranked(self.recommended[:, :k], self.hits[:, :k], self.n_relevant, self.n_items,
                      self.item_counts)


@dataclass(frozen=True)
class RatingPairs:
    """Predicted and true ratings for test rows, with the user of each row."""

    users: np.ndarray
    predicted: np.ndarray
    actual: np.ndarray


class Metric(ABC):
    """A top-k metric: one value per user (NaN when undefined), averaged over users."""

    needs: ClassVar[str] = "ranking"  # "ranking" or "ratings"
    uses_k: ClassVar[bool] = True
    per_user: ClassVar[bool] = True

    @abstractmethod
    def compute(self, ranked: Ranked) -> np.ndarray:
        """Per-user values (or a single global value in a 1-element array when not per-user)."""

    @staticmethod
    def aggregate(values: np.ndarray) -> float:
        finite = values[~np.isnan(values)]
        return float(finite.mean()) if finite.size else float("nan")


def _hit_counts(r: Ranked) -> np.ndarray:
    return r.hits.sum(axis=1, dtype=np.float64)


class Precision(Metric):
    """Hits in the top k divided by k."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        return _hit_counts(ranked) / ranked.k


class Recall(Metric):
    """Hits in the top k divided by the user's number of relevant test items."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        return _hit_counts(ranked) / ranked.n_relevant


class F1(Metric):
    """Per-user harmonic mean of precision@k and recall@k (0 when both are 0), then averaged."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        p = Precision().compute(ranked)
        r = Recall().compute(ranked)
        total = p + r
        out = np.zeros_like(total)
        np.divide(2 * p * r, total, out=out, where=total > 0)
        return out


def _discounts(k: int) -> np.ndarray:
    return 1.0 / np.log2(np.arange(2, k + 2))


class NDCG(Metric):
    """Normalised DCG with binary gains; ideal DCG over min(k, |relevant|) positions."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        disc = _discounts(ranked.k)
        dcg = ranked.hits @ disc
        ideal_cum = np.concatenate([[0.0], np.cumsum(disc)])
        idcg = ideal_cum[np.minimum(ranked.k, ranked.n_relevant)]
        return dcg / idcg


class MAP(Metric):
    """Average precision at k: sum of precision@i at each hit i, divided by min(k, |relevant|)."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        hits = ranked.hits.astype(np.float64)
        prec_at_i = np.cumsum(hits, axis=1) / np.arange(1, ranked.k + 1)
        return (prec_at_i * hits).sum(axis=1) / np.minimum(ranked.k, ranked.n_relevant)


class MRR(Metric):
    """Reciprocal rank of the first relevant item in the top k (0 when none)."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        any_hit = ranked.hits.any(axis=1)
        first = ranked.hits.argmax(axis=1)
        return np.where(any_hit, 1.0 / (first + 1), 0.0)


class HitRate(Metric):
    """1 when at least one relevant item is in the top k, else 0."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        return ranked.hits.any(axis=1).astype(np.float64)


class Coverage(Metric):
    """Catalogue coverage: share of all items that appear in at least one user's top k."""

    per_user = False

    def compute(self, ranked: Ranked) -> np.ndarray:
        recs = ranked.recommended[ranked.recommended >= 0]
        return np.array([np.unique(recs).size / max(ranked.n_items, 1)])


class RatingMetric(ABC):
    """An error metric over predicted ratings of test rows (models with predicts_ratings)."""

    needs: ClassVar[str] = "ratings"
    uses_k: ClassVar[bool] = False
    per_user: ClassVar[bool] = False

    @abstractmethod
    def compute(self, pairs: RatingPairs) -> np.ndarray:
        """A 1-element array with the value over all test rows."""

    aggregate = staticmethod(Metric.aggregate)


class RMSE(RatingMetric):
    """Root mean squared error of predicted ratings over all test rows."""

    def compute(self, pairs: RatingPairs) -> np.ndarray:
        return np.array([np.sqrt(np.mean((pairs.predicted - pairs.actual) ** 2))])


class MAE(RatingMetric):
    """Mean absolute error of predicted ratings over all test rows."""

    def compute(self, pairs: RatingPairs) -> np.ndarray:
        return np.array([np.mean(np.abs(pairs.predicted - pairs.actual))])


def hits_matrix(recommended: np.ndarray, relevant: sp.csr_matrix) -> np.ndarray:
    """Boolean hits for recommended item indices against a users x items CSR of relevance.

    Vectorised: a sorted-index search per row block, no Python loop over users.
    """
    n_users, k = recommended.shape
    indptr, indices = relevant.indptr, relevant.indices
    flat_users = np.repeat(np.arange(n_users), k)
    items = recommended.ravel()
    # Encode (user, item) as one int64 key and search the relevant pairs' keys.
    n_items = relevant.shape[1]
    rel_users = np.repeat(np.arange(n_users), np.diff(indptr))
    rel_keys = rel_users.astype(np.int64) * n_items + indices
    rel_keys.sort()
    keys = flat_users.astype(np.int64) * n_items + np.where(items < 0, 0, items)
    pos = np.searchsorted(rel_keys, keys)
    pos = np.minimum(pos, max(len(rel_keys) - 1, 0))
    found = (rel_keys[pos] == keys) if len(rel_keys) else np.zeros(len(keys), dtype=bool)
    found &= items >= 0
    return found.reshape(n_users, k)
