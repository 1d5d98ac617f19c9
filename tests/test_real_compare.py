"""End to end on the shared real datasets: the foundation's main job, through the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rectool.cli import create_cli

pytestmark = pytest.mark.realdata


def run_compare(*args: str) -> dict:
    out = CliRunner().invoke(create_cli(), ["compare", "--format", "json", "--quiet", *args])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def values(doc: dict) -> dict[tuple[str, str], float]:
    return {(r["model"], r["metric"]): r["value"] for r in doc["results"]}


def test_ml100k_lightfm_svd_popularity_linear(data_dir, entry_point_plugins):
    doc = run_compare("--models", "popularity,linear,lightfm,svd")
    v = values(doc)
    assert doc["dataset"] == {**doc["dataset"], "name": "ml-100k", "users": 943, "items": 1682,
                              "interactions": 100000}
    assert doc["protocol"]["users_evaluated"] == 930
    assert doc["protocol"]["users_skipped_no_relevant"] == 13
    assert doc["protocol"]["users_skipped"] == 13  # no relevant test items + no training rows
    assert doc["protocol"]["relevance"] == "rating >= 4"
    # protocol check: popularity near the reference run (0.139 with all training items masked)
    assert 0.12 < v["popularity", "precision@10"] < 0.15
    # reference points under this protocol: EASE 0.265, LightFM WARP 0.212
    assert v["linear", "precision@10"] > 0.24
    assert v["lightfm", "precision@10"] > 0.19
    assert v["svd", "rmse"] < 1.0
    for model in ("popularity", "linear", "lightfm"):
        assert v[model, "precision@10"] > v["svd", "precision@10"] or model == "popularity"


def test_cornac_protocol_switch_lands_near_cornac_popularity(data_dir):
    v = values(run_compare("--models", "popularity", "--mask", "positives"))
    assert 0.10 < v["popularity", "precision@10"] < 0.12  # Cornac: 0.107


@pytest.mark.parametrize("dataset", ["lastfm", "ciao"])
def test_social_datasets_run_with_all_foundation_backends(data_dir, entry_point_plugins, dataset):
    doc = run_compare("--models", "popularity,linear,lightfm,svd", "--dataset", dataset,
                      "--param", "lightfm.epochs=5", "--metrics", "precision,recall,ndcg")
    v = values(doc)
    assert doc["dataset"]["social_links"] > 0
    assert v["linear", "precision@10"] > v["popularity", "precision@10"]
    assert all(value is not None for value in v.values())
