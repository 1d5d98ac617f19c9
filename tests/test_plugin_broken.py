"""Broken plugins give one clear message each, and never take the other plugins down.

Decisions tested here (documented in docs/plugins.md, "When a plugin is broken"):
- an entry-point plugin that fails to import, misspells a hook, declares a hook argument that
  does not exist or carries no ``@rectool.hookimpl`` at all is skipped with ONE line on stderr
  and listed as failed by ``rectool plugins``; everything else keeps working;
- the same faults in ``register_plugin`` (tests, notebooks) raise ``PluginError`` at once;
- a model whose fit or recommend raises is reported as failed in table, JSON and CSV, with its
  error; the other models of the same comparison still produce results.
"""

from __future__ import annotations

import json
from importlib.metadata import EntryPoint

import numpy as np
import pytest
from click.testing import CliRunner

import rectool
from rectool import plugins
from rectool.builtins.popularity import Popularity
from rectool.cli import create_cli
from rectool.errors import PluginError
from rectool.evaluation import compare
from rectool.registry import get_registry
from rectool.testing import planted_dataset


class Misspelled:
    @rectool.hookimpl
    def register_model(self, register):  # should be register_models
        register("typo", Popularity)


class Unmarked:
    def register_models(self, register):  # no @rectool.hookimpl: pluggy never sees it
        register("unmarked", Popularity)


class WrongArgument:
    @rectool.hookimpl
    def register_models(self, reg):
        reg("wrongarg", Popularity)


class Good:
    @rectool.hookimpl
    def register_models(self, register):
        register("goodpop", Popularity)


class _ObjectEntryPoint(EntryPoint):
    """An entry point whose load() returns a ready-made plugin object."""

    def load(self):
        if self.name == "importboom":
            raise ImportError("No module named 'fake_backend'")
        return OBJECTS[self.name]


OBJECTS = {"misspelled": Misspelled(), "unmarked": Unmarked(), "wrongarg": WrongArgument(),
           "good": Good()}


