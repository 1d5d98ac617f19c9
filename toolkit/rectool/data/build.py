"""Turn raw columns into a clean ``Dataset``: id maps, duplicate policy, dropped rows counted.

Every loader funnels through ``build_dataset`` so the cleaning rules are stated once:
- ids are strings (never through float);
- non-finite values are dropped and counted (or an error in strict mode);
- duplicate (user, item) rows are collapsed before any split: explicit data keeps the latest
  rating by timestamp (file order when there are none), implicit data sums the weights;
- social edges to users without interactions, self-loops and repeated edges are dropped and
  counted; feature rows of unknown users/items are dropped and counted;
- a supplied test file (``attach_test``) is cleaned the same way and indexed by the training
  id maps; its rows of unknown users or items are excluded and counted (``unknown="exclude"``)
  or an error (``unknown="error"``), never an out-of-range index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rectool.data.dataset import CleaningReport, Dataset, Features, Kind, TestRows
from rectool.data.idmap import IdMap
from rectool.errors import ConfigError, DataError

DuplicatePolicy = Literal["latest", "last", "first", "sum", "mean", "max"]


@dataclass(frozen=True)
class FeatureTriples:
    """Long-format side features: (entity id, feature name, value) per entry."""

    ids: Sequence[object]
    names: Sequence[str]
    values: Sequence[float] | None = None


def ids_as_strings(values: Sequence[object] | np.ndarray | pd.Series) -> np.ndarray:
    """Canonical string ids for a column: integral floats lose their '.0', strings are stripped.

    A missing id (NaN, None) becomes "" so that cleaning drops and counts the row.
    """
    s = pd.Series(values)
    if pd.api.types.is_float_dtype(s.dtype):
        arr = s.to_numpy(np.float64)
        finite = np.isfinite(arr)
        if (arr[finite] == np.floor(arr[finite])).all():
            out = np.full(len(arr), "", dtype=object)
            out[finite] = arr[finite].astype(np.int64).astype(str)
            return out
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype(str).to_numpy(dtype=object)
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=False) not in ("string", "empty"):
        return np.array([_one_id(v) for v in s], dtype=object)  # mixed str/int/float column
    return s.astype(str).str.strip().fillna("").to_numpy(dtype=object)


def _one_id(value: object) -> str:
    if value is None or (isinstance(value, (float, np.floating)) and not np.isfinite(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def build_dataset(
    name: str,
    users: Sequence[object] | np.ndarray,
    items: Sequence[object] | np.ndarray,
    values: Sequence[float] | np.ndarray | None = None,
    timestamps: Sequence[int] | np.ndarray | None = None,
    *,
    kind: Kind | None = None,
    rating_scale: tuple[float, float] | None = None,
    duplicates: DuplicatePolicy | None = None,
    strict: bool = False,
    source: str = "<data>",
    user_features: FeatureTriples | None = None,
    item_features: FeatureTriples | None = None,
    social: tuple[Sequence[object], Sequence[object]] | None = None,
    social_kind: Literal["trust", "friends"] | None = None,
    report: CleaningReport | None = None,
) -> Dataset:
    """Clean raw interaction columns and index them; see the module docstring for the rules."""
    report = report if report is not None else CleaningReport()
    frame = pd.DataFrame({"user": ids_as_strings(users), "item": ids_as_strings(items)})
    if values is None:
        frame["value"] = np.float32(1.0)
        kind = kind or "implicit"
    else:
        frame["value"] = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(np.float64)
        kind = kind or "explicit"
    if timestamps is not None:
        frame["ts"] = pd.to_numeric(pd.Series(timestamps), errors="coerce")
    report.add("rows_read", len(frame))

    if len(frame) == 0:
        raise DataError(f"{source}: no data rows")
    frame = _drop_non_finite(frame, strict, source, report)
    frame = _collapse_duplicates(frame, kind, duplicates, report)
    if frame.empty:
        raise DataError(
            f"{source}: no interactions left after cleaning: all {report.counts.get('rows_read', 0)} rows "
            f"were dropped ({_counts(report)}); check the file, its columns and separator"
        )

    user_codes, user_ids = pd.factorize(frame["user"], sort=False)
    item_codes, item_ids = pd.factorize(frame["item"], sort=False)
    user_map = IdMap.from_unique(np.asarray(user_ids, dtype=object))
    item_map = IdMap.from_unique(np.asarray(item_ids, dtype=object))
    ts = None
    if "ts" in frame:
        ts = frame["ts"].fillna(0).to_numpy(np.int64)
    social_matrix = None
    if social is not None:
        social_matrix = _social_matrix(social, user_map, report)
    return Dataset(
        name=name,
        users=user_map,
        items=item_map,
        user_index=user_codes.astype(np.int32),
        item_index=item_codes.astype(np.int32),
        values=frame["value"].to_numpy(np.float32),
        kind=kind,
        timestamps=ts,
        rating_scale=rating_scale,
        user_features=_features(user_features, user_map, "user", report),
        item_features=_features(item_features, item_map, "item", report),
        social=social_matrix,
        social_kind=social_kind,
        report=report,
    )


UNKNOWN_POLICIES = ("exclude", "error")


def attach_test(
    dataset: Dataset,
    users: Sequence[object] | np.ndarray,
    items: Sequence[object] | np.ndarray,
    values: Sequence[float] | np.ndarray | None = None,
    timestamps: Sequence[int] | np.ndarray | None = None,
    *,
    source: str = "<test>",
    unknown: str = "exclude",
    strict: bool = False,
    read_report: CleaningReport | None = None,
) -> Dataset:
    """``dataset`` with the rows of a supplied test file attached (``Dataset.test_rows``).

    The rows are cleaned like training rows (bad values dropped or, in strict mode, an error;
    duplicates collapsed by the dataset's policy) and indexed by the dataset's id maps. Rows
    whose user or item is not in training are excluded and counted (``unknown="exclude"``) or
    raise a ``DataError`` (``unknown="error"``); pairs already in training are excluded and
    counted. Every count goes into the dataset's report under ``test_...``.
    """
    if unknown not in UNKNOWN_POLICIES:
        raise ConfigError(f"test_unknown must be one of {', '.join(UNKNOWN_POLICIES)}, got {unknown!r}")
    report = dataset.report
    sub = CleaningReport()
    frame = pd.DataFrame({"user": ids_as_strings(users), "item": ids_as_strings(items)})
    frame["value"] = (np.ones(len(frame)) if values is None else
                      pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(np.float64))
    if timestamps is not None:
        frame["ts"] = pd.to_numeric(pd.Series(timestamps), errors="coerce")
    sub.add("rows_read", len(frame))
    if len(frame) == 0:
        raise DataError(f"{source}: the test file has no data rows")
    frame = _drop_non_finite(frame, strict, source, sub)
    frame = _collapse_duplicates(frame, dataset.kind, report.policies.get("duplicates"),  # type: ignore[arg-type]
                                 sub)
    u = dataset.users.lookup(frame["user"])
    i = dataset.items.lookup(frame["item"])
    bad_user = u < 0
    bad_item = (i < 0) & ~bad_user
    if unknown == "error" and (bad_user.any() or bad_item.any()):
        examples = [f"{a}/{b}" for a, b in frame.loc[bad_user | bad_item, ["user", "item"]]
                    .head(5).itertuples(index=False)]
        raise DataError(
            f"{source}: {_rows(int(bad_user.sum()), 'unknown user')}, "
            f"{_rows(int(bad_item.sum()), 'unknown item')} (e.g. user/item "
            f"{', '.join(examples)}); load with test_unknown='exclude' to leave them out"
        )
    known = ~(bad_user | bad_item)
    seen = dataset.interaction_matrix(binary=True)
    in_train = np.zeros(len(frame), dtype=bool)
    if known.any():
        in_train[known] = np.asarray(seen[u[known], i[known]]).ravel() > 0
    sub.add("rows_dropped_unknown_user", int(bad_user.sum()))
    sub.add("rows_dropped_unknown_item", int(bad_item.sum()))
    sub.add("rows_dropped_in_training", int(in_train.sum()))
    for key, n in {**(read_report.counts if read_report else {}), **sub.counts}.items():
        report.add(f"test_{key}", n)
    report.policies["test_unknown"] = unknown
    keep = known & ~in_train
    excluded = [_rows(int(bad_user.sum()), "unknown user"), _rows(int(bad_item.sum()), "unknown item")]
    if in_train.any():
        excluded.append(_rows(int(in_train.sum()), "a pair already in training"))
    name = source.rsplit("/", 1)[-1]
    description = (f"supplied test file {name}: {_rows(int(keep.sum()), None)} used; "
                   f"excluded {', '.join(excluded)}")
    if not keep.any():
        raise DataError(f"{source}: no test row left ({description})")
    kept = frame.loc[keep]
    rows = TestRows(
        user_index=u[keep].astype(np.int32),
        item_index=i[keep].astype(np.int32),
        values=kept["value"].to_numpy(np.float32),
        timestamps=(kept["ts"].fillna(0).to_numpy(np.int64)
                    if "ts" in kept and dataset.timestamps is not None else None),
        source=source,
        description=description,
    )
    return replace(dataset, test_rows=rows)


def _counts(report: CleaningReport) -> str:
    return "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.counts.items() if v)


def _rows(n: int, what: str | None) -> str:
    """'1 row with unknown user', '2 rows with unknown item', '3 rows'."""
    return f"{n} row{'' if n == 1 else 's'}" + (f" with {what}" if what else "")


def _drop_non_finite(
    frame: pd.DataFrame, strict: bool, source: str, report: CleaningReport
) -> pd.DataFrame:
    bad = ~np.isfinite(frame["value"].to_numpy(np.float64))
    bad |= (frame["user"] == "").to_numpy() | (frame["item"] == "").to_numpy()
    if bad.any():
        if strict:
            rows = np.flatnonzero(bad)[:10]
            raise DataError(
                f"{source}: {int(bad.sum())} row(s) with a missing id or a non-numeric value "
                f"(data rows {', '.join(str(r + 1) for r in rows)}); fix them or load with "
                "strict=False (--dataset-option strict=false) to drop them"
            )
        report.add("rows_dropped_missing_or_non_numeric", int(bad.sum()))
        frame = frame.loc[~bad]
    return frame


def _collapse_duplicates(
    frame: pd.DataFrame, kind: Kind, policy: DuplicatePolicy | None, report: CleaningReport
) -> pd.DataFrame:
    policy = policy or ("latest" if kind == "explicit" else "sum")
    report.policies["duplicates"] = policy
    dup_mask = frame.duplicated(["user", "item"], keep=False)
    n_extra = int(frame.duplicated(["user", "item"]).sum())
    if n_extra == 0:
        return frame.reset_index(drop=True)
    dups = frame.loc[dup_mask]
    n_pairs = dups.groupby(["user", "item"], sort=False).ngroups
    conflicting = int((dups.groupby(["user", "item"], sort=False)["value"].nunique() > 1).sum())
    report.add("duplicate_rows_collapsed", n_extra)
    report.add("duplicate_pairs", n_pairs)
    report.add("duplicate_pairs_with_conflicting_values", conflicting)
    if policy in ("latest", "last", "first"):
        ordered = frame
        if policy == "latest" and "ts" in frame:
            ordered = frame.sort_values("ts", kind="stable", na_position="first")
        keep = "first" if policy == "first" else "last"
        kept = ordered.drop_duplicates(["user", "item"], keep=keep)
        return kept.sort_index().reset_index(drop=True)
    agg = {"value": policy}
    if "ts" in frame:
        agg["ts"] = "max"
    return frame.groupby(["user", "item"], sort=False, as_index=False).agg(agg)


def _social_matrix(
    social: tuple[Sequence[object], Sequence[object]], users: IdMap, report: CleaningReport
) -> sp.csr_matrix:
    src = users.lookup(ids_as_strings(social[0]))
    dst = users.lookup(ids_as_strings(social[1]))
    report.add("social_links_read", len(src))
    unknown = (src < 0) | (dst < 0)
    report.add("social_links_dropped_unknown_user", int(unknown.sum()))
    src, dst = src[~unknown], dst[~unknown]
    loops = src == dst
    report.add("social_links_dropped_self_loop", int(loops.sum()))
    src, dst = src[~loops], dst[~loops]
    n = len(users)
    m = sp.csr_matrix((np.ones(len(src), dtype=np.float32), (src, dst)), shape=(n, n))
    m.sum_duplicates()
    report.add("social_links_dropped_duplicate", len(src) - m.nnz)
    m.data[:] = 1.0
    degree = np.diff(m.indptr) + np.bincount(m.indices, minlength=n)
    report.add("users_without_social_links", int((degree == 0).sum()))
    return m


def _features(
    triples: FeatureTriples | None, ids: IdMap, what: str, report: CleaningReport
) -> Features | None:
    if triples is None:
        return None
    rows = ids.lookup(ids_as_strings(triples.ids))
    known = rows >= 0
    report.add(f"{what}_feature_entries_dropped_unknown_{what}", int((~known).sum()))
    names = np.asarray(triples.names, dtype=object)[known]
    cols, vocab = pd.factorize(pd.Series(names, dtype=object), sort=True)
    vals = (
        np.ones(len(cols), dtype=np.float32)
        if triples.values is None
        else np.asarray(triples.values, dtype=np.float32)[known]
    )
    m = sp.csr_matrix((vals, (rows[known], cols)), shape=(len(ids), len(vocab)))
    m.sum_duplicates()
    return Features(matrix=m, names=tuple(str(v) for v in vocab))
