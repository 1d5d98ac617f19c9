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

Social features (``social=True``, or the registered variant ``lightfm-social``, which needs
a dataset with a social graph): user features = ``rectool.data.social.social_features`` --
identity + ``social_weight`` x row-normalised neighbour indicators (+ ``social_two_hop`` x
two-hop neighbours) + ``social_items`` x the ``social_items_top`` items most shared among the
user's neighbours (``friend_item_features``). The neighbour block sits on the identity columns
(``social_shared=True``: a user is pulled towards the mean of their neighbours' own
embeddings) or on a separate ``friend:<id>`` block. Then
demographics when the dataset has them and ``use_features``. The model keeps the user feature
space (names, embeddings, biases), so ``score_features`` scores any feature row of that width
(a wrong width is a ModelError) and ``fold_in_friends`` scores a new user from friends alone.

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
from rectool.factors import augment_factors
from rectool.models import Model
from rectool.progress import track

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
        # social user features (off here; on in lightfm-social). Defaults tuned on validation
        # splits of Last.fm and Ciao (benchmarks/tune_social.py, docs/social.md): the friends'
        # items block carries the gain; the neighbour block (social_weight) adds little
        "social": False,
        "social_weight": 0.0,
        "social_two_hop": 0.0,
        "social_shared": True,
        "social_items": 1.0,
        "social_items_top": 50,
    }
    requires: ClassVar[frozenset[str]] = frozenset()
    predicts_ratings: ClassVar[bool] = False
    fresh_scores: ClassVar[bool] = True  # score returns a new array (masked without a copy)
    parallel_scoring: ClassVar[bool] = True  # a BLAS product: no thread pool on top
    param_space: ClassVar[dict[str, tuple[Any, ...]]] = {
        "no_components": ("int", 8, 128),
        "learning_rate": ("log", 5e-3, 2e-1),
        "epochs": ("int", 5, 60),
        "item_alpha": ("log", 1e-9, 1e-4),
    }

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
        self._user_aug = self._item_aug = np.zeros((0, 0), dtype=np.float32)  # set by _augment
        self._n_user_features = 0
        self._n_item_features = 0
        # the user feature space, kept when user features are used (cold start, width checks)
        self._user_feature_emb: np.ndarray | None = None
        self._user_feature_bias: np.ndarray | None = None
        self._user_feature_names: np.ndarray | None = None
        self._social_offset = -1  # first column of the neighbour block; -1 = no social block
        self._items_offset = -1  # first column of the friends' items block; -1 = none

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
        user_side = train.user_features if use else None
        names: tuple[str, ...] = ()
        if p["social"]:
            user_features, names = self._social_user_features(train, user_side)
        else:
            user_features = _feature_matrix(train.n_users, user_side)
            if user_features is not None and user_side is not None:
                names = (tuple(f"user:{u}" for u in train.users.ids)
                         + tuple(f"side:{n}" for n in user_side.names))
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
        epochs = int(p["epochs"])
        # fit() is _reset_state() + fit_partial(epochs): one epoch per call gives the same
        # model and lets the progress bar follow the epochs
        for epoch in track(range(epochs), epochs, "lightfm epochs"):
            (model.fit if epoch == 0 else model.fit_partial)(
                interactions,
                user_features=user_features,
                item_features=item_features,
                sample_weight=sample_weight,
                epochs=1,
                num_threads=int(p["num_threads"]),
            )
        user_bias, user_repr = model.get_user_representations(user_features)
        item_bias, item_repr = model.get_item_representations(item_features)
        self._user_bias = np.asarray(user_bias, dtype=np.float32).ravel()
        self._user_repr = np.ascontiguousarray(user_repr, dtype=np.float32)
        self._item_bias = np.asarray(item_bias, dtype=np.float32).ravel()
        self._item_repr = np.ascontiguousarray(item_repr, dtype=np.float32)
        self._augment()
        self._n_user_features = 0 if user_features is None else user_features.shape[1]
        self._n_item_features = 0 if item_features is None else item_features.shape[1]
        if user_features is not None:  # keep the user feature space: cold start, width checks
            self._user_feature_emb = np.ascontiguousarray(model.user_embeddings, np.float32)
            self._user_feature_bias = np.asarray(model.user_biases, np.float32).ravel()
            self._user_feature_names = np.asarray(names, dtype=str)

    def _social_user_features(
        self, train: Dataset, side: Features | None
    ) -> tuple[sp.csr_matrix, tuple[str, ...]]:
        """Identity + social (+ demographics), rows L1-normalised; also the column names."""
        from rectool.data.social import friend_item_features, social_features

        p = self.params
        if train.social is None:
            raise ModelError(
                f"lightfm with social=true needs a social graph; dataset {train.name!r} has none"
            )
        shared = bool(p["social_shared"])
        social = social_features(train, weight=float(p["social_weight"]),
                                 two_hop_weight=float(p["social_two_hop"]), shared=shared)
        blocks, names = [social.matrix], social.names
        self._items_offset = -1
        if float(p["social_items"]):
            agg = friend_item_features(train, weight=float(p["social_items"]),
                                       top=int(p["social_items_top"]))
            self._items_offset = sum(b.shape[1] for b in blocks)
            blocks.append(agg.matrix)
            names = names + agg.names
        if side is not None and side.width:
            blocks.append(sp.csr_matrix(side.matrix, dtype=np.float32))
            names = names + tuple(f"side:{n}" for n in side.names)
        self._social_offset = 0 if shared else train.n_users
        return _l1_rows(sp.hstack(blocks, format="csr")), names

    # -- the user feature space -------------------------------------------------------------
    @property
    def user_feature_names(self) -> tuple[str, ...]:
        """Column names of the user feature space (empty when fitted without user features)."""
        return () if self._user_feature_names is None else tuple(self._user_feature_names)

    def score_features(self, rows: sp.spmatrix, items: np.ndarray | None = None) -> np.ndarray:
        """Scores for users described only by feature rows in the model's user feature space.

        Rows are L1-normalised as in training. A row of the wrong width is a ModelError.
        """
        self._check_fitted()
        if self._user_feature_emb is None or self._user_feature_bias is None:
            raise ModelError(
                "this lightfm model kept no user feature space (fit it on a dataset with user "
                "features and use_features=true, or with social=true / model lightfm-social)"
            )
        rows = sp.csr_matrix(rows, dtype=np.float32)
        width = self._user_feature_emb.shape[0]
        if rows.shape[1] != width:
            raise ModelError(
                f"lightfm: feature rows have {rows.shape[1]} columns, the model's user feature "
                f"space has {width} (identity + social + demographics)"
            )
        rows = _l1_rows(rows)
        repr_ = np.asarray(rows @ self._user_feature_emb, dtype=np.float32)
        bias = np.asarray(rows @ self._user_feature_bias, dtype=np.float32).ravel()
        assert self._item_repr is not None and self._item_bias is not None
        item_repr, item_bias = self._item_repr, self._item_bias
        if items is not None:
            items = np.asarray(items, dtype=np.int64)
            item_repr, item_bias = item_repr[items], item_bias[items]
        return repr_ @ item_repr.T + item_bias[None, :] + bias[:, None]

    def fold_in_features(self, features: dict[str, float]) -> np.ndarray | None:
        """Scores for a new user from side features alone (``{"gender:F": 1, ...}``): the row
        holds only those columns of the kept user feature space (a new user has no identity
        column). None when the model kept no side features; an unknown name is a ModelError."""
        self._check_fitted()
        if self._user_feature_names is None:
            return None
        index, side = self._side_feature_index()
        if not side:
            return None
        cols, values, unknown = [], [], []
        for name, value in features.items():
            col = index.get(f"side:{name}")
            if col is None:
                unknown.append(name)
            else:
                cols.append(col)
                values.append(float(value))
        if unknown:
            raise ModelError(
                f"lightfm: unknown user feature(s) {', '.join(map(repr, unknown[:5]))}; this "
                f"model's user features are {', '.join(map(repr, side[:40]))}"
                + (f" and {len(side) - 40} more (Recommender.model.user_feature_names lists "
                   "them)" if len(side) > 40 else ""))
        if not cols:
            return None
        row = sp.csr_matrix((np.asarray(values, np.float32), (np.zeros(len(cols), np.int64), cols)),
                            shape=(1, len(index)))
        return self.score_features(row)[0]

    def _side_feature_index(self) -> tuple[dict[str, int], list[str]]:
        """Column of each ``side:<name>`` feature and the bare side names, built once per fitted
        or loaded feature space (the names never change after that), not on every request."""
        names = self._user_feature_names
        cached = getattr(self, "_side_index_cache", None)
        if cached is None or cached[0] is not names:
            index = {str(n): i for i, n in enumerate(names)} if names is not None else {}
            side = [n.removeprefix("side:") for n in index if n.startswith("side:")]
            cached = (names, index, side)
            self._side_index_cache = cached  # a benign race: every thread builds the same value
        return cached[1], cached[2]

    def fold_in_friends(self, friends: np.ndarray) -> np.ndarray | None:
        """Scores over all items for a new user with these friends (training user indices).

        Builds the user's social feature row (neighbour block only: a new user has no identity
        embedding) and scores it; friends without training rows are ignored. None when no
        friend is usable or the model kept no social feature space.
        """
        self._check_fitted()
        if self._user_feature_emb is None or self._social_offset < 0:
            return None
        assert self._seen is not None
        friends = np.unique(np.asarray(friends, dtype=np.int64))
        friends = friends[(friends >= 0) & (friends < self.n_users)]
        friends = friends[np.diff(self._seen.indptr)[friends] > 0]
        if len(friends) == 0:
            return None
        width = self._user_feature_emb.shape[0]
        p = self.params
        row = sp.csr_matrix((1, width), dtype=np.float32)
        if float(p["social_weight"]):
            row = sp.csr_matrix(
                (np.full(len(friends), float(p["social_weight"]) / len(friends), np.float32),
                 (np.zeros(len(friends), dtype=np.int64), friends + self._social_offset)),
                shape=(1, width),
            )
        if self._items_offset >= 0:
            from rectool.data.social import top_per_row

            agg = top_per_row(sp.csr_matrix(self._seen[friends].mean(axis=0)),
                              int(p["social_items_top"]))
            cols = agg.indices + self._items_offset
            row = row + sp.csr_matrix(
                (float(p["social_items"]) * agg.data, (np.zeros(len(cols), dtype=np.int64), cols)),
                shape=(1, width))
        return self.score_features(row)[0]

    # -- scoring -----------------------------------------------------------------------------
    def _augment(self) -> None:
        """The scoring pair: biases folded into the factors (one product gives the scores)."""
        assert self._user_repr is not None and self._item_repr is not None
        assert self._user_bias is not None and self._item_bias is not None
        self._user_aug, self._item_aug = augment_factors(
            self._user_repr, self._user_bias, self._item_repr, self._item_bias
        )

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        self._check_fitted()
        users = np.asarray(users, dtype=np.int64)
        item_aug = self._item_aug if items is None else self._item_aug[np.asarray(items, np.int64)]
        return self._user_aug[users] @ item_aug.T

    # -- persistence -------------------------------------------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        self._check_fitted()
        assert self._user_repr is not None and self._item_repr is not None
        assert self._user_bias is not None and self._item_bias is not None
        meta = {
            "n_user_features": self._n_user_features,
            "n_item_features": self._n_item_features,
            "social_offset": self._social_offset,
            "items_offset": self._items_offset,
        }
        arrays = {
            "user_repr": self._user_repr,
            "user_bias": self._user_bias,
            "item_repr": self._item_repr,
            "item_bias": self._item_bias,
        }
        if self._user_feature_emb is not None:
            assert self._user_feature_bias is not None and self._user_feature_names is not None
            arrays["user_feature_emb"] = self._user_feature_emb
            arrays["user_feature_bias"] = self._user_feature_bias
            arrays["user_feature_names"] = self._user_feature_names
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
        self._augment()
        self._n_user_features = int(meta.get("n_user_features", 0))
        self._n_item_features = int(meta.get("n_item_features", 0))
        self._social_offset = int(meta.get("social_offset", -1))
        self._items_offset = int(meta.get("items_offset", -1))
        if "user_feature_emb" in arrays:
            self._user_feature_emb = arrays["user_feature_emb"].astype(np.float32, copy=False)
            self._user_feature_bias = arrays["user_feature_bias"].astype(np.float32, copy=False)
            self._user_feature_names = arrays["user_feature_names"]


class LightFMSocialModel(LightFMModel):
    """LightFM with social user features on (``lightfm`` with ``social=true``, tuned defaults)."""

    default_params: ClassVar[dict[str, Any]] = {**LightFMModel.default_params, "social": True}
    requires: ClassVar[frozenset[str]] = frozenset({"social"})


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
    return _l1_rows(matrix)


def _l1_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Rows scaled to unit L1 norm (LightFM's ``normalize=True``); empty rows stay empty."""
    norms = np.asarray(abs(matrix).sum(axis=1), dtype=np.float64).ravel()
    norms[norms == 0] = 1.0
    matrix = sp.diags((1.0 / norms).astype(np.float32)) @ matrix
    return sp.csr_matrix(matrix, dtype=np.float32)
