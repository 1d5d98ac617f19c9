"""Any interaction table: CSV/TSV (separator from the extension or sniffed) or Parquet.

``columns`` maps roles to column names, as ``"user=uid,item=iid,rating=stars,timestamp=ts"``
or a dict; ``user`` and ``item`` are required, ``rating`` and ``timestamp`` optional (without
a rating the data is implicit). Integer column names (``"user=0,item=1"``) mean a file without
a header row. Every column is read as text so ids never pass through float.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rectool.data.build import build_dataset
from rectool.data.dataset import CleaningReport, Dataset
from rectool.errors import ConfigError, DataError

ROLES = ("user", "item", "rating", "timestamp")
SOCIAL_ROLES = ("source", "target")
# Column names recognised when ``columns`` is not given (first match wins, case-insensitive).
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "user": ("user", "user_id", "userid", "uid", "users"),
    "item": ("item", "item_id", "itemid", "iid", "product", "product_id", "items"),
    "rating": ("rating", "ratings", "score", "stars"),
    "timestamp": ("timestamp", "ts", "time", "datetime", "date"),
}
_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_PARQUET = {".parquet", ".pq"}
_BY_EXTENSION = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
_OPTIONS = ("name", "rating_scale", "duplicates", "social_kind")


def load_table(
    path: str | Path,
    columns: str | Mapping[str, str | int] | None = None,
    sep: str | None = None,
    social: str | Path | None = None,
    social_columns: str | Mapping[str, str | int] | None = None,
    kind: str | None = None,
    strict: bool = False,
    **options: Any,
) -> Dataset:
    """Any CSV/TSV/Parquet table of user, item[, rating][, timestamp] rows, plus social links."""
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        allowed = ", ".join(
            ["path", "columns", "sep", "social", "social_columns", "kind", "strict", *_OPTIONS]
        )
        raise ConfigError(
            f"dataset 'table' does not take option(s) {', '.join(unknown)}; its options are: {allowed}"
        )
    strict = _as_bool(strict, "strict")
    if kind not in (None, "explicit", "implicit"):
        raise ConfigError(f"kind must be 'explicit' or 'implicit', got {kind!r}")
    path = Path(path).expanduser()
    spec = _parse_columns(columns, ROLES, "columns")
    if spec is not None and ("user" not in spec or "item" not in spec):
        raise ConfigError(
            f"columns={columns!r} must name at least the user and item columns, "
            "for example 'user=uid,item=iid,rating=stars'"
        )
    report = CleaningReport()
    frame, header = _read(path, sep, positional=_positional(spec), report=report)
    cols = _assign(frame, spec, path, ROLES, required=("user", "item"))
    if kind == "explicit" and "rating" not in cols:
        raise ConfigError(f"{path}: kind='explicit' needs a rating column (columns={columns!r})")

    first_line = 2 if header else 1  # line number of the first data row in the file
    users, items = frame[cols["user"]], frame[cols["item"]]
    if strict:
        for role in ("user", "item"):
            _strict_check(
                frame[cols[role]],
                frame[cols[role]].str.strip() == "",
                path,
                first_line,
                cols[role],
                "an empty id",
            )
    n = len(frame)
    values = np.ones(n, dtype=np.float64)
    if "rating" in cols:
        values, bad = _numbers(frame[cols["rating"]])
        if strict:
            _strict_check(
                frame[cols["rating"]], bad, path, first_line, cols["rating"], "a non-numeric rating"
            )
    timestamps = None
    if "timestamp" in cols:
        timestamps, bad_ts = _timestamps(frame[cols["timestamp"]])
        if strict:
            _strict_check(
                frame[cols["timestamp"]],
                bad_ts,
                path,
                first_line,
                cols["timestamp"],
                "a timestamp that is neither a number nor a date",
            )
        # a row without a usable timestamp is dropped and counted with the non-numeric rows
        values = np.where(bad_ts, np.nan, values)
        timestamps = np.where(bad_ts, 0, timestamps)

    social_pair = None
    if social is not None:
        social_pair = _read_social(Path(social).expanduser(), social_columns, report)

    scale = _rating_scale(options.get("rating_scale"))
    return build_dataset(
        options.get("name") or path.name,
        users.to_numpy(dtype=object),
        items.to_numpy(dtype=object),
        values,
        timestamps,
        kind=kind or ("explicit" if "rating" in cols else "implicit"),  # type: ignore[arg-type]
        rating_scale=scale,
        duplicates=options.get("duplicates"),
        strict=strict,
        source=str(path),
        social=social_pair,
        social_kind=options.get("social_kind") or ("trust" if social_pair else None),
        report=report,
    )


# -- options ---------------------------------------------------------------------------------
def _as_bool(value: Any, option: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"option {option}={value!r} is not a boolean")


def _rating_scale(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        lo, hi = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise ConfigError(f"rating_scale={value!r} must be two numbers, like '1,5'") from None
    if not lo < hi:
        raise ConfigError(f"rating_scale={value!r}: the low end must be below the high end")
    return lo, hi


def _parse_columns(
    columns: str | Mapping[str, str | int] | None, roles: tuple[str, ...], option: str
) -> dict[str, str | int] | None:
    if columns is None:
        return None
    if isinstance(columns, str):
        spec: dict[str, str | int] = {}
        for part in filter(None, (p.strip() for p in columns.split(","))):
            role, eq, col = part.partition("=")
            if not eq or not col.strip():
                raise ConfigError(
                    f"{option}={columns!r}: expected role=column pairs separated by commas, "
                    f"like '{roles[0]}=uid,{roles[1]}=iid'; got {part!r}"
                )
            spec[role.strip()] = col.strip()
    else:
        spec = dict(columns)
    bad = sorted(set(spec) - set(roles))
    if bad:
        raise ConfigError(
            f"{option}={columns!r}: unknown role(s) {', '.join(bad)}; roles are {', '.join(roles)}"
        )
    return spec


def _positional(spec: dict[str, str | int] | None) -> bool:
    """Whether the spec names columns by position (a file without a header row)."""
    if not spec:
        return False
    positional = [isinstance(c, int) or str(c).isdigit() for c in spec.values()]
    if any(positional) and not all(positional):
        raise ConfigError(f"columns {spec!r}: use either column names or column positions, not both")
    return all(positional)


# -- reading ---------------------------------------------------------------------------------
def _suffixes(path: Path) -> tuple[str, str | None]:
    """(format suffix, compression suffix) of a path, lower case."""
    suffixes = [s.lower() for s in path.suffixes]
    comp = suffixes[-1] if suffixes and suffixes[-1] in _COMPRESSED else None
    rest = suffixes[:-1] if comp else suffixes
    return (rest[-1] if rest else ""), comp


def _sniff_sep(path: Path, comp: str | None) -> str:
    opener = _COMPRESSED.get(comp or "", open)
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:  # type: ignore[operator]
        lines = [line.rstrip("\r\n") for _, line in zip(range(20), f, strict=False)]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise DataError(f"{path}: the file is empty")
    for cand in ("\t", ",", ";", "|"):
        counts = {line.count(cand) for line in lines}
        if len(counts) == 1 and counts != {0}:
            return cand
    if all(len(line.split()) > 1 for line in lines):
        return r"\s+"
    raise DataError(f"{path}: cannot tell the column separator from the first lines; pass sep (e.g. sep=',')")


def _read(
    path: Path, sep: str | None, positional: bool, report: CleaningReport | None = None
) -> tuple[pd.DataFrame, bool]:
    """The table with every column as text, and whether it had a header row."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    fmt, comp = _suffixes(path)
    if fmt in _PARQUET:
        return _read_parquet(path, positional), False
    if sep is None:
        sep = _BY_EXTENSION.get(fmt) or _sniff_sep(path, comp)
    elif sep in {"tab", "\\t"}:
        sep = "\t"
    elif sep in {"space", "whitespace", " "}:
        sep = r"\s+"
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            header=None if positional else 0,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # keep line numbers exact; blank rows are removed below
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: cannot read it as a table with sep={sep!r} ({msg})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.fillna("")  # short rows: missing fields are empty, never "nan"
    blank = (frame == "").all(axis=1).to_numpy()
    if report is not None:
        report.add("blank_lines_skipped", int(blank.sum()))
    if blank.any():
        frame = frame.loc[~blank]  # the index keeps each row's position in the file
    return frame, not positional


