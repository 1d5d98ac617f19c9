"""TextFeaturizer: one sentence embedding per item (and optionally user) from its texts.

The texts are the ones a dataset already carries in its feature names, ``<kind>:<text>``:
Last.fm artist tags (``tag:indie rock``), Ciao product categories (``category:Books``),
MovieLens genres (``genre:Comedy``). An item's text joins its terms, strongest first (by
feature value, e.g. how often a tag was given), at most ``max_terms`` of them:
``"indie rock, alternative, british"``. Rows without any text get a zero vector. No loader
changes were needed; a loader that wants richer text (titles, reviews) adds it as features.

``dims`` > 0 projects the 384-d embeddings on their top principal directions (computed on the
rows that have text; deterministic), which keeps feature-hungry models such as LightFM fast.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset, Features
from rectool.errors import ConfigError
from rectool.features import FeatureBlocks, Featurizer
from rectool_text.embed import embed_texts


class TextFeaturizer(Featurizer):
    """Sentence embeddings (all-MiniLM-L6-v2) of item tags / categories / genres, offline."""

    default_params: ClassVar[dict[str, Any]] = {
        "items": True,
        "users": False,
        "max_terms": 10,
        "dims": 64,
        "batch_size": 64,
        "device": "cpu",
        "cache": None,
        "progress": True,
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if int(self.params["max_terms"]) < 1:
            raise ConfigError(f"text max_terms must be at least 1, got {self.params['max_terms']!r}")
        if self.params["dims"] is not None and int(self.params["dims"]) < 0:
            raise ConfigError(f"text dims must be >= 0 (0 keeps all 384), got {self.params['dims']!r}")

    def featurize(self, data: Dataset) -> FeatureBlocks:
        p = self.params
        items = self._block(data.item_features, data.n_items) if p["items"] else None
        users = self._block(data.user_features, data.n_users) if p["users"] else None
        return FeatureBlocks(items=items, users=users)

    def _block(self, features: Features | None, n: int) -> np.ndarray | None:
        texts = texts_from_features(features, n, int(self.params["max_terms"]))
        has = np.array([bool(t) for t in texts])
        if not has.any():
            return None
        p = self.params
        vectors = embed_texts([t for t in texts if t], batch_size=int(p["batch_size"]),
                              device=str(p["device"]), cache=p["cache"],
                              progress=bool(p["progress"]))
        dims = int(p["dims"] or 0)
        if 0 < dims < vectors.shape[1]:
            vectors = pca(vectors, dims)
        out = np.zeros((n, vectors.shape[1]), dtype=np.float32)
        out[has] = vectors
        return out


def texts_from_features(features: Features | None, n: int, max_terms: int = 10) -> list[str]:
    """One text per row from feature names ``kind:text`` (strongest value first, then name)."""
    out = [""] * n
    if features is None or features.width == 0:
        return out
    terms = [_term(name) for name in features.names]
    usable = np.array([t is not None for t in terms])
    m = sp.csr_matrix(features.matrix)
    for row in range(n):
        cols = m.indices[m.indptr[row] : m.indptr[row + 1]]
        vals = m.data[m.indptr[row] : m.indptr[row + 1]]
        keep = usable[cols] & (vals > 0)
        cols, vals = cols[keep], vals[keep]
        if len(cols) == 0:
            continue
        chosen = [terms[c] for c in cols]
        order = sorted(range(len(cols)), key=lambda j: (-vals[j], chosen[j]))[:max_terms]
        out[row] = ", ".join(str(chosen[j]) for j in order)
    return out


def _term(name: str) -> str | None:
    """``tag:indie rock`` -> ``indie rock``; None for names with no text (``text:12``, ``age``)."""
    _, sep, text = name.partition(":")
    text = text.strip()
    if not sep or not text or text.replace(".", "").replace("-", "").isdigit():
        return None
    return text


def pca(x: np.ndarray, dims: int) -> np.ndarray:
    """Rows of ``x`` on their top ``dims`` principal directions (signs fixed, deterministic)."""
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    dims = min(dims, vt.shape[0])
    basis = vt[:dims]
    basis *= np.sign(basis[np.arange(dims), np.abs(basis).argmax(axis=1)])[:, None]
    return (centred @ basis.T).astype(np.float32)
