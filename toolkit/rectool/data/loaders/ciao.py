"""Ciao (Tang, Gao, Liu): explicit product ratings 0-5, product categories and a trust graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import scipy.io

from rectool.data.build import FeatureTriples, build_dataset
from rectool.data.dataset import CleaningReport, Dataset
from rectool.data.loaders import check_options, resolve_folder
from rectool.errors import DataError


def _matrix(path: Path, key: str, n_cols: int) -> np.ndarray:
    try:
        m = scipy.io.loadmat(path)[key]
    except KeyError:
        raise DataError(f"{path}: no variable {key!r} in the MATLAB file") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read it as a MATLAB file ({exc})") from exc
    if m.ndim != 2 or m.shape[1] != n_cols:
        raise DataError(f"{path}: {key!r} has shape {m.shape}, expected (n, {n_cols})")
    return np.asarray(m, dtype=np.int64)


def read_catalog(path: Path) -> dict[int, str]:
    """``catalog_ciao.txt``: one ``<id> <name>`` per line (the name may contain spaces)."""
    names: dict[int, str] = {}
    text = path.read_bytes().decode("latin-1")
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, _, name = line.partition(" ")
        if not head.isdigit() or not name.strip():
            raise DataError(f"{path}, line {lineno}: expected '<category id> <name>', got {line!r}")
        names[int(head)] = name.strip()
    return names


def load_ciao(**options: Any) -> Dataset:
    """Ciao: 284,086 product ratings 0-5 (duplicates collapsed), categories and trust links."""
    opts = check_options("ciao", options, {"path": None})
    folder = resolve_folder("ciao", opts["path"])
    report = CleaningReport()

    rating = _matrix(folder / "rating.mat", "rating", 5)
    trust = _matrix(folder / "trustnetwork.mat", "trustnetwork", 2)
    users, products, categories, values = rating[:, 0], rating[:, 1], rating[:, 2], rating[:, 3]
    # The site's scale is 1-5, but 34 rows hold 0: real values in the file, so the declared
    # scale is 0-5 and they are kept and counted.
    report.add("ratings_of_zero", int((values == 0).sum()))

    catalog = folder / "catalog_ciao.txt"
    if catalog.is_file():
        names = read_catalog(catalog)
        report.policies["category_names"] = "catalog_ciao.txt"
    else:
        names = {}
        report.policies["category_names"] = "category ids (catalog_ciao.txt not found)"
    # A product rated under several categories gets every one of them as a feature (value 1).
    pairs = np.unique(np.stack([products, categories], axis=1), axis=0)
    multi = np.bincount(np.unique(pairs[:, 0], return_counts=True)[1])
    report.add("products_in_several_categories", int(multi[2:].sum()))
    item_features = FeatureTriples(
        ids=pairs[:, 0], names=[f"category:{names.get(int(c), c)}" for c in pairs[:, 1]]
    )

    return build_dataset(
        "ciao",
        users,
        products,
        values.astype(np.float64),
        kind="explicit",
        rating_scale=(0.0, 5.0),
        source=str(folder / "rating.mat"),
        item_features=item_features,
        social=(trust[:, 0], trust[:, 1]),
        social_kind="trust",
        report=report,
    )
