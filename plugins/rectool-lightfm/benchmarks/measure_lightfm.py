"""Measure the lightfm plugin on MovieLens 100K and Last.fm (hetrec 2011).

Protocol: random 80/20 split per user (numpy, seed 42); train on train; ``recommend(users, 10)``
excluding training items; precision@10 and NDCG@10 over users with at least one relevant test
item (ML-100K: rating >= 4; Last.fm: every test play). Fit seconds are wall-clock.

    python plugins/rectool-lightfm/benchmarks/measure_lightfm.py [--data DIR] [--only ml|lastfm]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rectool_lightfm import LightFMModel

import rectool
from rectool.data.build import FeatureTriples


def load_ml100k(root: Path) -> rectool.Dataset:
    d = root / "ml-100k"
    r = pd.read_csv(d / "u.data", sep="\t", header=None, names=["u", "i", "r", "t"])
    items = pd.read_csv(d / "u.item", sep="|", header=None, encoding="latin-1")
    genres = items.iloc[:, 5:24].to_numpy()
    ii, gg = np.nonzero(genres)
    item_feats = FeatureTriples(ids=items[0].to_numpy()[ii], names=[f"genre{g}" for g in gg])
    users = pd.read_csv(d / "u.user", sep="|", header=None, names=["u", "age", "sex", "job", "zip"])
    uid = np.concatenate([users["u"]] * 3)
    names = np.concatenate(
        [
            "age" + (users["age"] // 10).astype(str),
            "sex_" + users["sex"].astype(str),
            "job_" + users["job"].astype(str),
        ]
    )
    user_feats = FeatureTriples(ids=uid, names=list(names))
    return rectool.build_dataset(
        "ml-100k",
        r["u"],
        r["i"],
        r["r"],
        r["t"],
        kind="explicit",
        rating_scale=(1, 5),
        item_features=item_feats,
        user_features=user_feats,
    )


def load_lastfm(root: Path) -> rectool.Dataset:
    f = pd.read_csv(root / "lastfm-hetrec2011" / "user_artists.dat", sep="\t")
    return rectool.build_dataset("lastfm", f["userID"], f["artistID"], f["weight"], kind="implicit")


def split_per_user(ds: rectool.Dataset, frac: float = 0.2, seed: int = 42):
    rng = np.random.default_rng(seed)
    key = rng.random(ds.n_interactions)
    order = np.lexsort((key, ds.user_index))
    counts = ds.user_counts()
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(ds.n_interactions, dtype=np.int64)
    rank[order] = np.arange(ds.n_interactions) - starts[ds.user_index[order]]
    test = rank < np.round(frac * counts[ds.user_index])
    return ds.subset(np.flatnonzero(~test)), ds.subset(np.flatnonzero(test))


def evaluate(model, test: rectool.Dataset, threshold: float | None, k: int = 10):
    rel = test.relevant(threshold)
    users = np.unique(test.user_index[rel])
    truth = set(zip(test.user_index[rel].tolist(), test.item_index[rel].tolist(), strict=True))
    n_rel = np.bincount(test.user_index[rel], minlength=test.n_users)
    t0 = time.perf_counter()
    recs = model.recommend(users, k)
    rec_s = time.perf_counter() - t0
    hits = np.array([[(u, i) in truth for i in row] for u, row in zip(users, recs, strict=True)])
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits * discount).sum(1)
    idcg = np.array([discount[: min(n, k)].sum() for n in n_rel[users]])
    return hits.mean(1).mean(), (dcg / idcg).mean(), len(users), rec_s


def run(name, ds, threshold, configs, seeds):
    train, test = split_per_user(ds)
    print(f"\n{name}: {ds}  train={train.n_interactions} test={test.n_interactions}")
    for label, params in configs:
        rows = []
        for seed in seeds:
            m = LightFMModel(seed=seed, **params)
            t0 = time.perf_counter()
            m.fit(train)
            fit_s = time.perf_counter() - t0
            rows.append((*evaluate(m, test, threshold), fit_s))
        r = np.array(rows)
        print(
            f"  {label:<38} precision@10={r[:, 0].mean():.4f}±{r[:, 0].std():.4f} "
            f"ndcg@10={r[:, 1].mean():.4f}±{r[:, 1].std():.4f} users={int(r[0, 2])} "
            f"fit={r[:, 4].mean():.1f}s recommend={r[:, 3].mean():.2f}s (seeds {list(seeds)})"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--only", choices=["ml", "lastfm"])
    ap.add_argument("--seeds", type=int, default=1, help="model seeds 42, 43, ... to average")
    args = ap.parse_args()
    root = Path(args.data)
    seeds = range(42, 42 + args.seeds)
    if args.only in (None, "ml"):
        run(
            "ML-100K",
            load_ml100k(root),
            4.0,
            [
                ("use_features=False min_rating=None", {"use_features": False}),
                ("use_features=True  min_rating=None", {"use_features": True}),
                ("use_features=False min_rating=4", {"use_features": False, "min_rating": 4}),
                ("use_features=True  min_rating=4", {"use_features": True, "min_rating": 4}),
            ],
            seeds,
        )
    if args.only in (None, "lastfm"):
        run(
            "Last.fm",
            load_lastfm(root),
            None,
            [
                ("implicit_weights=binary", {"implicit_weights": "binary"}),
                ("implicit_weights=log1p", {"implicit_weights": "log1p"}),
            ],
            seeds,
        )


if __name__ == "__main__":
    main()
