"""dataset_dir: data dir, cache, download (via a local file:// zip) and checksum checks."""

from __future__ import annotations

import hashlib
import zipfile

import pytest

from rectool.data import locate
from rectool.data.locate import KnownDataset, dataset_dir
from rectool.errors import DataError, DatasetNotFoundError

FILES = {"ratings.txt": b"1 1 2\n1 2 4\n", "trust.txt": b"1 2 1\n"}


@pytest.fixture
def env(tmp_path, monkeypatch):
    """No data dir, a private cache, online; a tiny 'filmtrust' whose hashes we control."""
    monkeypatch.delenv(locate.DATA_DIR_ENV, raising=False)
    monkeypatch.delenv(locate.OFFLINE_ENV, raising=False)
    monkeypatch.setenv(locate.CACHE_DIR_ENV, str(tmp_path / "cache"))
    table = dict(locate.KNOWN)
    table["filmtrust"] = KnownDataset(
        folder="filmtrust",
        required={k: hashlib.sha256(v).hexdigest() for k, v in FILES.items()},
        optional={},
    )
    monkeypatch.setattr(locate, "KNOWN", table)
    monkeypatch.setattr(locate, "URLS", dict(locate.URLS))
    return tmp_path


def make_zip(path, files, prefix=""):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(prefix + name, data)
    return path


def put(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_data_dir_first(env, monkeypatch):
    folder = put(env / "data" / "filmtrust", FILES)
    put(env / "cache" / "filmtrust", FILES)
    monkeypatch.setenv(locate.DATA_DIR_ENV, str(env / "data"))
    assert dataset_dir("filmtrust") == folder


def test_lastfm_folder_alias(env, monkeypatch):
    names = {n: b"x" for n in locate.KNOWN["lastfm"].required}
    folder = put(env / "data" / "lastfm", names)
    monkeypatch.setenv(locate.DATA_DIR_ENV, str(env / "data"))
    assert dataset_dir("lastfm") == folder
    assert dataset_dir("lastfm-hetrec2011") == folder


def test_incomplete_data_dir_falls_back_to_cache(env, monkeypatch):
    put(env / "data" / "filmtrust", {"ratings.txt": b""})
    cached = put(env / "cache" / "filmtrust", FILES)
    monkeypatch.setenv(locate.DATA_DIR_ENV, str(env / "data"))
    assert dataset_dir("filmtrust") == cached


def test_default_cache_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv(locate.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert locate.cache_root() == tmp_path / ".cache" / "rectool"


@pytest.mark.parametrize("prefix", ["", "filmtrust/", "deep/er/"])
def test_download_from_a_file_url_extracts_and_verifies(env, prefix):
    archive = make_zip(env / "ft.zip", {**FILES, "readme.txt": b"hi"}, prefix)
    locate.URLS["filmtrust"] = archive.as_uri()
    folder = dataset_dir("filmtrust")
    assert folder == env / "cache" / "filmtrust"
    assert {p.name for p in folder.iterdir()} == set(FILES)
    assert (folder / "ratings.txt").read_bytes() == FILES["ratings.txt"]
    archive.unlink()  # second call uses the cache
    assert dataset_dir("filmtrust") == folder


def test_checksum_mismatch_is_a_data_error_naming_the_file(env):
    bad = {**FILES, "trust.txt": b"1 3 1\n"}
    locate.URLS["filmtrust"] = make_zip(env / "ft.zip", bad).as_uri()
    with pytest.raises(DataError, match=r"trust\.txt downloaded from file://.*SHA-256"):
        dataset_dir("filmtrust")
    assert not (env / "cache" / "filmtrust").exists()  # nothing half-verified is cached
    assert not list((env / "cache").glob(".filmtrust-*"))


def test_archive_without_the_files(env):
    locate.URLS["filmtrust"] = make_zip(env / "ft.zip", {"other.txt": b""}).as_uri()
    with pytest.raises(DataError, match="does not contain ratings.txt, trust.txt"):
        dataset_dir("filmtrust")


def test_not_a_zip_is_not_found(env):
    junk = env / "ft.zip"
    junk.write_bytes(b"<html>moved</html>")
    locate.URLS["filmtrust"] = junk.as_uri()
    with pytest.raises(DatasetNotFoundError, match="BadZipFile"):
        dataset_dir("filmtrust")


def test_failed_download_message(env):
    locate.URLS["ml-100k"] = (env / "nowhere.zip").as_uri()
    with pytest.raises(DatasetNotFoundError) as err:
        dataset_dir("ml-100k")
    msg = str(err.value)
    assert msg.startswith("dataset 'ml-100k' not found: looked in $RECTOOL_DATA_DIR/ml-100k")
    assert "(RECTOOL_DATA_DIR is not set)" in msg
    assert str(env / "cache" / "ml-100k") in msg
    assert f"could not download it from {locate.URLS['ml-100k']} (" in msg
    assert "Set RECTOOL_DATA_DIR to a folder that holds ml-100k/ (for example ../shared/data)" in msg


def test_offline_skips_the_download_and_says_where_it_looked(env, monkeypatch):
    archive = make_zip(env / "ft.zip", FILES)
    locate.URLS["filmtrust"] = archive.as_uri()
    monkeypatch.setenv(locate.OFFLINE_ENV, "1")
    monkeypatch.setenv(locate.DATA_DIR_ENV, str(env / "data"))
    put(env / "data" / "filmtrust", {"ratings.txt": b""})
    with pytest.raises(DatasetNotFoundError) as err:
        dataset_dir("filmtrust")
    msg = str(err.value)
    assert "missing trust.txt" in msg and "RECTOOL_OFFLINE" in msg
    assert not (env / "cache" / "filmtrust").exists()


def test_unknown_dataset():
    with pytest.raises(DatasetNotFoundError, match="known datasets: ciao, filmtrust"):
        dataset_dir("netflix")
