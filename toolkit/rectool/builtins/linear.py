"""Linear baseline: score(u, i) = w_u . v_i + b_i, fitted in closed form by ridge regression.

Two ways to get the item vectors v_i (parameter ``item_vectors``):

- ``learned`` (default): v_i is column i of an item-item weight matrix B learned from the
  interactions themselves and w_u is the user's binary interaction row, i.e. EASE
  (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019):
  B = I - P diag(1/diag(P)), P = (X^T X + l2 I)^-1, diag(B) = 0. To bound memory and time, B
  covers the ``max_items`` most popular training items; the others are never recommended.
- ``features``: v_i is the item's side-feature row (genres, tags, categories) and w_u is a
  per-user ridge regression of the user's centred interaction row on those features,
  W = (X - 1 b^T) F (F^T F + l2 I)^-1, with b the item means. Needs item features.

``learned`` is the default even when side features exist because on every shared dataset it is
far more accurate; ``features`` is there to show what side information alone buys.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from rectool.data.dataset import Dataset
from rectool.errors import ConfigError, ModelError
from rectool.models import Model


class Linear(Model):
    """Closed-form linear model (EASE item-item ridge, or ridge on item side features)."""

    default_params = {"l2": 500.0, "item_vectors": "learned", "max_items": 8000}
    param_space = {"l2": ("log", 1.0, 1e4)}
    fresh_scores = True  # score returns a new array: recommend masks it without a copy

    def _fit(self, train: Dataset) -> None:
        mode = self.params["item_vectors"]
        X = train.interaction_matrix(binary=True)
        if mode == "learned":
            self._fit_learned(X)
        elif mode == "features":
            if train.item_features is None:
                raise ModelError(
                    f"linear item_vectors=features needs item features; dataset {train.name!r} "
                    "has none (use item_vectors=learned)"
                )
            self._fit_features(X, train.item_features.matrix)
        else:
            raise ConfigError(
                f"linear item_vectors must be 'learned' or 'features', got {mode!r}"
            )

    def _fit_learned(self, X: sp.csr_matrix) -> None:
        counts = np.asarray(X.sum(axis=0)).ravel()
        m = min(int(self.params["max_items"]), X.shape[1])
        kept = np.sort(np.argsort(-counts, kind="stable")[:m])
        Xk = X[:, kept]
        gram = (Xk.T @ Xk).toarray().astype(np.float64)
        gram[np.diag_indices_from(gram)] += float(self.params["l2"])
        P = _spd_inverse(gram)
        B = P / (-np.diag(P))
        B[np.diag_indices_from(B)] = 0.0
        self.kept_ = kept.astype(np.int64)
        self.B_ = B.astype(np.float32)
        self.W_ = None

    def _fit_features(self, X: sp.csr_matrix, F: sp.csr_matrix) -> None:
        F = sp.csr_matrix(F, dtype=np.float64)
        norms = np.sqrt(np.asarray(F.multiply(F).sum(axis=1)).ravel())
        F = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ F
        b = np.asarray(X.mean(axis=0)).ravel()
        XF = np.asarray((X @ F).todense()) - np.outer(np.ones(X.shape[0]), b @ F)
        gram = (F.T @ F).toarray()
        gram[np.diag_indices_from(gram)] += float(self.params["l2"])
        W = scipy.linalg.solve(gram, XF.T, assume_a="pos").T
        self.W_ = W.astype(np.float32)
        self.V_ = F.T.toarray().astype(np.float32)  # features x items
        self.b_ = b.astype(np.float32)
        self.B_ = None

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        self._check_fitted()
        users = np.asarray(users, dtype=np.int64)
        if self.B_ is not None:
            assert self._seen is not None
            full = np.full((len(users), self.n_items), -np.inf, dtype=np.float32)
            full[:, self.kept_] = self._seen[users][:, self.kept_] @ self.B_
        else:
            full = self.W_[users] @ self.V_ + self.b_
        return full if items is None else full[:, np.asarray(items)]

    def fold_in(self, items: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray | None:
        """Exact scores for a user not in training, from the items they interacted with."""
        self._check_fitted()
        x = np.zeros(self.n_items, dtype=np.float32)
        x[np.asarray(items, dtype=np.int64)] = 1.0
        if self.B_ is not None:
            full = np.full(self.n_items, -np.inf, dtype=np.float32)
            full[self.kept_] = x[self.kept_] @ self.B_
            return full
        gram = (self.V_ @ self.V_.T).astype(np.float64)
        gram[np.diag_indices_from(gram)] += float(self.params["l2"])
        w = scipy.linalg.solve(gram, self.V_ @ (x - self.b_), assume_a="pos")
        return (w.astype(np.float32) @ self.V_ + self.b_).astype(np.float32)

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        if self.B_ is not None:
            return {"mode": "learned"}, {"B": self.B_, "kept": self.kept_}
        return {"mode": "features"}, {"W": self.W_, "V": self.V_, "b": self.b_}

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if meta["mode"] == "learned":
            self.B_, self.kept_, self.W_ = arrays["B"], arrays["kept"], None
        else:
            self.W_, self.V_, self.b_, self.B_ = arrays["W"], arrays["V"], arrays["b"], None


def _spd_inverse(a: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive definite matrix via Cholesky (about half of inv's work)."""
    c, info = scipy.linalg.lapack.dpotrf(a, lower=False, overwrite_a=True)
    if info != 0:
        raise ModelError("linear: the regularised Gram matrix is not positive definite; raise l2")
    inv, info = scipy.linalg.lapack.dpotri(c, lower=False, overwrite_c=True)
    if info != 0:
        raise ModelError("linear: inverting the Gram matrix failed; raise l2")
    upper = np.triu(inv)
    return upper + np.triu(inv, 1).T
