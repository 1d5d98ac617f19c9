"""Built-in metrics, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from rectool import metrics as m
from rectool.hookspecs import Register, hookimpl


@hookimpl
def register_metrics(register: Register) -> None:
    register("precision", m.Precision)
    register("recall", m.Recall)
    register("f1", m.F1)
    register("ndcg", m.NDCG)
    register("map", m.MAP)
    register("mrr", m.MRR)
    register("hit_rate", m.HitRate)
    register("coverage", m.Coverage)
    register("rmse", m.RMSE)
    register("mae", m.MAE)
