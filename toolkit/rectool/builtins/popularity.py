"""Popularity: every user gets the items most users interacted with in training (the floor)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rectool.data.dataset import Dataset
from rectool.models import Model


class Popularity(Model):
    """Most popular items by number of training users; the baseline every model must beat."""

    parallel_scoring = True  # copying one row per user is bound by memory bandwidth

    def _fit(self, train: Dataset) -> None:
        self.counts_ = train.item_counts().astype(np.float32)

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        self._check_fitted()
        row = self.counts_ if items is None else self.counts_[np.asarray(items)]
        return np.broadcast_to(row, (len(users), len(row)))

    def fold_in(self, items: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray | None:
        """A new user gets the popular items too (their history is masked by the caller)."""
        self._check_fitted()
        return self.counts_.copy()

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return {}, {"counts": self.counts_}

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.counts_ = arrays["counts"]
