"""Domain errors. The CLI turns these into click errors at its edge; nothing else does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RectoolError(Exception):
    """Base class of every error rectool raises on purpose: the message is meant for a user."""


class DataError(RectoolError):
    """Input data is malformed: the message names the file, line, column or id, and the fix."""


class DatasetNotFoundError(RectoolError):
    """A known dataset is neither in the data directory nor downloadable right now."""


class UnknownNameError(RectoolError, KeyError):
    """A model, metric, dataset or command name that no plugin registered."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class AmbiguousNameError(RectoolError):
    """A bare name registered by two plugins; the message lists the qualified names."""


class PluginError(RectoolError):
    """A plugin that cannot be used as written (e.g. a misspelled hook name)."""


class ConfigError(RectoolError):
    """A parameter, option or split specification that cannot be used."""


class ModelError(RectoolError):
    """A model was used wrongly (not fitted, wrong input width, missing requirement)."""


class EvaluationError(RectoolError):
    """Evaluation cannot produce a number (for example no user is evaluable)."""


class OutputError(RectoolError):
    """A result file, run folder or saved model cannot be written where the user asked."""


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn an OSError while writing ``path`` into an OutputError that names it and the fix."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
        raise OutputError(
            f"cannot write {path}{where}: {reason}; choose a path whose folder exists and is writable"
        ) from None
