"""Data: Dataset, IdMap, cleaning, loaders and splits."""

from rectool.data.build import FeatureTriples, build_dataset
from rectool.data.dataset import CleaningReport, Dataset, Features
from rectool.data.idmap import IdMap, normalize_id

__all__ = [
    "CleaningReport",
    "Dataset",
    "FeatureTriples",
    "Features",
    "IdMap",
    "build_dataset",
    "normalize_id",
]
