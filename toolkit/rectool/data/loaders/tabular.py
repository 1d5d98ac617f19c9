"""Any interaction table: CSV/TSV (separator from the extension or sniffed) or Parquet.

``columns`` maps roles to column names, as ``"user=uid,item=iid,rating=stars,timestamp=ts"``
or a dict; ``user`` and ``item`` are required, ``rating`` and ``timestamp`` optional (without
a rating the data is implicit). Integer column names (``"user=0,item=1"``) mean columns by
position. Every column is read as text so ids never pass through float.

Reading rules (docs/data.md), stated once in ``_read`` for tables, test files and edge lists:
- a missing path, a folder, an empty file and a binary file (NUL or other control bytes) are each one
  ``DataError`` that says so; a file with a header row and no data rows too;
- encoding: ``encoding=`` when given, else UTF-8 (a BOM is dropped) and, when the bytes are
  not valid UTF-8, latin-1 (which decodes any byte); the report's policies say which was used;
- header: with column names the first row is the header; with positions or no ``columns``
  the first row is a header when it holds a known column name or is text above numeric
  columns, and data when it is all numbers (then, without ``columns``, the columns are
  user, item[, rating[, timestamp]] by position);
- separator: from ``sep``, else the extension, else sniffed; a read that finds one column
  says so and names the separator the file seems to use;
- ``layout="wide"``: one row per user, one column per item, a rating per cell; blank and
  NaN/NA/null cells mean "no rating" and are counted, not dropped as bad rows;
- ``test=PATH``: a second file with the same columns, attached as the dataset's supplied test
  rows (``rectool.data.build.attach_test``); ``compare`` evaluates on it instead of splitting.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rectool.data.build import attach_test, build_dataset
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
_OPTIONS = ("name", "rating_scale", "duplicates", "social_kind", "encoding", "layout", "test",
            "test_unknown")
#: bytes no text table holds: NUL and the C0 controls other than tab, newlines, form feed, ESC
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HEAD_BYTES = 64 * 1024  # what the checks for empty/binary files and the sniffer look at
_SEP_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe", r"\s+": "whitespace"}
#: cells of a wide table that mean "no rating" (besides blank ones), compared in lower case
_NO_RATING = frozenset({"nan", "na", "n/a", "null", "none"})


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
    # Options besides the named ones: name, rating_scale ("1,5"), duplicates, social_kind,
    # encoding (default UTF-8, else latin-1), layout (long | wide), test (a second file with
    # the same columns: the supplied test rows), test_unknown (exclude | error).
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
    layout = options.get("layout") or "long"
    if layout not in ("long", "wide"):
        raise ConfigError(f"layout must be 'long' or 'wide', got {layout!r}")
    encoding = _encoding(options.get("encoding"))
    path = Path(path).expanduser()
    spec = _parse_columns(columns, ROLES, "columns")
    report = CleaningReport()
    read = _Reader(sep, encoding, report)
    if layout == "wide":
        raw = _wide_rows(path, spec, read, strict)
    else:
        raw = _long_rows(path, spec, read, strict, kind, columns)

    social_pair = None
    if social is not None:
        social_pair = _read_social(Path(social).expanduser(), social_columns, read)

    scale = _rating_scale(options.get("rating_scale"))
    data_kind = kind or ("explicit" if raw.values is not None else "implicit")
    dataset = build_dataset(
        options.get("name") or path.name,
        raw.users,
        raw.items,
        raw.values if raw.values is not None else np.ones(len(raw.users)),
        raw.timestamps,
        kind=data_kind,  # type: ignore[arg-type]
        rating_scale=scale,
        duplicates=options.get("duplicates"),
        strict=strict,
        source=str(path),
        social=social_pair,
        social_kind=options.get("social_kind") or ("trust" if social_pair else None),
        report=report,
    )
    test = options.get("test")
    if test is None:
        return dataset
    test_path = Path(test).expanduser()
    test_read = _Reader(sep, encoding, CleaningReport())
    if layout == "wide":
        t = _wide_rows(test_path, spec, test_read, strict)
    else:
        t = _long_rows(test_path, spec, test_read, strict, kind, columns)
    return attach_test(
        dataset, t.users, t.items,
        t.values if t.values is not None else np.ones(len(t.users)), t.timestamps,
        source=str(test_path), unknown=options.get("test_unknown") or "exclude", strict=strict,
        read_report=test_read.report,
    )


@dataclass
class _Rows:
    """Raw columns of one table, ready for ``build_dataset``."""

    users: np.ndarray
    items: np.ndarray
    values: np.ndarray | None
    timestamps: np.ndarray | None


def _long_rows(
    path: Path,
    spec: dict[str, str | int] | None,
    read: _Reader,
    strict: bool,
    kind: str | None,
    columns: Any,
) -> _Rows:
    if spec is not None and ("user" not in spec or "item" not in spec):
        raise ConfigError(
            f"columns={columns!r} must name at least the user and item columns, "
            "for example 'user=uid,item=iid,rating=stars'"
        )
    frame, spec = read.table(path, spec, ROLES)
    cols = _assign(frame, spec, path, ROLES, required=("user", "item"))
    if kind == "explicit" and "rating" not in cols:
        raise ConfigError(f"{path}: kind='explicit' needs a rating column (columns={columns!r})")
    users, items = frame[cols["user"]], frame[cols["item"]]
    if strict:
        for role in ("user", "item"):
            _strict_check(frame[cols[role]], frame[cols[role]].str.strip() == "", path,
                          cols[role], "an empty id")
    values = None
    if "rating" in cols:
        values, bad = _numbers(frame[cols["rating"]])
        if strict:
            _strict_check(frame[cols["rating"]], bad, path, cols["rating"], "a non-numeric rating")
    timestamps = None
    if "timestamp" in cols:
        timestamps, bad_ts = _timestamps(frame[cols["timestamp"]])
        if strict:
            _strict_check(frame[cols["timestamp"]], bad_ts, path, cols["timestamp"],
                          "a timestamp that is neither a number nor a date")
        # a row without a usable timestamp is dropped and counted with the non-numeric rows
        base = values if values is not None else np.ones(len(frame), dtype=np.float64)
        values = np.where(bad_ts, np.nan, base)
        timestamps = np.where(bad_ts, 0, timestamps)
        if "rating" not in cols:  # implicit data: the NaN only marks the row to drop
            values = np.where(bad_ts, np.nan, 1.0)
    return _Rows(users.to_numpy(dtype=object), items.to_numpy(dtype=object), values, timestamps)


def _wide_rows(path: Path, spec: dict[str, str | int] | None, read: _Reader, strict: bool) -> _Rows:
    """A users x items table: the user column, then one column per item with ratings."""
    if spec is not None and set(spec) - {"user"}:
        raise ConfigError(
            "layout='wide' takes only columns='user=COL' (every other column is an item)"
        )
    frame, _ = read.table(path, None, ROLES, header=True)
    user_col = str(spec["user"]) if spec else frame.columns[0]
    if user_col not in frame.columns:
        raise DataError(f"{path}: no column {user_col!r} (for user); columns found: "
                        f"{', '.join(map(repr, frame.columns))}")
    item_cols = [c for c in frame.columns if c != user_col]
    cells = frame[item_cols]
    text = cells.apply(lambda col: col.str.strip())
    empty = (text == "") | text.apply(lambda col: col.str.lower().isin(_NO_RATING))
    read.report.add("wide_cells_without_rating", int(empty.to_numpy().sum()))
    numbers = text.apply(lambda col: pd.to_numeric(col, errors="coerce")).to_numpy(np.float64)
    filled = ~empty.to_numpy()
    bad = filled & ~np.isfinite(numbers)
    if strict and bad.any():
        rows, cols = np.nonzero(bad)
        entries = [(int(frame.index[r]) + 1, str(item_cols[c]), str(cells.iat[r, c]))
                   for r, c in zip(rows, cols, strict=True)]
        _strict_fail(path, None, "a non-numeric rating", entries)
    rows, cols = np.nonzero(filled)
    values = numbers[rows, cols]
    users = frame[user_col].to_numpy(dtype=object)[rows]
    items = np.asarray(item_cols, dtype=object)[cols]
    read.report.policies["layout"] = "wide (one row per user, one column per item)"
    return _Rows(users, items, values, None)


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


def _encoding(value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        codecs.lookup(str(value).strip())
        return str(value).strip()
    except LookupError:
        raise ConfigError(f"encoding {value!r} is not a known text encoding "
                          "(e.g. utf-8, latin-1, cp1252)") from None


def _consistent_sep(lines: list[str], exclude: str | None = None) -> str | None:
    """A separator that splits every line into the same number (> 1) of fields, if any."""
    for cand in ("\t", ",", ";", "|"):
        if cand == exclude:
            continue
        counts = {line.count(cand) for line in lines}
        if len(counts) == 1 and counts != {0}:
            return cand
    if exclude != r"\s+" and lines and all(len(line.split()) > 1 for line in lines):
        return r"\s+"
    return None


def _is_number(text: str) -> bool:
    try:
        return bool(np.isfinite(float(text)))
    except ValueError:
        return False


def _known_names(roles: tuple[str, ...], spec: dict[str, str | int] | None) -> set[str]:
    names = {alias for role in roles for alias in DEFAULT_NAMES.get(role, (role,))}
    names |= set(roles)
    if spec:
        names |= {str(c).lower() for c in spec.values() if not str(c).isdigit()}
    return names


def _header_verdict(
    first: list[str], rest: pd.DataFrame, names: set[str], numeric: set[int] | None
) -> bool | None:
    """Whether the first row is a header: True, False (it is data) or None (cannot tell).

    Type evidence (text above a column of numbers) is used only in ``numeric`` columns (the
    rating/timestamp positions of a spec; every column when None): ids may be text or numbers.
    """
    cells = [c.strip() for c in first]
    if any(c.lower() in names for c in cells):
        return True
    filled = [c for c in cells if c]
    if filled and all(_is_number(c) for c in filled):
        return False
    sample = rest.iloc[:50]
    for j, cell in enumerate(cells):  # text above a column of numbers: a header (csv.Sniffer)
        if cell and not _is_number(cell) and (numeric is None or j in numeric):
            col = sample.iloc[:, j].str.strip()
            col = col[col != ""]
            if len(col) and all(_is_number(v) for v in col):
                return True
    return None


def _header_names(first: list[str]) -> list[str]:
    """Column names from a header row: stripped, empty ones named, repeats numbered (a.1)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for j, raw in enumerate(first):
        name = raw.strip() or f"Unnamed: {j}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _by_position(path: Path, roles: tuple[str, ...], width: int) -> dict[str, str | int]:
    """Roles by position for a file without a header row: user, item[, rating[, timestamp]]."""
    if width > len(roles) and roles == ROLES:
        raise DataError(
            f"{path}: {width} columns and no header row; name them by position, "
            "e.g. columns='user=0,item=1,rating=2'"
        )
    return {role: str(i) for i, role in enumerate(roles[: min(width, len(roles))])}


