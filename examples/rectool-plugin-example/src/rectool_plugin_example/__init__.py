"""rectool-plugin-example: a third-party plugin adding model ``itemknn``, metric ``novelty`` and
dataset ``eventlog`` through the ``rectool`` entry point group.

Each hook receives a ``register`` callback and calls it once per thing it provides. The classes
are registered, not instances: rectool builds a fresh model per fold and run.
"""

from __future__ import annotations

from rectool import hookimpl
from rectool.hookspecs import Register
from rectool_plugin_example.eventlog import load_eventlog
from rectool_plugin_example.itemknn import ItemKNN
from rectool_plugin_example.novelty import Novelty

__all__ = ["ItemKNN", "Novelty", "load_eventlog"]
__version__ = "0.1.0"


@hookimpl
def register_models(register: Register) -> None:
    register("itemknn", ItemKNN)


@hookimpl
def register_metrics(register: Register) -> None:
    register("novelty", Novelty)


@hookimpl
def register_datasets(register: Register) -> None:
    register("eventlog", load_eventlog)
