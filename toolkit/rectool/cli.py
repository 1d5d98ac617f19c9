"""The ``rectool`` command line: a thin shell over ``rectool.compare`` and the registries.

Domain errors (``RectoolError``) become click errors here and nowhere else.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from rectool import plugins
from rectool.errors import ConfigError, OutputError, RectoolError, writing
from rectool.registry import get_registry, resolve


def _domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RectoolError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def split_list(value: str | None, option: str = "") -> list[str]:
    """``"a, b"`` -> ["a", "b"]; an empty entry (``a,,b`` or ``a,``) is a ConfigError naming
    the option, so a typo never silently shortens the list."""
    if not value or not value.strip():
        return []
    parts = [v.strip() for v in value.split(",")]
    if not all(parts):
        raise ConfigError(f"{option or 'list'} {value!r}: an empty entry; use a comma-separated "
                          "list like a,b,c")
    return parts


FILE_SUFFIXES = (".json", ".csv", ".txt")


def check_output(output: Path | None) -> None:
    """Fail before any work when ``--output`` cannot be written. A path ending in .json, .csv or
    .txt is one file and its folder must exist; any other path is a run folder, created with its
    missing parents, so its nearest existing ancestor must be a folder."""
    if output is None:
        return
    fix = "choose a path whose folder exists and is writable"
    if output.suffix.lower() in FILE_SUFFIXES:
        if output.is_dir():
            raise OutputError(f"cannot write {output}: it is a folder; {fix}")
        if output.parent.exists() and not output.parent.is_dir():
            raise OutputError(f"cannot write {output}: {output.parent} is a file, not a folder; "
                              f"{fix}")
        if not output.parent.is_dir():
            raise OutputError(f"cannot write {output}: folder {output.parent} does not exist; {fix}")
        return
    existing = next(a for a in (output, *output.parents) if a.exists())
    if not existing.is_dir():
        raise OutputError(f"cannot write {output}: {existing} is a file, not a folder; {fix}")


def parse_value(raw: str) -> Any:
    """``10`` -> 10, ``0.5`` -> 0.5, ``true`` -> True, ``none`` -> None, else the string."""
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    try:
        return ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError):
        return raw.strip()


def parse_params(items: tuple[str, ...], models: list[str]) -> dict[str, dict[str, Any]]:
    """``--param lightfm.epochs=10`` -> {"lightfm": {"epochs": 10}}; the model must be chosen."""
    out: dict[str, dict[str, Any]] = {m: {} for m in models}
    for item in items:
        key, eq, raw = item.partition("=")
        model, dot, name = key.partition(".")
        if not eq or not dot or not name:
            raise ConfigError(f"--param {item!r}: use MODEL.NAME=VALUE, e.g. lightfm.epochs=10")
        if model not in out:
            raise ConfigError(
                f"--param {item!r}: model {model!r} is not among --models ({', '.join(models)})"
            )
        out[model][name] = parse_value(raw)
    return out


def parse_k(value: str) -> list[int]:
    try:
        ks = [int(v) for v in split_list(value, "--k")]
    except ValueError:
        raise ConfigError(f"--k {value!r}: use a positive integer or a list like 5,10,20") from None
    if not ks or min(ks) < 1:
        raise ConfigError(f"--k {value!r}: use a positive integer or a list like 5,10,20")
    return ks


def _k_usage(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--k 0`` or ``--k x`` is a usage error (exit status 2), caught before anything runs."""
    try:
        parse_k(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"--k {value!r}: ")) from None
    return value


