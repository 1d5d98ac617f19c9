"""Case 12 -- files that are not what they claim. Kind: the bytes are not a readable text table.
Handled once in ``tabular._Reader`` (every table, test file and edge list): missing path,
folder, empty, header-only, binary (NUL bytes) each one ``DataError``; encoding given, else
UTF-8 then latin-1 (noted in the report's policies)."""

from __future__ import annotations

import gzip

import pytest
from click.testing import CliRunner

import rectool
from rectool.cli import create_cli
from rectool.data.loaders import load_table
from rectool.errors import DataError

LATIN = "user,item,title\nu1,i1,Café Noir\nu2,i2,Crème brûlée\n"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", "", "{p}: the file is empty"),
    ("blank.csv", "\n\n  \n", "{p}: the file is empty"),
    ("header.csv", "user,item,rating\n", "{p}: has a header row (user, item, rating) but no data rows"),
    ("binary.csv", bytes(range(256)) * 8,
     "{p}: looks like a binary file (it contains NUL bytes), not a text table; rectool reads "
     "CSV/TSV text (also .gz, .bz2, .xz) and Parquet (.parquet); for UTF-16 text pass "
     "encoding='utf-16' (--encoding utf-16)"),
    ("control.csv", b"a,b\xff\xfe\x01\x02,c\n",  # no NUL, but control bytes: not text either
     "{p}: looks like a binary file (it contains control byte 0x01), not a text table; rectool "
     "reads CSV/TSV text (also .gz, .bz2, .xz) and Parquet (.parquet); for UTF-16 text pass "
     "encoding='utf-16' (--encoding utf-16)"),
])
def test_one_clear_message(write, name, content, message):
    p = write(name, content)
    with pytest.raises(DataError) as err:
        load_table(p)
    assert str(err.value) == message.format(p=p)


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(DataError) as err:
        rectool.load_dataset(tmp_path / "nope.csv")
    assert str(err.value) == f"data file {str(tmp_path / 'nope.csv')!r} does not exist"
    with pytest.raises(DataError) as err:
        load_table(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a folder, not a file"
    with pytest.raises(DataError, match="no such file"):
        load_table(tmp_path / "nope.csv")


def test_latin1_detected_and_noted(write):
    p = write("titles.csv", LATIN.encode("latin-1"))
    ds = load_table(p, columns="user=user,item=title")
    assert sorted(ds.items.ids) == ["Café Noir", "Crème brûlée"]
    assert ds.report.policies["encoding"] == "titles.csv: latin-1 (the file is not valid UTF-8)"


def test_latin1_given(write):
    p = write("titles.csv", LATIN.encode("latin-1"))
    ds = load_table(p, columns="user=user,item=title", encoding="latin-1")
    assert sorted(ds.items.ids) == ["Café Noir", "Crème brûlée"]


def test_wrong_encoding_given_is_one_message(write):
    p = write("titles.csv", LATIN.encode("latin-1"))
    with pytest.raises(DataError) as err:
        load_table(p, columns="user=user,item=title", encoding="utf-8")
    assert str(err.value).startswith(f"{p}: is not valid utf-8 text (invalid continuation byte")
    assert str(err.value).endswith("pass the file's encoding, e.g. encoding='latin-1' "
                                   "(--encoding latin-1)")


def test_utf8_bom_and_compressed(write, tmp_path):
    p = write("bom.csv", "\ufeffuser,item\nu1,i1\n".encode())
    assert list(load_table(p).users.ids) == ["u1"]
    g = tmp_path / "r.csv.gz"
    with gzip.open(g, "wb") as f:
        f.write(LATIN.encode("latin-1"))
    assert "Café Noir" in load_table(g, columns="user=user,item=title").items.ids
    bad = write("bad.csv.gz", b"not gzip at all")
    with pytest.raises(DataError, match="bad.csv.gz: cannot read it"):
        load_table(bad)


def test_cli_one_line_error(write):
    p = write("binary.csv", b"\x00\x01\x02" * 100)
    out = CliRunner().invoke(create_cli(), ["inspect", str(p)])
    assert out.exit_code == 1
    assert out.output.startswith(f"Error: {p}: looks like a binary file")
    q = write("t.csv", LATIN.encode("latin-1"))
    out = CliRunner().invoke(create_cli(), ["inspect", str(q), "--columns", "user=user,item=title",
                                            "--encoding", "latin-1"])
    assert out.exit_code == 0 and "2 interactions" in out.output
