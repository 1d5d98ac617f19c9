"""Featurizers: dense columns appended to a dataset's features, through compare and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import rectool
from rectool.cli import create_cli
from rectool.data import Dataset
from rectool.errors import ConfigError, UnknownNameError
from rectool.evaluation import compare
from rectool.features import FeatureBlocks, Featurizer, apply_featurizers
from rectool.testing import planted_dataset, tiny_dataset


class IndexFeaturizer(Featurizer):
    """Two dense item columns (index, index squared) and one user column."""

    default_params = {"scale": 1.0, "users": True}

    def featurize(self, data: Dataset) -> FeatureBlocks:
        i = np.arange(data.n_items, dtype=np.float32) * self.params["scale"]
        u = np.ones((data.n_users, 1), dtype=np.float32) if self.params["users"] else None
        return FeatureBlocks(items=np.stack([i, i**2], axis=1), users=u)


class BrokenFeaturizer(Featurizer):
    """Returns the wrong number of rows."""

    def featurize(self, data: Dataset) -> FeatureBlocks:
        return FeatureBlocks(items=np.zeros((data.n_items + 1, 2)))


class FeaturizerPlugin:
    @rectool.hookimpl
    def register_featurizers(self, register):
        register("index", IndexFeaturizer)
        register("broken", BrokenFeaturizer)


@pytest.fixture
def featurizers(rectool_register_plugin) -> None:
    rectool_register_plugin(FeaturizerPlugin(), "featplug")


def test_apply_appends_dense_columns_after_existing_features(featurizers) -> None:
    data = tiny_dataset()
    out = apply_featurizers(data, [("index", {"scale": 2.0})])
    assert data.item_features is not None and out.item_features is not None
    width = data.item_features.width
    assert out.item_features.names == data.item_features.names + ("index:0", "index:1")
    np.testing.assert_array_equal(out.item_features.matrix[:, width:].toarray()[:, 0],
                                  np.arange(data.n_items) * 2.0)
    assert out.user_features is not None and out.user_features.names == ("index:0",)
    assert data.item_features.width == width  # the input dataset is unchanged
    assert out.n_interactions == data.n_interactions and out.social is data.social


def test_featurizer_errors_are_clear(featurizers) -> None:
    with pytest.raises(ConfigError, match=r"returned item features of shape \(7, 2\)"):
        apply_featurizers(tiny_dataset(), ["broken"])
    with pytest.raises(UnknownNameError, match="unknown featurizer 'nope'"):
        apply_featurizers(tiny_dataset(), ["nope"])
    with pytest.raises(ConfigError, match="no parameter"):
        apply_featurizers(tiny_dataset(), [("index", {"bogus": 1})])


def test_compare_applies_features_and_records_them(featurizers) -> None:
    results = compare(["popularity"], planted_dataset(), features=["index"])
    assert results.protocol["features"] == ["index"]
    assert results.dataset["item_features"] == 2
    assert "features" not in compare(["popularity"], planted_dataset()).protocol


def test_cli_features_option(featurizers, tmp_path) -> None:
    table = tmp_path / "events.csv"
    rows = [f"u{u},i{(u * 7 + j) % 30}" for u in range(40) for j in range(6)]
    table.write_text("user,item\n" + "\n".join(rows) + "\n")
    out = CliRunner().invoke(create_cli(), [
        "compare", "--models", "popularity", "--dataset", str(table),
        "--columns", "user=user,item=item", "--features", "index", "--format", "json", "-q",
    ])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output[out.output.index("{"):])
    assert payload["protocol"]["features"] == ["index"]
    bad = CliRunner().invoke(create_cli(), [
        "compare", "--models", "popularity", "--dataset", str(table),
        "--columns", "user=user,item=item", "--features", "textt", "-q",
    ])
    assert bad.exit_code != 0 and "unknown featurizer 'textt'" in bad.output


@pytest.mark.parametrize(("model", "params"), [
    ("lightfm", {"epochs": 3, "no_components": 8, "num_threads": 1, "use_features": True}),
    ("neural", {"epochs": 3, "dim": 8, "layers": 1, "use_features": True}),
])
def test_feature_models_consume_the_featurized_columns(entry_point_plugins, rectool_register_plugin,
                                                       model, params) -> None:
    rectool_register_plugin(FeaturizerPlugin(), "featplug")
    data = planted_dataset()
    small = apply_featurizers(data, [("index", {"scale": 0.01, "users": False})])
    large = apply_featurizers(data, [("index", {"scale": 1.0, "users": False})])
    users = np.arange(data.n_users)
    scores = [rectool.fit(model, d, seed=1, **params).model.score(users) for d in (small, large)]
    assert not np.allclose(scores[0], scores[1])  # other feature values, other model
    plain = rectool.fit(model, small, seed=1, **{**params, "use_features": False}).model
    again = rectool.fit(model, large, seed=1, **{**params, "use_features": False}).model
    np.testing.assert_array_equal(plain.score(users), again.score(users))  # ignored when off
