"""Test helpers for rectool and its plugin authors.

- datasets: ``tiny_dataset()``, ``planted_dataset()``;
- contract suites to subclass: ``ModelContract``, ``MetricContract`` (with ``MetricCase``,
  ``make_ranked``), ``DatasetContract``;
- pytest fixtures (``rectool_tiny_dataset``, ``rectool_planted_dataset``,
  ``rectool_register_plugin``, ``rectool_load_plugins``), loaded automatically through the
  ``pytest11`` entry point when rectool is installed.

The suites import pytest, so they load lazily: ``import rectool.testing`` works without it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from rectool.testing.datasets import planted_dataset, tiny_dataset

_LAZY = {
    "ModelContract": "rectool.testing.model_suite",
    "MetricContract": "rectool.testing.metric_suite",
    "MetricCase": "rectool.testing.metric_suite",
    "make_ranked": "rectool.testing.metric_suite",
    "random_ranked": "rectool.testing.metric_suite",
    "DatasetContract": "rectool.testing.dataset_suite",
}

__all__ = ["planted_dataset", "tiny_dataset", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rectool.testing' has no attribute {name!r}")
