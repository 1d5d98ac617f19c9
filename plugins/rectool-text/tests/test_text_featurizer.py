"""The text featurizer: offline embeddings, disk cache, texts from feature names, errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from rectool_text import TextFeaturizer, embed_texts
from rectool_text.embed import CacheStats
from rectool_text.featurizer import pca, texts_from_features

from rectool import plugins
from rectool.errors import ConfigError
from rectool.features import apply_featurizers
from rectool.testing import tiny_dataset


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Nothing downloads, the cache is private to the test, only this plugin is loaded."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("RECTOOL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(plugins.LOAD_ENV, "text")
    plugins.reset()
    yield
    plugins.reset()


def test_embeds_offline_with_shape_and_hits_the_cache_second_time(tmp_path) -> None:
    texts = ["indie rock, british", "jazz, piano", "Books", "indie rock, british"]
    first = embed_texts(texts, progress=False)
    assert first.shape == (4, 384) and first.dtype == np.float32
    assert (CacheStats.hits, CacheStats.misses) == (0, 3)  # duplicates embedded once
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-4)
    np.testing.assert_array_equal(first[0], first[3])
    assert list((tmp_path / "cache" / "embeddings" / "all-MiniLM-L6-v2").glob("*.npz"))
    second = embed_texts(texts, progress=False)
    assert (CacheStats.hits, CacheStats.misses) == (3, 0)
    np.testing.assert_array_equal(first, second)
    # related texts are closer than unrelated ones: the vectors mean something
    more = embed_texts(["rock music", "classical piano", "dog food"], progress=False)
    assert more[0] @ first[0] > more[2] @ first[0]


def test_texts_come_from_feature_names_strongest_first() -> None:
    data = tiny_dataset()
    texts = texts_from_features(data.item_features, data.n_items)
    by_id = dict(zip(data.items.ids.tolist(), texts, strict=True))
    assert by_id == {"i1": "a", "i2": "a", "i3": "b", "i4": "b", "i5": "c", "i6": "c"}
    names = ("tag:rock", "tag:indie", "text:3", "age")
    import scipy.sparse as sp

    from rectool.data.dataset import Features

    f = Features(sp.csr_matrix(np.array([[1.0, 5.0, 0.7, 1.0], [0, 0, 1.0, 0]])), names)
    assert texts_from_features(f, 2) == ["indie, rock", ""]


def test_featurizer_appends_dense_item_columns() -> None:
    data = tiny_dataset()
    out = apply_featurizers(data, [("text", {"dims": 0, "progress": False})])
    assert out.item_features is not None and data.item_features is not None
    assert out.item_features.width == data.item_features.width + 384
    assert out.item_features.names[-1] == "text:383"
    assert out.user_features is data.user_features
    dense = out.item_features.matrix.toarray()[:, data.item_features.width :]
    np.testing.assert_allclose(np.linalg.norm(dense, axis=1), 1.0, rtol=1e-4)


def test_pca_reduces_deterministically() -> None:
    x = np.random.default_rng(0).normal(size=(50, 384)).astype(np.float32)
    a, b = pca(x, 8), pca(x.copy(), 8)
    assert a.shape == (50, 8)
    np.testing.assert_array_equal(a, b)
    assert pca(x[:3], 8).shape == (3, 3)


def test_missing_sentence_transformers_names_the_install(monkeypatch) -> None:
    from rectool_text import embed

    monkeypatch.setattr(embed, "_encoders", {})
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(ConfigError, match=r"pip install rectool-text"):
        embed_texts(["never embedded before 12345"], progress=False, use_cache=False)


def test_unknown_parameter_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no parameter"):
        TextFeaturizer(dimension=3)
