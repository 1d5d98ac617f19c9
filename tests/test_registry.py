"""Plugin registry: fixture-registered plugins show up, names resolve, broken plugins are isolated."""

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
from rectool.errors import AmbiguousNameError, UnknownNameError
from rectool.registry import resolve


class ReversePopularity(Popularity):
    """Least popular first: a plugin model for tests."""

    def score(self, users, items=None):
        return -super().score(users, items)


class FakePlugin:
    @rectool.hookimpl
    def register_models(self, register):
        register("antipop", ReversePopularity)


fake_plugin = FakePlugin()


class ClashingPlugin:
    @rectool.hookimpl
    def register_models(self, register):
        register("popularity", ReversePopularity)


def test_fixture_plugin_shows_in_models_and_compare(rectool_register_plugin, tmp_path):
    rectool_register_plugin(FakePlugin(), "fakeplugin")
    runner = CliRunner()
    out = runner.invoke(create_cli(), ["models", "--json"])
    assert out.exit_code == 0, out.output
    names = {(r["name"], r["plugin"]) for r in json.loads(out.output)}
    assert ("antipop", "fakeplugin") in names
    assert ("popularity", "builtin") in names

    data = tmp_path / "log.csv"
    data.write_text("user,item\n" + "".join(f"u{u},i{i}\n" for u in range(8) for i in range(u + 3)))
    out = runner.invoke(create_cli(), ["compare", "--models", "antipop,popularity", "--dataset",
                                       str(data), "--format", "json", "--quiet"])
    assert out.exit_code == 0, out.output
    models = {r["model"] for r in json.loads(out.output)["results"]}
    assert models == {"antipop", "popularity"}


def test_unknown_model_name_suggests_close_names():
    with pytest.raises(UnknownNameError) as info:
        resolve("model", "popularty")
    message = str(info.value)
    assert message.startswith(
        "unknown model 'popularty'. Did you mean 'popularity'? Available models: "
    )
    assert "linear, " in message and "popularity" in message
    assert message.endswith(". Run `rectool plugins` to see what is installed.")


def test_unknown_model_in_cli_is_a_clean_error():
    out = CliRunner().invoke(create_cli(), ["compare", "--models", "lightfn", "--quiet"])
    assert out.exit_code == 1
    assert "Error: unknown model 'lightfn'." in out.output
    assert "Traceback" not in out.output


def test_bare_name_from_two_plugins_needs_qualification(rectool_register_plugin):
    rectool_register_plugin(ClashingPlugin(), "clash")
    with pytest.raises(AmbiguousNameError, match="builtin:popularity, clash:popularity"):
        resolve("model", "popularity")
    assert resolve("model", "clash:popularity").obj is ReversePopularity
    assert resolve("model", "builtin:popularity").obj is Popularity


class _BrokenEntryPoint(EntryPoint):
    def load(self):
        raise ImportError("No module named 'nonexistent_backend'")


def test_plugin_that_fails_to_import_leaves_cli_working(monkeypatch, capfd):
    broken = _BrokenEntryPoint(name="broken", value="broken_plugin", group="rectool")
    monkeypatch.setattr(plugins, "entry_points", lambda group: [broken])
    monkeypatch.delenv(plugins.LOAD_ENV, raising=False)
    plugins.reset()
    out = CliRunner().invoke(create_cli(), ["models"])
    assert out.exit_code == 0
    assert "popularity" in out.output
    err = capfd.readouterr().err
    assert err.count("\n") == 1
    assert "plugin 'broken'" in err and "failed to load and was skipped" in err
    plugin_rows = json.loads(CliRunner().invoke(create_cli(), ["plugins", "--json"]).output)
    row = next(r for r in plugin_rows if r["name"] == "broken")
    assert row["error"] == "ImportError: No module named 'nonexistent_backend'"


def test_env_var_restricts_entry_point_plugins(monkeypatch):
    good = EntryPoint(name="fake", value="test_registry:fake_plugin", group="rectool")
    monkeypatch.setattr(plugins, "entry_points", lambda group: [good])
    monkeypatch.setenv(plugins.LOAD_ENV, "")
    plugins.reset()
    assert "antipop" not in rectool.registry.get_registry("model").names()
    monkeypatch.setenv(plugins.LOAD_ENV, "fake")
    plugins.reset()
    assert "antipop" in rectool.registry.get_registry("model").names()


def test_registered_model_is_used_by_compare(rectool_register_plugin):
    rectool_register_plugin(FakePlugin(), "fakeplugin")
    from rectool.evaluation import compare
    from rectool.testing import planted_dataset

    res = compare(["antipop", "popularity"], planted_dataset(), k=5)
    assert np.isfinite(res.value("antipop", "precision@5"))


def test_a_plugin_registering_one_name_twice_is_skipped_with_a_warning(rectool_register_plugin,
                                                                        capsys):
    class Twice:
        @rectool.hookimpl
        def register_models(self, register):
            register("antipop", ReversePopularity)
            register("antipop", Popularity)

    rectool_register_plugin(Twice(), "twice")
    assert resolve("model", "popularity").plugin == "builtin"  # the other plugins still work
    assert capsys.readouterr().err == (
        "rectool: warning: plugin 'twice' failed in register_models and its models were skipped: "
        "RectoolError: plugin 'twice' registered model 'antipop' twice\n")
    with pytest.raises(UnknownNameError):
        resolve("model", "antipop")
