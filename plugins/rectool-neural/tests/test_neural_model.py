"""NeuralModel (LightGCN / social) on small in-memory datasets: contract, determinism, errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from rectool_neural import NeuralModel, NeuralSocialModel
from rectool_neural.train import carve_validation, propagation_matrix

from rectool.errors import ConfigError, ModelError
from rectool.testing import ModelContract, planted_dataset, tiny_dataset

FAST = {"dim": 16, "epochs": 20, "eval_every": 5, "batch_size": 256, "lr": 0.01}


class TestNeuralContract(ModelContract):
    model_class = NeuralModel
    params = FAST


class TestNeuralSocialContract(ModelContract):
    model_class = NeuralSocialModel
    params = FAST


def test_tiny_dataset_trains_within_its_epoch_budget() -> None:
    """Seconds are not asserted (benchmarks measure time; `pytest --durations` shows this one):
    the run must stay within FAST's few epochs and learn something."""
    data = planted_dataset(social=True)
    model = NeuralSocialModel(seed=1, **FAST).fit(data)
    assert model.history_ and 1 <= model.best_epoch_ <= FAST["epochs"]
    assert np.isfinite(model.score(np.arange(data.n_users))).all()


@pytest.mark.parametrize("cls", [NeuralModel, NeuralSocialModel])
def test_same_seed_gives_identical_scores(cls: type[NeuralModel]) -> None:
    data = planted_dataset(social=True)
    a = cls(seed=5, **FAST).fit(data).score(np.arange(data.n_users))
    b = cls(seed=5, **FAST).fit(data).score(np.arange(data.n_users))
    np.testing.assert_array_equal(a, b)
    c = cls(seed=6, **FAST).fit(data).score(np.arange(data.n_users))
    assert not np.array_equal(a, c)


def test_save_load_round_trip_gives_identical_scores(tmp_path) -> None:
    data = planted_dataset(social=True)
    model = NeuralSocialModel(seed=2, **FAST).fit(data)
    model.save(tmp_path / "m")
    loaded = NeuralSocialModel.load(tmp_path / "m")
    users = np.arange(data.n_users)
    np.testing.assert_array_equal(loaded.score(users), model.score(users))
    np.testing.assert_array_equal(loaded.recommend(users, 5), model.recommend(users, 5))


def test_uses_item_and_user_features() -> None:
    data = tiny_dataset()  # genres as item features
    with_f = NeuralModel(seed=0, use_features=True, **FAST).fit(data).score(np.arange(4))
    without = NeuralModel(seed=0, use_features=False, **FAST).fit(data).score(np.arange(4))
    assert not np.allclose(with_f, without)


def test_social_propagation_mixes_trusted_users() -> None:
    users, items = np.array([0, 1]), np.array([0, 1])
    import scipy.sparse as sp

    social = sp.csr_matrix((np.ones(1, np.float32), ([0], [1])), shape=(2, 2))
    m = propagation_matrix(users, items, 2, 2, social, 0.5).toarray()
    # user 0 trusts user 1: half its update from its item, half from user 1
    np.testing.assert_allclose(m[0], [0.0, 0.5, 0.5, 0.0])
    np.testing.assert_allclose(m[1], [0.0, 0.0, 0.0, 1.0])  # no links: plain LightGCN row


def test_friends_items_become_weighted_user_item_edges() -> None:
    import scipy.sparse as sp

    users, items = np.array([0, 1]), np.array([0, 1])
    social = sp.csr_matrix((np.ones(1, np.float32), ([0], [1])), shape=(2, 2))
    m = propagation_matrix(users, items, 2, 2, social, 0.0, social_items=0.5).toarray()
    # user 0 gets item 1 (its friend's) at weight 0.5: degrees user0 1.5, item1 1.5
    np.testing.assert_allclose(m[0], [0.0, 0.0, 1 / np.sqrt(1.5), 0.5 / 1.5], rtol=1e-6)
    np.testing.assert_allclose(m[1], [0.0, 0.0, 0.0, 1 / np.sqrt(1.5)], rtol=1e-6)
    plain = propagation_matrix(users, items, 2, 2, social, 0.0).toarray()
    np.testing.assert_allclose(plain[0], [0.0, 0.0, 1.0, 0.0])


def test_validation_carves_a_fraction_per_user() -> None:
    users = np.repeat(np.arange(3), [20, 10, 5])
    val = carve_validation(users, 3, 0.1, np.random.default_rng(0))
    assert np.bincount(users[val], minlength=3).tolist() == [2, 1, 0]


def test_social_variant_needs_a_social_graph() -> None:
    with pytest.raises(ModelError, match="social"):
        NeuralModel(seed=0, social=True, **FAST).fit(planted_dataset())


def test_bad_parameters_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="val_fraction"):
        NeuralModel(val_fraction=1.5)
    with pytest.raises(ConfigError, match="device"):
        NeuralModel(device="tpu")


def test_cuda_without_a_gpu_is_a_clear_error() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ModelError, match="no CUDA GPU"):
        NeuralModel(seed=0, device="cuda", **FAST).fit(planted_dataset())


def test_missing_torch_names_the_install_and_other_models_still_work(monkeypatch) -> None:
    from rectool.builtins.popularity import Popularity

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    with pytest.raises(ModelError, match=r"pip install rectool-neural"):
        NeuralModel(seed=0, **FAST).fit(planted_dataset())
    Popularity(seed=0).fit(planted_dataset()).recommend(np.arange(3), 5)
