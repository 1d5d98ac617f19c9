"""Progress: the harness reports loading, each model and fold, and training epochs; the CLI's
bars go to stderr only on a terminal, and never with --quiet."""

from __future__ import annotations

from click.testing import CliRunner

from rectool.cli import create_cli
from rectool.evaluation import compare
from rectool.progress import RichProgress, track
from rectool.testing import planted_dataset


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def start(self, total: int, description: str) -> None:
        self.events.append(("start", total, description))

    def advance(self, description: str) -> None:
        self.events.append(("advance", description))

    def finish(self) -> None:
        self.events.append(("finish",))

    def substep(self, done: int, total: int, description: str) -> None:
        self.events.append(("sub", done, total, description))


def test_harness_reports_models_folds_and_training_epochs():
    rec = Recorder()
    compare(["popularity", "socialmf"], planted_dataset(social=True), k=5, split="kfold:2",
            progress=rec)
    steps = [e for e in rec.events if e[0] != "sub"]
    assert steps == [
        ("start", 4, "evaluating"),
        ("advance", "popularity: fit + evaluate (fold 1/2)"),
        ("advance", "socialmf: fit + evaluate (fold 1/2)"),
        ("advance", "popularity: fit + evaluate (fold 2/2)"),
        ("advance", "socialmf: fit + evaluate (fold 2/2)"),
        ("finish",),
    ]
    epochs = [e for e in rec.events if e[0] == "sub"]
    assert epochs[:3] == [("sub", 0, 40, "socialmf epochs"), ("sub", 1, 40, "socialmf epochs"),
                          ("sub", 2, 40, "socialmf epochs")]
    assert len(epochs) == 2 * 41  # 0..40 in each fold


def test_track_without_an_active_progress_is_a_plain_loop():
    assert list(track(range(3), 3, "x")) == [0, 1, 2]


def test_bars_are_off_when_stderr_is_not_a_terminal(tmp_path):
    assert RichProgress().enabled is False  # pytest captures stderr: not a terminal
    path = tmp_path / "log.csv"
    path.write_text("user,item\n" + "".join(f"u{u},i{(u + i) % 9}\n" for u in range(12)
                                           for i in range(5)))
    for quiet in ([], ["--quiet"]):
        out = CliRunner().invoke(create_cli(), ["compare", "-m", "popularity,linear", "-d",
                                                str(path), "--format", "csv", *quiet])
        assert out.exit_code == 0, out.output
        assert out.output.startswith("model,")  # the CSV and nothing else: no bar, no spinner
        assert "evaluating" not in out.output and "loading" not in out.output