def _install(monkeypatch, *names):
    eps = [_ObjectEntryPoint(name=n, value=f"fake_{n}", group="rectool") for n in names]
    monkeypatch.setattr(plugins, "entry_points", lambda group: eps)
    monkeypatch.delenv(plugins.LOAD_ENV, raising=False)
    plugins.reset()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("misspelled", "PluginError: plugin 'misspelled' implements unknown hook 'register_model' "
                       "(did you mean 'register_models'?); rectool hooks are: register_commands, "
                       "register_datasets, register_featurizers, register_metrics, "
                       "register_models"),
        ("unmarked", "PluginError: plugin 'unmarked' implements no rectool hook; mark each hook "
                     "function with @rectool.hookimpl (hooks: register_commands, "
                     "register_datasets, register_featurizers, register_metrics, "
                     "register_models)"),
        ("wrongarg", "PluginValidationError: Plugin 'wrongarg' for hook 'register_models'"),
        ("importboom", "ImportError: No module named 'fake_backend'"),
    ],
)
def test_broken_entry_point_plugin_is_one_warning_and_others_work(monkeypatch, capfd, tmp_path,
                                                                  name, message):
    _install(monkeypatch, name, "good")
    out = CliRunner().invoke(create_cli(), ["models"])
    assert out.exit_code == 0, out.output
    assert "goodpop" in out.output and "popularity" in out.output
    err = capfd.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"rectool: warning: plugin {name!r} (unknown distribution) failed to "
                          "load and was skipped: ")
    assert message in err
    assert not plugins.get_plugin_manager().has_plugin(name)  # nothing half-registered
    assert {"typo", "unmarked", "wrongarg"}.isdisjoint(get_registry("model").names())
    rows = json.loads(CliRunner().invoke(create_cli(), ["plugins", "--json"]).output)
    row = next(r for r in rows if r["name"] == name)
    assert row["error"].startswith(message)
    assert next(r for r in rows if r["name"] == "good")["hooks"] == ["register_models"]
    # the other plugins' models still run side by side in one comparison
    path = tmp_path / "log.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{(u + i) % 9}\n" for u in range(12)
                                           for i in range(5)))
    out = CliRunner().invoke(create_cli(), ["compare", "--models", "goodpop,popularity",
                                            "--dataset", str(path), "--quiet", "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output[out.output.index("{"):])
    assert [m["model"] for m in doc["models"]] == ["goodpop", "popularity"]
    assert all(m["error"] is None for m in doc["models"])


def test_register_plugin_with_misspelled_hook_raises_naming_the_plugin():
    with pytest.raises(PluginError, match=r"^plugin 'oops' implements unknown hook "
                                          r"'register_model' \(did you mean 'register_models'\?\)"):
        plugins.register_plugin(Misspelled(), "oops")
    assert not plugins.get_plugin_manager().has_plugin("oops")
    assert "popularity" in get_registry("model").names()  # the manager is still usable
    plugins.get_plugin_manager().check_pending()


def test_register_plugin_without_hookimpl_marker_raises():
    with pytest.raises(PluginError, match="implements no rectool hook; mark each hook function"):
        plugins.register_plugin(Unmarked(), "unmarked")


def test_name_a_builtin_has_fails_in_compare_with_both_qualified_names(rectool_register_plugin,
                                                                        tmp_path):
    class Clash:
        @rectool.hookimpl
        def register_models(self, register):
            register("popularity", Popularity)

    rectool_register_plugin(Clash(), "clash")
    path = tmp_path / "log.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{i}\n" for u in range(6) for i in range(4)))
    message = ("model name 'popularity' is provided by more than one plugin: "
               "builtin:popularity, clash:popularity; use the qualified name")
    out = CliRunner().invoke(create_cli(), ["compare", "--models", "popularity,linear", "--dataset",
                                            str(path), "--quiet", "--format", "json"])
    assert out.exit_code == 0, out.output  # the other model still produces results
    doc = json.loads(out.output[out.output.index("{"):])
    by_model = {m["model"]: m for m in doc["models"]}
    assert by_model["popularity"]["error"] == f"not run: {message}"
    assert by_model["linear"]["error"] is None
    assert any(r["model"] == "linear" for r in doc["results"])
    assert all(r["value"] is None for r in doc["results"] if r["model"] == "popularity")
    table = CliRunner().invoke(create_cli(), ["compare", "--models", "popularity,linear",
                                              "--dataset", str(path), "--quiet"])
    assert table.exit_code == 0 and "FAILED" in table.output and message in table.output
    with_baseline = CliRunner().invoke(create_cli(), ["compare", "--models", "popularity,linear",
                                                      "--dataset", str(path), "--quiet",
                                                      "--baseline", "popularity"])
    assert with_baseline.exit_code == 0, with_baseline.output
    assert "no paired differences: the baseline popularity failed" in with_baseline.output
    out = CliRunner().invoke(create_cli(), ["compare", "--models", "clash:popularity",
                                            "--dataset", str(path), "--quiet"])
    assert out.exit_code == 0, out.output


class FitRaises(Popularity):
    def _fit(self, train):
        raise RuntimeError("backend exploded\nsecond line of detail")


class RecommendRaises(Popularity):
    def score(self, users, items=None):
        raise ValueError("bad shapes")


class BrokenModels:
    @rectool.hookimpl
    def register_models(self, register):
        register("fitboom", FitRaises)
        register("recboom", RecommendRaises)


@pytest.mark.parametrize("split", ["holdout:0.2", "kfold:2"])
def test_model_that_raises_is_reported_failed_and_others_still_run(rectool_register_plugin,
                                                                     split):
    rectool_register_plugin(BrokenModels(), "broken")
    res = compare(["fitboom", "popularity", "recboom"], planted_dataset(), k=5, split=split)
    by_name = {m.model: m for m in res.models}
    assert by_name["fitboom"].error == "fit raised RuntimeError: backend exploded"
    assert by_name["recboom"].error == "recommend raised ValueError: bad shapes"
    assert by_name["popularity"].error is None
    assert np.isfinite(res.value("popularity", "precision@5"))
    assert np.isnan(res.value("fitboom", "precision@5"))

    table = res.to_table()
    assert "fitboom FAILED" in table and "recboom FAILED" in table
    assert "fitboom failed: fit raised RuntimeError: backend exploded" in table
    assert "recboom failed: recommend raised ValueError: bad shapes" in table

    doc = json.loads(res.to_json())
    models = {m["model"]: m for m in doc["models"]}
    assert models["fitboom"]["error"] == "fit raised RuntimeError: backend exploded"
    assert models["fitboom"]["fit_seconds"] is None
    assert models["popularity"]["error"] is None
    values = {(r["model"], r["metric"]): r["value"] for r in doc["results"]}
    assert values[("fitboom", "precision@5")] is None
    assert values[("popularity", "precision@5")] is not None

    header, *rows = res.to_csv().splitlines()
    assert header.endswith(",fit_seconds,recommend_seconds,error")
    failed = next(r for r in rows if r.startswith("fitboom,"))
    assert failed.endswith(",-,-,fit raised RuntimeError: backend exploded")


def test_cli_prints_the_failed_model_and_the_others(rectool_register_plugin, tmp_path):
    rectool_register_plugin(BrokenModels(), "broken")
    path = tmp_path / "log.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{i}\n" for u in range(10)
                                           for i in range(u % 4, 12)))
    out = CliRunner().invoke(create_cli(), ["compare", "--models", "fitboom,popularity",
                                            "--dataset", str(path), "--quiet"])
    assert out.exit_code == 0, out.output
    assert "fitboom FAILED" in out.output
    assert "fitboom failed: fit raised RuntimeError: backend exploded" in out.output
    assert "Traceback" not in out.output
