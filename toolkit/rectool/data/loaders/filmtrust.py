"""FilmTrust (Guo et al.): explicit movie ratings 0.5-4.0 and a directed trust graph."""

from __future__ import annotations

from typing import Any

import pandas as pd

from rectool.data.build import build_dataset
from rectool.data.dataset import Dataset
from rectool.data.loaders import check_options, resolve_folder


def _read(path, names: list[str]) -> pd.DataFrame:
    return pd.read_csv(path, sep=r"\s+", header=None, names=names, dtype=str, keep_default_na=False)


def load_filmtrust(**options: Any) -> Dataset:
    """FilmTrust: 35,497 movie ratings 0.5-4.0 (3 duplicates collapsed) and trust links."""
    opts = check_options("filmtrust", options, {"path": None})
    folder = resolve_folder("filmtrust", opts["path"])
    ratings = _read(folder / "ratings.txt", ["user", "item", "rating"])
    trust = _read(folder / "trust.txt", ["truster", "trustee", "value"])
    return build_dataset(
        "filmtrust",
        ratings["user"].to_numpy(),
        ratings["item"].to_numpy(),
        ratings["rating"].to_numpy(),
        kind="explicit",
        rating_scale=(0.5, 4.0),
        source=str(folder / "ratings.txt"),
        social=(trust["truster"].to_numpy(), trust["trustee"].to_numpy()),
        social_kind="trust",
    )
