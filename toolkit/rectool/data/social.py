"""Social features from a dataset's user x user graph, usable by every model.

Conventions (one place, so every model reads the graph the same way):

- direction: a ``trust`` graph is directed and a user is described by whom they trust (row u,
  outgoing edges); a ``friends`` graph is symmetric, so it is symmetrised (u~v if either lists
  the other);
- cleaning: self-loops are dropped, and edges *to* users without training rows are dropped
  (their identity embedding never trained, so they would add noise); both are counted in
  ``SocialGraph.counts``. Edges *from* such users are kept: they are how a cold user with
  friends gets a social feature row. Splits share id maps, so re-indexing is the identity;
- features: ``identity + weight * rownorm(S) [+ two_hop * rownorm(S2)]`` over the *same* user
  columns as the identity block (``shared=True``: a user's representation is pulled towards
  the mean of their neighbours' own embeddings) or over a second block of ``friend:<id>``
  columns (``shared=False``: a learned embedding per "is followed by me" relation);
- aggregates: ``rownorm(S) @ X`` (users x items), what a user's neighbours interacted with,
  for models without features and for cold-start scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from rectool.data.dataset import Dataset, Features
from rectool.errors import DataError


@dataclass(frozen=True)
class SocialGraph:
    """A cleaned, binary users x users CSR (row u: the users u trusts / is friends with)."""

    matrix: sp.csr_matrix
    kind: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def n_edges(self) -> int:
        return int(self.matrix.nnz)

    def neighbours(self, user: int) -> np.ndarray:
        m = self.matrix
        return m.indices[m.indptr[user] : m.indptr[user + 1]]


def clean_graph(
    matrix: sp.spmatrix, *, kind: str = "trust", active: np.ndarray | None = None
) -> SocialGraph:
    """Binarise, orient (symmetrise ``friends``), drop self-loops and edges to inactive users.

    ``active`` is a boolean mask over users (those with training rows); None keeps everyone.
    """
    if kind not in ("trust", "friends"):
        raise DataError(f"social kind must be 'trust' or 'friends', got {kind!r}")
    m = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    if m.shape[0] != m.shape[1]:
        raise DataError(f"a social graph must be square (users x users), got {m.shape}")
    m.sum_duplicates()
    m.eliminate_zeros()
    m.data[:] = 1.0
    counts = {"social_edges_in": int(m.nnz)}
    if kind == "friends":
        m = ((m + m.T) > 0).astype(np.float32).tocsr()
        counts["social_edges_added_symmetric"] = int(m.nnz) - counts["social_edges_in"]
    diag = int(m.diagonal().astype(bool).sum())
    if diag:
        m.setdiag(0)
        m.eliminate_zeros()
    counts["social_edges_dropped_self_loop"] = diag
    dropped = 0
    if active is not None:
        active = np.asarray(active, dtype=bool)
        if len(active) != m.shape[0]:
            raise DataError(f"active mask has {len(active)} entries, graph has {m.shape[0]} users")
        keep = sp.diags(active.astype(np.float32))
        before = m.nnz
        m = (m @ keep).tocsr()
        m.eliminate_zeros()
        dropped = before - int(m.nnz)
    counts["social_edges_dropped_no_training_rows"] = dropped
    counts["social_edges_used"] = int(m.nnz)
    m.sort_indices()
    return SocialGraph(m, kind, counts)


def social_graph(data: Dataset, *, drop_inactive: bool = True) -> SocialGraph:
    """The dataset's cleaned graph; with ``drop_inactive`` edges to users without rows go."""
    if data.social is None:
        raise DataError(
            f"dataset {data.name!r} has no social graph; use lastfm, ciao, filmtrust or a file "
            "loaded with a social edge list"
        )
    active = data.user_counts() > 0 if drop_inactive else None
    return clean_graph(data.social, kind=data.social_kind or "trust", active=active)


def row_normalise(m: sp.spmatrix) -> sp.csr_matrix:
    """Rows scaled to sum 1 (empty rows stay empty)."""
    m = sp.csr_matrix(m, dtype=np.float32)
    sums = np.asarray(m.sum(axis=1), dtype=np.float64).ravel()
    sums[sums == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / sums).astype(np.float32)) @ m)


def two_hop(graph: SocialGraph) -> sp.csr_matrix:
    """Binary users reached in exactly two steps, minus the user and their direct neighbours."""
    s = graph.matrix
    s2 = (s @ s).tocsr()
    s2.data[:] = 1.0
    s2 = s2 - s2.multiply(s)  # remove direct neighbours
    s2.setdiag(0)
    s2 = sp.csr_matrix(s2)
    s2.eliminate_zeros()
    return s2


def social_matrix(
    graph: SocialGraph, *, weight: float = 1.0, two_hop_weight: float = 0.0,
    identity: bool = True,
) -> sp.csr_matrix:
    """``identity + weight * rownorm(S) + two_hop_weight * rownorm(S2)`` (users x users)."""
    n = graph.matrix.shape[0]
    out = sp.csr_matrix((n, n), dtype=np.float32)
    if identity:
        out = out + sp.identity(n, dtype=np.float32, format="csr")
    if weight:
        out = out + float(weight) * row_normalise(graph.matrix)
    if two_hop_weight:
        out = out + float(two_hop_weight) * row_normalise(two_hop(graph))
    out = sp.csr_matrix(out, dtype=np.float32)
    out.sort_indices()
    return out


