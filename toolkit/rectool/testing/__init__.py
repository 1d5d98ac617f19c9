"""Test helpers for rectool and its plugin authors (fixtures are a pytest11 plugin)."""

from rectool.testing.datasets import planted_dataset, tiny_dataset

__all__ = ["planted_dataset", "tiny_dataset"]
