"""Paired significance against a baseline matches scipy; compare(baseline=...) renders it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from rectool.errors import ConfigError
from rectool.evaluation import compare
from rectool.significance import paired_test
from rectool.testing import planted_dataset


def test_paired_test_matches_scipy_on_a_known_example() -> None:
    a = np.array([0.2, 0.5, 0.1, 0.4, 0.9, 0.3, 0.6, 0.0])
    b = np.array([0.1, 0.4, 0.2, 0.1, 0.7, 0.3, 0.2, 0.1])
    r = paired_test(a, b)
    t = stats.ttest_rel(a, b)
    d = a - b
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    assert r["mean_diff"] == pytest.approx(0.1125)
    assert r["p_value"] == pytest.approx(t.pvalue) and r["t_stat"] == pytest.approx(t.statistic)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((0.1125 - half, 0.1125 + half))
    assert r["wilcoxon_p"] == pytest.approx(stats.wilcoxon(a, b).pvalue)
    # by hand: d has mean 0.1125, sd 0.18077, se 0.063913 -> t = 1.7602, df 7, p = 0.1218
    assert r["t_stat"] == pytest.approx(1.7602, abs=1e-4)
    assert r["p_value"] == pytest.approx(0.1218, abs=1e-4)


def test_paired_test_edge_cases() -> None:
    same = paired_test(np.ones(5), np.ones(5))
    assert same["p_value"] == 1.0 and same["mean_diff"] == 0.0
    one = paired_test(np.array([1.0]), np.array([0.0]))
    assert np.isnan(one["p_value"])
    nan = paired_test(np.array([1.0, np.nan, 0.5, 0.2]), np.array([0.0, 1.0, 0.5, 0.1]))
    assert nan["n"] == 3


def test_compare_with_baseline_adds_significance_everywhere() -> None:
    res = compare(["popularity", "linear"], planted_dataset(), k=5,
                  metrics=["recall", "f1", "coverage"], baseline="popularity")
    sig = res.significance()
    assert [(s["model"], s["metric"]) for s in sig] == [("linear", "recall@5"), ("linear", "f1@5")]
    linear = res.models[1]
    pop = res.models[0]
    expected = stats.ttest_rel(linear.per_user["recall@5"], pop.per_user["recall@5"]).pvalue
    assert sig[0]["p_value"] == pytest.approx(expected)
    assert sig[0]["n_users"] == len(linear.users)
    assert "paired difference vs baseline popularity" in res.to_table()
    assert json.loads(res.to_json())["significance"][0]["metric"] == "recall@5"
    assert "mean_diff" in res.to_csv()
    with pytest.raises(ConfigError, match="baseline 'svd' is not among the models"):
        compare(["popularity"], planted_dataset(), baseline="svd")


def test_cli_baseline_prints_the_paired_table(tmp_path) -> None:
    from click.testing import CliRunner

    from rectool.cli import create_cli

    path = tmp_path / "log.csv"
    data = planted_dataset()
    path.write_text("user,item\n" + "".join(
        f"{u},{i}\n" for u, i in zip(data.users.ids[data.user_index], data.items.ids[data.item_index],
                                     strict=True)))
    out = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity,linear", "-d", str(path),
                                            "--k", "5", "--metrics", "recall,f1", "--baseline",
                                            "popularity", "-q"])
    assert out.exit_code == 0, out.output
    assert ("paired difference vs baseline popularity (same users; 95% CI t-based; p: paired "
            "t-test, Wilcoxon)") in out.output
    rows = [line for line in out.output.splitlines() if line.startswith("│linear │")]
    assert [r.split("│")[2].strip() for r in rows] == ["recall@5", "f1@5"]
