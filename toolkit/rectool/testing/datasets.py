"""Small datasets built in memory for tests: a hand-sized one and one with planted structure."""

from __future__ import annotations

import numpy as np

from rectool.data import Dataset, FeatureTriples, build_dataset


def tiny_dataset() -> Dataset:
    """Four users, six items, ratings 1-5, item genres and a small trust graph."""
    rows = [
        ("u1", "i1", 5, 1), ("u1", "i2", 4, 2), ("u1", "i3", 1, 3),
        ("u2", "i1", 4, 4), ("u2", "i4", 5, 5),
        ("u3", "i2", 2, 6), ("u3", "i5", 4, 7), ("u3", "i6", 5, 8),
        ("u4", "i1", 3, 9), ("u4", "i6", 4, 10),
    ]
    users, items, ratings, ts = zip(*rows, strict=True)
    genres = FeatureTriples(
        ids=["i1", "i2", "i3", "i4", "i5", "i6"],
        names=["genre:a", "genre:a", "genre:b", "genre:b", "genre:c", "genre:c"],
    )
    return build_dataset(
        "tiny", users, items, ratings, ts, kind="explicit", rating_scale=(1, 5),
        item_features=genres, social=(["u1", "u2", "u3"], ["u2", "u1", "u4"]),
        social_kind="trust",
    )


def planted_dataset(n_users: int = 120, n_items: int = 60, n_groups: int = 3,
                    per_user: int = 12, seed: int = 0, skew: float = 0.0,
                    social: bool = False) -> Dataset:
    """Implicit data where each user group only consumes its own block of items.

    Any model that learns anything should beat random ranking on it by a wide margin.
    ``skew > 0`` makes items within a block Zipf-popular (probability ~ rank^-skew), so a
    non-personalised popularity model has something to learn too. ``social=True`` adds a
    trust graph in which each user trusts three others of the same group.
    """
    rng = np.random.default_rng(seed)
    block = n_items // n_groups
    p = None
    if skew > 0:
        p = np.arange(1, block + 1, dtype=np.float64) ** -skew
        p /= p.sum()
    users, items = [], []
    for u in range(n_users):
        g = u % n_groups
        chosen = rng.choice(block, size=min(per_user, block), replace=False, p=p) + g * block
        users += [f"user{u}"] * len(chosen)
        items += [f"item{i}" for i in chosen]
    links = None
    if social:
        src, dst = [], []
        for u in range(n_users):
            peers = [v for v in range(u % n_groups, n_users, n_groups) if v != u]
            for v in rng.choice(peers, size=min(3, len(peers)), replace=False):
                src.append(f"user{u}")
                dst.append(f"user{v}")
        links = (src, dst)
    return build_dataset("planted", users, items, kind="implicit", social=links,
                         social_kind="trust" if social else None)
