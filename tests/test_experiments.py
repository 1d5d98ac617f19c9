"""Experiment files, saved runs, `rectool report`, several k from one ranking, and tuning."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from rectool.cli import create_cli
from rectool.data.splits import parse_split
from rectool.errors import ConfigError
from rectool.experiment import Experiment, ModelEntry, load_experiment, parse_experiment
from rectool.testing import planted_dataset

GOOD = """
name = "small"
split = "holdout:0.25"
seed = 7
k = [5, 10]
baseline = "popularity"

[dataset]
name = "DATA"

[[models]]
name = "popularity"

[[models]]
name = "linear"
label = "linear-strong"
params = { l2 = 50.0 }
"""


def _log_file(tmp_path: Path) -> Path:
    path = tmp_path / "log.csv"
    rng = np.random.default_rng(0)
    rows = ["user,item,rating"] + [
        f"u{u},i{i},{rng.integers(1, 6)}" for u in range(40) for i in rng.choice(30, 10, replace=False)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def _config(tmp_path: Path, text: str = GOOD) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(text.replace("DATA", str(_log_file(tmp_path))))
    return path


def _run(args: list[str]) -> str:
    out = CliRunner().invoke(create_cli(), args)
    assert out.exit_code == 0, out.output
    return out.output


# -- config files --------------------------------------------------------------------------------
def test_experiment_file_parses_into_typed_config(tmp_path):
    exp = load_experiment(_config(tmp_path))
    assert exp.k == (5, 10) and exp.seed == 7 and exp.split == "holdout:0.25"
    assert exp.models[1] == ModelEntry("linear", "linear-strong", {"l2": 50.0})
    assert exp.baseline == "popularity" and exp.mask == "all" and exp.metrics is None


def test_resolved_config_reads_back_equal():
    exp = Experiment(dataset="ml-100k", dataset_options={"strict": True},
                     models=(ModelEntry("lightfm", "lf", {"epochs": 3, "loss": "bpr"},
                                        (("text", {"dims": 8}),)),),
                     k=(5, 10), metrics=("precision",), relevance=3.5, features=(("text", {}),),
                     name='a "quoted" name')
    import tomllib

    assert parse_experiment(tomllib.loads(exp.to_toml())) == exp


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"dataset": "x", "models": [{"name": "p"}], "seeds": 1},
         "unknown key 'seeds'; allowed: name, dataset, split, seed, k, metrics, relevance, mask, "
         "features, baseline, models, memory_budget"),
        ({"dataset": "x", "models": [{"name": "p"}], "memory_budget": "lots"},
         "key 'memory_budget': expected bytes or a size like \"512MB\", got string 'lots'"),
        ({"dataset": "x", "models": [{"name": "p"}], "memory_budget": 1.5},
         "key 'memory_budget': expected bytes or a size like \"512MB\", got float 1.5"),
        ({"dataset": "x", "models": [{"name": "p", "param": {}}]},
         "unknown key 'models[0].param'; allowed: name, label, params, features"),
        ({"dataset": {"name": "x", "sep": ";"}, "models": [{"name": "p"}]},
         "unknown key 'dataset.sep'; allowed: name, options"),
        ({"dataset": "x", "models": [{"name": "p"}], "seed": "42"},
         "key 'seed': expected an integer, got string '42'"),
        ({"dataset": "x", "models": [{"name": "p"}], "seed": True},
         "key 'seed': expected an integer, got boolean True"),
        ({"dataset": "x", "models": [{"name": "p"}], "mask": "some"},
         "key 'mask': expected one of all, positives, got 'some'"),
        ({"dataset": "x", "models": [{"name": "p"}], "k": [5, 0]},
         "key 'k': expected a positive integer or an array of them, e.g. [5, 10, 20], got [5, 0]"),
        ({"dataset": "x", "models": [{"name": "p"}], "relevance": "high"},
         "key 'relevance': expected a number, got string 'high'"),
        ({"dataset": "x", "models": [{"name": "p", "params": [1]}]},
         "key 'models[0].params': expected a table of parameters, got array [1]"),
        ({"dataset": "x", "models": [{"name": "p"}], "features": "text"},
         "key 'features': expected an array of featurizer names or tables "
         "{name = \"text\", params = {...}}, got string 'text'"),
        ({"models": [{"name": "p"}]},
         "missing key 'dataset': a table with name = \"ml-100k\" (or a file)"),
        ({"dataset": "x"}, "missing key 'models': at least one [[models]] table with name = ..."),
        ({"dataset": "x", "models": [{"label": "p"}]},
         "missing key 'models[0].name': a registered model name"),
        ({"dataset": "x", "models": [{"name": "p"}, {"name": "p"}]},
         "key 'models': label 'p' is used twice; give each entry a distinct label"),
        ({"dataset": "x", "models": [{"name": "p"}], "baseline": "q"},
         "key 'baseline': 'q' is not a model label; allowed: p"),
    ],
)
def test_config_errors_have_exact_messages(doc, message):
    with pytest.raises(ConfigError) as err:
        parse_experiment(doc)
    assert str(err.value) == message


def test_config_error_names_the_file_and_reaches_the_cli_as_one_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('dataset = "ml-100k"\nsplit = 0.2\n[[models]]\nname = "popularity"\n')
    out = CliRunner().invoke(create_cli(), ["compare", "--config", str(path), "--quiet"])
    assert out.exit_code != 0
    assert (f"Error: {path}: key 'split': expected a string: holdout:F, temporal:F, loo or "
            "kfold:K, got float 0.2") in out.output
    assert "Traceback" not in out.output


def test_command_line_overrides_the_file(tmp_path):
    config = _config(tmp_path)
    doc = json.loads(_run(["compare", "--config", str(config), "--k", "3", "--seed", "1",
                           "--param", "linear-strong.l2=5", "--format", "json", "--quiet"]))
    assert doc["protocol"]["k"] == [3] and doc["protocol"]["seed"] == 1
    assert doc["protocol"]["split"] == "holdout:0.25"  # from the file
    assert [m["model"] for m in doc["models"]] == ["popularity", "linear-strong"]
    assert doc["models"][1]["params"]["l2"] == 5
    assert doc["baseline"] == "popularity"


# -- several k -----------------------------------------------------------------------------------
@pytest.mark.parametrize("models", ["linear", "popularity"])
def test_cli_k_list_equals_separate_runs(tmp_path, models):
    data = str(_log_file(tmp_path))
    base = ["compare", "-m", models, "-d", data, "--format", "json", "--quiet"]
    both = json.loads(_run([*base, "--k", "5,10"]))
    five = json.loads(_run([*base, "--k", "5"]))
    ten = json.loads(_run([*base, "--k", "10"]))

    def values(doc, suffix):
        return {(r["model"], r["metric"]): r["value"] for r in doc["results"]
                if r["metric"].endswith(suffix)}

    assert values(both, "@5") == values(five, "@5") and values(five, "@5")
    assert values(both, "@10") == values(ten, "@10") and values(ten, "@10")
    assert values(both, "rmse") == values(ten, "rmse")


# -- saved runs ----------------------------------------------------------------------------------
def _without_timings(folder: Path) -> dict[str, object]:
    doc = json.loads((folder / "results.json").read_text())
    for m in doc["models"]:
        for key in ("fit_seconds", "recommend_seconds"):
            m.pop(key)
    rows = list(csv.DictReader(io.StringIO((folder / "results.csv").read_text())))
    for row in rows:
        row.pop("fit_seconds")
        row.pop("recommend_seconds")
    return {"json": doc, "csv": rows, "per_user": (folder / "per_user.csv").read_text(),
            "config": (folder / "config.toml").read_text()}


def test_same_config_twice_gives_identical_results_files(tmp_path):
    config = _config(tmp_path)
    for run in ("a", "b"):
        _run(["compare", "--config", str(config), "--output", str(tmp_path / run), "--quiet"])
    a, b = tmp_path / "a", tmp_path / "b"
    assert {p.name for p in a.iterdir()} == {
        "results.json", "results.csv", "per_user.csv", "config.toml", "environment.json",
        "metrics_at_k.png", "per_user.png"}
    assert _without_timings(a) == _without_timings(b)
    # the resolved config reruns the same experiment
    _run(["compare", "--config", str(a / "config.toml"), "--output", str(tmp_path / "c"),
          "--quiet"])
    assert _without_timings(tmp_path / "c") == _without_timings(a)
    env = json.loads((a / "environment.json").read_text())
    assert "python" in env["versions"] and "machine" in env["machine"]


def _metric_rows(table: str) -> list[str]:
    """Table lines without the two timing columns (re-read timings are rounded)."""
    out = []
    for line in table.splitlines():
        if line.startswith("wrote "):  # compare's stderr note (CliRunner mixes the streams)
            continue
        cells = line.split("│")
        out.append("│".join(cells[:-3]) if len(cells) > 3 else line)
    return out


def test_report_reprints_a_saved_run_and_compares_runs(tmp_path):
    config = _config(tmp_path)
    printed = _run(["compare", "--config", str(config), "--output", str(tmp_path / "a"),
                    "--quiet"])
    reported = _run(["report", str(tmp_path / "a")])
    assert _metric_rows(reported) == _metric_rows(printed)
    assert "paired difference vs baseline popularity" in reported  # per-user values restored
    _run(["compare", "--config", str(config), "--seed", "3", "--output", str(tmp_path / "b"),
          "--quiet"])
    both = _run(["report", str(tmp_path / "a"), str(tmp_path / "b")])
    assert "runs compared" in both and "runs differ in seed: 7 vs 3" in both
    as_json = json.loads(_run(["report", str(tmp_path / "a"), "--format", "json"]))
    assert as_json["results"] == json.loads((tmp_path / "a" / "results.json").read_text())[
        "results"]


def test_report_refuses_a_folder_without_results(tmp_path):
    out = CliRunner().invoke(create_cli(), ["report", str(tmp_path)])
    assert out.exit_code != 0 and "is not a rectool run folder" in out.output


def test_output_with_a_file_suffix_still_writes_one_file(tmp_path):
    data = str(_log_file(tmp_path))
    _run(["compare", "-m", "popularity", "-d", data, "-o", str(tmp_path / "r.csv"), "--quiet"])
    assert (tmp_path / "r.csv").read_text().startswith("model,precision@10")


# -- tuning --------------------------------------------------------------------------------------
def _pairs(data) -> set[tuple[int, int]]:
    return set(zip(data.user_index.tolist(), data.item_index.tolist(), strict=True))


def test_tuning_never_touches_test_interactions(monkeypatch):
    pytest.importorskip("optuna")
    import rectool.tuning as tuning

    data = planted_dataset()
    test_pairs = _pairs(next(iter(parse_split("holdout:0.2").folds(data, 5))).test)
    seen = []
    real_compare = tuning.compare

    def spy(models, dataset, **kwargs):
        seen.append((dataset, kwargs["split"], kwargs["seed"]))
        return real_compare(models, dataset, **kwargs)

    monkeypatch.setattr(tuning, "compare", spy)
    result = tuning.tune("linear", data, trials=3, metric="ndcg@5", split="holdout:0.2", seed=5)
    assert len(seen) == 3 and result.best_params.keys() == {"l2"}
    for received, validation, seed in seen:
        assert _pairs(received).isdisjoint(test_pairs)
        assert len(_pairs(received)) + len(test_pairs) == data.n_interactions
        fold = next(iter(parse_split(validation).folds(received, seed)))
        assert _pairs(fold.train).isdisjoint(test_pairs)
        assert _pairs(fold.test).isdisjoint(test_pairs) and fold.test.n_interactions > 0
    assert 1.0 <= result.best_params["l2"] <= 1e4


def test_tune_writes_a_config_compare_accepts(tmp_path):
    pytest.importorskip("optuna")
    data = str(_log_file(tmp_path))
    out = tmp_path / "tuned.toml"
    printed = _run(["tune", "-m", "linear", "-d", data, "--trials", "2", "--metric", "ndcg@5",
                    "-o", str(out), "--quiet"])
    assert "best parameters: l2=" in printed
    exp = load_experiment(out)
    assert [m.label for m in exp.models] == ["popularity", "linear"]
    assert set(exp.models[1].params) == {"l2"}
    doc = json.loads(_run(["compare", "--config", str(out), "--format", "json", "--quiet"]))
    assert doc["models"][1]["params"]["l2"] == exp.models[1].params["l2"]


def test_tune_refuses_a_model_without_a_space(tmp_path):
    pytest.importorskip("optuna")
    out = CliRunner().invoke(create_cli(), ["tune", "-m", "popularity", "-d",
                                            str(_log_file(tmp_path)), "--quiet"])
    assert out.exit_code != 0
    assert "model 'popularity' declares no parameter space (param_space)" in out.output


def test_declared_spaces_name_real_parameters():
    from rectool.registry import get_registry
    from rectool.tuning import check_space

    for entry in get_registry("model").entries:
        check_space(entry.obj, entry.obj.param_space, entry.name)