class _Reader:
    """Reads the text tables of one load with one separator/encoding choice and one report."""

    def __init__(self, sep: str | None, encoding: str | None, report: CleaningReport) -> None:
        self.sep, self.encoding, self.report = sep, encoding, report

    def table(
        self,
        path: Path,
        spec: dict[str, str | int] | None,
        roles: tuple[str, ...],
        header: bool | None = None,
    ) -> tuple[pd.DataFrame, dict[str, str | int] | None]:
        """The table with every column as text (index = 0-based line number in the file) and
        the column spec to use (positions when the file has no header and ``spec`` is None)."""
        if not path.exists():
            raise DataError(f"{path}: no such file")
        if path.is_dir():
            raise DataError(f"{path}: is a folder, not a file")
        fmt, comp = _suffixes(path)
        positional = _positional(spec)
        if fmt in _PARQUET:
            return _read_parquet(path, positional), spec
        head = self._head(path, comp)
        frame, sep = self._csv(path, head, fmt)
        frame = frame.fillna("")  # short rows: missing fields are empty, never "nan"
        blank = (frame.apply(lambda col: col.str.strip()) == "").all(axis=1).to_numpy()
        if blank.any():
            frame = frame.loc[~blank]
        if frame.empty:
            raise DataError(f"{path}: the file is empty (only blank lines)")
        if frame.shape[1] == 1:
            self._one_column(path, frame, sep)
        first = [str(v) for v in frame.iloc[0]]
        if header is None:
            if spec is not None and not positional:
                header = True  # columns named: the first row must be the header
            else:
                numeric = None if spec is None else {
                    int(c) for r, c in spec.items() if r in ("rating", "timestamp")}
                verdict = _header_verdict(first, frame.iloc[1:], _known_names(roles, spec),
                                          numeric)
                header = verdict if positional else verdict is not False
        rest = frame.iloc[1:] if header else frame
        self.report.add("blank_lines_skipped", int(blank.sum()))
        if header and positional:
            self.report.policies["header"] = f"first row of {path.name} skipped as a header"
        elif header:
            rest = rest.copy()
            rest.columns = _header_names(first)
        elif spec is None:
            spec = _by_position(path, roles, frame.shape[1])
            what = ",".join(f"{r}={c}" for r, c in spec.items())
            self.report.policies["columns"] = f"{path.name} has no header row; by position {what}"
        if header and rest.empty:
            raise DataError(
                f"{path}: has a header row ({', '.join(s.strip() for s in first)}) but no data rows"
            )
        return rest, spec

    # -- pieces ------------------------------------------------------------------------------
    def _head(self, path: Path, comp: str | None) -> bytes:
        opener = _COMPRESSED.get(comp or "", open)
        try:
            with opener(path, "rb") as f:  # type: ignore[operator]
                head = f.read(_HEAD_BYTES)
        except (OSError, EOFError, lzma.LZMAError) as exc:
            raise DataError(f"{path}: cannot read it ({exc})") from exc
        if not head.strip() or head.strip() == codecs.BOM_UTF8:
            raise DataError(f"{path}: the file is empty")
        wide_encoding = self.encoding is not None and codecs.lookup(self.encoding).name.startswith(
            ("utf-16", "utf-32"))
        control = _CONTROL_BYTES.search(head)
        if control is not None and not wide_encoding:
            what = "NUL bytes" if b"\x00" in head else f"control byte 0x{control.group()[0]:02x}"
            raise DataError(
                f"{path}: looks like a binary file (it contains {what}), not a text table; "
                "rectool reads CSV/TSV text (also .gz, .bz2, .xz) and Parquet (.parquet); "
                "for UTF-16 text pass encoding='utf-16' (--encoding utf-16)"
            )
        return head

    def _csv(self, path: Path, head: bytes, fmt: str) -> tuple[pd.DataFrame, str]:
        sep = self.sep
        if sep is None:
            sep = _BY_EXTENSION.get(fmt) or self._sniff(path, head)
        elif sep in {"tab", "\\t"}:
            sep = "\t"
        elif sep in {"space", "whitespace", " "}:
            sep = r"\s+"
        # the widest of the first lines sets the width, so a short first row is not an error
        width = max((len(line.split()) if sep == r"\s+" else line.count(sep) + 1
                     for line in self._lines(head)), default=1)
        encodings = [self.encoding] if self.encoding else ["utf-8-sig", "latin-1"]
        for n, enc in enumerate(encodings):
            try:
                frame = pd.read_csv(
                    path,
                    sep=sep,
                    header=None,
                    names=range(width),
                    dtype=str,
                    keep_default_na=False,
                    skip_blank_lines=False,  # keep line numbers exact; blank rows removed later
                    encoding=enc,
                )
            except UnicodeDecodeError as exc:
                if n + 1 < len(encodings):
                    continue
                raise DataError(
                    f"{path}: is not valid {enc} text ({exc.reason} at byte {exc.start}); "
                    "pass the file's encoding, e.g. encoding='latin-1' (--encoding latin-1)"
                ) from None
            except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
                msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise DataError(f"{path}: cannot read it as a table with sep={sep!r} ({msg})") \
                    from exc
            if n > 0:
                self._note_encoding(path, f"{enc} (the file is not valid UTF-8)")
            elif self.encoding:
                self._note_encoding(path, enc)
            frame.columns = [str(c) for c in range(frame.shape[1])]
            return frame, sep
        raise AssertionError("unreachable")  # pragma: no cover

    def _note_encoding(self, path: Path, what: str) -> None:
        old = self.report.policies.get("encoding")
        note = f"{path.name}: {what}"
        self.report.policies["encoding"] = f"{old}; {note}" if old else note

    def _lines(self, head: bytes) -> list[str]:
        text = head.decode(self.encoding or "utf-8", errors="replace")
        lines = [line.rstrip("\r") for line in text.split("\n")[:20]]
        if len(head) == _HEAD_BYTES and len(lines) > 1:
            lines = lines[:-1]  # the last line may be cut
        return [line for line in lines if line.strip()]

    def _sniff(self, path: Path, head: bytes) -> str:
        lines = self._lines(head)
        found = _consistent_sep(lines)
        if found is None:
            raise DataError(
                f"{path}: cannot tell the column separator from the first lines; "
                "pass sep (e.g. sep=',', --sep ';')"
            )
        return found

    def _one_column(self, path: Path, frame: pd.DataFrame, sep: str) -> None:
        lines = [str(v) for v in frame.iloc[:20, 0]]
        guess = _consistent_sep(lines, exclude=sep)
        if guess is not None:
            name = _SEP_NAMES.get(guess, repr(guess))
            raise DataError(
                f"{path}: found 1 column with sep={sep!r}; the file looks {name}-separated: "
                f"pass sep={guess!r} (--sep {'tab' if guess == chr(9) else guess})"
            )
        raise DataError(
            f"{path}: found 1 column with sep={sep!r}; a table needs at least two columns "
            "(user and item, or source and target); pass the right sep"
        )


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
            f"{', '.join(map(repr, found))}. Name them with columns='user=...,item=...' "
            "(or by position, columns='user=0,item=1', for a file without a header row)"
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
    col: pd.Series, bad: np.ndarray | pd.Series, path: Path, name: str, what: str
) -> None:
    """Strict mode: every bad entry of a column in one DataError (file, lines, column, values)."""
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return
    entries = [(int(col.index[p]) + 1, name, str(col.iloc[p])) for p in np.flatnonzero(bad)]
    _strict_fail(path, name, what, entries)


