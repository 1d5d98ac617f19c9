"""Paired significance of per-user metric differences against a baseline model.

For each metric, the two models' per-user values are aligned on the users both evaluated (the
same users when they ran on the same folds); the difference ``model - baseline`` gets its mean,
a t-based 95% confidence interval, the paired t-test p-value (``scipy.stats.ttest_rel``) and the
Wilcoxon signed-rank p-value (zero differences dropped, scipy's default ``zero_method="wilcox"``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Paired:
    """One model against the baseline on one metric."""

    model: str
    baseline: str
    metric: str
    n_users: int
    model_mean: float
    baseline_mean: float
    mean_diff: float
    relative: float  # mean_diff / baseline_mean; NaN when the baseline mean is 0
    ci_low: float
    ci_high: float
    t_stat: float
    p_value: float  # paired t-test, two-sided
    wilcoxon_p: float

    def to_dict(self) -> dict[str, object]:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in asdict(self).items()}


def paired_test(
    values: np.ndarray, baseline: np.ndarray, *, confidence: float = 0.95
) -> dict[str, float]:
    """Mean difference, t-based CI, paired t-test and Wilcoxon p-values of ``values - baseline``.

    NaN entries (metric undefined for a user) are dropped pairwise. With fewer than two pairs,
    or zero variance, the CI and p-values are NaN (zero variance and zero mean: p = 1).
    """
    a = np.asarray(values, dtype=np.float64)
    b = np.asarray(baseline, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"paired values differ in shape: {a.shape} vs {b.shape}")
    ok = ~(np.isnan(a) | np.isnan(b))
    a, b = a[ok], b[ok]
    d = a - b
    n = len(d)
    nan = float("nan")
    out = {"n": float(n), "mean_diff": float(d.mean()) if n else nan,
           "ci_low": nan, "ci_high": nan, "t_stat": nan, "p_value": nan, "wilcoxon_p": nan}
    if n < 2:
        return out
    sd = float(d.std(ddof=1))
    if sd == 0.0:
        if out["mean_diff"] == 0.0:
            out.update(ci_low=0.0, ci_high=0.0, p_value=1.0, wilcoxon_p=1.0)
        return out
    se = sd / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
    t = stats.ttest_rel(a, b)
    out.update(ci_low=out["mean_diff"] - half, ci_high=out["mean_diff"] + half,
               t_stat=float(t.statistic), p_value=float(t.pvalue))
    if np.any(d != 0):
        out["wilcoxon_p"] = float(stats.wilcoxon(a, b).pvalue)
    return out


def _aligned(users_a: np.ndarray, vals_a: np.ndarray, users_b: np.ndarray, vals_b: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Values of both models over the same users (by id and occurrence, for k-fold repeats)."""
    if len(users_a) == len(users_b) and np.array_equal(users_a, users_b):
        return vals_a, vals_b

    def keyed(users: np.ndarray) -> list[tuple[str, int]]:
        seen: dict[str, int] = {}
        out = []
        for u in users.tolist():
            seen[u] = seen.get(u, 0) + 1
            out.append((str(u), seen[u]))
        return out

    index_b = {key: i for i, key in enumerate(keyed(users_b))}
    pairs = [(i, index_b[key]) for i, key in enumerate(keyed(users_a)) if key in index_b]
    ia = np.array([p[0] for p in pairs], dtype=np.int64)
    ib = np.array([p[1] for p in pairs], dtype=np.int64)
    return vals_a[ia], vals_b[ib]


def compare_to_baseline(models: list, baseline: str, metrics: list[str]) -> list[Paired]:
    """``Paired`` records for every model other than ``baseline`` (``ModelResult`` objects)."""
    base = next((m for m in models if m.model == baseline), None)
    if base is None:
        raise KeyError(baseline)
    out: list[Paired] = []
    if base.error:
        return out
    for m in models:
        if m is base or m.error:
            continue
        for metric in metrics:
            if metric not in m.per_user or metric not in base.per_user:
                continue
            a, b = _aligned(m.users, m.per_user[metric], base.users, base.per_user[metric])
            r = paired_test(a, b)
            bm = float(np.nanmean(b)) if len(b) else float("nan")
            out.append(Paired(
                model=m.model, baseline=baseline, metric=metric, n_users=int(r["n"]),
                model_mean=float(np.nanmean(a)) if len(a) else float("nan"), baseline_mean=bm,
                mean_diff=r["mean_diff"],
                relative=r["mean_diff"] / bm if bm else float("nan"),
                ci_low=r["ci_low"], ci_high=r["ci_high"], t_stat=r["t_stat"],
                p_value=r["p_value"], wilcoxon_p=r["wilcoxon_p"],
            ))
    return out


__all__ = ["Paired", "compare_to_baseline", "paired_test"]
