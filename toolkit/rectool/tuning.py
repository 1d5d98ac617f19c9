"""Hyper-parameter search (Optuna) on a validation split carved from the training part only.

``tune(model, dataset, ...)`` splits the dataset exactly as ``compare`` would (same split spec,
same seed; the first fold for k-fold) and keeps only the training part: the test part is never
seen. Each trial evaluates the model with ``compare`` on that training part under the
``validation`` split (default ``holdout:0.2``, per user), so the validation users' held-out
items come from training data. The search space is the model class's ``param_space``
(``{name: ("int"|"float"|"log", low, high)}`` or ``("choice", (a, b))``); ``space`` narrows or
replaces it. The sampler is seeded (TPE), so the same call gives the same trials.

The result converts to an experiment (``TuneResult.experiment``) that ``rectool compare
--config`` runs on the full protocol, test split included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rectool.data.dataset import Dataset
from rectool.data.splits import parse_split
from rectool.errors import ConfigError
from rectool.evaluation import ModelSpec, compare
from rectool.experiment import Experiment, FeatureSpec, ModelEntry
from rectool.progress import NoProgress, Progress

MINIMISED = ("rmse", "mae")
KINDS = ("int", "float", "log", "choice")


@dataclass
class TuneResult:
    model: str
    metric: str
    direction: str
    best_params: dict[str, Any]
    best_value: float
    trials: list[dict[str, Any]] = field(default_factory=list)
    dataset: str = ""
    dataset_options: dict[str, Any] = field(default_factory=dict)
    split: str = "holdout:0.2"
    validation: str = "holdout:0.2"
    seed: int = 42
    k: tuple[int, ...] = (10,)
    features: tuple[FeatureSpec, ...] = ()
    fixed: dict[str, Any] = field(default_factory=dict)

    def experiment(self) -> Experiment:
        """A ``compare --config`` experiment: the tuned model against popularity."""
        tuned = ModelEntry(self.model, self.model, {**self.fixed, **self.best_params})
        models = (tuned,) if self.model == "popularity" else (
            ModelEntry("popularity", "popularity"), tuned)
        return Experiment(
            name=f"{self.model} tuned on {self.dataset} ({self.metric}, validation "
                 f"{self.validation})",
            dataset=self.dataset, dataset_options=dict(self.dataset_options), models=models,
            split=self.split, seed=self.seed, k=self.k, features=self.features,
        )


def check_space(model_cls: type, space: Mapping[str, tuple[Any, ...]], model: str) -> None:
    allowed = ", ".join(sorted(model_cls.default_params)) or "none"
    for name, spec in space.items():
        if name not in model_cls.default_params:
            raise ConfigError(f"param_space of {model!r}: no parameter {name!r}; allowed: {allowed}")
        if not isinstance(spec, tuple) or not spec or spec[0] not in KINDS:
            raise ConfigError(f"param_space of {model!r}: {name} must be (kind, ...) with kind one "
                              f"of {', '.join(KINDS)}, got {spec!r}")


def _suggest(trial: Any, name: str, spec: tuple[Any, ...]) -> Any:
    kind = spec[0]
    if kind == "choice":
        return trial.suggest_categorical(name, list(spec[1]))
    low, high = spec[1], spec[2]
    if kind == "int":
        return trial.suggest_int(name, int(low), int(high))
    return trial.suggest_float(name, float(low), float(high), log=kind == "log")


def training_part(data: Dataset, split: str, seed: int) -> Dataset:
    """The training part of the first fold of ``split``: what tuning may look at."""
    return next(iter(parse_split(split).folds(data, seed))).train


def tune(
    model: str,
    dataset: str | Dataset = "ml-100k",
    *,
    trials: int = 30,
    metric: str = "ndcg@10",
    split: str = "holdout:0.2",
    validation: str = "holdout:0.2",
    seed: int = 42,
    relevance: float | None = None,
    params: dict[str, Any] | None = None,
    space: Mapping[str, tuple[Any, ...]] | None = None,
    features: Sequence[FeatureSpec] = (),
    dataset_options: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> TuneResult:
    """Search ``model``'s parameter space for the best ``metric`` on a validation split."""
    from rectool.loading import load_dataset
    from rectool.registry import resolve

    try:
        import optuna
    except ImportError:
        raise ConfigError("tuning needs Optuna: pip install 'rectool[tune]'") from None
    progress = progress or NoProgress()
    if trials < 1:
        raise ConfigError(f"trials must be at least 1, got {trials}")
    cls = resolve("model", model).obj
    search = dict(cls.param_space if space is None else space)
    check_space(cls, search, model)
    if not search:
        raise ConfigError(f"model {model!r} declares no parameter space (param_space); "
                          "nothing to tune")
    fixed = dict(params or {})
    cls(seed=seed, **fixed)  # unknown fixed parameters fail before loading
    name, _, at = metric.partition("@")
    resolve("metric", name)
    k = int(at) if at else 10
    direction = "minimize" if name in MINIMISED else "maximize"

    name_of = dataset.name if isinstance(dataset, Dataset) else str(dataset)
    data = dataset if isinstance(dataset, Dataset) else load_dataset(
        dataset, **(dataset_options or {}))
    if features:
        from rectool.features import apply_featurizers

        data = apply_featurizers(data, list(features))
    train = training_part(data, split, seed)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction=direction,
                                sampler=optuna.samplers.TPESampler(seed=seed))
    records: list[dict[str, Any]] = []

    def objective(trial: Any) -> float:
        chosen = {p: _suggest(trial, p, s) for p, s in search.items()}
        res = compare([ModelSpec(model, {**fixed, **chosen})], train, k=[k], metrics=[name],
                      split=validation, seed=seed, relevance=relevance)
        result = res.models[0]
        if result.error:
            raise optuna.TrialPruned(result.error)
        value = res.value(model, metric if name not in MINIMISED else name)
        records.append({"trial": trial.number, "params": chosen, "value": value})
        progress.advance(f"trial {trial.number + 1}/{trials}: {metric} {value:.4f}")
        return value

    progress.start(trials, f"tuning {model}")
    try:
        study.optimize(objective, n_trials=trials)
    finally:
        progress.finish()
    completed = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not completed:
        raise ConfigError(f"every tuning trial of {model!r} failed; see its parameters")
    return TuneResult(
        model=model, metric=metric, direction=direction, best_params=dict(study.best_params),
        best_value=float(study.best_value), trials=records, dataset=name_of,
        dataset_options=dict(dataset_options or {}), split=split, validation=validation,
        seed=seed, k=(k,), features=tuple(features), fixed=fixed,
    )


__all__ = ["TuneResult", "check_space", "training_part", "tune"]
