"""Case 2 -- unknown users and items in a supplied test file. Kind: test rows that the training
id maps cannot index. Handled by ``rectool.data.build.attach_test`` (``load_table(test=...)``,
``rectool compare --test FILE``): rows are indexed through the training ``IdMap``; unknown users
and items are excluded and counted (default) or an error; ``compare`` evaluates on them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import rectool
from rectool.cli import create_cli
from rectool.errors import DataError
from rectool.evaluation import compare


@pytest.fixture
def files(write):
    return (write("train.csv", "user,item\nu1,i1\nu1,i2\nu2,i2\n"),
            write("test.csv", "user,item\nu1,i3\nu2,i1\nu3,i1\n"))


def test_unknown_rows_are_excluded_and_counted(files):
    train, test = files
    ds = rectool.load_dataset(train, test=test)
    assert ds.test_rows is not None
    assert ds.test_rows.description == (
        "supplied test file test.csv: 1 row used; excluded 1 row with unknown user, "
        "1 row with unknown item")
    counts = ds.report.counts
    assert (counts["test_rows_read"], counts["test_rows_dropped_unknown_user"],
            counts["test_rows_dropped_unknown_item"]) == (3, 1, 1)


def test_popularity_on_the_supplied_test(files):
    train, test = files
    res = compare(["popularity"], str(train), k=1, metrics=["precision"],
                  dataset_options={"test": str(test)})
    assert res.protocol["split"] == "supplied"
    assert "1 row with unknown user, 1 row with unknown item" in res.protocol["split_description"]
    assert res.protocol["users_evaluated"] == 1
    assert res.models[0].values["precision@1"] == 1.0
    rec = rectool.fit("popularity", rectool.load_dataset(train))
    assert rec.recommend(["u2"], k=1)[0].items == ("i1",)


def test_error_policy_names_the_rows(files):
    train, test = files
    with pytest.raises(DataError) as err:
        rectool.load_dataset(train, test=test, test_unknown="error")
    assert str(err.value) == (
        f"{test}: 1 row with unknown user, 1 row with unknown item (e.g. user/item u1/i3, "
        "u3/i1); load with test_unknown='exclude' to leave them out")


def test_no_index_error_when_nothing_is_known(write, files):
    train, _ = files
    test = write("alien.csv", "user,item\nx,y\nz,i1\n")
    with pytest.raises(DataError, match="no test row left"):
        rectool.load_dataset(train, test=test)


def test_cli_test_option(files):
    train, test = files
    out = CliRunner().invoke(create_cli(), [
        "compare", "-m", "popularity", "-d", str(train), "--test", str(test), "--k", "1",
        "--metrics", "precision", "--format", "json", "-q"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["results"] == [{"model": "popularity", "metric": "precision@1", "value": 1.0}]
    assert doc["cleaning"]["counts"]["test_rows_dropped_unknown_user"] == 1
