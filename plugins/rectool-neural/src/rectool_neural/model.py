"""NeuralModel: LightGCN (He et al., SIGIR 2020) with optional SocialLGN-style social propagation.

What it learns
- Users and items are nodes of one graph; each of ``layers`` propagation steps replaces every
  node's embedding by the symmetric-normalised sum of its neighbours' (``D^-1/2 A D^-1/2``), and
  the final embedding is the mean over layers 0..K (LightGCN, no weights, no non-linearity).
- ``social=True`` (model ``neural-social``): a user with social links takes
  ``(1 - social_weight)`` of its update from its items and ``social_weight`` from the mean of the
  users it trusts/follows (the row-normalised social graph), as in SocialLGN (Liao et al., 2022),
  simplified to a fixed convex combination instead of a learned fusion layer.
- Side features (``use_features=True`` and the dataset has them, e.g. tags, categories, or the
  dense ``text`` embeddings of ``--features text``): a node's layer-0 embedding is its id
  embedding plus a learned linear projection of its row-L2-normalised feature vector.

Training: BPR loss with one negative per positive drawn uniformly from the items the user has
not seen in training, Adam, L2 on the batch's layer-0 embeddings. Early stopping: ``val_fraction``
of each user's training rows (users with at least 1/val_fraction rows) is held out, NDCG@20 on
them is checked every ``eval_every`` epochs, training stops after ``patience`` checks without
improvement and the best weights are restored; the final embeddings are then propagated over the
full training graph (validation edges included). At most ``epochs`` epochs; ``max_seconds``
(default 270) is a wall-clock guard that keeps a Last.fm fit under 5 minutes on a busy 2-core
CPU. Deterministic on CPU for a fixed seed (numpy Generator for sampling, a seeded torch
Generator for initialisation, ``threads=1``) unless the time guard cuts training short.

Scores are ``user_emb @ item_emb.T`` of the propagated embeddings, computed in numpy; saving
stores those two arrays only (no pickle, no torch needed to score a loaded model).
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import numpy as np

from rectool.data.dataset import Dataset
from rectool.errors import ConfigError, ModelError
from rectool.models import Model

INSTALL_HINT = "install it with: pip install rectool-neural (which pins torch==2.13.0)"


def import_torch() -> Any:
    """The ``torch`` module, or a ModelError that says how to install it."""
    try:
        return importlib.import_module("torch")
    except ImportError as exc:
        raise ModelError(
            f"model 'neural' needs PyTorch, which is not installed ({exc}); {INSTALL_HINT}"
        ) from None


class NeuralModel(Model):
    """LightGCN graph model in PyTorch (BPR, early stopping); social=True adds the social graph."""

    default_params: ClassVar[dict[str, Any]] = {
        "dim": 64,
        "layers": 3,
        "lr": 5e-3,
        "reg": 1e-4,
        "batch_size": 2048,
        "epochs": 100,
        "eval_every": 5,
        "patience": 3,
        "val_fraction": 0.1,
        "max_val_users": 2000,
        "social": False,
        "social_weight": 0.2,
        "social_items": 0.0,
        "social_items_top": 50,
        "use_features": False,
        "min_rating": None,
        "device": "cpu",
        "threads": 1,
        "max_seconds": 270.0,
    }
    requires: ClassVar[frozenset[str]] = frozenset()
    param_space: ClassVar[dict[str, tuple[Any, ...]]] = {
        "dim": ("int", 16, 128),
        "layers": ("int", 1, 4),
        "lr": ("log", 1e-3, 2e-2),
        "reg": ("log", 1e-6, 1e-2),
    }

    def __init__(self, seed: int = 0, **params: Any) -> None:
        super().__init__(seed=seed, **params)
        p = self.params
        for name in ("dim", "layers", "batch_size", "epochs", "eval_every", "patience",
                     "max_val_users"):
            minimum = 0 if name == "layers" else 1
            if int(p[name]) < minimum:
                raise ConfigError(f"neural {name} must be at least {minimum}, got {p[name]!r}")
        if not 0.0 <= float(p["val_fraction"]) < 1.0:
            raise ConfigError(f"neural val_fraction must be in [0, 1), got {p['val_fraction']!r}")
        if not 0.0 <= float(p["social_weight"]) <= 1.0:
            raise ConfigError(f"neural social_weight must be in [0, 1], got {p['social_weight']!r}")
        if float(p["social_items"]) < 0 or int(p["social_items_top"]) < 1:
            raise ConfigError(
                f"neural social_items must be >= 0 and social_items_top >= 1, got "
                f"{p['social_items']!r} and {p['social_items_top']!r}"
            )
        if float(p["lr"]) <= 0:
            raise ConfigError(f"neural lr must be positive, got {p['lr']!r}")
        if not str(p["device"]).startswith(("cpu", "cuda")):
            raise ConfigError(f"neural device must be cpu or cuda[:N], got {p['device']!r}")
        self._user_emb: np.ndarray | None = None
        self._item_emb: np.ndarray | None = None
        self.history_: list[dict[str, float]] = []

    def _fit(self, train: Dataset) -> None:
        import_torch()
        from rectool_neural.train import train_lightgcn

        if self.params["social"] and train.social is None:
            raise ModelError(
                f"neural with social=True needs a social graph, which dataset {train.name!r} "
                "does not have; use social=False"
            )
        result = train_lightgcn(train, self.params, self.seed)
        self._user_emb, self._item_emb = result.user_emb, result.item_emb
        self.history_ = result.history
        self.best_epoch_ = result.best_epoch

    parallel_scoring = True  # a BLAS product of the embeddings

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        self._check_fitted()
        assert self._user_emb is not None and self._item_emb is not None
        item_emb = self._item_emb if items is None else self._item_emb[np.asarray(items)]
        return self._user_emb[np.asarray(users, dtype=np.int64)] @ item_emb.T

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        self._check_fitted()
        assert self._user_emb is not None and self._item_emb is not None
        return {"best_epoch": getattr(self, "best_epoch_", None)}, {
            "user_emb": self._user_emb, "item_emb": self._item_emb,
        }

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        try:
            user_emb, item_emb = arrays["user_emb"], arrays["item_emb"]
        except KeyError as exc:
            raise ModelError(f"saved neural model lacks array {exc}") from None
        if user_emb.shape[0] != self.n_users or item_emb.shape[0] != self.n_items:
            raise ModelError(
                f"saved neural embeddings have {user_emb.shape[0]} users x {item_emb.shape[0]} "
                f"items, the model header says {self.n_users} x {self.n_items}"
            )
        self._user_emb = user_emb.astype(np.float32, copy=False)
        self._item_emb = item_emb.astype(np.float32, copy=False)
        self.best_epoch_ = meta.get("best_epoch")


class NeuralSocialModel(NeuralModel):
    """LightGCN with SocialLGN-style propagation over the social graph (needs social links)."""

    default_params: ClassVar[dict[str, Any]] = {**NeuralModel.default_params, "social": True}
    requires: ClassVar[frozenset[str]] = frozenset({"social"})
    param_space: ClassVar[dict[str, tuple[Any, ...]]] = {
        **NeuralModel.param_space, "social_weight": ("float", 0.05, 0.6)}
