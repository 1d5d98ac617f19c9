"""LightFMModel: rectool's Model contract on top of ``lightfm.LightFM``.

Training data
- explicit data: every rating is a positive unless ``min_rating`` is set, then only ratings
  ``>= min_rating`` are (with ``loss="logistic"`` the others become negatives, -1);
- implicit data: every interaction with a positive weight is a positive; ``implicit_weights``
  chooses how the weights reach LightFM's ``sample_weight``: ``"binary"`` (ignored, all 1) or
  ``"log1p"`` (default: ``log1p(weight)`` rescaled to mean 1, so repeated plays count more
  without one play count of 300 000 swamping the learning rate). On Last.fm (hetrec 2011, 80/20
  per user) log1p gave precision@10 0.168 vs 0.166 binary and NDCG@10 0.201 vs 0.199.
  ``loss="warp-kos"`` takes no sample weights in LightFM, so it always trains binary.

Defaults were measured on MovieLens 100K (80/20 per user, ratings >= 4 relevant; 5 seeds):
min_rating=None with side features gives the best precision@10 (0.220); min_rating=4 without
features the best NDCG@10 (0.303) -- but min_rating is tied to a rating scale, so it stays off
by default (set it to the scale's "liked" level, e.g. 4 on 1-5 stars, when ranking quality of the
top few slots matters most). Features combined with min_rating=4 did worst (0.196 / 0.249).

Side features (``use_features=True`` and the dataset has them): the feature matrix is an
identity block (one private feature per user/item) next to the side features, each row
L1-normalised -- the layout ``lightfm.data.Dataset`` builds with identity features and
``normalize=True``. After fitting, the feature matrices are folded into dense per-user and
per-item representations, so scoring and saving never need the features again.

Scores are ``user_repr @ item_repr.T + item_bias + user_bias`` computed in numpy (the user bias
does not change a ranking; it is kept so scores equal ``LightFM.predict``).
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset, Features
from rectool.errors import ConfigError, ModelError
from rectool.models import Model

LOSSES = ("warp", "bpr", "logistic", "warp-kos")
IMPLICIT_WEIGHTS = ("binary", "log1p")


def _import_lightfm() -> Any:
    """The ``lightfm`` module, or a ModelError that says how to install it."""
    try:
        return importlib.import_module("lightfm")
    except ImportError as exc:
        raise ModelError(
            "model 'lightfm' needs the LightFM backend, which is not installed "
            f"({exc}); install it with: pip install rectools-lightfm"
        ) from None


class LightFMModel(Model):
    """LightFM hybrid matrix factorisation (WARP ranking loss by default), side features too."""

    default_params: ClassVar[dict[str, Any]] = {
        "no_components": 64,
        "loss": "warp",
        "epochs": 30,
        "learning_rate": 0.05,
        "item_alpha": 0.0,
        "user_alpha": 0.0,
        "max_sampled": 10,
        "use_features": True,
        "num_threads": 1,  # 1 keeps runs reproducible: LightFM trains lock-free across threads
        "min_rating": None,
        "implicit_weights": "log1p",
    }
    requires: ClassVar[frozenset[str]] = frozenset()
    predicts_ratings: ClassVar[bool] = False

    def __init__(self, seed: int = 0, **params: Any) -> None:
        super().__init__(seed=seed, **params)
        p = self.params
        if p["loss"] not in LOSSES:
            raise ConfigError(f"lightfm loss must be one of {', '.join(LOSSES)}, got {p['loss']!r}")
        if p["implicit_weights"] not in IMPLICIT_WEIGHTS:
            raise ConfigError(
                f"lightfm implicit_weights must be one of {', '.join(IMPLICIT_WEIGHTS)}, "
                f"got {p['implicit_weights']!r}"
            )
        for name in ("no_components", "epochs", "max_sampled", "num_threads"):
            if int(p[name]) < 1:
                raise ConfigError(f"lightfm {name} must be at least 1, got {p[name]!r}")
        self._user_repr: np.ndarray | None = None
        self._user_bias: np.ndarray | None = None
        self._item_repr: np.ndarray | None = None
        self._item_bias: np.ndarray | None = None
        self._n_user_features = 0
        self._n_item_features = 0

    # -- training ----------------------------------------------------------------------------
    def _training_matrices(self, train: Dataset) -> tuple[sp.coo_matrix, sp.coo_matrix | None]:
        """Interactions (+1 / -1 as LightFM expects) and optional sample weights, same order."""
        rows = train.user_index.astype(np.int32)
        cols = train.item_index.astype(np.int32)
        values = train.values.astype(np.float64)
        labels = np.ones(len(rows), dtype=np.float32)
        weights: np.ndarray | None = None
        loss = self.params["loss"]
        min_rating = self.params["min_rating"]
        if train.kind == "explicit":
            if min_rating is not None:
                positive = values >= float(min_rating)
                if loss == "logistic":
                    labels[~positive] = -1.0
                else:
                    rows, cols, labels = rows[positive], cols[positive], labels[positive]
        else:
            keep = values > 0
            rows, cols, labels, values = rows[keep], cols[keep], labels[keep], values[keep]
            if self.params["implicit_weights"] == "log1p" and len(values):
                w = np.log1p(values)
                weights = (w / w.mean()).astype(np.float32)
        if not np.any(labels > 0):
            raise ModelError(
                f"lightfm: dataset {train.name!r} has no positive interactions to learn from"
                + (f" (min_rating={min_rating})" if min_rating is not None else "")
            )
        shape = (train.n_users, train.n_items)
        interactions = sp.coo_matrix((labels, (rows, cols)), shape=shape)
        sample_weight = None
        if weights is not None and loss != "warp-kos":  # LightFM's k-OS takes no weights
            sample_weight = sp.coo_matrix((weights, (rows, cols)), shape=shape)
        return interactions, sample_weight

    def _fit(self, train: Dataset) -> None:
        lightfm = _import_lightfm()
        p = self.params
        interactions, sample_weight = self._training_matrices(train)
        use = bool(p["use_features"])
        user_features = _feature_matrix(train.n_users, train.user_features if use else None)
        item_features = _feature_matrix(train.n_items, train.item_features if use else None)
        model = lightfm.LightFM(
            no_components=int(p["no_components"]),
            loss=p["loss"],
            learning_rate=float(p["learning_rate"]),
            item_alpha=float(p["item_alpha"]),
            user_alpha=float(p["user_alpha"]),
            max_sampled=int(p["max_sampled"]),
            random_state=self.seed,
        )
        model.fit(
            interactions,
            user_features=user_features,
            item_features=item_features,
            sample_weight=sample_weight,
            epochs=int(p["epochs"]),
            num_threads=int(p["num_threads"]),
        )
        user_bias, user_repr = model.get_user_representations(user_features)
        item_bias, item_repr = model.get_item_representations(item_features)
        self._user_bias = np.asarray(user_bias, dtype=np.float32).ravel()
        self._user_repr = np.ascontiguousarray(user_repr, dtype=np.float32)
        self._item_bias = np.asarray(item_bias, dtype=np.float32).ravel()
        self._item_repr = np.ascontiguousarray(item_repr, dtype=np.float32)
        self._n_user_features = 0 if user_features is None else user_features.shape[1]
        self._n_item_features = 0 if item_features is None else item_features.shape[1]

    # -- scoring -----------------------------------------------------------------------------
    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        self._check_fitted()
        assert self._user_repr is not None and self._item_repr is not None
        assert self._user_bias is not None and self._item_bias is not None
        users = np.asarray(users, dtype=np.int64)
        if items is None:
            item_repr, item_bias = self._item_repr, self._item_bias
        else:
            items = np.asarray(items, dtype=np.int64)
            item_repr, item_bias = self._item_repr[items], self._item_bias[items]
        scores = self._user_repr[users] @ item_repr.T
        scores += item_bias[None, :]
        scores += self._user_bias[users][:, None]
        return scores

    # -- persistence -------------------------------------------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        self._check_fitted()
        assert self._user_repr is not None and self._item_repr is not None
        assert self._user_bias is not None and self._item_bias is not None
        meta = {
            "n_user_features": self._n_user_features,
            "n_item_features": self._n_item_features,
        }
        arrays = {
            "user_repr": self._user_repr,
            "user_bias": self._user_bias,
            "item_repr": self._item_repr,
            "item_bias": self._item_bias,
        }
        return meta, arrays

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        try:
            user_repr, item_repr = arrays["user_repr"], arrays["item_repr"]
            user_bias, item_bias = arrays["user_bias"], arrays["item_bias"]
        except KeyError as exc:
            raise ModelError(f"saved lightfm model lacks array {exc}") from None
        if user_repr.shape[0] != self.n_users or item_repr.shape[0] != self.n_items:
            raise ModelError(
                f"saved lightfm representations have {user_repr.shape[0]} users x "
                f"{item_repr.shape[0]} items, the model header says {self.n_users} x {self.n_items}"
            )
        self._user_repr = user_repr.astype(np.float32, copy=False)
        self._user_bias = user_bias.astype(np.float32, copy=False)
        self._item_repr = item_repr.astype(np.float32, copy=False)
        self._item_bias = item_bias.astype(np.float32, copy=False)
        self._n_user_features = int(meta.get("n_user_features", 0))
        self._n_item_features = int(meta.get("n_item_features", 0))


def _feature_matrix(n: int, features: Features | None) -> sp.csr_matrix | None:
    """Identity block hstack side features, rows L1-normalised; None when no side features.

    None lets LightFM use its own identity matrix (pure collaborative filtering).
    """
    if features is None or features.width == 0:
        return None
    side = sp.csr_matrix(features.matrix, dtype=np.float32)
    if side.shape[0] != n:
        raise ModelError(f"lightfm: feature matrix has {side.shape[0]} rows, expected {n}")
    matrix = sp.hstack([sp.identity(n, dtype=np.float32, format="csr"), side], format="csr")
    norms = np.asarray(abs(matrix).sum(axis=1), dtype=np.float64).ravel()
    norms[norms == 0] = 1.0
    matrix = sp.diags((1.0 / norms).astype(np.float32)) @ matrix
    return sp.csr_matrix(matrix, dtype=np.float32)
