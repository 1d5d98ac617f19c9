"""Model: the contract every recommender implements (fit / score / recommend / save / load).

Subclasses implement ``_fit`` and ``score``; ``recommend`` is shared: it scores users in
batches sized from a memory budget, masks training items straight from the training CSR,
takes top-k (see ``top_k``) and pads with -1 when fewer than k candidates exist.

Saved model format (``FORMAT_VERSION`` 2), a folder:

- ``meta.json``: format name and version, rectool version, registered model name, plugin and
  plugin version, parameters, seed, sizes, dataset name and fingerprint, the model's own JSON
  state, and the byte size of the array file (a truncated copy is caught before reading);
- ``arrays.npz`` (uncompressed, read with ``allow_pickle=False``): the model's arrays, the
  training interactions (``_seen_*``) and the id maps (``_user_ids``/``_item_ids`` as numpy
  unicode arrays);
- ``state.pkl`` only for a model class with ``needs_pickle = True`` (a backend that can only
  pickle itself); loading such a folder requires ``trust=True``. No built-in or first-party
  model needs it.

The class is found at load time through the registry (``plugin:name`` from ``meta.json``), never
by importing a module path read from the file; ``meta.json`` is written last, so an interrupted
save leaves a folder that is refused as incomplete.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset
from rectool.data.idmap import IdMap
from rectool.errors import ConfigError, ModelError, writing

#: Default memory budget for one scoring batch (bytes of float32 scores). Small batches keep
#: the score matrix in cache; measured on Last.fm, 16 MiB is faster than 256 MiB.
DEFAULT_BATCH_BYTES = 16 * 1024 * 1024
FORMAT_NAME = "rectool-model"
FORMAT_VERSION = 2
META_FILE, ARRAYS_FILE, PICKLE_FILE = "meta.json", "arrays.npz", "state.pkl"
_RESERVED = ("_seen_indptr", "_seen_indices", "_user_ids", "_item_ids")


class Model(ABC):
    """Base class of every recommender.

    Class attributes a subclass sets:
    - ``default_params``: parameter names with defaults (their types drive CLI parsing);
    - ``requires``: dataset parts the model cannot work without (``social``,
      ``item_features``, ``user_features``, ``ratings``, ``timestamps``);
    - ``predicts_ratings``: True when ``predict`` returns ratings (enables rmse/mae);
    - ``param_space``: what ``rectool tune`` searches, ``{name: (kind, low, high)}`` with kind
      ``"int"``, ``"float"`` or ``"log"`` (log-uniform float), or ``{name: ("choice", (a, b))}``;
      empty means nothing to tune.
    """

    default_params: ClassVar[dict[str, Any]] = {}
    requires: ClassVar[frozenset[str]] = frozenset()
    predicts_ratings: ClassVar[bool] = False
    param_space: ClassVar[dict[str, tuple[Any, ...]]] = {}
    #: True only for a backend that cannot describe itself as JSON + arrays; it then implements
    #: ``get_pickled``/``set_pickled`` and loading needs ``trust=True``.
    needs_pickle: ClassVar[bool] = False
    #: True when ``score`` always returns a new float32 array that nothing else references
    #: (e.g. the result of a matrix product): ``recommend`` then masks it in place instead of
    #: copying it first. Leave False when ``score`` may return a view or a cached array.
    fresh_scores: ClassVar[bool] = False
    #: True when ``score`` already keeps every core busy (a BLAS matrix product, torch) or is
    #: bound by memory bandwidth: evaluation then ranks in one thread, since a thread pool on top
    #: only adds contention (measured on Last.fm, 2 cores: LightFM 88 ms alone, 112 ms in two
    #: threads). False (the default) suits scoring with single-threaded sparse products.
    parallel_scoring: ClassVar[bool] = False

    def __init__(self, seed: int = 0, **params: Any) -> None:
        unknown = sorted(set(params) - set(self.default_params))
        if unknown:
            allowed = ", ".join(sorted(self.default_params)) or "none"
            raise ConfigError(
                f"{type(self).__name__} has no parameter {', '.join(map(repr, unknown))}; "
                f"allowed: {allowed}"
            )
        self.seed = int(seed)
        self.params: dict[str, Any] = {**self.default_params, **params}
        self._seen: sp.csr_matrix | None = None
        self.n_users = 0
        self.n_items = 0
        #: external ids of the training data (set by ``fit``, saved, restored by ``load``)
        self.user_ids: IdMap | None = None
        self.item_ids: IdMap | None = None
        self.dataset_name: str | None = None
        self.dataset_fingerprint: str | None = None
        #: (plugin, name) under which the registry knows this class; found at save time if unset
        self.registered_as: tuple[str, str] | None = None

    # -- training ----------------------------------------------------------------------------
    @classmethod
    def check_requirements(cls, data: Dataset, name: str | None = None) -> None:
        """Refuse a dataset that lacks what the model ``requires``, naming the missing parts."""
        missing = sorted(r for r in cls.requires if not data.has(r))
        if missing:
            label = f"model {name!r}" if name else cls.__name__
            raise ModelError(
                f"{label} requires {', '.join(missing)}, which dataset {data.name!r} does not have"
            )

    def fit(self, train: Dataset) -> Self:
        """Fit on a training dataset; refuses datasets that lack what the model requires."""
        self.check_requirements(train)
        self.n_users, self.n_items = train.n_users, train.n_items
        self._seen = train.interaction_matrix(binary=True)
        self.user_ids, self.item_ids = train.users, train.items
        self.dataset_name, self.dataset_fingerprint = train.name, dataset_fingerprint(train)
        self._fit(train)
        return self

    @abstractmethod
    def _fit(self, train: Dataset) -> None:
        """Learn from ``train``; indices follow its id maps."""

    @property
    def fitted(self) -> bool:
        return self._seen is not None

    def _check_fitted(self) -> None:
        if not self.fitted:
            raise ModelError(f"{type(self).__name__} is not fitted; call fit(train) first")

    # -- scoring -----------------------------------------------------------------------------
    @abstractmethod
    def score(self, users: np.ndarray, items: np.ndarray | None = None) -> np.ndarray:
        """Scores for users x items (all items when ``items`` is None); higher is better.

        ``-inf`` marks an item the model cannot recommend to that user.
        """

    def predict(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Predicted rating for each (user, item) pair; only models with ``predicts_ratings``."""
        raise ModelError(f"{type(self).__name__} does not predict ratings")

    def recommend(
        self,
        users: np.ndarray | list[int],
        k: int = 10,
        *,
        exclude_seen: bool = True,
        exclude: sp.csr_matrix | None = None,
        batch_bytes: int = DEFAULT_BATCH_BYTES,
        return_scores: bool = False,
        workers: int = 1,
    ) -> Any:
        """Top-k item indices per user, best first; -1 pads rows with fewer than k candidates.

        Never returns an item twice, never an index outside the catalogue, and (by default)
        never an item the user interacted with in training. ``exclude`` (users x items CSR)
        replaces the training items as the mask, e.g. to mask only training positives.
        With ``return_scores`` the result is ``(indices, scores)``, scores float32, -inf at pads.
        Reads shared state only, so many threads may call it on one model at once.
        ``batch_bytes`` bounds the float32 score matrix in memory at once (the batch size
        follows from it); ``workers > 1`` scores that many batches at once in threads, within
        the same budget.
        """
        self._check_fitted()
        users = np.asarray(users, dtype=np.int64)
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}")
        if users.size and (users.min() < 0 or users.max() >= self.n_users):
            raise ModelError(f"user index out of range 0..{self.n_users - 1}")
        out = np.full((len(users), k), -1, dtype=np.int64)
        out_scores = np.full((len(users), k), -np.inf, dtype=np.float32)
        workers = max(1, int(workers))
        # the budget is shared by the batches in flight: peak extra memory stays about
        # batch_bytes (float32 scores) plus the users x k results
        batch = max(1, int(batch_bytes // (4 * max(self.n_items, 1) * workers)))
        mask = exclude if exclude is not None else (self._seen if exclude_seen else None)

        def run(start: int) -> None:
            chunk = users[start : start + batch]
            raw = self.score(chunk)
            # C order always: a copy of a broadcast row (popularity) would otherwise come out
            # column-major, and every row-wise step below runs ~10x slower on it
            scores = np.asarray(raw, dtype=np.float32, order="C")
            if scores is raw and not (self.fresh_scores and scores.flags.writeable):
                scores = scores.copy()  # never write into an array the model may still hold
            del raw
            nan_rows = _nan_rows(scores)
            if len(nan_rows):  # a broken model must fail loudly, not rank garbage as "no score"
                raise ModelError(
                    f"{type(self).__name__} returned NaN scores for {len(nan_rows)} of "
                    f"{len(chunk)} users (did training diverge?); scores must be finite, or -inf "
                    "for an item that can never be recommended"
                )
            if mask is not None:
                rows = mask[chunk]
                scores[np.repeat(np.arange(len(chunk)), np.diff(rows.indptr)), rows.indices] = (
                    -np.inf
                )
            idx, top = top_k(scores, k, return_scores=True)
            out[start : start + len(chunk)] = idx
            out_scores[start : start + len(chunk)] = top

        starts = range(0, len(users), batch)
        if workers == 1 or len(starts) < 2:
            for start in starts:
                run(start)
        else:  # numpy and BLAS release the GIL in the heavy steps
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(workers, len(starts))) as pool:
                for future in [pool.submit(run, start) for start in starts]:
                    future.result()
        return (out, out_scores) if return_scores else out

    def fold_in_features(self, features: dict[str, float]) -> np.ndarray | None:
        """Scores over all items for a user not in training described only by user features
        (``{feature name: value}``, names as in the dataset's user features, e.g.
        ``{"gender:F": 1, "age:25-34": 1}``). None (the default) when the model cannot; a model
        that can raises ModelError for a name outside its feature space."""
        self._check_fitted()
        return None

    def fold_in(self, items: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray | None:
        """Scores over all items for a user not in training who interacted with ``items``.

        The default works for any model: the score rows of the (up to 50) training users whose
        histories are most similar (cosine) are averaged, weighted by similarity. Models with an
        exact fold-in (EASE, popularity, ...) override it. None when no training user overlaps.
        """
        self._check_fitted()
        assert self._seen is not None
        items = np.unique(np.asarray(items, dtype=np.int64))
        if items.size == 0:
            return None
        overlap = np.asarray(self._seen[:, items].sum(axis=1), dtype=np.float64).ravel()
        counts = np.diff(self._seen.indptr).astype(np.float64)
        sims = overlap / np.sqrt(np.maximum(counts, 1.0) * items.size)
        n = min(50, int((sims > 0).sum()))
        if n == 0:
            return None
        near = np.argpartition(-sims, n - 1)[:n]
        w = sims[near] / sims[near].sum()
        rows = np.asarray(self.score(near), dtype=np.float64)
        return (w @ rows).astype(np.float32)

    # -- persistence -------------------------------------------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able metadata and named arrays that fully describe the fitted model."""
        raise ModelError(f"{type(self).__name__} does not support saving yet")

    def set_state(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        raise ModelError(f"{type(self).__name__} does not support loading yet")

    def get_pickled(self) -> Any:
        """Only for ``needs_pickle`` models: the object that cannot be stored as arrays."""
        raise ModelError(f"{type(self).__name__} has needs_pickle but no get_pickled")

    def set_pickled(self, obj: Any) -> None:
        raise ModelError(f"{type(self).__name__} has needs_pickle but no set_pickled")

    def save(self, path: str | Path) -> None:
        """Write the model into folder ``path`` (see the module docstring; no pickle by default)."""
        self._check_fitted()
        assert self._seen is not None
        meta, arrays = self.get_state()
        clash = sorted(set(arrays) & set(_RESERVED))
        if clash:
            raise ModelError(f"{type(self).__name__}.get_state uses reserved array names {clash}")
        plugin, name, plugin_version = _registration(self)
        folder = Path(path)
        with writing(folder):
            self._write(folder, meta, arrays, plugin, name, plugin_version)

    def _write(self, folder: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray],
               plugin: str | None, name: str | None, plugin_version: str | None) -> None:
        from rectool import __version__

        assert self._seen is not None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / META_FILE).unlink(missing_ok=True)  # an interrupted save stays incomplete
        seen = self._seen
        arrays = {**arrays, "_seen_indptr": seen.indptr, "_seen_indices": seen.indices}
        if self.user_ids is not None and self.item_ids is not None:
            arrays["_user_ids"] = np.asarray(self.user_ids.ids, dtype=str)
            arrays["_item_ids"] = np.asarray(self.item_ids.ids, dtype=str)
        for key, value in arrays.items():
            if np.asarray(value).dtype == object:
                raise ModelError(f"{type(self).__name__}: array {key!r} holds Python objects")
        tmp = folder / (ARRAYS_FILE + ".tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, folder / ARRAYS_FILE)
        header: dict[str, Any] = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "rectool_version": __version__,
            "model": name,
            "plugin": plugin,
            "plugin_version": plugin_version,
            "class": f"{type(self).__module__}:{type(self).__qualname__}",  # informative only
            "seed": self.seed,
            "params": self.params,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "dataset": {"name": self.dataset_name, "fingerprint": self.dataset_fingerprint},
            "arrays_bytes": (folder / ARRAYS_FILE).stat().st_size,
            "pickled": self.needs_pickle,
            "state": meta,
        }
        if self.needs_pickle:
            blob = pickle.dumps(self.get_pickled(), protocol=pickle.HIGHEST_PROTOCOL)
            (folder / PICKLE_FILE).write_bytes(blob)
            header["pickle_sha256"] = hashlib.sha256(blob).hexdigest()
        text = json.dumps(header, indent=2, default=_jsonable)
        (folder / (META_FILE + ".tmp")).write_text(text)
        os.replace(folder / (META_FILE + ".tmp"), folder / META_FILE)

    @classmethod
    def load(cls, path: str | Path, *, trust: bool = False) -> Self:
        """Load a model saved by ``save`` into this class (arrays only unless ``trust``)."""
        header, arrays = read_saved(path)
        return cls.from_saved(path, header, arrays, trust=trust)

    @classmethod
    def from_saved(
        cls, path: str | Path, header: dict[str, Any], arrays: dict[str, np.ndarray],
        *, trust: bool = False,
    ) -> Self:
        """Build the model from what ``read_saved`` returned."""
        folder = Path(path)
        try:
            model = cls(seed=header["seed"], **header["params"])
            model.n_users, model.n_items = int(header["n_users"]), int(header["n_items"])
            indptr, indices = arrays.pop("_seen_indptr"), arrays.pop("_seen_indices")
            model._seen = sp.csr_matrix(
                (np.ones(len(indices), dtype=np.float32), indices, indptr),
                shape=(model.n_users, model.n_items),
            )
            if "_user_ids" in arrays:
                model.user_ids = IdMap.from_unique(arrays.pop("_user_ids").astype(object))
                model.item_ids = IdMap.from_unique(arrays.pop("_item_ids").astype(object))
                if (len(model.user_ids), len(model.item_ids)) != (model.n_users, model.n_items):
                    raise ValueError("id maps do not match the model's sizes")
            dataset = header.get("dataset") or {}
            model.dataset_name, model.dataset_fingerprint = (
                dataset.get("name"), dataset.get("fingerprint"))
            if header.get("plugin") and header.get("model"):
                model.registered_as = (header["plugin"], header["model"])
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            raise ModelError(f"saved model in {folder} is inconsistent: {exc}") from None
        if header.get("pickled"):
            model.set_pickled(_read_pickle(folder, header, trust))
        model.set_state(header["state"], arrays)
        return model


def read_saved(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The header and arrays of a saved model folder, checked; ``ModelError`` says what is wrong."""
    folder = Path(path)
    if not folder.exists():
        raise ModelError(f"{folder} does not exist: pass the folder a model was saved in "
                         "(model.save(DIR) or rectool fit --save DIR)")
    if not (folder / META_FILE).is_file():
        what = "an incomplete save" if (folder / ARRAYS_FILE).exists() else "not a saved model"
        raise ModelError(f"{folder} has no {META_FILE}: {what} "
                         "(save it again with model.save or rectool fit --save)")
    try:
        header = json.loads((folder / META_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {folder / META_FILE}: {exc}") from None
    if not isinstance(header, dict) or "format_version" not in header:
        raise ModelError(f"{folder / META_FILE} does not describe a saved rectool model")
    version = header.get("format_version")  # format 1 (rectool 0.1 dev) had no "format" key
    if version != FORMAT_VERSION:
        newer = isinstance(version, int) and version > FORMAT_VERSION
        raise ModelError(
            f"{folder} was saved with model format {version} (rectool "
            f"{header.get('rectool_version', '?')}); this rectool reads format {FORMAT_VERSION}; "
            + ("upgrade rectool to load it" if newer else "refit and save it again")
        )
    file = folder / ARRAYS_FILE
    size = file.stat().st_size if file.is_file() else None
    if size != header.get("arrays_bytes"):
        raise ModelError(
            f"{file} is {'missing' if size is None else f'{size} bytes'}, "
            f"{META_FILE} says {header.get('arrays_bytes')} bytes: the file is truncated or "
            "corrupted; copy or save the model again"
        )
    try:
        with np.load(file, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise ModelError(
            f"{file} is corrupted ({type(exc).__name__}: {exc}); copy or save the model again"
        ) from None
    missing = [key for key in ("_seen_indptr", "_seen_indices") if key not in arrays]
    if missing:
        raise ModelError(f"{file} lacks arrays {missing}; it was not written by Model.save")
    return header, arrays


def _read_pickle(folder: Path, header: dict[str, Any], trust: bool) -> Any:
    if not trust:
        raise ModelError(
            f"{folder} holds a pickled backend ({PICKLE_FILE}); unpickling can run arbitrary "
            "code, so it loads only with trust=True (rectool.load_model(path, trust=True)); "
            "pass it only for files you made or fully trust"
        )
    blob = (folder / PICKLE_FILE).read_bytes()
    if hashlib.sha256(blob).hexdigest() != header.get("pickle_sha256"):
        raise ModelError(f"{folder / PICKLE_FILE} does not match its checksum: corrupted")
    return pickle.loads(blob)  # noqa: S301 - only with trust=True, checksum verified


def _registration(model: Model) -> tuple[str | None, str | None, str | None]:
    """(plugin, model name, plugin version) under which the registry knows the model's class."""
    from rectool import __version__, plugins
    from rectool.registry import get_registry

    found = model.registered_as
    entries = get_registry("model").entries
    if found is None:
        match = [e for e in entries if e.obj is type(model)]
        if not match:
            return None, None, None
        found = (match[0].plugin, match[0].name)
    plugin = found[0]
    if plugin == "builtin":
        return plugin, found[1], __version__
    versions = {info.name: info.version for info in plugins.plugin_infos()}
    return plugin, found[1], versions.get(plugin)


def dataset_fingerprint(data: Dataset) -> str:
    """A short content hash of a dataset's ids and interactions (which data a model saw)."""
    h = hashlib.sha256()
    for ids in (data.users.ids, data.items.ids):
        h.update("\x1f".join(ids.tolist()).encode())
        h.update(b"\x1e")
    for arr in (data.user_index, data.item_index, data.values):
        h.update(np.ascontiguousarray(arr).tobytes())
    return "sha256:" + h.hexdigest()[:32]


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


def parse_bytes(value: int | str) -> int:
    """A memory size: an integer (bytes) or text like ``512MB``, ``64MiB``, ``2GB`` (KB/MB/GB
    are powers of 1000, KiB/MiB/GiB powers of 1024); at least 1 byte."""
    if isinstance(value, bool):
        raise ConfigError(f"memory budget {value!r} is not a size")
    if isinstance(value, int):
        number, unit = float(value), ""
    else:
        text = str(value).strip().upper().replace(" ", "")
        split = len(text.rstrip("KMGIB"))
        number_text, unit = text[:split], text[split:]
        try:
            number = float(number_text)
        except ValueError:
            number = float("nan")
        if unit not in _UNITS or not np.isfinite(number):
            raise ConfigError(
                f"memory budget {value!r}: use bytes or a size like 512MB, 64MiB or 2GB"
            )
    out = int(number * _UNITS[unit])
    if out < 1:
        raise ConfigError(f"memory budget {value!r} must be at least 1 byte")
    return out


def _nan_rows(scores: np.ndarray) -> np.ndarray:
    """Rows holding a NaN. A product with a vector of ones is NaN wherever a row holds one (and
    where +inf meets -inf), at a quarter of the cost of ``isnan`` over the matrix (BLAS);
    the few rows it flags are confirmed exactly."""
    if scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    with np.errstate(invalid="ignore", over="ignore"):
        total = scores @ np.ones(scores.shape[1], dtype=scores.dtype)
    flagged = np.flatnonzero(np.isnan(total))
    return flagged[np.isnan(scores[flagged]).any(axis=1)] if len(flagged) else flagged


_BLOCK = 64
#: narrower rows rank faster with one argpartition over the whole row than through block maxima
#: (measured: 1,682 columns 3.3 ms vs 4.5 ms for 930 rows; 5,000 columns 45 ms vs 34 ms)
_BLOCK_MIN_COLS = 2048


def top_k(scores: np.ndarray, k: int, *, return_scores: bool = False) -> Any:
    """Indices of the k best finite scores per row, best first; -1 where none are left.

    Deterministic for equal input; equal scores are ordered by item index, and an item tied
    with the k-th is kept over a higher index, so the top 5 is always a prefix of the top 10.
    NaN counts as -inf. ``scores`` is never modified. Wide rows first keep the k blocks of (up
    to 64) columns with the highest maxima: every top-k value lies in them (the k-th best block
    maximum bounds the k-th best value from below), so the exact selection runs over k*64
    candidates instead of the whole row (15x faster on Last.fm's 17,632 items). With
    ``return_scores`` returns ``(indices, scores)``, the scores -inf where indices are -1.
    """
    n_rows, n_cols = scores.shape
    out = np.full((n_rows, k), -1, dtype=np.int64)
    out_scores = np.full((n_rows, k), -np.inf, dtype=np.float32)
    if n_cols == 0 or n_rows == 0 or k == 0:
        return (out, out_scores) if return_scores else out
    full_scores = scores
    kk = min(k, n_cols)
    columns = None
    # per row, the best score that is not among the k chosen (a bound): ties at the cut-off
    # with unchosen items are possible only where it equals the k-th score
    runner_up = np.full(n_rows, -np.inf, dtype=np.float64)
    block = min(_BLOCK, n_cols // (4 * kk))  # at least 4k blocks, so candidates <= a quarter
    floating = np.issubdtype(scores.dtype, np.floating)
    if n_cols >= _BLOCK_MIN_COLS and block >= 8 and floating:
        starts = np.arange(0, n_cols, block)
        block_max = np.maximum.reduceat(scores, starts, axis=1)  # NaN propagates
        if np.isnan(block_max).any():
            scores = np.where(np.isnan(scores), -np.inf, scores)
            block_max = np.maximum.reduceat(scores, starts, axis=1)
        n_blocks = len(starts)
        order_b = np.argpartition(block_max, n_blocks - kk - 1, axis=1)  # the rest lie above it
        best = order_b[:, n_blocks - kk :]
        runner_up = np.take_along_axis(block_max, order_b[:, n_blocks - kk - 1 : n_blocks - kk],
                                       axis=1)[:, 0].astype(np.float64)
        columns = (best[:, :, None] * block + np.arange(block)).reshape(n_rows, -1)
        beyond = columns >= n_cols
        columns[beyond] = n_cols - 1
        scores = np.take_along_axis(scores, columns, axis=1)
        scores[beyond] = -np.inf
    elif floating and np.isnan(scores).any():
        scores = np.where(np.isnan(scores), -np.inf, scores)
    width = scores.shape[1]
    if kk < width:
        order = np.argpartition(scores, width - kk - 1, axis=1)  # one kth: the rest lie above it
        part = order[:, width - kk :]
        runner_up = np.maximum(
            runner_up, np.take_along_axis(scores, order[:, width - kk - 1 : width - kk], axis=1)[:, 0]
        )
    else:
        part = np.broadcast_to(np.arange(width), (n_rows, width)).copy()
    part_scores = np.take_along_axis(scores, part, axis=1)
    if columns is not None:
        part = np.take_along_axis(columns, part, axis=1)
    order = np.lexsort((part, -part_scores), axis=1)
    ranked = np.take_along_axis(part, order, axis=1)
    ranked_scores = np.take_along_axis(part_scores, order, axis=1)
    cut = ranked_scores[:, kk - 1]
    tied = np.flatnonzero(np.isfinite(cut) & (runner_up >= cut))
    if len(tied):
        _lowest_index_among_ties(full_scores, ranked, ranked_scores, tied)
    dead = np.isneginf(ranked_scores)
    ranked[dead] = -1
    out[:, :kk] = ranked
    out_scores[:, :kk] = ranked_scores
    return (out, out_scores) if return_scores else out


def _lowest_index_among_ties(
    scores: np.ndarray, ranked: np.ndarray, ranked_scores: np.ndarray, rows: np.ndarray
) -> None:
    """In ``rows``, where the k-th score may be tied with unselected items, keep the lowest
    item indices (partition-based selection picks an arbitrary subset of the items tied at the
    cut-off). Rows are fixed in place from the full score row, NaN read as -inf."""
    kk = ranked.shape[1]
    for r in rows:
        row = scores[r]
        cut = ranked_scores[r, kk - 1]
        above = np.flatnonzero(row > cut)
        ties = np.flatnonzero(row == cut)[: kk - len(above)]
        chosen = np.concatenate([above, ties])
        chosen_scores = row[chosen]
        order = np.lexsort((chosen, -chosen_scores))
        ranked[r] = chosen[order]
        ranked_scores[r] = chosen_scores[order]


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in model metadata")
