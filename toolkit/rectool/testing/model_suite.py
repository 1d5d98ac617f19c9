"""``ModelContract``: the checks every rectool model must pass. Subclass it in a test module::

    from rectool.testing import ModelContract

    class TestMine(ModelContract):
        model_class = Mine
        params = {"factors": 8}

pytest collects the subclass (its name starts with ``Test``) and runs every ``test_*`` below
against ``model_class(seed=..., **params)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
import scipy.sparse as sp

from rectool.data import Dataset
from rectool.data.splits import parse_split
from rectool.errors import ModelError
from rectool.evaluation import default_relevance
from rectool.metrics import hits_matrix
from rectool.models import Model
from rectool.testing.datasets import planted_dataset, tiny_dataset


class ModelContract:
    """Shapes, masking, padding, errors, determinism, persistence and a learning sanity check."""

    #: the ``rectool.Model`` subclass under test (required)
    model_class: ClassVar[type[Model]]
    #: parameters passed to the constructor (keep them small so the suite runs in seconds)
    params: ClassVar[dict[str, Any]] = {}
    seed: ClassVar[int] = 7
    k: ClassVar[int] = 5
    #: the model's precision@k on held-out planted data must be this many times random's
    beats_random_by: ClassVar[float] = 2.0
    #: set False only while ``get_state``/``set_state`` are not implemented yet
    supports_save: ClassVar[bool] = True

    # -- hooks a subclass may override ---------------------------------------------------
    def make_model(self, seed: int | None = None) -> Model:
        return self.model_class(seed=self.seed if seed is None else seed, **self.params)

    def make_dataset(self) -> Dataset:
        """Data for the shape, masking and persistence checks.

        The planted dataset (implicit, 120 users, 60 items, with a trust graph when the model
        requires ``social``) unless the model requires parts it lacks (ratings, item
        features); then the tiny dataset, which has them.
        """
        data = planted_dataset(social="social" in self.model_class.requires)
        return data if all(data.has(r) for r in self.model_class.requires) else tiny_dataset()

    def make_planted(self) -> Dataset:
        """Data with learnable structure for the beats-random check."""
        return planted_dataset(social="social" in self.model_class.requires)

    # -- fixtures (class-scoped: built once per subclass) --------------------------------
    @pytest.fixture(scope="class")
    @classmethod
    def dataset(cls) -> Dataset:
        return cls().make_dataset()

    @pytest.fixture(scope="class")
    @classmethod
    def fitted(cls, dataset: Dataset) -> Model:
        return cls().make_model().fit(dataset)

    @pytest.fixture(scope="class")
    @classmethod
    def users(cls, dataset: Dataset) -> np.ndarray:
        return np.flatnonzero(dataset.user_counts() > 0)

    # -- the contract --------------------------------------------------------------------
    def test_fit_returns_the_fitted_model(self, dataset: Dataset) -> None:
        model = self.make_model()
        assert not model.fitted
        assert model.fit(dataset) is model
        assert model.fitted
        assert (model.n_users, model.n_items) == (dataset.n_users, dataset.n_items)

    def test_recommend_before_fit_is_a_model_error(self) -> None:
        with pytest.raises(ModelError):
            self.make_model().recommend(np.array([0]), self.k)

    def test_score_shapes(self, fitted: Model, dataset: Dataset, users: np.ndarray) -> None:
        some = users[:7]
        full = np.asarray(fitted.score(some))
        assert full.shape == (len(some), dataset.n_items)
        assert not np.isnan(full).any(), "scores must not be NaN (use -inf for 'never')"
        items = np.array([dataset.n_items - 1, 0, dataset.n_items // 2])
        part = np.asarray(fitted.score(some, items))
        assert part.shape == (len(some), len(items))
        np.testing.assert_allclose(part, full[:, items], rtol=1e-5, atol=1e-6)

    def test_recommend_shape_dtype_and_range(
        self, fitted: Model, dataset: Dataset, users: np.ndarray
    ) -> None:
        recs = fitted.recommend(users, self.k)
        assert recs.shape == (len(users), self.k)
        assert np.issubdtype(recs.dtype, np.integer)
        assert recs.min() >= -1 and recs.max() < dataset.n_items

    def test_recommend_excludes_training_items(
        self, fitted: Model, dataset: Dataset, users: np.ndarray
    ) -> None:
        recs = fitted.recommend(users, self.k)
        valid = recs >= 0
        rows = np.repeat(users, self.k).reshape(recs.shape)[valid]
        seen = np.asarray(dataset.interaction_matrix(binary=True)[rows, recs[valid]]).ravel()
        assert not seen.any(), f"{int(seen.sum())} recommended items were training items"

    def test_recommend_never_repeats_an_item(self, fitted: Model, users: np.ndarray) -> None:
        recs = np.sort(fitted.recommend(users, self.k), axis=1)
        repeated = (recs[:, 1:] == recs[:, :-1]) & (recs[:, 1:] >= 0)
        assert not repeated.any(), f"{int(repeated.any(axis=1).sum())} users got an item twice"

    def test_pads_with_minus_one_when_fewer_than_k_candidates(
        self, fitted: Model, dataset: Dataset, users: np.ndarray
    ) -> None:
        k = dataset.n_items + 3
        recs = fitted.recommend(users, k)
        assert recs.shape == (len(users), k)
        pad = recs < 0
        assert (np.diff(pad.astype(np.int8), axis=1) >= 0).all(), "-1 padding must come last"
        candidates = dataset.n_items - dataset.user_counts()[users]
        assert ((~pad).sum(axis=1) == candidates).all(), "every unseen item must be returned"
        assert (pad.sum(axis=1) >= 3).all()

    def test_out_of_range_user_is_a_model_error(self, fitted: Model, dataset: Dataset) -> None:
        for bad in ([dataset.n_users], [-1], [0, dataset.n_users + 10]):
            with pytest.raises(ModelError):
                fitted.recommend(np.array(bad), self.k)

    def test_same_seed_gives_the_same_recommendations(
        self, dataset: Dataset, users: np.ndarray
    ) -> None:
        first = self.make_model().fit(dataset).recommend(users, self.k)
        second = self.make_model().fit(dataset).recommend(users, self.k)
        np.testing.assert_array_equal(first, second)

    def test_save_and_load_round_trip(
        self, fitted: Model, users: np.ndarray, tmp_path: Path
    ) -> None:
        if not self.supports_save:
            pytest.skip(f"{self.model_class.__name__}: supports_save = False")
        fitted.save(tmp_path / "model")
        loaded = self.model_class.load(tmp_path / "model")
        assert type(loaded) is self.model_class
        assert loaded.params == fitted.params
        np.testing.assert_array_equal(
            loaded.recommend(users, self.k), fitted.recommend(users, self.k)
        )
        np.testing.assert_allclose(
            np.asarray(loaded.score(users[:5])), np.asarray(fitted.score(users[:5])), rtol=1e-6
        )

    def test_beats_random_on_planted_data(self) -> None:
        data = self.make_planted()
        fold = next(iter(parse_split("holdout:0.2").folds(data, self.seed)))
        train, test = fold.train, fold.test
        rel_rows = test.relevant(default_relevance(data))  # rating >= 4 of 5 on rated data
        relevant = sp.csr_matrix(
            (np.ones(int(rel_rows.sum()), dtype=np.float32),
             (test.user_index[rel_rows], test.item_index[rel_rows])),
            shape=(test.n_users, test.n_items),
        )
        users = np.flatnonzero((np.diff(relevant.indptr) > 0) & (train.user_counts() > 0))
        relevant = relevant[users]
        recs = self.make_model().fit(train).recommend(users, self.k)
        precision = hits_matrix(recs, relevant).sum(axis=1).mean() / self.k
        # a uniformly random ranking of each user's candidates (items not trained on)
        candidates = train.n_items - train.user_counts()[users]
        n_rel = np.diff(relevant.indptr)
        random = np.mean(np.minimum(self.k, candidates) * n_rel / candidates) / self.k
        assert precision >= self.beats_random_by * random, (
            f"{self.model_class.__name__} precision@{self.k} {precision:.4f} is not "
            f"{self.beats_random_by}x random ranking's {random:.4f} on {data.name!r}"
        )
