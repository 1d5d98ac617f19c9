"""Built-in commands ``rectool fit`` and ``rectool recommend``, added through ``register_commands``.

Thin shells over ``rectool.fit``, ``Recommender.save``, ``rectool.load_model`` and
``Recommender.recommend`` / ``recommend_for``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from rectool.hookspecs import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from rectool.cli import _domain_errors, collect_dataset_options, dataset_options, split_list
    from rectool.errors import ConfigError

    @cli.command(name="fit")
    @click.option("--model", "-m", "model_name", required=True, help="Registered model name.")
    @click.option("--dataset", "-d", required=True,
                  help="Registered dataset name, or a CSV/TSV/Parquet file.")
    @click.option("--save", "save_to", required=True,
                  type=click.Path(file_okay=False, path_type=Path),
                  help="Folder to write the model into (JSON metadata + npz arrays).")
    @click.option("--columns", default=None,
                  help="For a file: user=COL,item=COL[,rating=COL][,timestamp=COL].")
    @click.option("--social", default=None, help="For a file: a social edge file (src,dst).")
    @dataset_options
    @click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                  help="Model parameter, repeatable: --param epochs=10 (or lightfm.epochs=10).")
    @click.option("--seed", default=0, show_default=True, type=int)
    @_domain_errors
    def fit_cmd(model_name: str, dataset: str, save_to: Path, columns: str | None,
                social: str | None, params: tuple[str, ...], seed: int,
                **loader_flags: Any) -> None:
        """Fit a model on a whole dataset and save it for `rectool recommend` or a service."""
        from rectool.api import fit

        parsed = _model_params(params, model_name)
        options = collect_dataset_options(columns=columns or None, social=social or None,
                                          **loader_flags)
        t0 = time.perf_counter()
        rec = fit(model_name, dataset, seed=seed, dataset_options=options, **parsed)
        fit_s = time.perf_counter() - t0
        rec.save(save_to)
        info = rec.info
        click.echo(
            f"fitted {info['plugin']}:{info['model']} on {info['dataset']} "
            f"({info['users']} users, {info['items']} items) in {fit_s:.1f} s; saved to {save_to}"
        )

    @cli.command(name="recommend")
    @click.argument("model_dir", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--user", "-u", "users", multiple=True, help="A user id, repeatable.")
    @click.option("--friend", "friends", multiple=True,
                  help="For a new user: a friend's user id, repeatable.")
    @click.option("--history", "history", multiple=True,
                  help="For a new user: an item id they interacted with, repeatable.")
    @click.option("--feature", "features", multiple=True, metavar="NAME[=WEIGHT]",
                  help="For a new user: a user feature they have (e.g. gender:F), repeatable; "
                       "weight 1 unless given.")
    @click.option("--k", "k", default=10, show_default=True, type=click.IntRange(min=1))
    @click.option("--include-seen", is_flag=True, help="Do not mask the user's training items.")
    @click.option("--on-unknown", type=click.Choice(["popular", "error", "empty"]),
                  default="popular", show_default=True, help="What an unknown user id gets.")
    @click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                  show_default=True)
    @click.option("--trust", is_flag=True,
                  help="Allow a pickled backend to load (only for files you trust).")
    @_domain_errors
    def recommend_cmd(model_dir: Path, users: tuple[str, ...], friends: tuple[str, ...],
                      history: tuple[str, ...], features: tuple[str, ...], k: int,
                      include_seen: bool, on_unknown: str, fmt: str, trust: bool) -> None:
        """Recommend items for users of a saved model (and for a new user by friends, history
        or user features)."""
        from rectool.api import load_model

        if not users and not friends and not history and not features:
            raise ConfigError("name at least one --user (or --friend/--history/--feature for a "
                              "new user)")
        weights: dict[str, str] = {}
        for item in features:  # NAME or NAME=WEIGHT; the service checks the weight
            name, _, raw = item.rpartition("=") if "=" in item else (item, "", "1")
            if not name.strip():
                raise ConfigError(f"--feature {item!r}: use NAME or NAME=WEIGHT, e.g. gender:F")
            weights[name.strip()] = raw.strip()
        rec = load_model(model_dir, trust=trust)
        lists = rec.recommend(list(users), k, exclude_seen=not include_seen,
                              on_unknown=on_unknown) if users else []  # type: ignore[arg-type]
        if friends or history or features:
            lists.append(rec.recommend_for(friends=friends or None, history=history or None,
                                           features=weights or None, k=k,
                                           exclude_seen=not include_seen))
        if fmt == "json":
            click.echo(json.dumps([r.to_dict() for r in lists], indent=2))
            return
        for r in lists:
            why = r.status if r.reason is None else f"{r.status}: {r.reason}"
            click.echo(f"user {r.user if r.user is not None else '(new)'}  [{why}; {r.source}]")
            for rank, (item, score) in enumerate(zip(r.items, r.scores, strict=True), 1):
                click.echo(f"  {rank:>3}  {item:<16} {score:.4f}")
            if r.detail:
                click.echo(f"  note: {r.detail}")

    @cli.command(name="inspect")
    @click.argument("dataset")
    @click.option("--columns", default=None,
                  help="For a file: user=COL,item=COL[,rating=COL][,timestamp=COL].")
    @click.option("--social", default=None, help="For a file: a social edge file (src,dst).")
    @dataset_options
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @_domain_errors
    def inspect_cmd(dataset: str, columns: str | None, social: str | None, as_json: bool,
                    **loader_flags: Any) -> None:
        """Load a dataset (name or file) and print its size and what cleaning did to it."""
        from rectool.loading import load_dataset

        data = load_dataset(dataset, **collect_dataset_options(
            columns=columns or None, social=social or None, **loader_flags))
        summary = data.summary()
        if as_json:
            click.echo(json.dumps({"summary": summary, "cleaning": data.report.to_dict(),
                                   "test": None if data.test_rows is None else
                                   data.test_rows.description}, indent=2))
            return
        click.echo(f"dataset {summary['name']} ({summary['kind']}): {summary['users']:,} users, "
                   f"{summary['items']:,} items, {summary['interactions']:,} interactions, "
                   f"{summary['social_links']:,} social links, {summary['user_features']:,} user "
                   f"and {summary['item_features']:,} item features")
        if data.test_rows is not None:
            click.echo(data.test_rows.description)
        click.echo("cleaning:")
        for key, value in data.report.counts.items():
            click.echo(f"  {key.replace('_', ' '):<48} {value:>10,}")
        for key, value in data.report.policies.items():
            click.echo(f"  policy {key}: {value}")

    @cli.command(name="report")
    @click.argument("run_dirs", nargs=-1, required=True,
                    type=click.Path(file_okay=False, exists=True, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
                  show_default=True)
    @_domain_errors
    def report_cmd(run_dirs: tuple[Path, ...], fmt: str) -> None:
        """Print saved runs (`rectool compare --output DIR`) again; several runs are compared."""
        from rectool.runs import compare_runs, read_run

        runs = []
        for folder in run_dirs:
            results, exp = read_run(folder)
            runs.append((str(folder), results))
            if len(run_dirs) > 1 and fmt == "table":
                click.echo(f"== {folder}" + (f" ({exp.name})" if exp and exp.name else ""))
            click.echo({"table": results.to_table, "json": results.to_json,
                        "csv": results.to_csv}[fmt]().rstrip("\n"))
            if len(run_dirs) > 1 and fmt == "table":
                click.echo("")
        if len(runs) > 1 and fmt == "table":
            click.echo(compare_runs(runs).rstrip("\n"))

    @cli.command(name="tune")
    @click.option("--model", "-m", "model_name", required=True, help="Registered model name.")
    @click.option("--dataset", "-d", default="ml-100k", show_default=True,
                  help="Registered dataset name, or a CSV/TSV/Parquet file.")
    @click.option("--trials", default=30, show_default=True, type=click.IntRange(min=1))
    @click.option("--metric", default="ndcg@10", show_default=True,
                  help="What to optimise on the validation split (rmse/mae are minimised).")
    @click.option("--split", default="holdout:0.2", show_default=True,
                  help="The comparison's split; only its training part is used.")
    @click.option("--validation", default="holdout:0.2", show_default=True,
                  help="How validation data is carved from the training part.")
    @click.option("--seed", default=42, show_default=True, type=int)
    @click.option("--relevance", type=float, default=None, help="Rating threshold for relevance.")
    @click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                  help="A fixed (not searched) parameter, repeatable.")
    @click.option("--features", default=None, metavar="NAME[,NAME]",
                  help="Featurizers applied before the split, e.g. text.")
    @click.option("--columns", default=None,
                  help="For a file: user=COL,item=COL[,rating=COL][,timestamp=COL].")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Experiment TOML to write [default: tuned-MODEL.toml].")
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
    @_domain_errors
    def tune_cmd(model_name: str, dataset: str, trials: int, metric: str, split: str,
                 validation: str, seed: int, relevance: float | None, params: tuple[str, ...],
                 features: str | None, columns: str | None, output: Path | None,
                 quiet: bool) -> None:
        """Search a model's declared parameter space (Optuna) on validation data from training."""
        from rectool.progress import NoProgress, RichProgress
        from rectool.tuning import tune

        fixed = _model_params(params, model_name)
        feats = tuple((f, {}) for f in split_list(features, "--features"))
        result = tune(model_name, dataset, trials=trials, metric=metric, split=split,
                      validation=validation, seed=seed, relevance=relevance, params=fixed,
                      features=feats, dataset_options={"columns": columns} if columns else None,
                      progress=NoProgress() if quiet else RichProgress())
        best = ", ".join(f"{k}={v!r}" for k, v in result.best_params.items())
        click.echo(f"best {metric} on validation ({validation} of the training part of {split}, "
                   f"{trials} trials): {result.best_value:.4f}")
        click.echo(f"best parameters: {best}")
        path = output or Path(f"tuned-{model_name}.toml")
        path.write_text(result.experiment().to_toml(), encoding="utf-8")
        click.echo(f"wrote {path}; run it with: rectool compare --config {path}")


def _model_params(items: tuple[str, ...], model_name: str) -> dict[str, Any]:
    """``--param epochs=10`` or ``--param MODEL.epochs=10`` for a one-model command."""
    from rectool.cli import parse_value
    from rectool.errors import ConfigError

    out: dict[str, Any] = {}
    for item in items:
        key, eq, raw = item.partition("=")
        prefix, dot, name = key.rpartition(".")
        if not eq or not name or (dot and prefix != model_name):
            raise ConfigError(f"--param {item!r}: use NAME=VALUE, e.g. epochs=10")
        out[name] = parse_value(raw)
    return out
