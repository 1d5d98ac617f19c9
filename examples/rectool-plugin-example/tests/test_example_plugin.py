"""Installed from its own folder, the example plugin is a rectool plugin like any other."""

from __future__ import annotations

import json
from importlib.metadata import entry_points

import numpy as np
from click.testing import CliRunner
from rectool_plugin_example import ItemKNN, Novelty, load_eventlog

from rectool.cli import create_cli
from rectool.registry import resolve


def test_entry_point_is_installed() -> None:
    eps = {ep.name: ep for ep in entry_points(group="rectool")}
    assert "example" in eps, "run: pip install -e examples/rectool-plugin-example"
    assert eps["example"].dist is not None
    assert eps["example"].dist.name == "rectool-plugin-example"


def test_rectool_plugins_lists_it_with_version_and_hooks(rectool_load_plugins) -> None:
    rectool_load_plugins("example")
    out = CliRunner().invoke(create_cli(), ["plugins", "--json"])
    assert out.exit_code == 0, out.output
    row = next(r for r in json.loads(out.output) if r["name"] == "example")
    assert row["distribution"] == "rectool-plugin-example"
    assert row["version"] == "0.1.0"
    assert row["hooks"] == ["register_datasets", "register_metrics", "register_models"]
    assert row["error"] is None and row["builtin"] is False


def test_names_resolve_bare_and_qualified(rectool_load_plugins) -> None:
    rectool_load_plugins("example")
    assert resolve("model", "itemknn").obj is ItemKNN
    assert resolve("model", "example:itemknn").obj is ItemKNN
    assert resolve("metric", "novelty").obj is Novelty
    assert resolve("dataset", "example:eventlog").obj is load_eventlog


def test_compare_uses_all_three_parts(rectool_load_plugins, tmp_path) -> None:
    from rectool.evaluation import compare

    rectool_load_plugins("example")
    rng = np.random.default_rng(0)
    lines = ["user,item,timestamp"]
    for u in range(60):  # two taste groups over 40 items, a few repeated events
        block = (u % 2) * 20
        for i in rng.choice(20, size=10, replace=False):
            lines.append(f"u{u},i{block + i},{1_700_000_000 + int(rng.integers(1e6))}")
    (tmp_path / "events.csv").write_text("\n".join(lines + lines[1:20]) + "\n")
    res = compare(["itemknn", "popularity"], "eventlog", k=5,
                  metrics=["precision", "novelty"],
                  dataset_options={"path": str(tmp_path / "events.csv")})
    assert res.dataset["name"] == "events"
    assert {m.qualified for m in res.models} == {"example:itemknn", "builtin:popularity"}
    assert res.value("itemknn", "precision@5") > res.value("popularity", "precision@5")
    assert res.value("itemknn", "novelty@5") > 0
    assert "novelty@5" in res.to_table()


def test_cli_compare_with_itemknn_and_novelty(rectool_load_plugins, tmp_path) -> None:
    rectool_load_plugins("example")
    path = tmp_path / "log.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{i}\n" for u in range(12)
                                           for i in range(u % 3, 12, 2)))
    out = CliRunner().invoke(create_cli(), [
        "compare", "--models", "itemknn,popularity", "--metrics", "precision,novelty",
        "--dataset", str(path), "--param", "itemknn.k=5", "--k", "3", "--format", "json",
        "--quiet"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert {r["metric"] for r in doc["results"]} == {"precision@3", "novelty@3"}
    assert next(m for m in doc["models"] if m["model"] == "itemknn")["params"] == {"k": 5}
