"""Experiment files: a whole comparison described in TOML, checked into a typed ``Experiment``.

``rectool compare --config experiment.toml`` reads a file like::

    name = "movielens-all-backends"      # optional; used in plot titles
    split = "holdout:0.2"                 # holdout:F | temporal:F | loo | kfold:K
    seed = 42
    k = [5, 10, 20]                       # or one integer
    metrics = ["precision", "recall"]     # optional; default: every standard metric
    relevance = 4.0                       # optional; default: 4 on 1-5 stars
    mask = "all"                          # all | positives
    memory_budget = "512MB"               # optional; score matrix held at once while ranking
    features = ["text"]                   # optional featurizers for every model
    baseline = "popularity"               # optional; adds paired significance

    [dataset]
    name = "ml-100k"                      # registered name or a CSV/TSV/Parquet file
    options = { columns = "user=uid,item=sku" }   # optional loader options

    [[models]]
    name = "lightfm"                      # registered model name
    label = "lightfm-text"                # optional; how results name it (default: name)
    features = ["text"]                   # optional; replaces the top-level features
    params = { epochs = 20 }

Unknown keys and wrong types raise ``ConfigError`` naming the key and what is allowed.
Command-line options override the file (``Experiment.override``). ``Experiment.to_toml``
writes the resolved configuration, every default filled in, which ``load_experiment`` reads
back into an equal ``Experiment``: rerunning it reproduces the run.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rectool.errors import ConfigError

TOP_KEYS = ("name", "dataset", "split", "seed", "k", "metrics", "relevance", "mask", "features",
            "baseline", "models", "memory_budget")
DATASET_KEYS = ("name", "options")
MODEL_KEYS = ("name", "label", "params", "features")
FEATURE_KEYS = ("name", "params")
MASKS = ("all", "positives")

FeatureSpec = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class ModelEntry:
    """One model of an experiment: registered name, result label, parameters, featurizers."""

    name: str
    label: str
    params: dict[str, Any] = field(default_factory=dict)
    features: tuple[FeatureSpec, ...] | None = None  # None: the experiment's features


@dataclass(frozen=True)
class Experiment:
    """A resolved comparison: everything ``rectool.evaluation.compare`` needs, typed."""

    dataset: str
    models: tuple[ModelEntry, ...]
    dataset_options: dict[str, Any] = field(default_factory=dict)
    split: str = "holdout:0.2"
    seed: int = 42
    k: tuple[int, ...] = (10,)
    metrics: tuple[str, ...] | None = None
    relevance: float | None = None
    mask: str = "all"
    features: tuple[FeatureSpec, ...] = ()
    baseline: str | None = None
    name: str | None = None
    memory_budget: int | None = None  # bytes; None: the default (rectool.models)

    def features_of(self, entry: ModelEntry) -> tuple[FeatureSpec, ...]:
        return self.features if entry.features is None else entry.features

    def override(self, **values: Any) -> Experiment:
        """A copy with command-line values (already typed) replacing the file's."""
        unknown = sorted(set(values) - set(TOP_KEYS) - {"dataset_options"})
        if unknown:
            raise ConfigError(f"cannot override {', '.join(unknown)}")
        exp = replace(self, **values)
        return _checked(exp)

    # -- writing -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The TOML document as a dict: defaults filled in, None values left out."""
        doc: dict[str, Any] = {}
        if self.name is not None:
            doc["name"] = self.name
        doc.update(split=self.split, seed=self.seed, k=list(self.k))
        if self.metrics is not None:
            doc["metrics"] = list(self.metrics)
        if self.relevance is not None:
            doc["relevance"] = self.relevance
        doc["mask"] = self.mask
        doc["features"] = [_feature_doc(f) for f in self.features]
        if self.baseline is not None:
            doc["baseline"] = self.baseline
        if self.memory_budget is not None:
            doc["memory_budget"] = self.memory_budget
        doc["dataset"] = {"name": self.dataset, "options": dict(self.dataset_options)}
        models = []
        for m in self.models:
            entry: dict[str, Any] = {"name": m.name, "label": m.label}
            if m.features is not None:
                entry["features"] = [_feature_doc(f) for f in m.features]
            entry["params"] = dict(m.params)
            models.append(entry)
        doc["models"] = models
        return doc

    def to_toml(self) -> str:
        return dumps_toml(self.to_dict())


