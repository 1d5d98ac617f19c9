"""SocialMF: matrix factorisation with trust propagation, trained for ranking (BPR).

Jamali, M. and Ester, M. (2010). "A matrix factorization technique with trust propagation for
recommendation in social networks". RecSys 2010, pp. 135-142. doi:10.1145/1864708.1864736.

SocialMF adds to matrix factorisation the social regulariser
``lambda_T / 2 * sum_u || U_u - sum_v T_uv U_v ||^2`` with ``T`` the row-normalised trust matrix:
every user's factor is pulled towards the mean factor of whom they trust, so trust propagates
through the graph and users with few ratings borrow from their neighbours. The paper fits
ratings with squared loss; rectool ranks all items, so this implementation keeps the social
regulariser and replaces the rating loss with BPR (Rendle et al., UAI 2009) over sampled
(user, positive, negative) triples -- the documented, ranking-oriented variant. The graph is read
through ``rectool.data.social`` (trust: outgoing edges; friends: symmetric; edges to users
without training rows dropped). Training is vectorised numpy mini-batch SGD, seeded.

Numpy/scipy only, so it is a built-in plugin registered through the same ``register_models``
hook as every third-party model (see ``rectool.builtins.models``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset
from rectool.errors import ConfigError, ModelError
from rectool.models import Model
from rectool.progress import track


class SocialMF(Model):
    """SocialMF (Jamali & Ester 2010) with a BPR ranking loss; needs a social graph."""

    default_params: ClassVar[dict[str, Any]] = {
        "factors": 64,
        "epochs": 40,
        "learning_rate": 0.05,
        "reg": 0.002,
        "social_reg": 1.0,  # lambda_T of the paper
        "batch_size": 2048,
        "init_std": 0.1,
    }
    requires: ClassVar[frozenset[str]] = frozenset({"social"})
    param_space: ClassVar[dict[str, tuple[Any, ...]]] = {
        "factors": ("int", 16, 128),
        "learning_rate": ("log", 5e-3, 2e-1),
        "reg": ("log", 1e-4, 1e-1),
        "social_reg": ("log", 1e-2, 1e1),
    }

    def __init__(self, seed: int = 0, **params: Any) -> None:
        super().__init__(seed=seed, **params)
        for name in ("factors", "epochs", "batch_size"):
            if int(self.params[name]) < 1:
                raise ConfigError(f"socialmf {name} must be at least 1, got {self.params[name]!r}")
        self.user_factors: np.ndarray | None = None
        self.item_factors: np.ndarray | None = None
        self.item_bias: np.ndarray | None = None

    def _fit(self, train: Dataset) -> None:
        from rectool.data.social import row_normalise, social_graph

        p = self.params
        rng = np.random.default_rng(self.seed)
        d, lr = int(p["factors"]), float(p["learning_rate"])
        reg, lam = float(p["reg"]), float(p["social_reg"])
        n_u, n_i = train.n_users, train.n_items
        T = row_normalise(social_graph(train).matrix)
        TT = sp.csr_matrix(T.T)
        U = (rng.standard_normal((n_u, d)) * float(p["init_std"])).astype(np.float32)
        V = (rng.standard_normal((n_i, d)) * float(p["init_std"])).astype(np.float32)
        b = np.zeros(n_i, dtype=np.float32)
        X = train.interaction_matrix(binary=True)
        users = train.user_index.astype(np.int64)
        pos = train.item_index.astype(np.int64)
        n = len(users)
        if n == 0:
            raise ModelError(f"socialmf: dataset {train.name!r} has no interactions")
        bs = int(p["batch_size"])
        # the social term is spread over the batches of an epoch (one batch: all of it; a
        # share above 1 on data smaller than a batch made the step explode into NaN)
        share = min(bs, n) / n
        for _ in track(range(int(p["epochs"])), int(p["epochs"]), "socialmf epochs"):
            order = rng.permutation(n)
            for start in range(0, n, bs):
                sel = order[start : start + bs]
                u, i = users[sel], pos[sel]
                j = rng.integers(0, n_i, size=len(sel))
                # resample negatives that are positives (once; the rest are rare and harmless)
                bad = np.asarray(X[u, j]).ravel() > 0
                if bad.any():
                    j[bad] = rng.integers(0, n_i, size=int(bad.sum()))
                Uu, Vi, Vj = U[u], V[i], V[j]
                x = np.einsum("nd,nd->n", Uu, Vi - Vj) + b[i] - b[j]
                g = (1.0 / (1.0 + np.exp(np.clip(x, -30, 30)))).astype(np.float32)[:, None]
                gu = g * (Vi - Vj) - reg * Uu
                gi = g * Uu - reg * Vi
                gj = -g * Uu - reg * Vj
                np.add.at(U, u, lr * gu)
                np.add.at(V, i, lr * gi)
                np.add.at(V, j, lr * gj)
                np.add.at(b, i, lr * (g[:, 0] - reg * b[i]))
                np.add.at(b, j, lr * (-g[:, 0] - reg * b[j]))
                if lam:
                    diff = U - T @ U  # U_u - mean of trusted neighbours (0 rows: no trust)
                    has = np.diff(T.indptr) > 0
                    diff[~has] = 0.0
                    grad = diff - TT @ diff
                    U -= (lr * lam * share) * grad.astype(np.float32)
        self.user_factors, self.item_factors, self.item_bias = U, V, b

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        self._check_fitted()
        assert self.user_factors is not None and self.item_factors is not None
        assert self.item_bias is not None
        V, b = self.item_factors, self.item_bias
        if items is not None:
            items = np.asarray(items, dtype=np.int64)
            V, b = V[items], b[items]
        return self.user_factors[np.asarray(users, dtype=np.int64)] @ V.T + b[None, :]

    def fold_in_friends(self, friends: np.ndarray) -> np.ndarray | None:
        """A new user's factor is the mean of their friends' (SocialMF's prior for a cold user)."""
        self._check_fitted()
        assert self._seen is not None and self.user_factors is not None
        friends = np.unique(np.asarray(friends, dtype=np.int64))
        friends = friends[(friends >= 0) & (friends < self.n_users)]
        friends = friends[np.diff(self._seen.indptr)[friends] > 0]
        if len(friends) == 0:
            return None
        assert self.item_factors is not None and self.item_bias is not None
        u = self.user_factors[friends].mean(axis=0)
        return self.item_factors @ u + self.item_bias

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        assert self.user_factors is not None and self.item_factors is not None
        assert self.item_bias is not None
        return {}, {"user_factors": self.user_factors, "item_factors": self.item_factors,
                    "item_bias": self.item_bias}

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        try:
            self.user_factors = arrays["user_factors"]
            self.item_factors = arrays["item_factors"]
            self.item_bias = arrays["item_bias"]
        except KeyError as exc:
            raise ModelError(f"saved socialmf model lacks array {exc}") from None
