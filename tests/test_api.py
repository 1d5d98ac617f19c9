"""The library API: fit, save, load (format, corruption, trust, registry lookup) and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import rectool
from rectool.cli import create_cli
from rectool.errors import ModelError, UnknownNameError
from rectool.hookspecs import hookimpl
from rectool.models import FORMAT_VERSION, Model
from rectool.testing import planted_dataset, tiny_dataset

BACKENDS = {
    "popularity": {},
    "linear": {},
    "lightfm": {"epochs": 3, "no_components": 8, "num_threads": 1},
    "svd": {"n_epochs": 3, "n_factors": 8},
    "socialmf": {"epochs": 3, "factors": 8},
    "lightfm-social": {"epochs": 3, "no_components": 8, "num_threads": 1},
    "neural": {"epochs": 3, "dim": 8, "layers": 1},
    "neural-social": {"epochs": 3, "dim": 8, "layers": 1},
}


def _all_users(rec: rectool.Recommender) -> list[str]:
    return rec.users.ids.tolist()


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_save_load_round_trip_gives_identical_recommendations(
    name: str, tmp_path: Path, entry_point_plugins: None
) -> None:
    data = planted_dataset(social=True)
    rec = rectool.fit(name, data, seed=3, **BACKENDS[name])
    rec.save(tmp_path / "m")
    loaded = rectool.load_model(tmp_path / "m")
    assert type(loaded.model) is type(rec.model)
    assert loaded.info == rec.info
    users = _all_users(rec) + ["nobody"]
    assert loaded.recommend(users, k=7) == rec.recommend(users, k=7)
    assert loaded.recommend_for(history=["item1", "item2"]) == rec.recommend_for(
        history=["item1", "item2"])
    friends = users[:3]
    assert loaded.recommend_for(friends=friends) == rec.recommend_for(friends=friends)
    items = rec.items.ids[:5].tolist()
    np.testing.assert_array_equal(loaded.score(users[:4], items), rec.score(users[:4], items))


def test_saved_folder_is_json_plus_npz_without_objects(tmp_path: Path) -> None:
    rectool.fit("linear", tiny_dataset()).save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["arrays.npz", "meta.json"]
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["format_version"] == FORMAT_VERSION
    assert (meta["model"], meta["plugin"], meta["plugin_version"]) == (
        "linear", "builtin", rectool.__version__)
    assert meta["dataset"]["name"] == "tiny"
    assert meta["dataset"]["fingerprint"].startswith("sha256:")
    with np.load(tmp_path / "m" / "arrays.npz", allow_pickle=False) as npz:
        assert npz["_user_ids"].tolist() == ["u1", "u2", "u3", "u4"]
        assert all(npz[key].dtype != object for key in npz.files)


def test_fingerprint_tells_datasets_apart() -> None:
    a = rectool.fit("popularity", planted_dataset(seed=0)).info["fingerprint"]
    b = rectool.fit("popularity", planted_dataset(seed=1)).info["fingerprint"]
    assert a != b
    assert a == rectool.fit("popularity", planted_dataset(seed=0)).info["fingerprint"]


def test_truncated_array_file_is_a_model_error(tmp_path: Path) -> None:
    rectool.fit("linear", planted_dataset()).save(tmp_path / "m")
    npz = tmp_path / "m" / "arrays.npz"
    npz.write_bytes(npz.read_bytes()[: npz.stat().st_size // 2])
    with pytest.raises(ModelError, match=r"arrays\.npz is \d+ bytes, meta\.json says \d+ bytes: "
                       "the file is truncated or corrupted"):
        rectool.load_model(tmp_path / "m")


def test_corrupted_array_file_is_a_model_error(tmp_path: Path) -> None:
    rectool.fit("linear", planted_dataset()).save(tmp_path / "m")
    npz = tmp_path / "m" / "arrays.npz"
    raw = bytearray(npz.read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 64] = b"\xff" * 64  # same size, damaged content
    npz.write_bytes(bytes(raw))
    with pytest.raises(ModelError, match="is corrupted"):
        rectool.load_model(tmp_path / "m")


def test_truncated_metadata_is_a_model_error(tmp_path: Path) -> None:
    rectool.fit("popularity", planted_dataset()).save(tmp_path / "m")
    meta = tmp_path / "m" / "meta.json"
    meta.write_text(meta.read_text()[:40])
    with pytest.raises(ModelError, match="cannot read"):
        rectool.load_model(tmp_path / "m")


@pytest.mark.parametrize("version, hint", [(1, "refit and save it again"),
                                           (FORMAT_VERSION + 1, "upgrade rectool to load it")])
def test_wrong_format_version_is_a_model_error(tmp_path: Path, version: int, hint: str) -> None:
    rectool.fit("popularity", planted_dataset()).save(tmp_path / "m")
    meta_file = tmp_path / "m" / "meta.json"
    meta = json.loads(meta_file.read_text())
    meta["format_version"] = version
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(ModelError) as err:
        rectool.load_model(tmp_path / "m")
    assert str(err.value) == (
        f"{tmp_path / 'm'} was saved with model format {version} (rectool {rectool.__version__}); "
        f"this rectool reads format {FORMAT_VERSION}; {hint}"
    )


def test_missing_folder_and_incomplete_save_are_model_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="nothing does not exist: pass the folder a model was saved in"):
        rectool.load_model(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="has no meta.json: not a saved model"):
        rectool.load_model(tmp_path / "empty")
    rectool.fit("popularity", planted_dataset()).save(tmp_path / "m")
    (tmp_path / "m" / "meta.json").unlink()
    with pytest.raises(ModelError, match="an incomplete save"):
        rectool.load_model(tmp_path / "m")


def test_load_finds_the_class_through_the_registry_not_the_file(tmp_path: Path) -> None:
    rectool.fit("popularity", planted_dataset()).save(tmp_path / "m")
    meta_file = tmp_path / "m" / "meta.json"
    meta = json.loads(meta_file.read_text())
    meta["class"] = "os:system"  # informative only; never imported
    meta_file.write_text(json.dumps(meta))
    assert type(rectool.load_model(tmp_path / "m").model).__name__ == "Popularity"
    meta["model"], meta["plugin"] = "lightfm", "lightfm"
    meta_file.write_text(json.dumps(meta))
    with pytest.raises(UnknownNameError, match="holds model 'lightfm' from plugin 'lightfm'"):
        rectool.load_model(tmp_path / "m")


class _Opaque(Model):
    """A model whose backend can only pickle itself."""

    needs_pickle = True

    def _fit(self, train: rectool.Dataset) -> None:
        self.table_ = {"counts": train.item_counts().tolist()}

    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        row = np.asarray(self.table_["counts"], dtype=np.float32)
        row = row if items is None else row[np.asarray(items)]
        return np.tile(row, (len(users), 1))

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return {}, {}

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        pass

    def get_pickled(self) -> Any:
        return self.table_

    def set_pickled(self, obj: Any) -> None:
        self.table_ = obj


class _OpaquePlugin:
    @hookimpl
    def register_models(self, register: Any) -> None:
        register("opaque", _Opaque)


def test_pickle_only_backend_needs_trust(tmp_path: Path, rectool_register_plugin: Any) -> None:
    rectool_register_plugin(_OpaquePlugin(), "opaque-plugin")
    rec = rectool.fit("opaque", planted_dataset())
    rec.save(tmp_path / "m")
    with pytest.raises(ModelError, match="loads only with trust=True"):
        rectool.load_model(tmp_path / "m")
    loaded = rectool.load_model(tmp_path / "m", trust=True)
    assert loaded.recommend(["user1"]) == rec.recommend(["user1"])


def test_model_class_load_still_works_for_unregistered_classes(tmp_path: Path) -> None:
    model = _Opaque().fit(planted_dataset())
    model.save(tmp_path / "m")
    with pytest.raises(UnknownNameError, match="unregistered class"):
        rectool.load_model(tmp_path / "m")
    assert _Opaque.load(tmp_path / "m", trust=True).table_ == model.table_


def test_cli_fit_then_recommend(tmp_path: Path) -> None:
    table = tmp_path / "events.csv"
    rows = ["user,item"] + [f"{u},{i}" for u in range(1, 7) for i in range(1, 9) if (u + i) % 3]
    table.write_text("\n".join(rows) + "\n")
    runner = CliRunner()
    out = runner.invoke(create_cli(), ["fit", "--model", "linear", "--dataset", str(table),
                                       "--param", "l2=10", "--save", str(tmp_path / "m")])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("fitted builtin:linear on events.csv (6 users, 8 items)")
    out = runner.invoke(create_cli(), ["recommend", str(tmp_path / "m"), "--user", "2",
                                       "--user", "99", "--k", "2", "--format", "json"])
    assert out.exit_code == 0, out.output
    lists = json.loads(out.output)
    assert [r["user"] for r in lists] == ["2", "99"]
    assert lists[0]["status"] == "personalised" and len(lists[0]["items"]) == 2
    assert (lists[1]["status"], lists[1]["reason"]) == ("fallback", "unknown user")
    out = runner.invoke(create_cli(), ["recommend", str(tmp_path / "m"), "--user", "99",
                                       "--on-unknown", "error"])
    assert out.exit_code == 1
    assert "1 user id(s) unknown to the model, e.g. '99'" in out.output
    out = runner.invoke(create_cli(), ["recommend", str(tmp_path / "nope"), "--user", "1"])
    assert out.exit_code == 1 and f"{tmp_path / 'nope'} does not exist" in out.output
