"""Model: the contract every recommender implements (fit / score / recommend / save / load).

Subclasses implement ``_fit`` and ``score``; ``recommend`` is shared: it scores users in
batches sized from a memory budget, masks training items straight from the training CSR,
takes top-k with ``argpartition`` and pads with -1 when fewer than k candidates exist.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset
from rectool.errors import ConfigError, ModelError

#: Default memory budget for one scoring batch (bytes of float32 scores).
DEFAULT_BATCH_BYTES = 256 * 1024 * 1024
FORMAT_VERSION = 1


class Model(ABC):
    """Base class of every recommender.

    Class attributes a subclass sets:
    - ``default_params``: parameter names with defaults (their types drive CLI parsing);
    - ``requires``: dataset parts the model cannot work without (``social``,
      ``item_features``, ``user_features``, ``ratings``, ``timestamps``);
    - ``predicts_ratings``: True when ``predict`` returns ratings (enables rmse/mae).
    """

    default_params: ClassVar[dict[str, Any]] = {}
    requires: ClassVar[frozenset[str]] = frozenset()
    predicts_ratings: ClassVar[bool] = False

    def __init__(self, seed: int = 0, **params: Any) -> None:
        unknown = sorted(set(params) - set(self.default_params))
        if unknown:
            allowed = ", ".join(sorted(self.default_params)) or "none"
            raise ConfigError(
                f"{type(self).__name__} has no parameter {', '.join(map(repr, unknown))}; "
                f"allowed: {allowed}"
            )
        self.seed = int(seed)
        self.params: dict[str, Any] = {**self.default_params, **params}
        self._seen: sp.csr_matrix | None = None
        self.n_users = 0
        self.n_items = 0

    # -- training ----------------------------------------------------------------------------
    def fit(self, train: Dataset) -> Self:
        """Fit on a training dataset; refuses datasets that lack what the model requires."""
        missing = sorted(r for r in self.requires if not train.has(r))
        if missing:
            raise ModelError(
                f"{type(self).__name__} requires {', '.join(missing)}, which dataset "
                f"{train.name!r} does not have"
            )
        self.n_users, self.n_items = train.n_users, train.n_items
        self._seen = train.interaction_matrix(binary=True)
        self._fit(train)
        return self

    @abstractmethod
    def _fit(self, train: Dataset) -> None:
        """Learn from ``train``; indices follow its id maps."""

    @property
    def fitted(self) -> bool:
        return self._seen is not None

    def _check_fitted(self) -> None:
        if not self.fitted:
            raise ModelError(f"{type(self).__name__} is not fitted; call fit(train) first")

    # -- scoring -----------------------------------------------------------------------------
    @abstractmethod
    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        """Scores for users x items (all items when ``items`` is None); higher is better.

        ``-inf`` marks an item the model cannot recommend to that user.
        """

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Predicted rating for each (user, item) pair; only models with ``predicts_ratings``."""
        raise ModelError(f"{type(self).__name__} does not predict ratings")

    def recommend(
        self,
        users: np.ndarray | list[int],
        k: int = 10,
        *,
        exclude_seen: bool = True,
        exclude: sp.csr_matrix | None = None,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
    ) -> np.ndarray:
        """Top-k item indices per user, best first; -1 pads rows with fewer than k candidates.

        Never returns an item twice, never an index outside the catalogue, and (by default)
        never an item the user interacted with in training. ``exclude`` (users x items CSR)
        replaces the training items as the mask, e.g. to mask only training positives.
        """
        self._check_fitted()
        users = np.asarray(users, dtype=np.int64)
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}")
        if users.size and (users.min() < 0 or users.max() >= self.n_users):
            raise ModelError(f"user index out of range 0..{self.n_users - 1}")
        out = np.full((len(users), k), -1, dtype=np.int64)
        batch = max(1, int(batch_bytes // (4 * max(self.n_items, 1))))
        for start in range(0, len(users), batch):
            chunk = users[start : start + batch]
            scores = np.array(self.score(chunk), dtype=np.float32, copy=True)
            mask = exclude if exclude is not None else (self._seen if exclude_seen else None)
            if mask is not None:
                rows = mask[chunk]
                scores[np.repeat(np.arange(len(chunk)), np.diff(rows.indptr)), rows.indices] = (
                    -np.inf
                )
            out[start : start + len(chunk)] = top_k(scores, k)
        return out

    # -- persistence -------------------------------------------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able metadata and named arrays that fully describe the fitted model."""
        raise ModelError(f"{type(self).__name__} does not support saving yet")

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        raise ModelError(f"{type(self).__name__} does not support loading yet")

    def save(self, path: str | Path) -> None:
        """Write ``meta.json`` and ``arrays.npz`` into folder ``path`` (no pickle)."""
        self._check_fitted()
        assert self._seen is not None
        meta, arrays = self.get_state()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        header = {
            "format_version": FORMAT_VERSION,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",
            "seed": self.seed,
            "params": self.params,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "state": meta,
        }
        seen = self._seen
        arrays = {
            **arrays,
            "_seen_indptr": seen.indptr,
            "_seen_indices": seen.indices,
        }
        np.savez(folder / "arrays.npz", **arrays)
        (folder / "meta.json").write_text(json.dumps(header, indent=2, default=_jsonable))

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Load a model saved by ``save`` into this class (arrays only, never pickle)."""
        folder = Path(path)
        try:
            header = json.loads((folder / "meta.json").read_text())
            with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except (OSError, ValueError, json.JSONDecodeError) as exc:
            raise ModelError(f"cannot read saved model in {folder}: {exc}") from None
        if header.get("format_version") != FORMAT_VERSION:
            raise ModelError(
                f"{folder} was saved with model format {header.get('format_version')}, this "
                f"rectool reads format {FORMAT_VERSION}; refit and save again"
            )
        model = cls(seed=header["seed"], **header["params"])
        model.n_users, model.n_items = header["n_users"], header["n_items"]
        indptr, indices = arrays.pop("_seen_indptr"), arrays.pop("_seen_indices")
        model._seen = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), indices, indptr),
            shape=(model.n_users, model.n_items),
        )
        model.set_state(header["state"], arrays)
        return model


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best finite scores per row, best first; -1 where none are left.

    Deterministic for equal input; within the returned k, equal scores are ordered by item index.
    """
    n_rows, n_cols = scores.shape
    out = np.full((n_rows, k), -1, dtype=np.int64)
    if n_cols == 0 or n_rows == 0:
        return out
    scores = np.where(np.isnan(scores), -np.inf, scores)
    kk = min(k, n_cols)
    if kk < n_cols:
        part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
    else:
        part = np.broadcast_to(np.arange(n_cols), (n_rows, n_cols)).copy()
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    ranked = np.take_along_axis(part, order, axis=1)
    ranked_scores = np.take_along_axis(part_scores, order, axis=1)
    ranked[~np.isfinite(ranked_scores) & (ranked_scores < 0)] = -1
    out[:, :kk] = ranked
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in model metadata")
