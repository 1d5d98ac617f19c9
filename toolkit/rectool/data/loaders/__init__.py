"""Loaders of the known datasets and of any CSV/TSV/Parquet table; each returns a ``Dataset``.

Every loader goes through ``rectool.data.build.build_dataset`` so cleaning is counted the
same way everywhere. Options are keyword arguments; an unknown option is a ``ConfigError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rectool.errors import ConfigError


def check_options(loader: str, given: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict:
    """``defaults`` updated with ``given``; unknown option names are a ``ConfigError``."""
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        allowed = ", ".join(sorted(defaults)) or "none"
        raise ConfigError(
            f"dataset {loader!r} does not take option(s) {', '.join(unknown)}; its options are: {allowed}"
        )
    return {**defaults, **given}


def resolve_folder(name: str, path: str | Path | None) -> Path:
    """``path`` when given (it must hold the files), else ``locate.dataset_dir(name)``."""
    if path is not None:
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise ConfigError(f"dataset {name!r}: path {str(folder)!r} is not a folder")
        return folder
    from rectool.data.locate import dataset_dir

    return dataset_dir(name)


def as_int(loader: str, option: str, value: Any, minimum: int = 0) -> int:
    """An integer option (strings from the command line are accepted)."""
    try:
        out = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ConfigError(f"dataset {loader!r}: option {option}={value!r} is not an integer") from None
    if out < minimum:
        raise ConfigError(f"dataset {loader!r}: option {option} must be >= {minimum}, got {out}")
    return out


from rectool.data.loaders.ciao import load_ciao  # noqa: E402
from rectool.data.loaders.filmtrust import load_filmtrust  # noqa: E402
from rectool.data.loaders.lastfm import load_lastfm  # noqa: E402
from rectool.data.loaders.movielens import load_ml100k  # noqa: E402
from rectool.data.loaders.synthetic import load_synthetic  # noqa: E402
from rectool.data.loaders.tabular import load_table  # noqa: E402

__all__ = [
    "check_options",
    "load_ciao",
    "load_filmtrust",
    "load_lastfm",
    "load_ml100k",
    "load_synthetic",
    "load_table",
    "resolve_folder",
]
