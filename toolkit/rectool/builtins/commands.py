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
    from rectool.cli import _domain_errors, parse_value
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
    @click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                  help="Model parameter, repeatable: --param epochs=10 (or lightfm.epochs=10).")
    @click.option("--seed", default=0, show_default=True, type=int)
    @_domain_errors
    def fit_cmd(model_name: str, dataset: str, save_to: Path, columns: str | None,
                social: str | None, params: tuple[str, ...], seed: int) -> None:
        """Fit a model on a whole dataset and save it for `rectool recommend` or a service."""
        from rectool.api import fit

        parsed: dict[str, Any] = {}
        for item in params:
            key, eq, raw = item.partition("=")
            prefix, dot, name = key.rpartition(".")
            if not eq or not name or (dot and prefix != model_name):
                raise ConfigError(f"--param {item!r}: use NAME=VALUE, e.g. epochs=10")
            parsed[name] = parse_value(raw)
        options = {k: v for k, v in (("columns", columns), ("social", social)) if v}
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
                      history: tuple[str, ...], k: int, include_seen: bool, on_unknown: str,
                      fmt: str, trust: bool) -> None:
        """Recommend items for users of a saved model (and for a new user by friends/history)."""
        from rectool.api import load_model

        if not users and not friends and not history:
            raise ConfigError("name at least one --user (or --friend/--history for a new user)")
        rec = load_model(model_dir, trust=trust)
        lists = rec.recommend(list(users), k, exclude_seen=not include_seen,
                              on_unknown=on_unknown) if users else []  # type: ignore[arg-type]
        if friends or history:
            lists.append(rec.recommend_for(friends=friends or None, history=history or None,
                                           k=k, exclude_seen=not include_seen))
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
