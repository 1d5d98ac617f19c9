"""rectool: compare recommenders fairly on social e-commerce data, then serve the winner."""

from rectool.data import CleaningReport, Dataset, Features, IdMap, build_dataset
from rectool.errors import RectoolError
from rectool.hookspecs import hookimpl
from rectool.models import Model

__version__ = "0.1.0"

__all__ = [
    "CleaningReport",
    "Dataset",
    "Features",
    "IdMap",
    "Model",
    "RectoolError",
    "__version__",
    "build_dataset",
    "hookimpl",
]
