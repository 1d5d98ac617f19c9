"""``MetricContract``: the checks every rectool metric must pass. Subclass it in a test module::

    from rectool.testing import MetricCase, MetricContract, make_ranked

    class TestMine(MetricContract):
        metric_class = Mine
        value_range = (0.0, 1.0)

        def cases(self):
            return [MetricCase(make_ranked([[3, 1, -1]], [{1}], n_items=5), [0.5])]

``cases`` are hand-made rankings with the values you worked out on paper; the suite adds shape,
range, NaN and no-mutation checks on seeded random rankings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from rectool.metrics import Ranked, RatingPairs


def make_ranked(
    recommended: Sequence[Sequence[int]],
    relevant: Sequence[Iterable[int]],
    n_items: int,
    item_counts: Sequence[int] | None = None,
) -> Ranked:
    """A ``Ranked`` written by hand: one list of item indices per user (-1 = empty position),
    each user's relevant items, the catalogue size and (optionally) training counts per item."""
    recs = np.asarray(recommended, dtype=np.int64).reshape(len(recommended), -1)
    rel = [set(r) for r in relevant]
    hits = np.array([[i >= 0 and i in rel[u] for i in row] for u, row in enumerate(recs)],
                    dtype=bool).reshape(recs.shape)
    counts = None if item_counts is None else np.asarray(item_counts, dtype=np.int64)
    return Ranked(recs, hits, np.array([len(r) for r in rel], dtype=np.int64), n_items, counts)


def random_ranked(seed: int = 0, n_users: int = 60, n_items: int = 40, k: int = 10) -> Ranked:
    """Seeded random rankings with short (padded) lists, as the harness would produce them."""
    rng = np.random.default_rng(seed)
    recs = np.argsort(rng.random((n_users, n_items)), axis=1)[:, :k].astype(np.int64)
    lengths = rng.integers(0, k + 1, n_users)
    lengths[0] = k
    recs[np.arange(k) >= lengths[:, None]] = -1
    rel = rng.random((n_users, n_items)) < 0.15
    rel[np.arange(n_users), rng.integers(0, n_items, n_users)] = True  # >= 1 relevant each
    hits = (recs >= 0) & rel[np.arange(n_users)[:, None], np.maximum(recs, 0)]
    counts = rng.integers(0, 50, n_items)
    return Ranked(recs, hits, rel.sum(axis=1).astype(np.int64), n_items, counts)


def random_rating_pairs(seed: int = 0, n: int = 200) -> RatingPairs:
    rng = np.random.default_rng(seed)
    return RatingPairs(rng.integers(0, 20, n), rng.uniform(0.5, 5.5, n),
                       rng.integers(1, 6, n).astype(np.float64))


@dataclass(frozen=True)
class MetricCase:
    """One hand-made input and the values expected from ``compute`` (NaN = undefined)."""

    data: Ranked | RatingPairs
    expected: Sequence[float]
    note: str = ""


class MetricContract:
    """Hand-made values, one value per user, declared range, NaN only where undefined."""

    #: the metric class under test (a ``rectool.Metric`` or ``RatingMetric`` subclass)
    metric_class: ClassVar[type[Any]]
    #: inclusive bounds of every defined value; None when unbounded
    value_range: ClassVar[tuple[float, float] | None] = (0.0, 1.0)

    def cases(self) -> list[MetricCase]:
        """Hand-made inputs with values worked out by hand; at least one is required."""
        raise NotImplementedError(
            f"{type(self).__name__}: define cases() returning MetricCase(make_ranked(...), "
            "[expected per-user values])"
        )

    def random_inputs(self) -> list[Ranked | RatingPairs]:
        if self.metric_class.needs == "ratings":
            return [random_rating_pairs(seed) for seed in range(3)]
        return [random_ranked(seed, k=k) for seed, k in ((0, 10), (1, 1), (2, 25))]

    def make_metric(self) -> Any:
        return self.metric_class()

    # -- the contract --------------------------------------------------------------------
    def test_hand_made_cases(self) -> None:
        cases = self.cases()
        assert cases, "cases() must return at least one MetricCase"
        for case in cases:
            values = np.asarray(self.make_metric().compute(case.data), dtype=np.float64)
            np.testing.assert_allclose(
                values, np.asarray(case.expected, dtype=np.float64), rtol=1e-9, atol=1e-12,
                equal_nan=True, err_msg=case.note,
            )

    def test_one_value_per_user(self) -> None:
        for data in self.random_inputs():
            values = np.asarray(self.make_metric().compute(data))
            if self.metric_class.per_user:
                assert values.shape == (len(data.recommended),)  # type: ignore[union-attr]
            else:
                assert values.shape == (1,)

    def test_values_lie_in_the_declared_range(self) -> None:
        for data in self.random_inputs():
            values = np.asarray(self.make_metric().compute(data), dtype=np.float64)
            assert not np.isinf(values).any(), "metric values must be finite or NaN"
            if self.value_range is not None:
                low, high = self.value_range
                defined = values[~np.isnan(values)]
                assert ((defined >= low) & (defined <= high)).all(), (
                    f"values outside [{low}, {high}]: {defined.min()}..{defined.max()}"
                )

    def test_every_prefix_of_a_ranking_can_be_scored(self) -> None:
        if self.metric_class.needs == "ratings":  # rating metrics take no ranking
            return
        data = random_ranked(3, k=6)
        for kk in range(1, data.k + 1):
            values = np.asarray(self.make_metric().compute(data.at(kk)))
            assert values.shape == ((len(data.recommended),) if self.metric_class.per_user
                                    else (1,))

    def test_aggregate_ignores_undefined_users(self) -> None:
        values = np.array([0.25, np.nan, 0.75])
        assert math.isclose(self.metric_class.aggregate(values), 0.5)
        assert math.isnan(self.metric_class.aggregate(np.array([np.nan])))

    def test_compute_does_not_modify_its_input(self) -> None:
        for data in self.random_inputs():
            before = {k: np.copy(v) for k, v in vars(data).items() if isinstance(v, np.ndarray)}
            self.make_metric().compute(data)
            for key, array in before.items():
                np.testing.assert_array_equal(getattr(data, key), array, err_msg=key)
