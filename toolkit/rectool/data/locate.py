"""Find a known dataset's folder: the data directory, then the cache, then a download.

Order for ``dataset_dir(name)``:

1. ``$RECTOOL_DATA_DIR/<folder>`` when every required file is there (the shared copy used by CI
   and developers: ``RECTOOL_DATA_DIR=../shared/data``);
2. the cache, ``$RECTOOL_CACHE_DIR/<folder>`` or ``~/.cache/rectool/<folder>``;
3. a download of the official archive into the cache (skipped when ``RECTOOL_OFFLINE=1``),
   after which every required file is checked against the SHA-256 table below.

The datasets are never bundled with rectool: MovieLens forbids redistribution.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rectool.errors import DataError, DatasetNotFoundError

DATA_DIR_ENV = "RECTOOL_DATA_DIR"
CACHE_DIR_ENV = "RECTOOL_CACHE_DIR"
OFFLINE_ENV = "RECTOOL_OFFLINE"


@dataclass(frozen=True)
class KnownDataset:
    """Where a known dataset lives: folder names, the files a loader needs and their hashes."""

    folder: str
    required: dict[str, str]  # file name -> sha256
    optional: dict[str, str]  # used when present (checked when downloaded)
    aliases: tuple[str, ...] = ()

    @property
    def folders(self) -> tuple[str, ...]:
        return (self.folder, *self.aliases)


# Hashes copied from the shared data folder's SHA256SUMS (the unchanged original files).
KNOWN: dict[str, KnownDataset] = {
    "ml-100k": KnownDataset(
        folder="ml-100k",
        required={
            "u.data": "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
            "u.item": "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701",
            "u.user": "f120e114da2e8cf314fd28f99417c94ae9ddf1cb6db8ce0e4b5995d40e90e62c",
            "u.genre": "9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb",
        },
        optional={},
    ),
    "lastfm": KnownDataset(
        folder="lastfm-hetrec2011",
        aliases=("lastfm",),
        required={
            "user_artists.dat": "254272fa721c3935e8be286d28c051b206844307128698ab4eaa41d483379416",
            "user_friends.dat": "0360883a3557776e04fdebda851f2e5dd23e796cad7059b968acdebd528d13fa",
            "user_taggedartists.dat": ("c4a9ffae9ab47a9f9b2f0678ab1f7e5c1db4ca818837d8cddd1f5699c5bbf048"),
            "tags.dat": "c815d7216101fd0ba9b9c59fa2a011998d2fd076e0064d281ec4153d95ae8095",
        },
        optional={},
    ),
    "ciao": KnownDataset(
        folder="ciao",
        required={
            "rating.mat": "aa793568686285a93286ba9e56954fcce347370ad2e58c785760362ab12d2c2c",
            "trustnetwork.mat": "0a8963ed22e6b534ce8d14e478f54ce0af6f5a3440a67ed5a35e62486580ce3a",
        },
        # category names; the loader falls back to category ids when it is absent
        optional={
            "catalog_ciao.txt": "fc29d8cdbbb210ac5ce789537dc83481e694b5eb9f2c3a69c4948a182dd03783",
        },
    ),
    "filmtrust": KnownDataset(
        folder="filmtrust",
        required={
            "ratings.txt": "241167424e24d588e8871d68641e94ead98d5b3a4f0db01ef3181a74ad35e7a1",
            "trust.txt": "64573a033add72b988a0fb140fdbc0ad3464cb9821f940007aff6fda44b09603",
        },
        optional={},
    ),
}

# Official homes; a module-level dict so tests (and mirrors) can point elsewhere.
URLS: dict[str, str] = {
    "ml-100k": "https://files.grouplens.org/datasets/movielens/ml-100k.zip",
    "lastfm": "https://files.grouplens.org/datasets/hetrec2011/hetrec2011-lastfm-2k.zip",
    "ciao": "https://www.cse.msu.edu/~tangjili/datasetcode/ciao.zip",
    "filmtrust": "https://guoguibing.github.io/librec/datasets/filmtrust.zip",
}

DOWNLOAD_TIMEOUT_S = 60


def known(name: str) -> KnownDataset:
    """The table entry of a known dataset (``lastfm-hetrec2011`` is accepted for ``lastfm``)."""
    for key, entry in KNOWN.items():
        if name == key or name in entry.folders:
            return entry
    raise DatasetNotFoundError(f"no known dataset {name!r}; known datasets: {', '.join(sorted(KNOWN))}")


def _key(name: str) -> str:
    entry = known(name)
    return next(k for k, v in KNOWN.items() if v is entry)


def cache_root() -> Path:
    """``$RECTOOL_CACHE_DIR`` or ``~/.cache/rectool``."""
    raw = os.environ.get(CACHE_DIR_ENV)
    return Path(raw).expanduser() if raw else Path.home() / ".cache" / "rectool"


def _offline() -> bool:
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def _missing(folder: Path, entry: KnownDataset) -> list[str]:
    return [f for f in entry.required if not (folder / f).is_file()]


def dataset_dir(name: str) -> Path:
    """The folder that holds a known dataset's files: data dir, cache, or a fresh download.

    Raises ``DatasetNotFoundError`` (saying where it looked and why the download failed) when
    none works, and ``DataError`` when a downloaded file does not match its SHA-256.
    """
    key = _key(name)
    entry = KNOWN[key]
    looked: list[str] = []

    raw = os.environ.get(DATA_DIR_ENV)
    if raw:
        base = Path(raw).expanduser()
        if not base.is_dir():
            looked.append(f"{base}/{entry.folder} ({DATA_DIR_ENV}={raw} is not a folder)")
        else:
            for folder in entry.folders:
                candidate = base / folder
                if not candidate.is_dir():
                    continue
                missing = _missing(candidate, entry)
                if not missing:
                    return candidate
                looked.append(f"{candidate} (missing {', '.join(missing)})")
            if not any((base / f).is_dir() for f in entry.folders):
                looked.append(f"{base / entry.folder} (no such folder)")
    else:
        looked.append(f"${DATA_DIR_ENV}/{entry.folder} ({DATA_DIR_ENV} is not set)")

    cached = cache_root() / entry.folder
    if cached.is_dir() and not _missing(cached, entry):
        return cached
    looked.append(str(cached))

    url = URLS.get(key)
    where = ", ".join(looked[:-1]) + " and " + looked[-1]
    hint = f"Set {DATA_DIR_ENV} to a folder that holds {entry.folder}/ (for example ../shared/data)."
    if _offline() or not url:
        why = (
            f"did not try to download it because {OFFLINE_ENV} is set"
            if url
            else "there is no download address for it"
        )
        raise DatasetNotFoundError(f"dataset {key!r} not found: looked in {where}, and {why}. {hint}")
    try:
        return download(key, url, cached)
    except DataError:
        raise
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise DatasetNotFoundError(
            f"dataset {key!r} not found: looked in {where}, and could not download it from "
            f"{url} ({reason}). {hint}"
        ) from exc


def download(name: str, url: str, target: Path) -> Path:
    """Fetch ``url`` (a zip), extract the dataset's files into ``target`` and verify them."""
    entry = known(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{entry.folder}-", dir=target.parent) as tmp:
        archive = Path(tmp) / "archive.zip"
        with (
            urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as resp,
            open(archive, "wb") as out,
        ):
            shutil.copyfileobj(resp, out)
        extracted = Path(tmp) / "x"
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(extracted)  # zipfile drops absolute and '..' components
        source = _find_folder(extracted, entry)
        if source is None:
            raise DataError(
                f"{url}: the archive does not contain {', '.join(entry.required)} "
                f"(needed for dataset {name!r})"
            )
        verify(source, entry, origin=url)
        staged = Path(tmp) / "staged"
        staged.mkdir()
        for fname in [*entry.required, *entry.optional]:
            if (source / fname).is_file():
                shutil.move(str(source / fname), staged / fname)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(staged), target)
    return target


def _find_folder(root: Path, entry: KnownDataset) -> Path | None:
    """The folder inside an extracted archive that holds every required file."""
    first = next(iter(entry.required))
    for hit in sorted(root.rglob(first)):
        if hit.is_file() and not _missing(hit.parent, entry):
            return hit.parent
    return None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(folder: Path, entry: KnownDataset, origin: str | None = None) -> None:
    """Check the required (and present optional) files against the SHA-256 table."""
    for fname, expected in [*entry.required.items(), *entry.optional.items()]:
        path = folder / fname
        if fname in entry.optional and not path.is_file():
            continue
        got = sha256(path)
        if got != expected:
            src = f" downloaded from {origin}" if origin else ""
            raise DataError(
                f"{fname}{src} does not match its known SHA-256 (expected {expected}, got {got}); "
                "the file is corrupt or a different version. Delete it and retry, or set "
                f"{DATA_DIR_ENV} to a folder with the original files."
            )
