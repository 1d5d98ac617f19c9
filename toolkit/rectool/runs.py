"""Running an ``Experiment`` and saving it as a folder that ``rectool report`` reads back.

A run folder holds:

- ``results.json`` and ``results.csv``: what ``rectool compare --format json|csv`` prints;
- ``per_user.csv``: one row per model and evaluated user (a user appears once per fold), one
  column per per-user metric, values written exactly (``repr`` of the float);
- ``config.toml``: the resolved experiment (every default filled in); ``rectool compare
  --config config.toml`` reruns it and gives the same results files apart from timings;
- ``environment.json``: versions of Python and the libraries, the machine, the command line;
- ``metrics_at_k.png`` and ``per_user.png`` (``rectool.plots``).

Models whose entries name different featurizers are evaluated in groups, each on the same
cleaned rows and so on the same split; the results are merged in the experiment's order.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from rectool.errors import ConfigError, writing
from rectool.experiment import Experiment, FeatureSpec, load_experiment
from rectool.progress import NoProgress, Progress
from rectool.results import ModelResult, Results

RESULTS_JSON, RESULTS_CSV, PER_USER_CSV = "results.json", "results.csv", "per_user.csv"
CONFIG_TOML, ENVIRONMENT_JSON = "config.toml", "environment.json"
TIMING_KEYS = ("fit_seconds", "recommend_seconds")
ENV_DISTRIBUTIONS = ("rectool", "numpy", "scipy", "pandas", "rich", "click", "matplotlib",
                     "optuna", "rectools-lightfm", "scikit-surprise", "torch",
                     "sentence-transformers", "rectool-lightfm", "rectool-surprise",
                     "rectool-neural", "rectool-text")


def run_experiment(exp: Experiment, progress: Progress | None = None) -> Results:
    """Load the dataset once, apply each model's featurizers, evaluate, merge in order."""
    from rectool.evaluation import ModelSpec, compare, resolve_model
    from rectool.loading import load_dataset

    progress = progress or NoProgress()
    for entry in exp.models:  # unknown names and parameters fail before loading anything
        found = resolve_model(entry.name)
        if not isinstance(found, Exception):  # an ambiguous name is reported by compare
            found.obj(seed=exp.seed, **entry.params)
    progress.start(1, f"loading {exp.dataset}")
    data = load_dataset(exp.dataset, **exp.dataset_options)
    progress.advance(f"loaded {exp.dataset}")
    progress.finish()

    groups: dict[tuple[FeatureSpec, ...], list[int]] = {}
    for i, entry in enumerate(exp.models):
        groups.setdefault(_feature_key(exp.features_of(entry)), []).append(i)
    merged: list[ModelResult | None] = [None] * len(exp.models)
    first: Results | None = None
    for feats, indices in groups.items():
        grouped = data
        if feats:
            from rectool.features import apply_featurizers

            progress.start(1, f"features {', '.join(f[0] for f in feats)}")
            grouped = apply_featurizers(data, [(n, dict(p)) for n, p in feats])
            progress.advance("features done")
            progress.finish()
        res = compare(
            [ModelSpec(exp.models[i].name, dict(exp.models[i].params)) for i in indices],
            grouped, k=list(exp.k), metrics=list(exp.metrics) if exp.metrics else None,
            split=exp.split, seed=exp.seed, relevance=exp.relevance, mask=exp.mask,
            progress=progress, memory_budget=exp.memory_budget,
        )
        for i, result in zip(indices, res.models, strict=True):
            result.model = exp.models[i].label
            merged[i] = result
        if first is None:
            first = res
        elif res.protocol["users_evaluated"] != first.protocol["users_evaluated"]:
            raise ConfigError("feature groups were evaluated on different users; report this bug")
    assert first is not None
    protocol = dict(first.protocol)
    names = {m.label: [f[0] for f in exp.features_of(m)] for m in exp.models}
    if len(groups) == 1 and any(names.values()):
        protocol["features"] = next(iter(names.values()))  # one list when every model shares it
    elif len(groups) > 1:
        protocol["features"] = names  # per model label otherwise
    return Results(
        dataset=data.summary(), protocol=protocol, models=[m for m in merged if m is not None],
        metrics=first.metrics, cleaning=first.cleaning, baseline=exp.baseline,
    )


def _feature_key(feats: Sequence[FeatureSpec]) -> tuple[FeatureSpec, ...]:
    return tuple((name, tuple(sorted(params.items()))) for name, params in feats)  # type: ignore[misc]


# -- writing -----------------------------------------------------------------------------------
def write_run(folder: str | Path, results: Results, exp: Experiment | None = None,
              plots: bool = True) -> list[Path]:
    """Write a run folder (see the module docstring); returns the files written."""
    folder = Path(folder)
    with writing(folder):
        return _write_run(folder, results, exp, plots)


def _write_run(folder: Path, results: Results, exp: Experiment | None, plots: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        RESULTS_JSON: results.to_json() + "\n",
        RESULTS_CSV: results.to_csv(),
        PER_USER_CSV: per_user_csv(results),
        ENVIRONMENT_JSON: json.dumps(environment(), indent=2) + "\n",
    }
    if exp is not None:
        files[CONFIG_TOML] = exp.to_toml()
    written = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    if plots:
        from rectool.plots import write_plots

        written += write_plots(results, folder, exp.name if exp is not None else None)
    return written


