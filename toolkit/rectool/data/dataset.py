"""Dataset: read-only interactions with id maps, optional timestamps, side features and a social graph.

One row per unique (user, item) pair, already cleaned (see ``rectool.data.build``). Splits make
new ``Dataset`` objects over a subset of rows that share the id maps, features and social graph,
so train and test always agree on indices.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

import numpy as np
import scipy.sparse as sp

from rectool.data.idmap import IdMap

Kind = Literal["explicit", "implicit"]


@dataclass(frozen=True)
class Features:
    """A sparse feature matrix whose rows follow a dataset's user or item id map."""

    matrix: sp.csr_matrix
    names: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.matrix.shape[1] != len(self.names):
            raise ValueError(
                f"feature matrix has {self.matrix.shape[1]} columns but {len(self.names)} names"
            )

    @property
    def width(self) -> int:
        return len(self.names)


@dataclass
class CleaningReport:
    """What cleaning changed or dropped, counted; printed in every report (nothing silent)."""

    counts: dict[str, int] = field(default_factory=dict)
    policies: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + int(n)

    def lines(self) -> list[str]:
        out = [f"{k.replace('_', ' ')}: {v}" for k, v in self.counts.items() if v]
        out += [f"policy {k}: {v}" for k, v in self.policies.items()]
        return out

    def to_dict(self) -> dict[str, object]:
        return {"counts": dict(self.counts), "policies": dict(self.policies)}


@dataclass(frozen=True)
class TestRows:
    """Rows of a supplied test file, indexed by the training dataset's id maps.

    Built by ``rectool.data.build.attach_test``: cleaned like the training rows, with rows of
    unknown users or items (and pairs already in training) left out and counted in the
    dataset's report. ``compare`` evaluates on them instead of splitting.
    """

    __test__ = False  # not a pytest class

    user_index: np.ndarray
    item_index: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray | None
    source: str
    description: str


@dataclass(frozen=True, eq=False)
class Dataset:
    """Interactions of users with items, indexed through shared id maps. Treat as read-only."""

    name: str
    users: IdMap
    items: IdMap
    user_index: np.ndarray  # int32, one entry per unique (user, item) row
    item_index: np.ndarray  # int32
    values: np.ndarray  # float32: rating (explicit) or weight (implicit)
    kind: Kind = "implicit"
    timestamps: np.ndarray | None = None  # int64 seconds, aligned with the rows
    rating_scale: tuple[float, float] | None = None
    user_features: Features | None = None
    item_features: Features | None = None
    social: sp.csr_matrix | None = None  # users x users, directed: row u trusts/follows column v
    social_kind: Literal["trust", "friends"] | None = None
    report: CleaningReport = field(default_factory=CleaningReport)
    #: rows of a supplied test file (``load_table(..., test=PATH)``); None: ``compare`` splits
    test_rows: TestRows | None = None

    def __post_init__(self) -> None:
        n = len(self.user_index)
        if not (len(self.item_index) == len(self.values) == n):
            raise ValueError("user_index, item_index and values must have the same length")
        if self.timestamps is not None and len(self.timestamps) != n:
            raise ValueError("timestamps must align with the interaction rows")

    # -- sizes -------------------------------------------------------------------------------
    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def n_interactions(self) -> int:
        return len(self.user_index)

    @property
    def n_social_links(self) -> int:
        return 0 if self.social is None else int(self.social.nnz)

    def has(self, requirement: str) -> bool:
        """Whether the dataset provides ``social``, ``item_features``, ``user_features``,
        ``ratings`` or ``timestamps`` (the vocabulary of ``Model.requires``)."""
        return {
            "social": self.social is not None,
            "item_features": self.item_features is not None,
            "user_features": self.user_features is not None,
            "ratings": self.kind == "explicit",
            "timestamps": self.timestamps is not None,
        }.get(requirement, False)

    # -- matrices ----------------------------------------------------------------------------
    def interaction_matrix(self, binary: bool = False) -> sp.csr_matrix:
        """Users x items CSR of values (rating or weight), or of ones when ``binary``."""
        return self._binary if binary else self._valued

    @cached_property
    def _valued(self) -> sp.csr_matrix:
        return self._csr(self.values)

    @cached_property
    def _binary(self) -> sp.csr_matrix:
        return self._csr(np.ones(self.n_interactions, dtype=np.float32))

    def _csr(self, data: np.ndarray) -> sp.csr_matrix:
        m = sp.csr_matrix(
            (data.astype(np.float32, copy=False), (self.user_index, self.item_index)),
            shape=(self.n_users, self.n_items),
        )
        m.sort_indices()
        return m

    def relevant(self, threshold: float | None) -> np.ndarray:
        """Boolean mask of rows that count as relevant: rating >= threshold when explicit."""
        if self.kind == "explicit" and threshold is not None:
            return self.values >= threshold
        return np.ones(self.n_interactions, dtype=bool)

    def user_counts(self) -> np.ndarray:
        return np.bincount(self.user_index, minlength=self.n_users)

    def item_counts(self) -> np.ndarray:
        return np.bincount(self.item_index, minlength=self.n_items)

    # -- derived datasets --------------------------------------------------------------------
    def subset(self, rows: np.ndarray, name: str | None = None) -> Dataset:
        """The same dataset restricted to some interaction rows (id maps and side data kept)."""
        rows = np.asarray(rows)
        return replace(
            self,
            name=name or self.name,
            user_index=self.user_index[rows],
            item_index=self.item_index[rows],
            values=self.values[rows],
            timestamps=None if self.timestamps is None else self.timestamps[rows],
            test_rows=None,  # a part of the data is never evaluated on the supplied test file
        )

    def supplied_test(self) -> Dataset | None:
        """The supplied test rows as a Dataset over the same id maps and side data, or None."""
        t = self.test_rows
        if t is None:
            return None
        return replace(self, user_index=t.user_index, item_index=t.item_index, values=t.values,
                       timestamps=t.timestamps, test_rows=None)

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "users": self.n_users,
            "items": self.n_items,
            "interactions": self.n_interactions,
            "social_links": self.n_social_links,
            "user_features": 0 if self.user_features is None else self.user_features.width,
            "item_features": 0 if self.item_features is None else self.item_features.width,
        }

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, {self.kind}, users={self.n_users}, items={self.n_items}, "
            f"interactions={self.n_interactions}, social_links={self.n_social_links})"
        )
