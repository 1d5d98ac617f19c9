"""Item-based k-nearest neighbours (Deshpande & Karypis 2004) with cosine similarity.

score(u, j) = sum over the user's training items i of sim(i, j), where sim(i, .) keeps only the
``k`` most similar items of i. Everything is sparse matrix algebra: one X^T X product for the
similarities, one vectorised top-k per row, one sparse product per scoring batch.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from rectool import Dataset, Model
from rectool.errors import ConfigError


class ItemKNN(Model):
    """Item-kNN: cosine similarity between items' user sets, k neighbours per item."""

    default_params: ClassVar[dict[str, Any]] = {"k": 50}

    def _fit(self, train: Dataset) -> None:
        k = self.params["k"]
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise ConfigError(f"itemknn k must be a positive integer, got {k!r}")
        X = train.interaction_matrix(binary=True)
        norms = np.sqrt(np.asarray(X.sum(axis=0), dtype=np.float64).ravel())  # binary: sqrt(n)
        inv = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        Xn = (X @ sp.diags(inv)).tocsc()
        sim = (Xn.T @ Xn).tocsr()
        sim.setdiag(0.0)
        sim.eliminate_zeros()
        self.sim_ = top_k_per_row(sim, k).astype(np.float32)
        self.history_ = X.tocsr()

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        self._check_fitted()
        users = np.asarray(users, dtype=np.int64)
        sim = self.sim_ if items is None else self.sim_[:, np.asarray(items)]
        return np.asarray((self.history_[users] @ sim).todense(), dtype=np.float32)

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        s, h = self.sim_, self.history_
        return {}, {"sim_data": s.data, "sim_indices": s.indices, "sim_indptr": s.indptr,
                    "hist_indices": h.indices, "hist_indptr": h.indptr}

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        n_u, n_i = self.n_users, self.n_items
        self.sim_ = sp.csr_matrix(
            (arrays["sim_data"], arrays["sim_indices"], arrays["sim_indptr"]), shape=(n_i, n_i)
        )
        indices = arrays["hist_indices"]
        self.history_ = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, arrays["hist_indptr"]),
            shape=(n_u, n_i),
        )


def top_k_per_row(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of each row (ties: lower column first); no Python row loop."""
    m = m.tocsr()
    m.sort_indices()
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    order = np.lexsort((-m.data, rows))  # by row, then by descending value (stable)
    rank = np.arange(len(order)) - m.indptr[rows[order]]
    keep = np.sort(order[rank < k])
    return sp.csr_matrix((m.data[keep], (rows[keep], m.indices[keep])), shape=m.shape)
