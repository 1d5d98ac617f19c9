"""The built-in models pass the same contract suite a third-party model subclasses."""

from __future__ import annotations

from rectool.builtins.linear import Linear
from rectool.builtins.popularity import Popularity
from rectool.builtins.socialmf import SocialMF
from rectool.data import Dataset
from rectool.testing import ModelContract, planted_dataset


class TestPopularity(ModelContract):
    model_class = Popularity

    def make_planted(self) -> Dataset:
        # not personalised: on blocks of equally popular items it is random by design, so its
        # sanity check uses one block of items with Zipf popularity
        return planted_dataset(n_groups=1, skew=1.0)


class TestLinearLearned(ModelContract):
    model_class = Linear
    params = {"l2": 10.0}


class TestLinearFeatures(ModelContract):
    model_class = Linear
    params = {"l2": 1.0, "item_vectors": "features"}
    beats_random_by = 1.0  # tiny data, 3 genres: the check is only that it is not worse

    def make_dataset(self) -> Dataset:
        from rectool.testing import tiny_dataset

        return tiny_dataset()

    def make_planted(self) -> Dataset:
        return _planted_with_block_features()


def _planted_with_block_features() -> Dataset:
    """The planted data with each item's block as its one feature (what features can learn)."""
    from rectool.data import FeatureTriples, build_dataset

    base = planted_dataset()
    item_ids = base.items.ids.tolist()
    users = base.users.to_ids(base.user_index)
    items = base.items.to_ids(base.item_index)
    blocks = [f"block:{int(i.removeprefix('item')) // 20}" for i in item_ids]
    return build_dataset("planted+features", users, items, kind="implicit",
                         item_features=FeatureTriples(ids=item_ids, names=blocks))


class TestSocialMF(ModelContract):
    model_class = SocialMF
    params = {"factors": 8, "epochs": 20}


def test_every_builtin_model_has_a_contract_test():
    from rectool.registry import get_registry

    tested = {cls.model_class for cls in ModelContract.__subclasses__()
              if cls.__module__ == __name__}
    builtin = {e.obj for e in get_registry("model").entries if e.plugin == "builtin"}
    assert builtin <= tested, sorted(c.__name__ for c in builtin - tested)
