"""The evaluation harness: ``compare()`` fits each model on each fold and scores every metric.

One ranking per model and fold, at the largest k, feeds every metric at every k through one
(users x k) hits matrix. Users without a relevant test item are skipped and counted; users with
relevant test items but no training row are cold and counted; both appear in the report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset
from rectool.data.splits import Fold, parse_split
from rectool.errors import AmbiguousNameError, ConfigError, EvaluationError
from rectool.loading import load_dataset
from rectool.metrics import Ranked, RatingPairs, hits_matrix
from rectool.models import DEFAULT_BATCH_BYTES, Model, parse_bytes
from rectool.progress import NoProgress, Progress, reporting
from rectool.registry import Entry, resolve
from rectool.results import ModelResult, Results

DEFAULT_METRICS: tuple[str, ...] = (
    "precision", "recall", "f1", "ndcg", "map", "mrr", "hit_rate", "coverage",
)
RATING_METRICS: tuple[str, ...] = ("rmse", "mae")


@dataclass(frozen=True)
class ModelSpec:
    """A model name (bare or ``plugin:name``) and its parameters."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)


def default_relevance(data: Dataset) -> float | None:
    """Rating >= 4 on a five-star scale (1-5 or 0-5); elsewhere 75% of the way up the range."""
    if data.kind != "explicit":
        return None
    low, high = data.rating_scale or (1.0, 5.0)
    if high == 5.0 and low in (0.0, 1.0):
        return 4.0
    return float(low + 0.75 * (high - low))


