"""Case 10 -- not enough candidates. Kind: k larger than what is left, or k <= 0. Handled by
``Model.recommend``/``top_k`` (-1 padding, never a repeat or a seen item), ``Recommender``
(padding cut; nothing left: an empty list with the reason), ``ConfigError`` for k < 1 in the
library and a click usage error (exit 2) in the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import rectool
from rectool.cli import create_cli
from rectool.errors import ConfigError

RATINGS = "user,item\nu1,a\nu2,a\nu2,b\nu2,c\nu2,d\nu3,b\n"


@pytest.mark.parametrize("name", ["popularity", "linear"])
def test_exactly_the_other_three_and_empty_with_reason(write, name):
    rec = rectool.fit(name, rectool.load_dataset(write("r.csv", RATINGS)))
    one, everything = rec.recommend(["u1", "u2"], k=10)
    assert sorted(one.items) == ["b", "c", "d"] and one.status == "personalised"
    assert (everything.items, everything.status, everything.reason) == (
        (), "fallback", "all items already seen")


def test_k_below_one(write, tmp_path):
    p = write("r.csv", RATINGS)
    rec = rectool.fit("popularity", rectool.load_dataset(p))
    for k in (0, -1):
        with pytest.raises(ConfigError, match=f"k must be at least 1, got {k}"):
            rec.recommend(["u1"], k=k)
        with pytest.raises(ConfigError, match="k must be a positive integer"):
            rectool.evaluation.compare(["popularity"], str(p), k=k)
    cli = create_cli()
    out = CliRunner().invoke(cli, ["compare", "-m", "popularity", "-d", str(p), "--k", "0"])
    assert out.exit_code == 2 and "Invalid value for '--k'" in out.output
    rec.save(tmp_path / "m")
    out = CliRunner().invoke(cli, ["recommend", str(tmp_path / "m"), "-u", "u1", "--k", "0"])
    assert out.exit_code == 2 and "Invalid value for '--k'" in out.output
