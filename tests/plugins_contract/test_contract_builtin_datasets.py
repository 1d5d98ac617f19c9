"""Every built-in dataset loader passes the dataset contract: the four known datasets on the
real shared data (``realdata``), the table loader and the test datasets on small files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from rectool.data import Dataset
from rectool.data.loaders import (
    load_ciao,
    load_filmtrust,
    load_lastfm,
    load_ml100k,
    load_synthetic,
    load_table,
)
from rectool.testing import DatasetContract, planted_dataset, tiny_dataset


@pytest.mark.realdata
class TestMl100k(DatasetContract):
    def load(self) -> Dataset:
        return load_ml100k()


@pytest.mark.realdata
class TestLastfm(DatasetContract):
    def load(self) -> Dataset:
        return load_lastfm()


@pytest.mark.realdata
class TestCiao(DatasetContract):
    def load(self) -> Dataset:
        return load_ciao()


@pytest.mark.realdata
class TestFilmtrust(DatasetContract):
    def load(self) -> Dataset:
        return load_filmtrust()


class TestTable(DatasetContract):
    def load(self) -> Dataset:
        folder = Path(tempfile.mkdtemp(prefix="rectool-table-"))
        (folder / "log.csv").write_text(
            "uid,sku,stars,ts\nu1,a,5,10\nu1,b,3,11\nu2,a,4,12\nu2,a,2,13\nu3,c,1,14\n"
        )
        (folder / "trust.csv").write_text("src,dst\nu1,u2\nu2,u3\n")
        return load_table(folder / "log.csv", columns="user=uid,item=sku,rating=stars,timestamp=ts",
                          social=folder / "trust.csv", rating_scale="1,5")


class TestSynthetic(DatasetContract):
    def load(self) -> Dataset:
        return load_synthetic(users=300, items=120, interactions=4000, seed=3)


class TestTinyDataset(DatasetContract):
    def load(self) -> Dataset:
        return tiny_dataset()


class TestPlantedDataset(DatasetContract):
    def load(self) -> Dataset:
        return planted_dataset(skew=1.0)


@pytest.fixture(autouse=True)
def _realdata_needs_data_dir(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("realdata"):
        request.getfixturevalue("data_dir")  # fails with a clear message when unset


def test_every_builtin_dataset_runs_the_contract() -> None:
    """A dataset added to the built-ins without a contract class here fails this test."""
    from rectool.registry import get_registry

    builtin = {e.name for e in get_registry("dataset").entries if e.plugin == "builtin"}
    covered = {"ml-100k", "lastfm", "ciao", "filmtrust", "table", "synthetic"}
    assert builtin == covered
