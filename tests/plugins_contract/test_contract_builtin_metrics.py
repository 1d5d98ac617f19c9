"""Every built-in metric passes the metric contract, with values worked out by hand."""

from __future__ import annotations

import math

import numpy as np

from rectool import metrics as m
from rectool.metrics import RatingPairs
from rectool.testing import MetricCase, MetricContract, make_ranked

# three users, k = 4: hits at positions 2 and 4 (3 relevant); a short list with one hit at 1;
# no hit at all. Items 0..8 of 10 are recommended to someone.
RANKED = make_ranked([[0, 1, 2, 3], [4, -1, -1, -1], [5, 6, 7, 8]], [{1, 3, 9}, {4}, {0}],
                     n_items=10)
PAIRS = RatingPairs(np.array([0, 0, 1]), np.array([3.0, 4.0, 5.0]), np.array([4.0, 4.0, 3.0]))
LOG3, LOG5 = math.log2(3), math.log2(5)


class TestPrecision(MetricContract):
    metric_class = m.Precision

    def cases(self):
        return [MetricCase(RANKED, [2 / 4, 1 / 4, 0.0], "hits / k, short lists too")]


class TestRecall(MetricContract):
    metric_class = m.Recall

    def cases(self):
        return [MetricCase(RANKED, [2 / 3, 1.0, 0.0])]


class TestF1(MetricContract):
    metric_class = m.F1

    def cases(self):
        return [MetricCase(RANKED, [4 / 7, 0.4, 0.0], "per-user F1, 0 when P + R = 0")]


class TestNDCG(MetricContract):
    metric_class = m.NDCG

    def cases(self):
        first = (1 / LOG3 + 1 / LOG5) / (1 + 1 / LOG3 + 1 / 2)
        return [MetricCase(RANKED, [first, 1.0, 0.0], "ideal DCG over min(k, relevant)")]


class TestMAP(MetricContract):
    metric_class = m.MAP

    def cases(self):
        return [MetricCase(RANKED, [(1 / 2 + 2 / 4) / 3, 1.0, 0.0])]


class TestMRR(MetricContract):
    metric_class = m.MRR

    def cases(self):
        return [MetricCase(RANKED, [1 / 2, 1.0, 0.0])]


class TestHitRate(MetricContract):
    metric_class = m.HitRate

    def cases(self):
        return [MetricCase(RANKED, [1.0, 1.0, 0.0])]


class TestCoverage(MetricContract):
    metric_class = m.Coverage

    def cases(self):
        return [MetricCase(RANKED, [0.9], "items 0..8 of 10; -1 is not an item"),
                MetricCase(RANKED.at(1), [0.3])]


class TestRMSE(MetricContract):
    metric_class = m.RMSE
    value_range = (0.0, math.inf)

    def cases(self):
        return [MetricCase(PAIRS, [math.sqrt(5 / 3)])]


class TestMAE(MetricContract):
    metric_class = m.MAE
    value_range = (0.0, math.inf)

    def cases(self):
        return [MetricCase(PAIRS, [1.0])]


def test_every_builtin_metric_has_a_contract_test():
    from rectool.registry import get_registry

    tested = {cls.metric_class for cls in MetricContract.__subclasses__()
              if cls.__module__ == __name__}
    builtin = {e.obj for e in get_registry("metric").entries if e.plugin == "builtin"}
    assert builtin <= tested, sorted(c.__name__ for c in builtin - tested)
