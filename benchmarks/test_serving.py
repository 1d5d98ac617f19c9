"""Serving speed per backend on Last.fm and MovieLens 100K (the issue's targets in brackets).

- single-user ``recommend`` latency, median and 99th percentile (median < 2 ms);
- batch throughput, users per second, every user in one call (factor models >= 20,000/s);
- loading a saved model (< 1 s).
Percentiles come from our own loop of ``N_SINGLE`` calls over random users (pytest-benchmark
reports no p99); pytest-benchmark times the same calls for its table.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import rectool
from benchmarks.conftest import SUMMARY, fitted

MODELS = ["popularity", "linear", "lightfm", "svd"]
DATASETS = ["lastfm", "ml-100k"]
N_SINGLE = 1000


def _record(dataset: str, model: str, measure: str, value: str) -> None:
    SUMMARY.append({"dataset": dataset, "model": model, "measure": measure, "value": value})


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("model", MODELS)
def test_single_user_latency(benchmark, model: str, dataset: str) -> None:
    rec = fitted(model, dataset)
    rng = np.random.default_rng(0)
    users = rec.users.ids[rng.integers(0, len(rec.users), N_SINGLE)].tolist()
    for u in users[:20]:  # warm up
        rec.recommend([u], k=10)
    times = np.empty(N_SINGLE)
    for i, u in enumerate(users):
        t0 = time.perf_counter()
        rec.recommend([u], k=10)
        times[i] = time.perf_counter() - t0
    p50, p99 = np.percentile(times, [50, 99]) * 1e3
    benchmark.extra_info.update({"p50_ms": p50, "p99_ms": p99})
    _record(dataset, model, "single p50 / p99 (ms)", f"{p50:.3f} / {p99:.3f}")
    cycle = iter(users * 1000)
    benchmark(lambda: rec.recommend([next(cycle)], k=10))


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("model", MODELS)
def test_batch_throughput(benchmark, model: str, dataset: str) -> None:
    rec = fitted(model, dataset)
    users = rec.users.ids.tolist()
    rec.recommend(users[:100], k=10)
    result = benchmark.pedantic(lambda: rec.recommend(users, k=10), rounds=5, iterations=1)
    assert len(result) == len(users)
    per_s = len(users) / benchmark.stats.stats.median
    benchmark.extra_info["users_per_s"] = per_s
    _record(dataset, model, "batch users/s", f"{per_s:,.0f} ({len(users)} users)")


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("model", MODELS)
def test_load_time(benchmark, model: str, dataset: str, saved_dir: Path) -> None:
    rec = fitted(model, dataset)
    folder = saved_dir / f"{model}-{dataset}"
    rec.save(folder)
    loaded = benchmark.pedantic(lambda: rectool.load_model(folder), rounds=5, iterations=1)
    assert loaded.recommend(rec.users.ids[:5].tolist()) == rec.recommend(rec.users.ids[:5].tolist())
    size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
    _record(dataset, model, "load s (size MiB)",
            f"{benchmark.stats.stats.median:.3f} ({size:.1f} MiB)")
