"""Property: ``load_table`` on random small tables either loads with consistent counts or raises
``RectoolError`` -- never another exception (ids like "nan", "NA", "", very long and unicode ids,
random separators, missing cells, bad ratings and timestamps)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectool.data.loaders import load_table
from rectool.data.loaders.tabular import DEFAULT_NAMES
from rectool.errors import RectoolError

SEPS = [",", ";", "\t", "|", " "]
SPECIAL_IDS = ["nan", "NaN", "NA", "N/A", "", "null", "None", "0", "007", "1.0", "1e3", "-1",
               "x" * 300, "ユーザー", "é", "😀", "  padded  ", "a,b"]
ALIASES = {a for names in DEFAULT_NAMES.values() for a in names} | {"source", "target"}
RATINGS = ["1", "4.5", "-3", "0", "NaN", "abc", "", "1e3", "inf", "-"]
TIMES = ["100", "1700000000", "2020-01-01", "soon", ""]


@st.composite
def tables(draw):
    sep = draw(st.sampled_from(SEPS))
    forbidden = set("\n\r\"\x00") | ({sep} if sep != " " else set(" \t\x0b\x0c"))
    text_ids = st.text(
        st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=12
    ).filter(lambda t: not (set(t) & forbidden) and t.strip().lower() not in ALIASES)
    ids = st.one_of(st.sampled_from(
        [i for i in SPECIAL_IDS if not (set(i) & forbidden)]), text_ids)
    width = draw(st.integers(2, 4))
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        row = [draw(ids), draw(ids)]
        if width >= 3:
            row.append(draw(st.sampled_from(RATINGS)))
        if width == 4:
            row.append(draw(st.sampled_from(TIMES)))
        cut = draw(st.integers(1, width))  # a short row: missing trailing cells
        rows.append(row[:cut] if draw(st.booleans()) and sep != " " else row)
    header = draw(st.booleans())
    return sep, width, header, rows


def _cells(row, sep):
    return [c.strip() if sep != " " else c for c in row]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.booleans())
def test_load_table_loads_consistently_or_raises_rectool_error(table, strict):
    sep, width, header, rows = table
    roles = ["user", "item", "rating", "timestamp"][:width]
    lines = ([sep.join(roles)] if header else []) + [sep.join(r) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        columns = None if header else ",".join(f"{r}={i}" for i, r in enumerate(roles))
        try:
            ds = load_table(path, columns=columns, sep=sep, strict=strict)
        except RectoolError:
            return
    counts = ds.report.counts
    nonblank = [r for r in rows if any(c.strip() for c in r)]
    skipped_header = 1 if "header" in ds.report.policies else 0
    assert counts["rows_read"] == len(nonblank) - skipped_header
    assert counts.get("blank_lines_skipped", 0) == len(rows) - len(nonblank)
    kept = counts["rows_read"] - counts.get("rows_dropped_missing_or_non_numeric", 0) \
        - counts.get("duplicate_rows_collapsed", 0)
    assert ds.n_interactions == kept > 0
    assert all(isinstance(i, str) and i and i == i.strip() for i in ds.users.ids)
    assert all(isinstance(i, str) and i and i == i.strip() for i in ds.items.ids)
    assert len(set(ds.users.ids)) == ds.n_users and len(set(ds.items.ids)) == ds.n_items
    assert np.isfinite(ds.values).all()
    written = {c.strip() for r in nonblank for c in r[:2]}
    assert set(ds.users.ids) <= written and set(ds.items.ids) <= written


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.booleans(), st.sampled_from([".csv", ".tsv", ".txt"]))
def test_sniffed_separator_loads_or_raises_rectool_error(table, strict, suffix):
    """The same tables with no ``sep``: the separator comes from the extension or is sniffed.
    Whatever it guesses, the outcome is a consistent dataset or the project's own error."""
    sep, width, header, rows = table
    roles = ["user", "item", "rating", "timestamp"][:width]
    lines = ([sep.join(roles)] if header else []) + [sep.join(r) for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t{suffix}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        columns = None if header else ",".join(f"{r}={i}" for i, r in enumerate(roles))
        try:
            ds = load_table(path, columns=columns, strict=strict)
        except RectoolError:
            return
    assert ds.n_interactions > 0
    assert all(isinstance(i, str) and i and i == i.strip() for i in ds.users.ids)
    assert all(isinstance(i, str) and i and i == i.strip() for i in ds.items.ids)
    assert len(set(ds.users.ids)) == ds.n_users and len(set(ds.items.ids)) == ds.n_items
    assert np.isfinite(ds.values).all()
