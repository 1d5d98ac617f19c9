"""Tune a social variant (lightfm-social, neural-social) on a validation split carved from the
training part (never the test part).

The outer split is the one ``rectool compare`` uses (holdout:0.2, seed 42); its training part is
split again (holdout:0.2, seed 7) into fit and validation rows. Each configuration is scored on
validation recall@10, f1@10 and ndcg@10 against the plain model on the same inner split.

    RECTOOL_DATA_DIR=../shared/data python benchmarks/tune_social.py lastfm \\
        'social_weight=1.0' 'social_weight=2.0,social_two_hop=0.5' ...

Each argument is one configuration of the social variant's parameters (``NAME=VALUE``
comma-separated); ``--base NAME=VALUE,...`` sets parameters shared by both models (e.g. epochs
while exploring); ``--model neural`` compares neural with neural-social configurations.
"""

from __future__ import annotations

import argparse
import time

from rectool.cli import parse_value
from rectool.data.splits import parse_split
from rectool.evaluation import ModelSpec, compare
from rectool.loading import load_dataset


def _params(text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for part in filter(None, text.split(",")):
        key, _, raw = part.partition("=")
        out[key.strip()] = parse_value(raw)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("configs", nargs="*", default=[""])
    ap.add_argument("--base", default="")
    ap.add_argument("--model", default="lightfm", help="plain model; its MODEL-social is tuned")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--outer-seed", type=int, default=42)
    ap.add_argument("--inner-seed", type=int, default=7)
    args = ap.parse_args()
    data = load_dataset(args.dataset)
    outer = next(parse_split("holdout:0.2").folds(data, args.outer_seed))
    train = outer.train  # the test rows of the outer split are never seen here
    base = _params(args.base)
    specs = [] if args.no_baseline else [ModelSpec(args.model, dict(base))]
    specs += [ModelSpec(f"{args.model}-social", {**base, **_params(c)}) for c in args.configs]
    t0 = time.perf_counter()
    res = compare(specs, train, k=10, metrics=["recall", "f1", "ndcg"], split="holdout:0.2",
                  seed=args.inner_seed, baseline=None if args.no_baseline else args.model)
    print(f"# {args.dataset} validation (inner holdout:0.2 seed {args.inner_seed} of the outer "
          f"training part), {time.perf_counter() - t0:.0f}s")
    for spec, m in zip(specs, res.models, strict=True):
        extra = {k: v for k, v in spec.params.items() if k not in base}
        print(f"{m.model:15s} {extra} recall@10={m.values.get('recall@10', float('nan')):.4f} "
              f"f1@10={m.values.get('f1@10', float('nan')):.4f} "
              f"ndcg@10={m.values.get('ndcg@10', float('nan')):.4f} fit={m.fit_seconds:.0f}s "
              f"{m.error or ''}")
    for rec in res.significance():
        print(rec)


if __name__ == "__main__":
    main()
