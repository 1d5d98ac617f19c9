"""Novelty: mean self-information of the recommended items, -log2(popularity share).

An item's popularity share is its number of training interactions over all training
interactions, read from ``Ranked.item_counts`` (the harness fills it from the training fold).
An item never seen in training counts as seen once, so its self-information stays finite.
Higher means less popular, i.e. more novel recommendations; empty positions (-1) are ignored and
a user with no recommended item at all is undefined (NaN).
"""

from __future__ import annotations

import numpy as np

from rectool.errors import EvaluationError
from rectool.metrics import Metric, Ranked


class Novelty(Metric):
    """Mean self-information -log2(popularity share) of the recommended items (higher = rarer)."""

    def compute(self, ranked: Ranked) -> np.ndarray:
        if ranked.item_counts is None:
            raise EvaluationError(
                "novelty needs training popularity: build Ranked with item_counts "
                "(rectool's harness always does)"
            )
        counts = np.asarray(ranked.item_counts, dtype=np.float64)
        total = max(counts.sum(), 1.0)
        info = -np.log2(np.maximum(counts, 1.0) / total)
        recs = ranked.recommended
        valid = recs >= 0
        per_position = np.where(valid, info[np.where(valid, recs, 0)], 0.0)
        n = valid.sum(axis=1)
        out = np.full(len(recs), np.nan)
        np.divide(per_position.sum(axis=1), n, out=out, where=n > 0)
        return out
