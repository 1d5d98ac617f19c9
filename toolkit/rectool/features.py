"""Featurizers: turn a dataset's side data (texts, ...) into dense user/item feature columns.

A featurizer is a class registered through the ``register_featurizers`` hook. Its
``featurize(data)`` returns dense blocks (rows follow the dataset's id maps);
``apply_featurizers`` appends them to ``item_features`` / ``user_features`` as columns named
``<featurizer>:<j>`` and returns a new ``Dataset``, so every model that reads side features
(LightFM as feature columns, the neural model as input vectors) uses them unchanged.

``compare(..., features=["text"])`` applies them once, before the split: featurizers must read
side data only (feature names, texts), never the interactions, or test data would leak.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset, Features
from rectool.errors import ConfigError
from rectool.registry import resolve

FeaturizerSpec = str | tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class FeatureBlocks:
    """Dense feature rows for items and/or users (None when a featurizer has none for them)."""

    items: np.ndarray | None = None  # n_items x d
    users: np.ndarray | None = None  # n_users x d


class Featurizer(ABC):
    """Base class of featurizers: ``default_params`` like ``Model``; ``featurize`` does the work."""

    default_params: ClassVar[dict[str, Any]] = {}

    def __init__(self, **params: Any) -> None:
        unknown = sorted(set(params) - set(self.default_params))
        if unknown:
            allowed = ", ".join(sorted(self.default_params)) or "none"
            raise ConfigError(
                f"{type(self).__name__} has no parameter {', '.join(map(repr, unknown))}; "
                f"allowed: {allowed}"
            )
        self.params: dict[str, Any] = {**self.default_params, **params}

    @abstractmethod
    def featurize(self, data: Dataset) -> FeatureBlocks:
        """Dense item/user feature rows for ``data`` (side data only, never interactions)."""


def apply_featurizers(data: Dataset, featurizers: Sequence[FeaturizerSpec]) -> Dataset:
    """``data`` with every named featurizer's columns appended to its item/user features."""
    item_features, user_features = data.item_features, data.user_features
    for spec in featurizers:
        name, params = (spec, {}) if isinstance(spec, str) else spec
        featurizer = resolve("featurizer", name).obj(**params)
        blocks = featurizer.featurize(data)
        item_features = _append(item_features, blocks.items, data.n_items, name, "item")
        user_features = _append(user_features, blocks.users, data.n_users, name, "user")
    return replace(data, item_features=item_features, user_features=user_features)


def _append(current: Features | None, block: np.ndarray | None, n: int, name: str,
            what: str) -> Features | None:
    if block is None:
        return current
    block = np.asarray(block, dtype=np.float32)
    if block.ndim != 2 or block.shape[0] != n:
        raise ConfigError(
            f"featurizer {name!r} returned {what} features of shape {block.shape}, "
            f"expected ({n}, d)"
        )
    names = tuple(f"{name}:{j}" for j in range(block.shape[1]))
    dense = sp.csr_matrix(block)
    if current is None or current.width == 0:
        return Features(matrix=dense, names=names)
    matrix = sp.hstack([sp.csr_matrix(current.matrix, dtype=np.float32), dense], format="csr")
    return Features(matrix=matrix, names=current.names + names)


__all__ = ["FeatureBlocks", "Featurizer", "apply_featurizers"]