def dataset_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--sep``, ``--encoding``, ``--test`` and ``--dataset-option KEY=VALUE`` to a command;
    ``collect_dataset_options`` turns them into loader options (docs/data.md)."""
    for option in reversed([
        click.option("--sep", default=None, metavar="SEP",
                     help="For a file: column separator (',', ';', tab, space) [default: from "
                          "the extension, else sniffed]."),
        click.option("--encoding", default=None, metavar="NAME",
                     help="For a file: text encoding [default: UTF-8, else latin-1]."),
        click.option("--test", "test_file", default=None, metavar="FILE",
                     help="For a file: a test file with the same columns; evaluate on it "
                          "instead of splitting (unknown users/items are excluded and counted)."),
        click.option("--dataset-option", "dataset_option", multiple=True, metavar="KEY=VALUE",
                     help="Any loader option, repeatable: --dataset-option strict=true, "
                          "--dataset-option path=DIR, --dataset-option layout=wide."),
    ]):
        func = option(func)
    return func


def collect_dataset_options(
    sep: str | None = None, encoding: str | None = None, test_file: str | None = None,
    dataset_option: tuple[str, ...] = (), **given: Any,
) -> dict[str, Any]:
    """Loader options from ``dataset_options`` flags plus named ones (``columns=...``) when set."""
    options: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    for item in dataset_option:
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise ConfigError(f"--dataset-option {item!r}: use KEY=VALUE, e.g. strict=true")
        options[key.strip()] = raw.strip()  # text: every loader parses its own options
    for key, value in (("sep", sep), ("encoding", encoding), ("test", test_file)):
        if value is not None:
            options[key] = value
    return options


def _given_options(ctx: click.Context) -> set[str]:
    """Names of the options the user set (command line or environment), not left at default."""
    from click.core import ParameterSource

    return {name for name in ctx.params
            if ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE,
                                                  ParameterSource.ENVIRONMENT)}


def create_cli() -> click.Group:
    """Build the CLI group; plugins add commands through ``register_commands``."""

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="rectool")
    def cli() -> None:
        """Compare recommenders on social e-commerce data, then serve the winner."""

    @cli.command()
    @click.option("--models", "-m", default=None,
                  help="Comma-separated model names (required unless --config names them).")
    @click.option("--config", "-c", "config", default=None,
                  type=click.Path(dir_okay=False, exists=True, path_type=Path),
                  help="An experiment TOML file (docs/experiments.md); options given here "
                       "override it.")
    @click.option("--dataset", "-d", default="ml-100k", show_default=True,
                  help="Registered dataset name, or a CSV/TSV/Parquet file.")
    @click.option("--columns", default=None,
                  help="For a file: user=COL,item=COL[,rating=COL][,timestamp=COL].")
    @click.option("--social", default=None, help="For a file: a social edge file (src,dst).")
    @dataset_options
    @click.option("--k", "k", default="10", show_default=True, callback=_k_usage,
                  help="Cut-off, or a list: 5,10.")
    @click.option("--metrics", default=None,
                  help="Comma-separated metrics [default: precision,recall,f1,ndcg,map,mrr,"
                       "hit_rate,coverage; plus rmse,mae on rated data].")
    @click.option("--split", default="holdout:0.2", show_default=True,
                  help="holdout:FRAC | temporal:FRAC | loo | kfold:K")
    @click.option("--seed", default=42, show_default=True, type=int)
    @click.option("--relevance", type=float, default=None,
                  help="Rating threshold for relevance [default: 4 on a 1-5 scale].")
    @click.option("--mask", type=click.Choice(["all", "positives"]), default="all",
                  show_default=True,
                  help="Training items excluded from rankings: all, or only relevant ones "
                       "(Cornac's protocol).")
    @click.option("--param", "params", multiple=True, metavar="MODEL.NAME=VALUE",
                  help="Model parameter, repeatable: --param lightfm.epochs=10")
    @click.option("--memory-budget", "memory_budget", default=None, metavar="SIZE",
                  help="Score matrix held at once while ranking, e.g. 512MB or 64MiB "
                       "[default: 16MiB]; sets the batch size.")
    @click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]),
                  default="table", show_default=True)
    @click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
                  help="A folder to save the run in (results.json, results.csv, per_user.csv, "
                       "config.toml, environment.json, PNG plots; `rectool report` reads it); "
                       "a path ending in .json, .csv or .txt writes just that one file (its "
                       "folder must exist); any other path is a folder, created when missing.")
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
    @click.option("--baseline", default=None, metavar="NAME",
                  help="One of --models: add mean difference, 95% CI and paired p-values "
                       "of every other model against it, per metric.")
    @click.option("--features", default=None, metavar="NAME[,NAME]",
                  help="Featurizers whose dense columns are added to the item/user features "
                       "before the split, e.g. text (rectool-text).")
    @_domain_errors
    def compare(models: str | None, config: Path | None, dataset: str, columns: str | None,
                social: str | None, k: str,
                metrics: str | None, split: str, seed: int, relevance: float | None,
                mask: str, params: tuple[str, ...], fmt: str, output: Path | None,
                quiet: bool, baseline: str | None, features: str | None,
                memory_budget: str | None, **loader_flags: Any) -> None:
        """Fit and evaluate models on one dataset; print a model x metric table."""
        from rectool.experiment import experiment_from_cli, load_experiment
        from rectool.models import parse_bytes
        from rectool.progress import NoProgress, RichProgress
        from rectool.runs import run_experiment, write_run

        check_output(output)
        given = _given_options(click.get_current_context())
        names = split_list(models, "--models")
        labels = names or ([m.label for m in load_experiment(config).models] if config else [])
        per_model = parse_params(params, labels)
        options = collect_dataset_options(columns=columns or None, social=social or None,
                                          **loader_flags)
        exp = experiment_from_cli(
            config,
            models=names or None,
            params=per_model,
            dataset=dataset if "dataset" in given or config is None else None,
            dataset_options=options,
            k=tuple(parse_k(k)) if "k" in given or config is None else None,
            metrics=tuple(split_list(metrics, "--metrics")) or None,
            split=split if "split" in given or config is None else None,
            seed=seed if "seed" in given or config is None else None,
            relevance=relevance,
            mask=mask if "mask" in given or config is None else None,
            baseline=baseline,
            features=tuple((f, {}) for f in split_list(features, "--features")) or None,
            memory_budget=None if memory_budget is None else parse_bytes(memory_budget),
        )
        results = run_experiment(exp, progress=NoProgress() if quiet else RichProgress())
        rendered = {"table": results.to_table, "json": results.to_json,
                    "csv": results.to_csv}[fmt]()
        click.echo(rendered.rstrip("\n"))
        if output is not None and output.suffix.lower() in FILE_SUFFIXES:
            out_fmt = {".json": "json", ".csv": "csv"}.get(output.suffix.lower(), "table")
            text = {"table": results.to_table, "json": results.to_json,
                    "csv": results.to_csv}[out_fmt]()
            with writing(output):
                output.write_text(text)
            click.echo(f"wrote {output}", err=True)
        elif output is not None:
            written = write_run(output, results, exp)
            click.echo(f"wrote {output}/: {', '.join(p.name for p in written)}", err=True)

    def _listing(kind: str, command_name: str) -> None:
        @cli.command(name=command_name, help=f"List registered {command_name}.")
        @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
        @_domain_errors
        def listing(as_json: bool) -> None:
            entries = get_registry(kind).entries  # type: ignore[arg-type]
            rows = [{"name": e.name, "plugin": e.plugin, "qualified": e.qualified,
                     "description": e.description} for e in entries]
            if as_json:
                click.echo(json.dumps(rows, indent=2))
                return
            for r in sorted(rows, key=lambda r: (r["name"], r["plugin"])):
                click.echo(f"{r['name']:<16} {r['plugin']:<12} {r['description']}")

    _listing("model", "models")
    _listing("metric", "metrics")
    _listing("dataset", "datasets")

    @cli.command(name="plugins")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def plugins_cmd(as_json: bool) -> None:
        """List loaded plugins with distribution, version and hooks (failed ones too)."""
        infos = plugins.plugin_infos()
        rows = [
            {"name": i.name, "distribution": i.distribution, "version": i.version,
             "builtin": i.builtin, "hooks": i.hooks, "error": i.error}
            for i in infos
        ]
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        labels = [f"{r['distribution'] or '-'} {r['version'] or ''}".strip() for r in rows]
        name_w = max((len(r["name"]) for r in rows), default=0)
        label_w = max((len(label) for label in labels), default=0)
        for r, label in zip(rows, labels, strict=True):
            status = f"FAILED: {r['error']}" if r["error"] else ", ".join(r["hooks"])
            click.echo(f"{r['name']:<{name_w}}  {label:<{label_w}}  {status}")

    pm = plugins.get_plugin_manager()
    pm.hook.register_commands(cli=cli)
    return cli


def main() -> None:
    """Console-script entry point."""
    create_cli()(prog_name="rectool")


__all__ = ["check_output", "collect_dataset_options", "create_cli", "dataset_options", "main",
           "parse_params", "parse_value", "resolve", "split_list"]
