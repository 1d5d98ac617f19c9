"""Splits: per-user random holdout, global temporal cutoff, leave-last-one-out, k-fold.

Every split works on the rows of one cleaned ``Dataset`` (one row per unique user-item pair),
so train and test share id maps and can never share a (user, item) pair. The seed drives
every random choice. Spec strings: ``holdout:0.2``, ``temporal:0.2``, ``loo``, ``kfold:5``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rectool.data.dataset import Dataset
from rectool.errors import ConfigError


@dataclass(frozen=True)
class Fold:
    """One train/test pair over the same id maps."""

    train: Dataset
    test: Dataset
    index: int = 0


@dataclass(frozen=True)
class Split:
    """A parsed split specification."""

    method: str
    value: float = 0.0

    @property
    def spec(self) -> str:
        if self.method == "loo":
            return "loo"
        if self.method == "kfold":
            return f"kfold:{int(self.value)}"
        return f"{self.method}:{self.value:g}"

    def describe(self) -> str:
        return {
            "holdout": f"per-user random holdout, {self.value:.0%} of each user's rows to test",
            "temporal": f"global temporal cutoff, latest {self.value:.0%} of rows to test",
            "loo": "leave-last-one-out (each user's latest row to test)",
            "kfold": f"per-user {int(self.value)}-fold cross-validation",
        }[self.method]

    def folds(self, data: Dataset, seed: int) -> Iterator[Fold]:
        """Yield the folds of ``data``; all randomness comes from ``seed``."""
        rng = np.random.default_rng(seed)
        if self.method == "kfold":
            fold_of = _per_user_fold(data, int(self.value), rng)
            for f in range(int(self.value)):
                yield _fold(data, fold_of == f, f)
            return
        if self.method == "holdout":
            test = _per_user_holdout(data, self.value, rng)
        elif self.method == "temporal":
            test = _temporal(data, self.value)
        else:
            test = _leave_last_out(data, rng)
        yield _fold(data, test, 0)


def parse_split(spec: str) -> Split:
    """Parse ``holdout:0.2`` / ``temporal:0.2`` / ``loo`` / ``kfold:5`` into a Split."""
    method, _, arg = spec.strip().partition(":")
    method = method.lower()
    usage = "use holdout:FRACTION, temporal:FRACTION, loo or kfold:K (for example holdout:0.2)"
    if method in ("holdout", "temporal"):
        try:
            frac = float(arg) if arg else 0.2
        except ValueError:
            raise ConfigError(f"split {spec!r}: {arg!r} is not a number; {usage}") from None
        if not 0.0 < frac < 1.0:
            raise ConfigError(f"split {spec!r}: the fraction must be between 0 and 1; {usage}")
        return Split(method, frac)
    if method == "loo" and not arg:
        return Split("loo")
    if method == "kfold":
        try:
            k = int(arg) if arg else 5
        except ValueError:
            raise ConfigError(f"split {spec!r}: {arg!r} is not an integer; {usage}") from None
        if k < 2:
            raise ConfigError(f"split {spec!r}: k-fold needs at least 2 folds; {usage}")
        return Split("kfold", k)
    raise ConfigError(f"unknown split {spec!r}; {usage}")


def _fold(data: Dataset, test_mask: np.ndarray, index: int) -> Fold:
    train_rows = np.flatnonzero(~test_mask)
    test_rows = np.flatnonzero(test_mask)
    return Fold(
        train=data.subset(train_rows, name=data.name),
        test=data.subset(test_rows, name=data.name),
        index=index,
    )


def _rank_within_user(data: Dataset, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position among its user's rows ordered by ``key``, and the user's row count."""
    order = np.lexsort((key, data.user_index))
    users_sorted = data.user_index[order]
    counts = data.user_counts()
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[users_sorted]
    return rank, counts[data.user_index]


def _per_user_holdout(data: Dataset, frac: float, rng: np.random.Generator) -> np.ndarray:
    rank, n = _rank_within_user(data, rng.random(data.n_interactions))
    n_test = np.minimum(np.floor(frac * n + 0.5).astype(np.int64), n - 1)
    return rank < n_test


def _per_user_fold(data: Dataset, k: int, rng: np.random.Generator) -> np.ndarray:
    rank, n = _rank_within_user(data, rng.random(data.n_interactions))
    fold = rank % k
    fold[n < 2] = -1  # a user with one row always trains
    return fold


def _require_timestamps(data: Dataset, split: str) -> np.ndarray:
    if data.timestamps is None:
        raise ConfigError(
            f"split {split!r} needs timestamps and dataset {data.name!r} has none; "
            "use holdout:0.2 or kfold:5"
        )
    return data.timestamps


def _temporal(data: Dataset, frac: float) -> np.ndarray:
    ts = _require_timestamps(data, "temporal")
    n_train = int(round((1 - frac) * len(ts)))
    if n_train <= 0 or n_train >= len(ts):
        raise ConfigError(f"temporal:{frac} leaves an empty train or test set")
    cutoff = np.sort(ts)[n_train - 1]
    return ts > cutoff  # ties stay in training: nothing from the future leaks into it


def _leave_last_out(data: Dataset, rng: np.random.Generator) -> np.ndarray:
    ts = _require_timestamps(data, "loo")
    tiebreak = rng.random(len(ts))
    rank, n = _rank_within_user(data, ts.astype(np.float64) + tiebreak * 0.5)
    return (rank == n - 1) & (n >= 2)
