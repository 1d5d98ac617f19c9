"""IdMap: the vocabulary between external ids (always strings) and contiguous indices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from rectool.errors import DataError


def normalize_id(value: Any) -> str:
    """Turn a caller's id into rectool's canonical string form.

    Ids are strings everywhere; an integral number (``1``, ``np.int64(1)``, ``1.0``) maps to
    ``"1"`` so that ``"1"`` and ``1`` name the same user. Non-integral floats are rejected,
    because an id that went through a float has usually been corrupted already.
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise DataError(f"id {value!r} is a boolean; ids must be strings or integers")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if np.isfinite(value) and float(value).is_integer():
            return str(int(value))
        raise DataError(f"id {value!r} is not an integer or string; pass ids as strings")
    return str(value)


class IdMap:
    """Immutable bidirectional map between external ids (str) and indices 0..n-1."""

    __slots__ = ("_ids", "_index")

    def __init__(self, ids: Iterable[Any]) -> None:
        arr = np.array([normalize_id(i) for i in ids], dtype=object)
        index = {v: i for i, v in enumerate(arr)}
        if len(index) != len(arr):
            seen: set[str] = set()
            dup = next(v for v in arr if v in seen or seen.add(v))  # type: ignore[func-returns-value]
            raise DataError(f"duplicate id {dup!r} in id map")
        self._ids = arr
        self._index = index

    @classmethod
    def from_unique(cls, ids: np.ndarray) -> IdMap:
        """Build from ids that are already unique canonical strings (fast path for loaders)."""
        self = cls.__new__(cls)
        self._ids = np.asarray(ids, dtype=object)
        self._index = {v: i for i, v in enumerate(self._ids)}
        return self

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, value: Any) -> bool:
        try:
            return normalize_id(value) in self._index
        except DataError:
            return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdMap) and np.array_equal(self._ids, other._ids)

    def __hash__(self) -> int:
        return hash(tuple(self._ids))

    def __repr__(self) -> str:
        return f"IdMap({len(self)} ids)"

    @property
    def ids(self) -> np.ndarray:
        """All external ids in index order (a read-only object array of str)."""
        view = self._ids.view()
        view.flags.writeable = False
        return view

    def index(self, value: Any) -> int:
        """Index of one external id; raises KeyError-like DataError when unknown."""
        key = normalize_id(value)
        try:
            return self._index[key]
        except KeyError:
            raise DataError(f"unknown id {key!r}") from None

    def lookup(self, values: Iterable[Any], missing: int = -1) -> np.ndarray:
        """Indices of many external ids; unknown ids become ``missing`` (default -1)."""
        get = self._index.get
        return np.fromiter(
            (get(normalize_id(v), missing) for v in values), dtype=np.int64
        )

    def to_ids(self, indices: np.ndarray) -> np.ndarray:
        """External ids for indices (object array)."""
        return self._ids[np.asarray(indices, dtype=np.int64)]
