"""Train once, serve from another process: rectool as a library inside a service.

    RECTOOL_DATA_DIR=../shared/data python examples/service_example.py            # both steps
    python examples/service_example.py train DIR    # fit LightFM on Last.fm, save to DIR
    python examples/service_example.py serve DIR    # load DIR and answer three requests

With no arguments the script trains into a temporary folder, then runs ``serve`` in a second
Python process, as a service would after receiving the model folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rectool


def train(folder: Path, model: str = "lightfm") -> None:
    data = rectool.load_dataset("lastfm")
    params = {"epochs": 10} if model == "lightfm" else {}
    t0 = time.perf_counter()
    rec = rectool.fit(model, data, seed=42, **params)
    rec.save(folder)
    print(f"[train] {rec!r} fitted in {time.perf_counter() - t0:.1f} s, saved to {folder}")


def serve(folder: Path) -> None:
    t0 = time.perf_counter()
    rec = rectool.load_model(folder)  # arrays + JSON only; the class comes from the registry
    print(f"[serve] loaded {rec!r} in {time.perf_counter() - t0:.3f} s")

    def show(title: str, r: rectool.Recommendation) -> None:
        print(f"[serve] {title}: {json.dumps(r.to_dict())}")

    # 1. a known user (Last.fm user 2), as an int; "2" would name the same user
    show("known user 2", rec.recommend([2], k=5)[0])
    # 2. a new user, described only by friends who are in the training data
    show("new user, friends 2 and 275", rec.recommend_for(friends=["2", "275"], k=5))
    # 3. an id the model has never seen: popular items, with the reason
    show("unknown id 'zz-999'", rec.recommend(["zz-999"], k=5)[0])


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[1] in ("train", "serve"):
        (train if argv[1] == "train" else serve)(Path(argv[2]))
        return
    if len(argv) != 1:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lastfm-lightfm"
        train(folder)
        subprocess.run([sys.executable, __file__, "serve", str(folder)], check=True)


if __name__ == "__main__":
    main(sys.argv)