def _read_parquet(path: Path, positional: bool) -> pd.DataFrame:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigError(
            f"{path}: reading Parquet needs pyarrow, which is not installed; "
            "install it with: pip install 'rectool[parquet]'"
        ) from None
    try:
        frame = pd.read_parquet(path, engine="pyarrow")
    except Exception as exc:  # pyarrow raises its own error types
        raise DataError(f"{path}: cannot read it as Parquet ({exc})") from exc
    if positional:
        frame.columns = [str(i) for i in range(frame.shape[1])]
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_float_dtype(s.dtype) and not (s.dropna() % 1).any():
            # integral floats (ids stored as double): drop the '.0'; NaN becomes empty
            text = s.astype("Int64").astype(str).where(s.notna(), "")
        else:
            text = s.astype(str).where(s.notna(), "")
        out[str(col)] = text.to_numpy(dtype=object)
    return out


def _assign(
    frame: pd.DataFrame,
    spec: dict[str, str | int] | None,
    path: Path,
    roles: tuple[str, ...],
    required: tuple[str, ...],
) -> dict[str, str]:
    """Role -> column name in ``frame``; errors name the file and list the columns found."""
    found = list(frame.columns)
    if spec is not None:
        missing = [(r, str(c)) for r, c in spec.items() if str(c) not in found]
        if missing:
            what = ", ".join(f"{c!r} (for {r})" for r, c in missing)
            raise DataError(f"{path}: no column {what}; columns found: {', '.join(map(repr, found))}")
        return {r: str(c) for r, c in spec.items()}
    lower = {c.lower(): c for c in found}
    cols: dict[str, str] = {}
    for role in roles:
        for alias in DEFAULT_NAMES.get(role, ()):
            if alias in lower:
                cols[role] = lower[alias]
                break
    missing_roles = [r for r in required if r not in cols]
    if missing_roles:
        raise DataError(
            f"{path}: no {' or '.join(missing_roles)} column; columns found: "
            f"{', '.join(map(repr, found))}. Name them with columns='user=...,item=...'"
        )
    return cols


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float values and a mask of entries that are not finite numbers."""
    values = pd.to_numeric(col.str.strip(), errors="coerce").to_numpy(np.float64)
    return values, ~np.isfinite(values)


def _timestamps(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Unix seconds (int64) from numbers or dates, and a mask of unusable entries."""
    text = col.str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    # numbers (unix seconds) when most filled entries are numbers, else dates parsed as UTC
    if numeric.notna().sum() * 2 >= (text != "").sum():
        bad = ~np.isfinite(numeric.to_numpy(np.float64))
        return np.where(bad, 0, numeric.fillna(0)).astype(np.int64), bad
    dates = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    bad = dates.isna().to_numpy()
    secs = (dates - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
    return secs.fillna(0).to_numpy(np.int64), bad


def _strict_check(
    col: pd.Series, bad: np.ndarray | pd.Series, path: Path, first_line: int, name: str, what: str
) -> None:
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return
    pos = int(np.flatnonzero(bad)[0])
    line = int(col.index[pos]) + first_line  # index = data-row number in the file (blank kept)
    more = int(bad.sum()) - 1
    also = f" ({more} more such row(s))" if more else ""
    raise DataError(
        f"{path}, line {line}, column {name!r}: {what} {col.iloc[pos]!r}{also}; "
        "fix the file or load with strict=False to drop such rows (they are counted)"
    )


def _read_social(
    path: Path, social_columns: str | Mapping[str, str | int] | None, report: CleaningReport
) -> tuple[np.ndarray, np.ndarray]:
    """(source, target) id columns of an edge list; its separator is found like the table's."""
    spec = _parse_columns(social_columns, SOCIAL_ROLES, "social_columns")
    if spec is not None and set(spec) != set(SOCIAL_ROLES):
        raise ConfigError(
            f"social_columns={social_columns!r} must name both source and target, "
            "like 'source=truster,target=trustee'"
        )
    frame, _ = _read(path, None, positional=_positional(spec), report=report)
    if spec is None:
        if frame.shape[1] < 2:
            raise DataError(
                f"{path}: a social edge list needs two columns (source, target); "
                f"columns found: {', '.join(map(repr, frame.columns))}"
            )
        spec = {"source": frame.columns[0], "target": frame.columns[1]}
    cols = _assign(frame, spec, path, SOCIAL_ROLES, required=SOCIAL_ROLES)
    src = frame[cols["source"]].str.strip()
    dst = frame[cols["target"]].str.strip()
    return src.to_numpy(dtype=object), dst.to_numpy(dtype=object)
