"""SVDModel: rectool's Model contract on top of ``surprise.SVD``.

Surprise trains; everything after training is numpy. The trainset is built with
``surprise.Dataset.load_from_df`` whose raw ids are our integer user/item indices, and the
learnt ``bu, bi, pu, qi`` (indexed by surprise's inner ids) are scattered back into arrays
indexed by our indices. Users/items absent from the training rows keep zero bias and zero
factors, so their rows are bias-only -- exactly what ``SVD.estimate`` does for an unknown user
or item (with ``biased=False`` surprise falls back to the global mean for such pairs; so do we).

Ratings: explicit data trains on the ratings with the dataset's ``rating_scale`` (the observed
min/max when it has none). Implicit data trains on ``log1p(weight)`` with that column's min/max as
the rating scale, so ``predict`` there returns log1p-weights, and ``score`` ranks by them.

``score`` returns the unclipped estimate ``mu + bu + bi + pu . qi`` (ties from clipping would
blur rankings); ``predict`` returns the same estimate per (user, item) pair, clipped to the
rating scale, as surprise's ``predict`` does.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import numpy as np

from rectool.data.dataset import Dataset
from rectool.errors import ConfigError, ModelError
from rectool.factors import augment_factors
from rectool.models import Model


def _import_surprise() -> Any:
    """The ``surprise`` module, or a ModelError that says how to install it."""
    try:
        return importlib.import_module("surprise")
    except ImportError as exc:
        raise ModelError(
            "model 'svd' needs the Surprise backend, which is not installed "
            f"({exc}); install it with: pip install scikit-surprise"
        ) from None


def training_ratings(train: Dataset) -> tuple[np.ndarray, tuple[float, float]]:
    """The values surprise trains on and their rating scale (see the module docstring)."""
    values = train.values.astype(np.float64)
    if train.kind == "explicit":
        if train.rating_scale is not None:
            lo, hi = train.rating_scale
        else:
            lo, hi = float(values.min()), float(values.max())
        return values, (float(lo), float(hi))
    ratings = np.log1p(np.maximum(values, 0.0))
    return ratings, (float(ratings.min()), float(ratings.max()))


class SVDModel(Model):
    """Surprise SVD: biased matrix factorisation of ratings trained by SGD (predicts ratings)."""

    default_params: ClassVar[dict[str, Any]] = {
        "n_factors": 100,
        "n_epochs": 20,
        "lr_all": 0.005,
        "reg_all": 0.02,
        "biased": True,
    }
    requires: ClassVar[frozenset[str]] = frozenset()
    predicts_ratings: ClassVar[bool] = True
    param_space: ClassVar[dict[str, tuple[Any, ...]]] = {
        "n_factors": ("int", 10, 200),
        "n_epochs": ("int", 5, 60),
        "lr_all": ("log", 1e-3, 5e-2),
        "reg_all": ("log", 1e-3, 2e-1),
    }

    def __init__(self, seed: int = 0, **params: Any) -> None:
        super().__init__(seed=seed, **params)
        for name in ("n_factors", "n_epochs"):
            if int(self.params[name]) < 1:
                raise ConfigError(f"svd {name} must be at least 1, got {self.params[name]!r}")
        self._mu = 0.0
        self._scale: tuple[float, float] = (0.0, 0.0)
        self._bu: np.ndarray | None = None
        self._bi: np.ndarray | None = None
        self._pu: np.ndarray | None = None
        self._qi: np.ndarray | None = None
        self._known_users: np.ndarray | None = None
        self._known_items: np.ndarray | None = None
        self._user_aug = self._item_aug = np.zeros((0, 0), dtype=np.float32)  # set by _augment

    # -- training ----------------------------------------------------------------------------
    def _fit(self, train: Dataset) -> None:
        surprise = _import_surprise()
        import pandas as pd

        p = self.params
        ratings, scale = training_ratings(train)
        if len(ratings) == 0:
            raise ModelError(f"svd: dataset {train.name!r} has no ratings to learn from")
        frame = pd.DataFrame(
            {
                "user": train.user_index.astype(np.int64),
                "item": train.item_index.astype(np.int64),
                "rating": ratings,
            }
        )
        data = surprise.Dataset.load_from_df(frame, surprise.Reader(rating_scale=scale))
        trainset = data.build_full_trainset()
        algo = surprise.SVD(
            n_factors=int(p["n_factors"]),
            n_epochs=int(p["n_epochs"]),
            biased=bool(p["biased"]),
            lr_all=float(p["lr_all"]),
            reg_all=float(p["reg_all"]),
            random_state=self.seed,
        )
        algo.fit(trainset)

        # inner id -> raw id (= our index); one dict lookup per user/item, not per prediction
        raw_u = np.fromiter(
            (int(trainset.to_raw_uid(u)) for u in range(trainset.n_users)),
            dtype=np.int64,
            count=trainset.n_users,
        )
        raw_i = np.fromiter(
            (int(trainset.to_raw_iid(i)) for i in range(trainset.n_items)),
            dtype=np.int64,
            count=trainset.n_items,
        )
        f = int(p["n_factors"])
        self._bu = np.zeros(train.n_users, dtype=np.float64)
        self._bi = np.zeros(train.n_items, dtype=np.float64)
        self._pu = np.zeros((train.n_users, f), dtype=np.float64)
        self._qi = np.zeros((train.n_items, f), dtype=np.float64)
        self._known_users = np.zeros(train.n_users, dtype=bool)
        self._known_items = np.zeros(train.n_items, dtype=bool)
        self._bu[raw_u] = np.asarray(algo.bu)
        self._bi[raw_i] = np.asarray(algo.bi)
        self._pu[raw_u] = np.asarray(algo.pu)
        self._qi[raw_i] = np.asarray(algo.qi)
        self._known_users[raw_u] = True
        self._known_items[raw_i] = True
        self._mu = float(trainset.global_mean)
        self._scale = scale
        self._augment()

    # -- scoring -----------------------------------------------------------------------------
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        self._check_fitted()
        assert self._bu is not None and self._bi is not None
        assert self._pu is not None and self._qi is not None
        return self._bu, self._bi, self._pu, self._qi

    parallel_scoring = True  # a BLAS product of the factors
    fresh_scores = True  # score returns a new array (masked without a copy)

    def _augment(self) -> None:
        """The float32 scoring pair: mu and the biases folded into the factors (one product)."""
        bu, bi, pu, qi = self._arrays()
        if self.params["biased"]:
            self._user_aug, self._item_aug = augment_factors(pu, bu, qi, bi, offset=self._mu)
        else:
            self._user_aug = np.ascontiguousarray(pu, dtype=np.float32)
            self._item_aug = np.ascontiguousarray(qi, dtype=np.float32)

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        """Unclipped estimated ratings, users x items (all items when ``items`` is None), float32."""
        self._check_fitted()
        users = np.asarray(users, dtype=np.int64)
        if items is None:
            est = self._user_aug[users] @ self._item_aug.T
        else:
            items = np.asarray(items, dtype=np.int64)
            est = self._user_aug[users] @ self._item_aug[items].T
        if not self.params["biased"]:  # Surprise predicts the global mean for unknown pairs
            assert self._known_users is not None and self._known_items is not None
            known_items = self._known_items if items is None else self._known_items[items]
            unknown = ~(self._known_users[users][:, None] & known_items[None, :])
            est[unknown] = self._mu
        return est

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Estimated rating per (user, item) pair, clipped to the rating scale."""
        bu, bi, pu, qi = self._arrays()
        users = np.asarray(users, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        if users.shape != items.shape:
            raise ModelError(f"predict needs as many users as items, got {users.shape} and {items.shape}")
        est = np.einsum("ij,ij->i", pu[users], qi[items])
        if self.params["biased"]:
            est += self._mu + bu[users] + bi[items]
        else:
            assert self._known_users is not None and self._known_items is not None
            unknown = ~(self._known_users[users] & self._known_items[items])
            est[unknown] = self._mu
        lo, hi = self._scale
        return np.clip(est, lo, hi)

    # -- persistence -------------------------------------------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        bu, bi, pu, qi = self._arrays()
        assert self._known_users is not None and self._known_items is not None
        meta = {"global_mean": self._mu, "rating_scale": list(self._scale)}
        arrays = {
            "bu": bu,
            "bi": bi,
            "pu": pu,
            "qi": qi,
            "known_users": self._known_users,
            "known_items": self._known_items,
        }
        return meta, arrays

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        try:
            bu, bi, pu, qi = arrays["bu"], arrays["bi"], arrays["pu"], arrays["qi"]
            known_users, known_items = arrays["known_users"], arrays["known_items"]
            mu, scale = float(meta["global_mean"]), meta["rating_scale"]
        except KeyError as exc:
            raise ModelError(f"saved svd model lacks {exc}") from None
        if pu.shape[0] != self.n_users or qi.shape[0] != self.n_items:
            raise ModelError(
                f"saved svd factors have {pu.shape[0]} users x {qi.shape[0]} items, the model "
                f"header says {self.n_users} x {self.n_items}"
            )
        self._bu, self._bi, self._pu, self._qi = bu, bi, pu, qi
        self._known_users = known_users.astype(bool)
        self._known_items = known_items.astype(bool)
        self._mu = mu
        self._scale = (float(scale[0]), float(scale[1]))
        self._augment()
