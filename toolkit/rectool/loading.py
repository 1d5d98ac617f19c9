"""load_dataset: one entry point for registered datasets and tabular files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rectool.data.dataset import Dataset
from rectool.errors import DataError
from rectool.registry import resolve

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq", ".dat")


def load_dataset(name: str | Path, **options: Any) -> Dataset:
    """Load a registered dataset by name (``ml-100k``, ``lastfm``...) or a CSV/TSV/Parquet file.

    A file needs ``columns="user=...,item=...[,rating=...][,timestamp=...]"`` unless its
    header already names ``user`` and ``item``.
    """
    text = str(name)
    path = Path(text).expanduser()
    looks_like_file = path.suffix.lower() in TABLE_SUFFIXES or "/" in text or path.exists()
    if looks_like_file:
        if not path.exists():
            raise DataError(f"data file {text!r} does not exist")
        loader = resolve("dataset", "table").obj
        return loader(path=str(path), **options)
    loader = resolve("dataset", text).obj
    dataset = loader(**options)
    if not isinstance(dataset, Dataset):
        raise DataError(f"dataset loader {text!r} returned {type(dataset).__name__}, not Dataset")
    return dataset
