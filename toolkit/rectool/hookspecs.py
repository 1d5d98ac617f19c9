"""The hooks a rectool plugin can implement. Each receives a ``register`` callback.

A callback (rather than a return value) lets the specs grow keyword arguments without breaking
existing plugins, and lets one plugin register any number of things.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("rectool")
hookimpl = pluggy.HookimplMarker("rectool")

Register = Callable[..., None]


@hookspec
def register_models(register: Register) -> None:
    """Call ``register(name, model_class)`` for each ``rectool.Model`` subclass you provide."""


@hookspec
def register_metrics(register: Register) -> None:
    """Call ``register(name, metric_class)`` for each ``rectool.Metric`` subclass you provide."""


@hookspec
def register_datasets(register: Register) -> None:
    """Call ``register(name, loader)``; ``loader(**options)`` returns a ``rectool.Dataset``."""


@hookspec
def register_featurizers(register: Register) -> None:
    """Call ``register(name, featurizer_class)`` for each featurizer you provide."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands to the ``rectool`` CLI group passed as ``cli``."""
