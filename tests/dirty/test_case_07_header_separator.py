"""Case 7 -- header and separator. Kind: the file's layout guessed wrong. Handled by
``tabular._Reader``: one header rule for every table (names, positions or none), the separator
from ``sep``/extension/sniffing (``--sep``, ``--dataset-option``), and a one-column read that
names the separator the file seems to use."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import rectool
from rectool.cli import create_cli
from rectool.errors import DataError


def test_header_row_is_not_data(write):
    ds = rectool.load_dataset(write("r.csv", "user,item,rating\nu1,i1,4\nu2,i2,3\n"))
    assert sorted(ds.users.ids) == ["u1", "u2"] and ds.report.counts["rows_read"] == 2


def test_header_row_is_skipped_when_columns_are_positions(write):
    ds = rectool.load_dataset(write("r.csv", "user,item,rating\nu1,i1,4\nu2,i2,3\n"),
                              columns="user=0,item=1,rating=2")
    assert sorted(ds.users.ids) == ["u1", "u2"]
    assert ds.report.policies["header"] == "first row of r.csv skipped as a header"
    assert "rows_dropped_missing_or_non_numeric" not in ds.report.counts


def test_semicolon_file_with_sep(write):
    p = write("r.csv", "user;item;rating\nu1;i1;4\nu2;i2;3\n")
    assert rectool.load_dataset(p, sep=";").n_interactions == 2
    out = CliRunner().invoke(create_cli(), ["inspect", str(p), "--sep", ";"])
    assert out.exit_code == 0, out.output
    assert "2 interactions" in out.output
    out = CliRunner().invoke(create_cli(), ["inspect", str(p), "--dataset-option", "sep=;"])
    assert out.exit_code == 0 and "2 interactions" in out.output


def test_tab_file_read_as_csv_says_one_column_and_tab(write):
    p = write("r.csv", "user\titem\trating\nu1\ti1\t4\nu2\ti2\t3\n")
    with pytest.raises(DataError) as err:
        rectool.load_dataset(p)
    assert str(err.value) == (f"{p}: found 1 column with sep=','; the file looks tab-separated: "
                              "pass sep='\\t' (--sep tab)")
    assert rectool.load_dataset(p, sep="tab").n_interactions == 2


def test_semicolon_without_sep_says_so(write):
    p = write("r.csv", "user;item;rating\nu1;i1;4\n")
    with pytest.raises(DataError, match="looks semicolon-separated: pass sep=';'"):
        rectool.load_dataset(p)
