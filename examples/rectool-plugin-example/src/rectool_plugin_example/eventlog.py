"""Dataset ``eventlog``: a generic implicit event log, CSV rows of ``user,item,timestamp``.

Repeated (user, item) events become one interaction whose weight is the number of events and
whose timestamp is the latest; rows with a missing id or an unusable timestamp are dropped and
counted in the cleaning report (``build_dataset`` does both). Timestamps are unix seconds or
dates (ISO 8601, read as UTC).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rectool import Dataset, build_dataset
from rectool.errors import ConfigError, DataError


def load_eventlog(
    path: str | Path | None = None,
    name: str | None = None,
    sep: str = ",",
    user: str = "user",
    item: str = "item",
    timestamp: str = "timestamp",
    **unknown: Any,
) -> Dataset:
    """Read a ``user,item,timestamp`` CSV (header row; column names are options) as implicit data."""
    if unknown:
        raise ConfigError(
            f"dataset 'eventlog' does not take option(s) {', '.join(sorted(unknown))}; its "
            "options are: path, name, sep, user, item, timestamp"
        )
    if path is None:
        raise ConfigError("dataset 'eventlog' needs a path option: the CSV file to read")
    file = Path(path).expanduser()
    if not file.is_file():
        raise DataError(f"eventlog file {str(file)!r} does not exist")
    frame = pd.read_csv(file, sep=sep, dtype=str, keep_default_na=False)
    missing = [c for c in (user, item, timestamp) if c not in frame.columns]
    if missing:
        raise DataError(
            f"{file}: no column {', '.join(map(repr, missing))}; the header has "
            f"{', '.join(map(repr, frame.columns))} (name them with the user/item/timestamp options)"
        )
    ts = _seconds(frame[timestamp])
    weights = np.where(np.isnan(ts), np.nan, 1.0)  # NaN: dropped and counted by build_dataset
    return build_dataset(
        name or file.stem, frame[user].to_numpy(object), frame[item].to_numpy(object),
        weights, np.nan_to_num(ts).astype(np.int64), kind="implicit", duplicates="sum",
        source=str(file),
    )


def _seconds(col: pd.Series) -> np.ndarray:
    """Unix seconds as float (NaN where unusable), entry by entry from a number or a date."""
    text = col.str.strip()
    numeric = pd.to_numeric(text, errors="coerce").to_numpy(np.float64)
    is_number = np.isfinite(numeric)
    if is_number.all():
        return numeric
    dates = pd.to_datetime(text.where(~is_number), errors="coerce", utc=True, format="mixed")
    secs = (dates - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)
    return np.where(is_number, numeric, secs.to_numpy(np.float64))
