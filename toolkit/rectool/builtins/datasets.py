"""Built-in datasets: MovieLens 100K, Last.fm HetRec, Ciao, FilmTrust, any table, synthetic."""

from __future__ import annotations

from rectool.data.loaders import (
    load_ciao,
    load_filmtrust,
    load_lastfm,
    load_ml100k,
    load_synthetic,
    load_table,
)
from rectool.hookspecs import Register, hookimpl


@hookimpl
def register_datasets(register: Register) -> None:
    register("ml-100k", load_ml100k)
    register("lastfm", load_lastfm)
    register("ciao", load_ciao)
    register("filmtrust", load_filmtrust)
    register("table", load_table)
    register("synthetic", load_synthetic)
