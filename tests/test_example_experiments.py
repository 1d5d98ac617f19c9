"""The experiment files shipped in examples/ parse, and name only registered models and metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from rectool.experiment import load_experiment
from rectool.registry import resolve

EXAMPLES = sorted((Path(__file__).parents[1] / "examples" / "experiments").glob("*.toml"))


def test_there_are_two_example_experiments():
    assert [p.name for p in EXAMPLES] == ["lastfm-social-text.toml", "movielens-100k.toml"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_experiment_names_registered_parts(path, entry_point_plugins):
    exp = load_experiment(path)
    resolve("dataset", exp.dataset)
    for entry in exp.models:
        resolve("model", entry.name)
        for name, _ in entry.features or ():
            resolve("featurizer", name)
    for name in exp.metrics or ():
        resolve("metric", name)
    for name, _ in exp.features:
        resolve("featurizer", name)


@pytest.mark.realdata
def test_movielens_example_runs_and_its_plots_are_labelled(data_dir, entry_point_plugins,
                                                           tmp_path, monkeypatch):
    """The shipped MovieLens experiment runs end to end (training shortened from the command
    line, which overrides the file); each figure has one legend naming every model, axis labels
    and a title with the dataset and protocol."""
    import json

    from click.testing import CliRunner
    from matplotlib.figure import Figure

    from rectool.cli import create_cli

    figures: dict[str, Figure] = {}
    save = Figure.savefig

    def keep(fig, path, *args, **kwargs):
        figures[Path(path).name] = fig
        return save(fig, path, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    path = EXAMPLES[1]
    out = CliRunner().invoke(create_cli(), [
        "compare", "--config", str(path), "--output", str(tmp_path / "run"), "--quiet",
        "--param", "lightfm.epochs=2", "--param", "svd.n_epochs=2", "--param", "neural.epochs=2"])
    assert out.exit_code == 0, out.output
    doc = json.loads((tmp_path / "run" / "results.json").read_text())
    models = ["popularity", "linear", "lightfm", "svd", "neural"]
    assert [m["model"] for m in doc["models"]] == models
    assert all(m["error"] is None for m in doc["models"])
    assert {r["metric"] for r in doc["results"]} >= {"precision@5", "recall@10", "f1@20", "rmse"}
    assert set(figures) == {"metrics_at_k.png", "per_user.png"}
    for name, fig in figures.items():
        assert len(fig.legends) == 1, name
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        assert legend[:len(models)] == models, name
        if name == "per_user.png":  # the box plot's legend also explains its marks
            assert legend[len(models):] == ["mean", "median"], legend
        title = fig._suptitle.get_text()
        assert title.startswith("MovieLens 100K, all backends"), title
        for part in ("ml-100k", "943 users", "holdout:0.2", "seed 42", "rating >= 4"):
            assert part in title, (name, part, title)
        for ax in fig.axes:
            assert ax.get_title() and ax.get_ylabel(), name
    curves = figures["metrics_at_k.png"]
    assert [ax.get_title() for ax in curves.axes] == ["Precision@k", "Recall@k", "F1@k"]
    assert all(ax.get_xlabel() == "k (length of the recommendation list)" for ax in curves.axes)
    for ax in curves.axes:  # one line per model, at k = 5, 10, 20
        assert [list(line.get_xdata()) for line in ax.get_lines()] == [[5, 10, 20]] * len(models)
