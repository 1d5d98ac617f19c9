"""rectool: compare recommenders fairly on social e-commerce data, then serve the winner."""

__version__ = "0.1.0"  # before the imports below: rectool.models reads it when saving

from rectool.api import Recommendation, Recommender, fit, load_dataset, load_model
from rectool.data import CleaningReport, Dataset, Features, IdMap, build_dataset
from rectool.errors import RectoolError
from rectool.hookspecs import hookimpl
from rectool.models import Model

__all__ = [
    "CleaningReport",
    "Dataset",
    "Features",
    "IdMap",
    "Model",
    "Recommendation",
    "Recommender",
    "RectoolError",
    "__version__",
    "build_dataset",
    "fit",
    "hookimpl",
    "load_dataset",
    "load_model",
]