# -- reading -----------------------------------------------------------------------------------
def load_experiment(path: str | Path) -> Experiment:
    """Read and check an experiment file; errors name the file, the key and what is allowed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read experiment file {str(path)!r}: {exc.strerror}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return parse_experiment(doc)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def parse_experiment(doc: Mapping[str, Any]) -> Experiment:
    """Check a parsed TOML document and build an ``Experiment`` (see the module docstring)."""
    _known(doc, TOP_KEYS, "")
    if "dataset" not in doc:
        raise ConfigError("missing key 'dataset': a table with name = \"ml-100k\" (or a file)")
    dataset = doc["dataset"]
    if isinstance(dataset, str):
        name, options = dataset, {}
    else:
        _typed(dataset, dict, "dataset", "a table with keys name, options")
        _known(dataset, DATASET_KEYS, "dataset.")
        if "name" not in dataset:
            raise ConfigError("missing key 'dataset.name': a registered dataset name or a file path")
        name = _typed(dataset["name"], str, "dataset.name", "a string")
        options = _typed(dataset.get("options", {}), dict, "dataset.options", "a table")
    if "models" not in doc:
        raise ConfigError("missing key 'models': at least one [[models]] table with name = ...")
    models_doc = _typed(doc["models"], list, "models", "an array of tables ([[models]])")
    models = tuple(_model(m, i) for i, m in enumerate(models_doc))
    exp = Experiment(
        dataset=name,
        dataset_options=dict(options),
        models=models,
        split=_typed(doc.get("split", "holdout:0.2"), str, "split",
                     "a string: holdout:F, temporal:F, loo or kfold:K"),
        seed=_int(doc.get("seed", 42), "seed"),
        k=parse_k_value(doc.get("k", 10), "k"),
        metrics=None if "metrics" not in doc else tuple(
            _str_list(doc["metrics"], "metrics", "an array of metric names")),
        relevance=None if "relevance" not in doc else _number(doc["relevance"], "relevance"),
        mask=_choice(doc.get("mask", "all"), "mask", MASKS),
        features=_features(doc.get("features", []), "features"),
        baseline=None if "baseline" not in doc else _typed(
            doc["baseline"], str, "baseline", "a model label"),
        name=None if "name" not in doc else _typed(doc["name"], str, "name", "a string"),
        memory_budget=None if "memory_budget" not in doc else _bytes(doc["memory_budget"]),
    )
    return _checked(exp)


def parse_k_value(value: Any, key: str) -> tuple[int, ...]:
    allowed = "a positive integer or an array of them, e.g. [5, 10, 20]"
    values = value if isinstance(value, list) else [value]
    if not values or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values):
        raise ConfigError(f"key {key!r}: expected {allowed}, got {value!r}")
    return tuple(sorted(set(values)))


def _checked(exp: Experiment) -> Experiment:
    if not exp.models:
        raise ConfigError("key 'models': name at least one model")
    labels = [m.label for m in exp.models]
    for label in labels:
        if labels.count(label) > 1:
            raise ConfigError(
                f"key 'models': label {label!r} is used twice; give each entry a distinct label"
            )
    if exp.baseline is not None and exp.baseline not in labels:
        raise ConfigError(
            f"key 'baseline': {exp.baseline!r} is not a model label; allowed: {', '.join(labels)}"
        )
    return exp


def _model(doc: Any, index: int) -> ModelEntry:
    where = f"models[{index}]"
    _typed(doc, dict, where, "a table with keys " + ", ".join(MODEL_KEYS))
    _known(doc, MODEL_KEYS, f"{where}.")
    if "name" not in doc:
        raise ConfigError(f"missing key '{where}.name': a registered model name")
    name = _typed(doc["name"], str, f"{where}.name", "a registered model name")
    label = _typed(doc.get("label", name), str, f"{where}.label", "a string")
    params = _typed(doc.get("params", {}), dict, f"{where}.params", "a table of parameters")
    features = None if "features" not in doc else _features(doc["features"], f"{where}.features")
    return ModelEntry(name=name, label=label, params=dict(params), features=features)


def _features(value: Any, key: str) -> tuple[FeatureSpec, ...]:
    allowed = 'an array of featurizer names or tables {name = "text", params = {...}}'
    _typed(value, list, key, allowed)
    out = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append((item, {}))
            continue
        _typed(item, dict, f"{key}[{i}]", allowed)
        _known(item, FEATURE_KEYS, f"{key}[{i}].")
        if "name" not in item:
            raise ConfigError(f"missing key '{key}[{i}].name': a registered featurizer name")
        out.append((_typed(item["name"], str, f"{key}[{i}].name", "a string"),
                    dict(_typed(item.get("params", {}), dict, f"{key}[{i}].params", "a table"))))
    return tuple(out)


def _known(doc: Mapping[str, Any], allowed: Sequence[str], prefix: str) -> None:
    for key in doc:
        if key not in allowed:
            raise ConfigError(f"unknown key '{prefix}{key}'; allowed: {', '.join(allowed)}")


def _typed(value: Any, kind: type, key: str, allowed: str) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ConfigError(f"key {key!r}: expected {allowed}, got {_tname(value)} {value!r}")
    return value


def _bytes(value: Any) -> int:
    from rectool.models import parse_bytes

    message = (f"key 'memory_budget': expected bytes or a size like \"512MB\", "
               f"got {_tname(value)} {value!r}")
    if not isinstance(value, (int, str)) or isinstance(value, bool):
        raise ConfigError(message)
    try:
        return parse_bytes(value)
    except ConfigError:
        raise ConfigError(message) from None


def _int(value: Any, key: str) -> int:
    return _typed(value, int, key, "an integer")


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"key {key!r}: expected a number, got {_tname(value)} {value!r}")
    return float(value)


def _choice(value: Any, key: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ConfigError(f"key {key!r}: expected one of {', '.join(allowed)}, got {value!r}")
    return value


def _str_list(value: Any, key: str, allowed: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"key {key!r}: expected {allowed}, got {value!r}")
    return value


def _tname(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "float", str: "string", list: "array",
            dict: "table"}.get(type(value), type(value).__name__)


def _feature_doc(spec: FeatureSpec) -> Any:
    name, params = spec
    return {"name": name, "params": dict(params)} if params else name


def experiment_from_cli(
    config: str | Path | None,
    *,
    models: Sequence[str] | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    dataset: str | None = None,
    dataset_options: dict[str, Any] | None = None,
    **given: Any,
) -> Experiment:
    """The experiment of ``--config`` (if any) with the options given on the command line.

    Every keyword is None when the option was not given. ``models`` replaces the file's model
    list; ``params`` (``{label: {name: value}}``) is merged into the named entries; a new
    ``dataset`` drops the file's dataset options; ``dataset_options`` are merged over them.
    """
    values = {key: value for key, value in given.items() if value is not None}
    base = load_experiment(config) if config is not None else None
    if base is None:
        if not models:
            raise ConfigError("no model given; name at least one, e.g. --models popularity "
                              "(or give --config FILE)")
        base = Experiment(dataset=dataset or "ml-100k",
                          models=tuple(ModelEntry(n, n) for n in models))
    elif models:
        base = replace(base, models=tuple(ModelEntry(n, n) for n in models))
    if dataset is not None and dataset != base.dataset:
        base = replace(base, dataset=dataset, dataset_options={})
    if dataset_options:
        base = replace(base, dataset_options={**base.dataset_options, **dataset_options})
    if params:
        base = replace(base, models=tuple(
            replace(m, params={**m.params, **params.get(m.label, {})}) for m in base.models))
    return base.override(**values)


# -- a small TOML writer (tomllib only reads) -------------------------------------------------
def dumps_toml(doc: Mapping[str, Any]) -> str:
    """TOML for the shapes an experiment uses: scalars, arrays, tables, arrays of tables."""
    lines: list[str] = []
    scalars = {k: v for k, v in doc.items() if not _is_table(v) and not _is_table_array(v)}
    for key, value in scalars.items():
        if value is not None:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in doc.items():
        if _is_table(value):
            lines += ["", f"[{_key(key)}]"]
            lines += [f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None]
        elif _is_table_array(value):
            for item in value:
                lines += ["", f"[[{_key(key)}]]"]
                lines += [f"{_key(k)} = {_value(v)}" for k, v in item.items() if v is not None]
    return "\n".join(lines) + "\n"


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _key(key: str) -> str:
    bare = key and all(c.isalnum() or c in "-_" for c in key)
    return key if bare else _string(key)


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        # TOML has no null: a None parameter is left out (the model's default applies)
        items = [f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if value is None:
        raise ConfigError("TOML has no null; leave the key out instead")
    raise ConfigError(f"cannot write {type(value).__name__} {value!r} as TOML")


__all__ = ["Experiment", "ModelEntry", "dumps_toml", "experiment_from_cli", "load_experiment",
           "parse_experiment"]