_MAX_LISTED = 20


def _strict_fail(
    path: Path, column: str | None, what: str, entries: list[tuple[int, str, str]]
) -> None:
    """Raise one DataError naming every bad (line, column, value), the first 20 spelled out."""
    fix = ("fix the file or load with strict=False (--dataset-option strict=false) to drop such "
           "rows (they are counted)")
    if len(entries) == 1:
        line, col, value = entries[0]
        raise DataError(f"{path}, line {line}, column {col!r}: {what} {value!r}; {fix}")
    listed = ", ".join(
        f"line {line} {value!r}" if column else f"line {line} column {col!r} {value!r}"
        for line, col, value in entries[:_MAX_LISTED]
    )
    more = f" and {len(entries) - _MAX_LISTED} more" if len(entries) > _MAX_LISTED else ""
    where = f", column {column!r}" if column else ""
    noun = "rows" if column else "cells"
    raise DataError(f"{path}{where}: {len(entries)} {noun} with {what}: {listed}{more}; {fix}")


def _read_social(
    path: Path, social_columns: str | Mapping[str, str | int] | None, read: _Reader
) -> tuple[np.ndarray, np.ndarray]:
    """(source, target) id columns of an edge list; its separator is found like the table's."""
    spec = _parse_columns(social_columns, SOCIAL_ROLES, "social_columns")
    if spec is not None and set(spec) != set(SOCIAL_ROLES):
        raise ConfigError(
            f"social_columns={social_columns!r} must name both source and target, "
            "like 'source=truster,target=trustee'"
        )
    social_read = _Reader(None, read.encoding, read.report)  # the table's sep is not the graph's
    frame, spec = social_read.table(path, spec, SOCIAL_ROLES)
    if spec is None:
        spec = {"source": frame.columns[0], "target": frame.columns[1]}
    cols = _assign(frame, spec, path, SOCIAL_ROLES, required=SOCIAL_ROLES)
    src = frame[cols["source"]].str.strip()
    dst = frame[cols["target"]].str.strip()
    return src.to_numpy(dtype=object), dst.to_numpy(dtype=object)