def compare(
    models: Sequence[str | ModelSpec],
    dataset: str | Dataset = "ml-100k",
    *,
    k: int | Sequence[int] = 10,
    metrics: Sequence[str] | None = None,
    split: str = "holdout:0.2",
    seed: int = 42,
    relevance: float | None = None,
    mask: str = "all",
    dataset_options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    baseline: str | None = None,
    features: Sequence[str | tuple[str, dict[str, Any]]] | None = None,
    memory_budget: int | str | None = None,
    workers: int | None = None,
) -> Results:
    """Fit and evaluate models on one dataset under one protocol; see the module docstring.

    ``mask="all"`` excludes every training item from a user's ranking (rectool's protocol);
    ``mask="positives"`` excludes only training items rated at or above the relevance threshold
    (Cornac's protocol, for like-with-like comparisons). ``baseline`` names one of ``models``:
    every other model is then compared with it per metric on the same users (mean difference,
    95% CI, paired t-test and Wilcoxon p-values; ``Results.significance()``). ``features`` names
    registered featurizers (e.g. ``["text"]``) whose dense columns are appended to the dataset's
    item/user features before the split (``rectool.features.apply_featurizers``).
    ``memory_budget`` (bytes, or text like ``"512MB"``) bounds the float32 score matrix held at
    once while ranking (default 16 MiB); ``workers`` batches are ranked at once in threads
    within that budget (default: one for a model whose scoring is already parallel, else the
    number of CPUs, at most 4; see ``Model.parallel_scoring``).
    """
    progress = progress or NoProgress()
    budget = DEFAULT_BATCH_BYTES if memory_budget is None else parse_bytes(memory_budget)
    if workers is not None and int(workers) < 1:
        raise ConfigError(f"workers must be at least 1, got {workers}")
    specs = [m if isinstance(m, ModelSpec) else ModelSpec(m) for m in models]
    if not specs:
        raise ConfigError("no model given; name at least one, e.g. --models popularity")
    ks = sorted({k} if isinstance(k, int) else set(k))
    if not ks or ks[0] < 1:
        raise ConfigError(f"k must be a positive integer, got {k!r}")
    if mask not in ("all", "positives"):
        raise ConfigError(f"mask must be 'all' or 'positives', got {mask!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ConfigError(f"seed must be a non-negative integer, got {seed!r}")
    if relevance is not None and not np.isfinite(relevance):
        raise ConfigError(f"relevance threshold must be a finite number, got {relevance!r}")
    if baseline is not None and baseline not in [s.name for s in specs]:
        raise ConfigError(
            f"baseline {baseline!r} is not among the models ({', '.join(s.name for s in specs)})"
        )
    model_classes = [(s, resolve_model(s.name)) for s in specs]  # unknown names fail fast
    for name in metrics or ():
        resolve("metric", name)
    if not isinstance(dataset, Dataset):
        progress.start(1, f"loading {dataset}")
    data = dataset if isinstance(dataset, Dataset) else load_dataset(
        dataset, **(dataset_options or {})
    )
    if features:
        from rectool.features import apply_featurizers

        data = apply_featurizers(data, features)
    threshold = relevance if relevance is not None else default_relevance(data)
    if data.kind != "explicit":
        threshold = None
    metric_names = list(metrics) if metrics else list(DEFAULT_METRICS) + (
        list(RATING_METRICS) if data.kind == "explicit" else []
    )
    metric_classes = {m: resolve("metric", m).obj for m in metric_names}
    for spec, entry in model_classes:  # refuse before any fitting
        if isinstance(entry, AmbiguousNameError):
            continue
        entry.obj.check_requirements(data, spec.name)
        entry.obj(seed=seed, **spec.params)  # validates parameter names early

    supplied = data.supplied_test()  # a test file given with the data: evaluate on it, no split
    if supplied is not None and data.test_rows is not None:
        folds = [Fold(train=replace(data, test_rows=None), test=supplied, index=0)]
        split_spec, split_description = "supplied", data.test_rows.description
    else:
        splitter = parse_split(split)
        folds = list(splitter.folds(data, seed))
        split_spec, split_description = splitter.spec, splitter.describe()
    progress.start(len(folds) * len(specs), "evaluating")
    per_fold: list[list[ModelResult]] = []
    users_info: dict[str, int] = {}
    for fold in folds:
        target = _Target.build(fold, threshold, mask)
        users_info = _add_counts(users_info, target.counts)
        if len(target.users) == 0:
            raise EvaluationError(
                "no user can be evaluated: no test user has a relevant item and a training row "
                f"({_describe_counts(target.counts)}); use a larger test fraction or a lower "
                "relevance threshold"
            )
        fold_results = []
        for spec, entry in model_classes:
            progress.advance(f"{spec.name}: fit + evaluate (fold {fold.index + 1}/{len(folds)})")
            if isinstance(entry, AmbiguousNameError):
                fold_results.append(ModelResult(
                    model=spec.name, qualified=spec.name, params=dict(spec.params),
                    fit_seconds=float("nan"), recommend_seconds=float("nan"), values={},
                    error=f"not run: {entry}"))
                continue
            model = entry.obj(seed=seed, **spec.params)
            with reporting(progress):  # training loops show their epochs under the bar
                fold_results.append(
                    _evaluate(spec, entry.qualified, model, fold, target, ks, metric_classes,
                              budget, workers)
                )
        per_fold.append(fold_results)
    progress.finish()

    protocol = {
        "split": split_spec,
        "split_description": split_description,
        "folds": len(folds),
        "seed": seed,
        "k": ks,
        "relevance": _describe_relevance(data, threshold),
        "relevance_threshold": threshold,
        "mask": "all training items" if mask == "all" else "training items rated relevant",
        "candidates": "all items",
        **({"features": [f if isinstance(f, str) else f[0] for f in features]} if features else {}),
        **users_info,
    }
    return Results(
        dataset=data.summary(),
        protocol=protocol,
        models=ModelResult.merge_folds(per_fold),
        metrics=[_metric_label(m, kk, metric_classes[m]) for m in metric_names for kk in
                 (ks if metric_classes[m].uses_k else [None])],
        cleaning=data.report.to_dict(),
        baseline=baseline,
    )


def resolve_model(name: str) -> Entry | AmbiguousNameError:
    """The model's registry entry. An unknown name raises (a typo: fail before any work); a bare
    name that two plugins provide comes back as its error, so ``compare`` reports that model as
    failed with both qualified names while the other models still run."""
    try:
        return resolve("model", name)
    except AmbiguousNameError as exc:
        return exc


@dataclass
class _Target:
    """What one fold's test data asks of every model."""

    users: np.ndarray  # evaluated user indices
    relevant: sp.csr_matrix  # evaluated users x items
    n_relevant: np.ndarray
    mask: sp.csr_matrix | None
    counts: dict[str, int]

    @classmethod
    def build(cls, fold: Fold, threshold: float | None, mask: str) -> _Target:
        test, train = fold.test, fold.train
        rel_rows = test.relevant(threshold)
        rel = sp.csr_matrix(
            (np.ones(int(rel_rows.sum()), dtype=np.float32),
             (test.user_index[rel_rows], test.item_index[rel_rows])),
            shape=(test.n_users, test.n_items),
        )
        n_rel = np.diff(rel.indptr)
        in_test = test.user_counts() > 0
        in_train = train.user_counts() > 0
        evaluable = (n_rel > 0) & in_train
        users = np.flatnonzero(evaluable)
        counts = {
            "users_evaluated": int(evaluable.sum()),
            "users_skipped_no_relevant": int((in_test & (n_rel == 0)).sum()),
            "users_skipped_cold": int(((n_rel > 0) & ~in_train).sum()),
            # too few rows for the split to hold any out (e.g. 1 or 2 rows at 20%): train-only
            "users_skipped_no_test_rows": int((in_train & ~in_test).sum()),
        }
        # test users left out of the averages, for whoever wants one number
        counts["users_skipped"] = counts["users_skipped_no_relevant"] + counts["users_skipped_cold"]
        exclude = None
        if mask == "positives":
            pos = train.relevant(threshold)
            exclude = sp.csr_matrix(
                (np.ones(int(pos.sum()), dtype=np.float32),
                 (train.user_index[pos], train.item_index[pos])),
                shape=(train.n_users, train.n_items),
            )
        return cls(users, rel[users], n_rel[users], exclude, counts)


def _evaluate(
    spec: ModelSpec,
    qualified: str,
    model: Model,
    fold: Fold,
    target: _Target,
    ks: list[int],
    metric_classes: dict[str, type],
    batch_bytes: int = DEFAULT_BATCH_BYTES,
    workers: int | None = None,
) -> ModelResult:
    stage = "fit"
    try:  # a model that raises is reported as failed; the other models still run
        t0 = time.perf_counter()
        model.fit(fold.train)
        fit_s = time.perf_counter() - t0
        stage = "recommend"
        t0 = time.perf_counter()
        if workers is None:
            workers = 1 if model.parallel_scoring else default_workers()
        recs = model.recommend(target.users, max(ks), exclude=target.mask,
                               batch_bytes=batch_bytes, workers=workers)
        rec_s = time.perf_counter() - t0
        stage = "predict"
        pairs = _rating_pairs(model, fold)
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or [""])[0]
        return ModelResult(
            model=spec.name, qualified=qualified, params=dict(model.params),
            fit_seconds=float("nan"), recommend_seconds=float("nan"), values={},
            error=f"{stage} raised {type(exc).__name__}: {first_line}".rstrip(": "),
        )
    ranked_full = Ranked(recs, hits_matrix(recs, target.relevant), target.n_relevant,
                         fold.train.n_items, fold.train.item_counts())
    values: dict[str, float] = {}
    per_user: dict[str, np.ndarray] = {}
    for name, cls in metric_classes.items():
        metric = cls()
        if cls.needs == "ratings":
            label = _metric_label(name, None, cls)
            values[label] = float("nan") if pairs is None else float(metric.compute(pairs)[0])
            continue
        for kk in ks:
            label = _metric_label(name, kk, cls)
            vals = metric.compute(ranked_full.at(kk))
            values[label] = cls.aggregate(vals)
            if cls.per_user:
                per_user[label] = vals
    return ModelResult(
        model=spec.name,
        qualified=qualified,
        params=dict(model.params),
        fit_seconds=fit_s,
        recommend_seconds=rec_s,
        values=values,
        per_user=per_user,
        users=fold.train.users.to_ids(target.users),
    )


