"""`rectool inspect NAME` prints what each real dataset's loader cleaned (../shared/data)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from rectool.cli import create_cli

EXPECTED = {
    "ml-100k": {"rows_read": 100000, "titles_shared_by_several_items": 18,
                "items_without_release_date": 1},
    "ciao": {"duplicate_rows_collapsed": 1436, "duplicate_pairs_with_conflicting_values": 458,
             "ratings_of_zero": 34, "products_in_several_categories": 101,
             "users_without_social_links": 58},
    "filmtrust": {"duplicate_rows_collapsed": 3, "social_links_dropped_unknown_user": 221},
    "lastfm": {"rows_read": 92834, "social_links_read": 25434},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_inspect_prints_the_cleaning(data_dir, monkeypatch, name):
    monkeypatch.setenv("RECTOOL_DATA_DIR", str(data_dir))
    out = CliRunner().invoke(create_cli(), ["inspect", name])
    assert out.exit_code == 0, out.output
    for key, n in EXPECTED[name].items():
        assert re.search(rf"{key.replace('_', ' ')}\s+{n:,}\n", out.output), (key, out.output)
    doc = json.loads(CliRunner().invoke(create_cli(), ["inspect", name, "--json"]).output)
    assert EXPECTED[name].items() <= doc["cleaning"]["counts"].items()
