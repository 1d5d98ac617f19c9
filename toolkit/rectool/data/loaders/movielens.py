"""MovieLens 100K (GroupLens): explicit 1-5 ratings with timestamps, genres and demographics."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rectool.data.build import FeatureTriples, build_dataset
from rectool.data.dataset import CleaningReport, Dataset
from rectool.data.loaders import check_options, resolve_folder

# MovieLens-1M style age groups: (exclusive upper bound, label)
AGE_BUCKETS: tuple[tuple[int, str], ...] = (
    (18, "under18"),
    (25, "18-24"),
    (35, "25-34"),
    (45, "35-44"),
    (50, "45-49"),
    (56, "50-55"),
)
AGE_OLDEST = "56+"


def age_bucket(age: int) -> str:
    for upper, label in AGE_BUCKETS:
        if age < upper:
            return label
    return AGE_OLDEST


def _read(path, sep: str, names: list[str] | None = None, encoding: str = "utf-8") -> pd.DataFrame:
    return pd.read_csv(
        path,
        sep=sep,
        header=None,
        names=names,
        dtype=str,
        keep_default_na=False,
        encoding=encoding,
    )


def load_ml100k(**options: Any) -> Dataset:
    """MovieLens 100K: 100,000 ratings 1-5 with timestamps, genres and user demographics."""
    opts = check_options("ml-100k", options, {"path": None})
    folder = resolve_folder("ml-100k", opts["path"])

    data = _read(folder / "u.data", "\t", ["user", "item", "rating", "ts"])

    genres = _read(folder / "u.genre", "|", ["name", "index"])
    genres = genres[genres["name"] != ""]
    genre_names = genres.sort_values("index", key=lambda s: s.astype(int))["name"].tolist()
    item = _read(folder / "u.item", "|", encoding="latin-1")
    report = CleaningReport()  # facts about the side files (titles and dates are not used)
    titles = item[1].str.strip().value_counts()
    report.add("titles_shared_by_several_items", int((titles > 1).sum()))
    report.add("items_without_release_date", int((item[2].str.strip() == "").sum()))
    flags = item.iloc[:, -len(genre_names) :].to_numpy() == "1"
    rows, cols = np.nonzero(flags)
    item_features = FeatureTriples(
        ids=item[0].to_numpy()[rows],
        names=[f"genre:{genre_names[c]}" for c in cols],
    )

    user = _read(folder / "u.user", "|", ["user", "age", "gender", "occupation", "zip"])
    ids = user["user"].to_numpy()
    ages = [f"age:{age_bucket(int(a))}" for a in user["age"]]
    user_features = FeatureTriples(
        ids=np.concatenate([ids, ids, ids]),
        names=[
            *ages,
            *("gender:" + user["gender"].str.strip()),
            *("occupation:" + user["occupation"].str.strip()),
        ],
    )

    return build_dataset(
        "ml-100k",
        data["user"].to_numpy(),
        data["item"].to_numpy(),
        data["rating"].to_numpy(),
        data["ts"].to_numpy(),
        kind="explicit",
        rating_scale=(1.0, 5.0),
        source=str(folder / "u.data"),
        user_features=user_features,
        item_features=item_features,
        report=report,
    )