def default_workers() -> int:
    """Threads for ranking a model whose scoring is single-threaded: the CPUs this process may
    use, at most 4 (measured on 2 cores, Last.fm: linear 342 ms alone, 287 ms in two threads)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(4, n))


def _rating_pairs(model: Model, fold: Fold) -> RatingPairs | None:
    test = fold.test
    if not model.predicts_ratings or test.kind != "explicit":
        return None
    known = fold.train.user_counts()[test.user_index] > 0
    users, items = test.user_index[known], test.item_index[known]
    return RatingPairs(users, np.asarray(model.predict(users, items)), test.values[known])


def _metric_label(name: str, k: int | None, cls: type) -> str:
    return f"{name}@{k}" if cls.uses_k and k is not None else name


def _describe_relevance(data: Dataset, threshold: float | None) -> str:
    if threshold is None:
        return "implicit: every test interaction is relevant"
    return f"rating >= {threshold:g}"


def _describe_counts(counts: dict[str, int]) -> str:
    """``{'users_skipped_cold': 2, ...}`` as ``2 skipped: no training rows, ...`` for messages."""
    labels = {"users_evaluated": "evaluated", "users_skipped_no_relevant": "no relevant test items",
              "users_skipped_cold": "no training rows", "users_skipped_no_test_rows": "no test rows"}
    return ", ".join(f"{counts.get(key, 0)} {label}" if key == "users_evaluated"
                     else f"{counts.get(key, 0)} with {label}" for key, label in labels.items())


def _add_counts(total: dict[str, int], new: dict[str, int]) -> dict[str, int]:
    return {key: total.get(key, 0) + value for key, value in new.items()}
