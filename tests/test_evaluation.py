"""The harness: counts skipped users, refuses what it cannot evaluate, renders every format."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from rectool.cli import create_cli
from rectool.data import build_dataset
from rectool.errors import EvaluationError, ModelError
from rectool.evaluation import compare, default_relevance
from rectool.testing import planted_dataset, tiny_dataset


def test_no_evaluable_user_is_a_clear_error():
    # every rating is below the threshold, so no test item is relevant
    users = [f"u{u}" for u in range(5) for _ in range(4)]
    items = [f"i{i}" for _ in range(5) for i in range(4)]
    data = build_dataset("low", users, items, [1.0] * 20, kind="explicit", rating_scale=(1, 5))
    with pytest.raises(EvaluationError) as err:
        compare(["popularity"], data)
    assert str(err.value) == (
        "no user can be evaluated: no test user has a relevant item and a training row "
        "(0 evaluated, 5 with no relevant test items, 0 with no training rows, 0 with no test "
        "rows); use a larger test fraction or a lower relevance threshold"
    )


def test_users_without_relevant_test_items_are_skipped_and_counted():
    res = compare(["popularity"], tiny_dataset(), split="holdout:0.5", seed=0)
    p = res.protocol
    assert (p["users_evaluated"], p["users_skipped_no_relevant"]) == (3, 1)
    assert ("evaluated 3 users; skipped 1 with no relevant test items and 0 with no training rows"
            in res.to_table())


def _clicks():
    return build_dataset("clicks", [f"u{u % 6}" for u in range(60)],
                         [f"i{u % 7}" for u in range(60)], kind="implicit")


@pytest.mark.parametrize(("need", "make_data", "name"), [
    ("social", planted_dataset, "planted"),
    ("item_features", _clicks, "clicks"),
    ("ratings", _clicks, "clicks"),
])
def test_model_requirements_are_checked_before_fitting(rectool_register_plugin, need, make_data,
                                                       name):
    import rectool
    from rectool.builtins.popularity import Popularity

    fitted = []

    class Needs(Popularity):
        requires = frozenset({need})

        def _fit(self, train):
            fitted.append(True)

    class Plugin:
        @rectool.hookimpl
        def register_models(self, register):
            register("needy", Needs)

    rectool_register_plugin(Plugin(), "needyplugin")
    with pytest.raises(ModelError, match=f"requires {need}, which dataset '{name}' does not"):
        compare(["popularity", "needy"], make_data())
    assert fitted == []


@pytest.mark.parametrize(("option", "message"), [
    (("--seed", "-1"), "Error: seed must be a non-negative integer, got -1"),
    (("--relevance", "nan"), "Error: relevance threshold must be a finite number, got nan"),
])
def test_bad_seed_or_relevance_is_one_clear_line(tmp_path, option, message):
    path = tmp_path / "r.csv"
    path.write_text("user,item,rating\n" + "".join(f"u{u},i{i},5\n" for u in range(5) for i in range(4)))
    result = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity", "-d", str(path), "-q",
                                               *option])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == message


@pytest.mark.parametrize("target", ["missing/dir/out.json", "missing/dir/run", "missing/out.json"])
def test_unwritable_output_is_one_clear_line(tmp_path, target):
    path = tmp_path / "r.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{(u + i) % 9}\n" for u in range(12) for i in range(5)))
    (tmp_path / "missing").write_text("a file, so nothing can be made under it")
    out = tmp_path / target
    result = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity", "-d", str(path), "-q",
                                               "-o", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(f"Error: cannot write {out}")
    assert last.endswith("; choose a path whose folder exists and is writable")
    assert "precision@10" not in result.output  # refused before any work, not after the table


@pytest.mark.parametrize("value, option", [("5,,10", "--k"), ("popularity,", "--models"),
                                           ("precision,,recall", "--metrics")])
def test_an_empty_list_entry_is_an_error_not_a_shorter_list(value, option):
    result = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity", "-q", option, value])
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    assert "an empty entry; use a comma-separated list like a,b,c" in result.output


def test_several_k_come_from_one_ranking_and_equal_separate_runs():
    data = planted_dataset()
    both = compare(["linear"], data, k=[5, 10])
    five = compare(["linear"], data, k=5)
    ten = compare(["linear"], data, k=10)
    assert both.value("linear", "precision@5") == five.value("linear", "precision@5")
    assert both.value("linear", "ndcg@10") == ten.value("linear", "ndcg@10")


def test_same_seed_same_numbers():
    a = compare(["linear", "popularity"], planted_dataset(), seed=3)
    b = compare(["linear", "popularity"], planted_dataset(), seed=3)
    assert a.records() == b.records()


def test_linear_beats_popularity_on_planted_structure():
    res = compare(["popularity", "linear"], planted_dataset(), k=5)
    assert res.value("linear", "precision@5") > 2 * res.value("popularity", "precision@5")


def test_default_relevance_is_4_on_1_to_5_and_relative_elsewhere():
    assert default_relevance(tiny_dataset()) == 4.0
    film = build_dataset("f", ["a"], ["b"], [3.5], kind="explicit", rating_scale=(0.5, 4.0))
    assert default_relevance(film) == pytest.approx(3.125)


def test_cli_json_has_the_documented_fields(tmp_path):
    path = tmp_path / "log.csv"
    rng = np.random.default_rng(0)
    lines = ["user,item,rating"] + [
        f"u{u},i{i},{rng.integers(1, 6)}" for u in range(20) for i in rng.choice(30, 8, replace=False)
    ]
    path.write_text("\n".join(lines) + "\n")
    out = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity,linear", "-d", str(path),
                                            "--format", "json", "--k", "5,10", "--quiet"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert set(doc["dataset"]) >= {"name", "users", "items", "interactions"}
    assert set(doc["protocol"]) >= {"split", "seed", "k", "relevance", "users_evaluated",
                                    "users_skipped_no_relevant"}
    assert doc["protocol"]["k"] == [5, 10]
    metrics = {r["metric"] for r in doc["results"]}
    assert {"precision@5", "precision@10", "recall@10", "f1@10", "ndcg@10", "rmse"} <= metrics
    assert all(isinstance(m["fit_seconds"], float) for m in doc["models"])
    assert {m["model"] for m in doc["models"]} == {"popularity", "linear"}


def test_cli_csv_and_output_file(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{(u * 7 + j) % 13}\n"
                                             for u in range(15) for j in range(6)))
    out_file = tmp_path / "res.json"
    out = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity", "-d", str(path),
                                            "--format", "csv", "-o", str(out_file), "--quiet"])
    assert out.exit_code == 0, out.output
    header = out.output.splitlines()[0]
    assert header.startswith("model,precision@10,recall@10,f1@10,ndcg@10")
    assert json.loads(out_file.read_text())["results"][0]["model"] == "popularity"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "0"], "Invalid value for '--k': use a positive integer"),  # usage error
        (["--param", "popularity"], "use MODEL.NAME=VALUE"),
        (["--param", "svd.n_factors=3"], "model 'svd' is not among --models (popularity)"),
        (["--param", "popularity.depth=3"], "Popularity has no parameter 'depth'; allowed: none"),
        (["--split", "random"], "unknown split 'random'"),
        (["--metrics", "precison"], "Did you mean 'precision'?"),
    ],
)
def test_cli_bad_options_are_one_line_errors(tmp_path, args, message):
    path = tmp_path / "log.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{j}\n" for u in range(5) for j in range(4)))
    out = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity", "-d", str(path),
                                            "--quiet", *args])
    assert out.exit_code != 0
    assert message in out.output
    assert "Traceback" not in out.output
