"""``DatasetContract``: the checks every dataset loader must pass. Subclass it in a test module::

    from rectool.testing import DatasetContract

    class TestMine(DatasetContract):
        def load(self):
            return load_mine(path="tests/data/events.csv")

The dataset is loaded once per class.
"""

from __future__ import annotations

import numpy as np
import pytest

from rectool.data import Dataset, Features


class DatasetContract:
    """Id maps agree with indices and matrix shapes; no duplicate pairs; side data aligned."""

    def load(self) -> Dataset:
        """Return the dataset under test (call your loader with its options here)."""
        raise NotImplementedError(f"{type(self).__name__}: define load() returning a Dataset")

    @pytest.fixture(scope="class")
    @classmethod
    def dataset(cls) -> Dataset:
        data = cls().load()
        assert isinstance(data, Dataset), f"load() returned {type(data).__name__}, not Dataset"
        return data

    def test_has_a_name_and_interactions(self, dataset: Dataset) -> None:
        assert isinstance(dataset.name, str) and dataset.name
        assert dataset.n_interactions > 0
        assert dataset.kind in ("explicit", "implicit")

    def test_id_maps_match_the_indices(self, dataset: Dataset) -> None:
        for ids, index, n in ((dataset.users, dataset.user_index, dataset.n_users),
                              (dataset.items, dataset.item_index, dataset.n_items)):
            assert np.issubdtype(index.dtype, np.integer)
            assert len(ids.ids) == n
            assert len(set(ids.ids.tolist())) == n, "an id map holds a duplicate id"
            assert index.min() >= 0 and index.max() < n
            assert all(isinstance(i, str) for i in ids.ids[:100]), "external ids must be str"

    def test_interaction_matrix_shape_and_no_duplicate_pairs(self, dataset: Dataset) -> None:
        keys = dataset.user_index.astype(np.int64) * dataset.n_items + dataset.item_index
        assert np.unique(keys).size == dataset.n_interactions, "a (user, item) pair repeats"
        for binary in (False, True):
            matrix = dataset.interaction_matrix(binary=binary)
            assert matrix.shape == (dataset.n_users, dataset.n_items)
            assert matrix.nnz == dataset.n_interactions

    def test_values_and_timestamps(self, dataset: Dataset) -> None:
        assert len(dataset.values) == dataset.n_interactions
        assert np.isfinite(dataset.values).all()
        if dataset.kind == "explicit" and dataset.rating_scale is not None:
            low, high = dataset.rating_scale
            assert dataset.values.min() >= low and dataset.values.max() <= high
        if dataset.timestamps is not None:
            assert len(dataset.timestamps) == dataset.n_interactions
            assert np.issubdtype(dataset.timestamps.dtype, np.integer)

    def test_social_matrix_is_square_over_users(self, dataset: Dataset) -> None:
        if dataset.social is None:  # nothing to check; not a skip, the contract holds
            assert not dataset.has("social")
            return
        assert dataset.social.shape == (dataset.n_users, dataset.n_users)
        assert dataset.social_kind in ("trust", "friends")
        assert dataset.has("social")

    @pytest.mark.parametrize("side", ["user", "item"])
    def test_feature_rows_follow_the_id_map(self, dataset: Dataset, side: str) -> None:
        features: Features | None = getattr(dataset, f"{side}_features")
        if features is None:
            assert not dataset.has(f"{side}_features")
            return
        n = dataset.n_users if side == "user" else dataset.n_items
        assert features.matrix.shape == (n, features.width)
        assert len(set(features.names)) == features.width, "feature names repeat"
        assert dataset.has(f"{side}_features")