def per_user_csv(results: Results) -> str:
    labels = list(dict.fromkeys(label for m in results.models for label in m.per_user))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["model", "user", *labels])
    for m in results.models:
        if m.error or not m.per_user:
            continue
        columns = [m.per_user.get(label) for label in labels]
        for row, user in enumerate(m.users):
            writer.writerow([m.model, user, *("" if c is None else repr(float(c[row]))
                                              for c in columns)])
    return buf.getvalue()


def environment() -> dict[str, Any]:
    versions = {"python": platform.python_version()}
    for dist in ENV_DISTRIBUTIONS:
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            continue
    return {
        "versions": versions,
        "machine": {"system": platform.system(), "release": platform.release(),
                    "machine": platform.machine(), "processor": platform.processor(),
                    "cpus": os.cpu_count(), "python_implementation": platform.python_implementation()},
        "command": sys.argv,
    }


# -- reading -----------------------------------------------------------------------------------
def read_run(folder: str | Path) -> tuple[Results, Experiment | None]:
    """The ``Results`` (per-user values included) and ``Experiment`` saved in a run folder."""
    folder = Path(folder)
    path = folder / RESULTS_JSON
    if not path.is_file():
        raise ConfigError(f"{str(folder)!r} is not a rectool run folder: it has no {RESULTS_JSON}")
    doc = json.loads(path.read_text(encoding="utf-8"))
    metrics = list(dict.fromkeys(r["metric"] for r in doc["results"]))
    values: dict[str, dict[str, float]] = {}
    for r in doc["results"]:
        values.setdefault(r["model"], {})[r["metric"]] = _nan(r["value"])
    per_user, users = _read_per_user(folder / PER_USER_CSV)
    models = [
        ModelResult(
            model=m["model"], qualified=f"{m.get('plugin', '')}:{m['model']}",
            params=m.get("params", {}), fit_seconds=_nan(m.get("fit_seconds")),
            recommend_seconds=_nan(m.get("recommend_seconds")),
            values={} if m.get("error") else values.get(m["model"], {}),
            per_user=per_user.get(m["model"], {}),
            users=users.get(m["model"], np.empty(0, dtype=object)), error=m.get("error"),
        )
        for m in doc["models"]
    ]
    results = Results(dataset=doc["dataset"], protocol=doc["protocol"], models=models,
                      metrics=metrics, cleaning=doc.get("cleaning", {}),
                      versions=doc.get("versions", {}), baseline=doc.get("baseline"))
    exp = load_experiment(folder / CONFIG_TOML) if (folder / CONFIG_TOML).is_file() else None
    return results, exp


def _read_per_user(path: Path) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, np.ndarray]]:
    if not path.is_file():
        return {}, {}
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return {}, {}
    labels = rows[0][2:]
    cols: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        cols.setdefault(row[0], []).append(row[1:])
    per_user, users = {}, {}
    for model, body in cols.items():
        users[model] = np.array([r[0] for r in body], dtype=object)
        per_user[model] = {label: np.array([float(r[j + 1]) if r[j + 1] else np.nan
                                            for r in body]) for j, label in enumerate(labels)}
    return per_user, users


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def compare_runs(runs: Sequence[tuple[str, Results]]) -> str:
    """A run x model table over the metrics every run has, and how the protocols differ."""
    from rich.console import Console
    from rich.table import Table

    common = [m for m in runs[0][1].metrics if all(m in r.metrics for _, r in runs[1:])]
    lines = []
    for key in ("name", "users", "items", "interactions"):
        seen = {str(r.dataset.get(key)) for _, r in runs}
        if len(seen) > 1:
            lines.append(f"runs differ in dataset {key}: " + " vs ".join(
                str(r.dataset.get(key)) for _, r in runs))
    for key in ("split", "seed", "k", "relevance", "mask", "features", "users_evaluated"):
        seen = {json.dumps(r.protocol.get(key), sort_keys=True) for _, r in runs}
        if len(seen) > 1:
            lines.append(f"runs differ in {key}: " + " vs ".join(
                json.dumps(r.protocol.get(key), sort_keys=True) for _, r in runs))
    if not lines:
        lines.append("all runs share dataset and protocol")
    table = Table(pad_edge=False, title="runs compared", title_justify="left")
    table.add_column("run", style="bold")
    table.add_column("model", style="bold")
    for metric in common:
        table.add_column(metric, justify="right")
    for name, res in runs:
        for m in res.models:
            cells = ["-" if m.error or np.isnan(m.values.get(x, np.nan)) else
                     f"{m.values[x]:.4f}" for x in common]
            table.add_row(name, f"{m.model} FAILED" if m.error else m.model, *cells)
    console = Console(file=io.StringIO(), width=max(100, 12 * (len(common) + 3)),
                      color_system=None)
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


__all__ = ["compare_runs", "environment", "per_user_csv", "read_run", "run_experiment",
           "write_run"]
