"""Last.fm HetRec 2011: implicit play counts, a mutual friend graph and artist tags."""

from __future__ import annotations

from typing import Any

import pandas as pd

from rectool.data.build import FeatureTriples, build_dataset
from rectool.data.dataset import CleaningReport, Dataset
from rectool.data.loaders import as_int, check_options, resolve_folder


def _read(path, encoding: str = "utf-8") -> pd.DataFrame:
    return pd.read_csv(
        path, sep="\t", header=0, dtype=str, keep_default_na=False, encoding=encoding, quoting=3
    )


def load_lastfm(**options: Any) -> Dataset:
    """Last.fm HetRec 2011: 92,834 user-artist play counts, friends and artist tags."""
    opts = check_options("lastfm", options, {"path": None, "min_tag_count": 2})
    min_tag_count = as_int("lastfm", "min_tag_count", opts["min_tag_count"], minimum=1)
    folder = resolve_folder("lastfm", opts["path"])
    report = CleaningReport()

    plays = _read(folder / "user_artists.dat")
    friends = _read(folder / "user_friends.dat")
    tagged = _read(folder / "user_taggedartists.dat")
    tags = _read(folder / "tags.dat", encoding="latin-1")

    # Tag features: value = how many times users assigned the tag to the artist. Tags used fewer
    # than ``min_tag_count`` times overall are dropped (counted) to keep the width sane.
    uses = tagged["tagID"].value_counts()
    rare = tagged["tagID"].map(uses).to_numpy() < min_tag_count
    report.add("tags_dropped_below_min_tag_count", int((uses < min_tag_count).sum()))
    report.add("tag_assignments_dropped_below_min_tag_count", int(rare.sum()))
    report.policies["min_tag_count"] = str(min_tag_count)
    kept = tagged.loc[~rare]
    text = kept["tagID"].map(dict(zip(tags["tagID"], tags["tagValue"].str.strip(), strict=True)))
    unknown_tag = text.isna().to_numpy()
    report.add("tag_assignments_dropped_unknown_tag", int(unknown_tag.sum()))
    kept, text = kept.loc[~unknown_tag], text.loc[~unknown_tag]

    return build_dataset(
        "lastfm",
        plays["userID"].to_numpy(),
        plays["artistID"].to_numpy(),
        plays["weight"].to_numpy(),
        kind="implicit",
        source=str(folder / "user_artists.dat"),
        item_features=FeatureTriples(ids=kept["artistID"].to_numpy(), names=("tag:" + text).tolist()),
        social=(friends["userID"].to_numpy(), friends["friendID"].to_numpy()),
        social_kind="friends",
        report=report,
    )