def social_features(
    data: Dataset,
    *,
    weight: float = 1.0,
    two_hop_weight: float = 0.0,
    shared: bool = True,
    graph: SocialGraph | None = None,
) -> Features:
    """User feature rows: identity plus weighted row-normalised neighbour indicators.

    ``shared=True``: one block of ``user:<id>`` columns (identity on the diagonal, neighbours
    off it). ``shared=False``: ``user:<id>`` identity columns then ``friend:<id>`` columns.
    """
    graph = graph or social_graph(data)
    ids = [str(u) for u in data.users.ids]
    if shared:
        m = social_matrix(graph, weight=weight, two_hop_weight=two_hop_weight)
        return Features(m, tuple(f"user:{u}" for u in ids))
    social = social_matrix(graph, weight=weight, two_hop_weight=two_hop_weight, identity=False)
    ident = sp.identity(data.n_users, dtype=np.float32, format="csr")
    m = sp.csr_matrix(sp.hstack([ident, social], format="csr"), dtype=np.float32)
    return Features(m, tuple(f"user:{u}" for u in ids) + tuple(f"friend:{u}" for u in ids))


def friend_interactions(
    data: Dataset, *, graph: SocialGraph | None = None, normalise: bool = True
) -> sp.csr_matrix:
    """Users x items: ``rownorm(S) @ X`` (share of one's neighbours who had each item)."""
    graph = graph or social_graph(data)
    s = row_normalise(graph.matrix) if normalise else graph.matrix
    return sp.csr_matrix(s @ data.interaction_matrix(binary=True), dtype=np.float32)


def top_per_row(m: sp.spmatrix, top: int) -> sp.csr_matrix:
    """Keep the ``top`` largest entries of each row (ties by column index), then row-normalise."""
    m = sp.csr_matrix(m, dtype=np.float32)
    m.sort_indices()
    rows, cols, vals = [], [], []
    for u in range(m.shape[0]):
        lo, hi = m.indptr[u], m.indptr[u + 1]
        if hi == lo:
            continue
        v, c = m.data[lo:hi], m.indices[lo:hi]
        keep = np.lexsort((c, -v))[:top] if hi - lo > top else np.arange(hi - lo)
        rows.append(np.full(len(keep), u))
        cols.append(c[keep])
        vals.append(v[keep])
    if not rows:
        return sp.csr_matrix(m.shape, dtype=np.float32)
    out = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                        shape=m.shape)
    return row_normalise(out)


def friend_item_features(
    data: Dataset, *, weight: float = 1.0, top: int = 50, graph: SocialGraph | None = None
) -> Features:
    """``weight`` x the ``top`` items most shared among a user's neighbours, row-normalised.

    Columns ``friend_item:<item id>``: a user is described by what their friends consumed.
    """
    agg = top_per_row(friend_interactions(data, graph=graph), top)
    return Features(sp.csr_matrix(float(weight) * agg, dtype=np.float32),
                    tuple(f"friend_item:{i}" for i in data.items.ids))


@dataclass(frozen=True)
class FriendScores:
    """Scores for a user without training rows, computed from friends; always a fallback."""

    scores: np.ndarray | None  # float32 over all items, None when no friend is usable
    friends_used: np.ndarray
    friends_given: int
    source: str = "friends"
    status: str = "fallback"
    reason: str = "cold start: no training rows, scored from friends"


def friends_scores(
    friends: np.ndarray,
    *,
    seen: sp.csr_matrix,
    score_users: object = None,
) -> FriendScores:
    """Cold-start scores from friends (user indices of the training data).

    Friends without training rows are ignored. With ``score_users`` (a callable users -> scores,
    e.g. ``model.score``) the friends' score rows are averaged; without it the friends' training
    items are counted (a neighbourhood popularity, usable with any model or none).
    """
    friends = np.unique(np.asarray(friends, dtype=np.int64))
    friends = friends[(friends >= 0) & (friends < seen.shape[0])]
    active = np.diff(seen.indptr)[friends] > 0
    used = friends[active]
    if len(used) == 0:
        return FriendScores(None, used, int(len(friends)))
    if score_users is not None:
        rows = np.asarray(score_users(used), dtype=np.float64)  # type: ignore[operator]
        scores = rows.mean(axis=0)
    else:
        scores = np.asarray(seen[used].sum(axis=0), dtype=np.float64).ravel()
        scores[scores == 0] = -np.inf
    return FriendScores(scores.astype(np.float32), used, int(len(friends)))


__all__ = [
    "FriendScores",
    "SocialGraph",
    "clean_graph",
    "friend_interactions",
    "friend_item_features",
    "friends_scores",
    "row_normalise",
    "social_features",
    "social_graph",
    "social_matrix",
    "top_per_row",
    "two_hop",
]
