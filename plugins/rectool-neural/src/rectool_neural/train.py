"""The PyTorch half of ``NeuralModel``: graph building, BPR training, early stopping.

Imported only from ``NeuralModel._fit``, after torch was found (see ``model.import_torch``).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch

from rectool.data.dataset import Dataset, Features
from rectool.errors import ModelError
from rectool.progress import track

VAL_K = 20


@dataclass
class TrainResult:
    user_emb: np.ndarray
    item_emb: np.ndarray
    best_epoch: int
    history: list[dict[str, float]] = field(default_factory=list)


def positives(train: Dataset, min_rating: float | None) -> tuple[np.ndarray, np.ndarray]:
    """(user, item) rows that count as positive feedback for BPR."""
    keep = train.values > 0 if train.kind == "implicit" else np.ones(train.n_interactions, bool)
    if train.kind == "explicit" and min_rating is not None:
        keep = train.values >= float(min_rating)
    users, items = train.user_index[keep].astype(np.int64), train.item_index[keep].astype(np.int64)
    if len(users) == 0:
        raise ModelError(f"neural: dataset {train.name!r} has no positive interactions to learn from")
    return users, items


def carve_validation(users: np.ndarray, n_users: int, fraction: float,
                     rng: np.random.Generator) -> np.ndarray:
    """Boolean mask of rows held out for early stopping: floor(fraction * n) rows per user."""
    if fraction <= 0:
        return np.zeros(len(users), dtype=bool)
    counts = np.bincount(users, minlength=n_users)
    n_val = np.floor(counts * fraction).astype(np.int64)
    order = np.lexsort((rng.random(len(users)), users))  # rows grouped by user, random within
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(users), dtype=np.int64)
    rank[order] = np.arange(len(users)) - starts[users[order]]
    return rank < n_val[users]


def propagation_matrix(users: np.ndarray, items: np.ndarray, n_users: int, n_items: int,
                       social: sp.csr_matrix | None, social_weight: float,
                       social_items: float = 0.0, social_items_top: int = 50) -> sp.csr_matrix:
    """(U+I) x (U+I) matrix M of one propagation step, E_next = M @ E.

    Without ``social``: LightGCN's D^-1/2 A D^-1/2 of the bipartite graph. With it, a user with
    social links mixes ``1 - social_weight`` of that with ``social_weight`` of the mean of the
    users it links to (row-normalised social graph), as in SocialLGN. ``social_items > 0`` also
    links each user to the ``social_items_top`` items most shared among its neighbours, with
    weights summing to ``social_items`` (the friends' items that helped LightFM most).
    """
    n = n_users + n_items
    r = sp.csr_matrix((np.ones(len(users), np.float32), (users, items)), shape=(n_users, n_items))
    r.data[:] = 1.0
    if social is not None and social_items > 0:
        from rectool.data.social import row_normalise, top_per_row

        s = sp.csr_matrix(social, dtype=np.float32)
        s.data[:] = 1.0
        friends = top_per_row(row_normalise(s) @ r, int(social_items_top))
        friends = friends - friends.multiply(r > 0)  # own items keep weight 1
        r = sp.csr_matrix(r + float(social_items) * friends, dtype=np.float32)
    adj = sp.bmat([[None, r], [r.T, None]], format="csr", dtype=np.float32)
    deg = np.asarray(adj.sum(axis=1)).ravel()
    inv = np.zeros_like(deg)
    inv[deg > 0] = deg[deg > 0] ** -0.5
    m = sp.diags(inv) @ adj @ sp.diags(inv)
    if social is not None and social_weight > 0:
        s = sp.csr_matrix(social, dtype=np.float32)
        s.data[:] = 1.0
        out_deg = np.asarray(s.sum(axis=1)).ravel()
        has = out_deg > 0
        row_inv = np.zeros_like(out_deg)
        row_inv[has] = 1.0 / out_deg[has]
        s_norm = sp.diags(row_inv) @ s
        keep = np.ones(n, dtype=np.float32)
        keep[:n_users][has] = 1.0 - social_weight
        social_block = sp.bmat([[social_weight * s_norm, None],
                                [None, sp.csr_matrix((n_items, n_items), dtype=np.float32)]])
        m = sp.diags(keep) @ m + social_block
    out = sp.csr_matrix(m, dtype=np.float32)
    out.sort_indices()
    return out


def feature_matrix(features: Features | None, n: int) -> sp.csr_matrix | None:
    """Side features with rows scaled to unit L2 norm (rows without features stay zero)."""
    if features is None or features.width == 0:
        return None
    f = sp.csr_matrix(features.matrix, dtype=np.float32)
    if f.shape[0] != n:
        raise ModelError(f"neural: feature matrix has {f.shape[0]} rows, expected {n}")
    norms = np.sqrt(np.asarray(f.multiply(f).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ f, dtype=np.float32)


class SparseOp:
    """A fixed sparse matrix M as a pair of CSR tensors (M, M^T) for fast, deterministic spmm.

    torch's own backward of a sparse product transposes M on every call; keeping M^T ready
    makes the backward another CSR product.
    """

    def __init__(self, m: sp.spmatrix, device: torch.device) -> None:
        self.shape = m.shape
        self.m, self.mt = _csr_tensor(m, device), _csr_tensor(sp.csr_matrix(m).T, device)

    def __matmul__(self, x: torch.Tensor) -> torch.Tensor:
        return _SpMM.apply(x, self)


def _csr_tensor(m: sp.spmatrix, device: torch.device) -> torch.Tensor:
    c = sp.csr_matrix(m, dtype=np.float32)
    c.sum_duplicates()
    c.sort_indices()
    with warnings.catch_warnings():  # "sparse CSR support is in beta": we use plain CSR @ dense
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(
            torch.from_numpy(c.indptr.astype(np.int64)),
            torch.from_numpy(c.indices.astype(np.int64)),
            torch.from_numpy(c.data), c.shape, check_invariants=False,
        ).to(device)


class _SpMM(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, op: SparseOp) -> torch.Tensor:  # noqa: D102
        ctx.op = op
        return op.m @ x

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:  # noqa: D102
        return ctx.op.mt @ grad, None


class LightGCN(torch.nn.Module):
    """Id embeddings (+ projected side features) propagated over a fixed sparse matrix."""

    def __init__(self, n_users: int, n_items: int, dim: int, user_feats: SparseOp | None,
                 item_feats: SparseOp | None, gen: torch.Generator) -> None:
        super().__init__()
        self.n_users = n_users
        self.user = torch.nn.Parameter(torch.empty(n_users, dim))
        self.item = torch.nn.Parameter(torch.empty(n_items, dim))
        torch.nn.init.normal_(self.user, std=0.1, generator=gen)
        torch.nn.init.normal_(self.item, std=0.1, generator=gen)
        self.user_feats, self.item_feats = user_feats, item_feats
        self.user_proj = self._proj(user_feats, dim, gen)
        self.item_proj = self._proj(item_feats, dim, gen)

    @staticmethod
    def _proj(feats: SparseOp | None, dim: int, gen: torch.Generator) -> torch.nn.Parameter | None:
        if feats is None:
            return None
        w = torch.nn.Parameter(torch.empty(feats.shape[1], dim))
        torch.nn.init.normal_(w, std=0.1, generator=gen)
        return w

    def ego(self) -> torch.Tensor:
        users, items = self.user, self.item
        if self.user_proj is not None:
            users = users + self.user_feats @ self.user_proj
        if self.item_proj is not None:
            items = items + self.item_feats @ self.item_proj
        return torch.cat([users, items])

    def forward(self, m: SparseOp, layers: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(layer-0 embeddings, mean of layers 0..K), users first then items."""
        e0 = self.ego()
        total, e = e0, e0
        for _ in range(layers):
            e = m @ e
            total = total + e
        return e0, total / (layers + 1)


class NegativeSampler:
    """Uniform negatives, redrawn while they hit an item the user has in training."""

    def __init__(self, users: np.ndarray, items: np.ndarray, n_items: int,
                 rng: np.random.Generator) -> None:
        self.n_items, self.rng = n_items, rng
        self.seen = np.unique(users * n_items + items)

    def __call__(self, users: np.ndarray) -> np.ndarray:
        neg = self.rng.integers(0, self.n_items, len(users))
        for _ in range(20):
            keys = users * self.n_items + neg
            pos = np.minimum(np.searchsorted(self.seen, keys), len(self.seen) - 1)
            bad = self.seen[pos] == keys
            if not bad.any():
                break
            neg[bad] = self.rng.integers(0, self.n_items, int(bad.sum()))
        return neg


def validation_ndcg(user_emb: torch.Tensor, item_emb: torch.Tensor, users: np.ndarray,
                    fit_seen: sp.csr_matrix, val: sp.csr_matrix, k: int = VAL_K) -> float:
    """Mean NDCG@k on the held-out rows, training (fit) items masked, all items ranked."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    n_items = val.shape[1]
    coo = val.tocoo()
    val_keys = np.sort(coo.row.astype(np.int64) * n_items + coo.col)
    total = 0.0
    for start in range(0, len(users), 512):
        chunk = users[start : start + 512]
        scores = user_emb[torch.from_numpy(chunk).to(user_emb.device)] @ item_emb.T
        rows = fit_seen[chunk]
        r = torch.from_numpy(np.repeat(np.arange(len(chunk)), np.diff(rows.indptr)))
        scores[r.to(scores.device), torch.from_numpy(rows.indices.astype(np.int64)).to(scores.device)] = (
            -torch.inf
        )
        top = torch.topk(scores, min(k, scores.shape[1]), dim=1).indices.cpu().numpy()
        keys = chunk[:, None].astype(np.int64) * n_items + top
        pos = np.minimum(np.searchsorted(val_keys, keys), len(val_keys) - 1)
        hits = val_keys[pos] == keys
        dcg = (hits * discounts[: top.shape[1]]).sum(axis=1)
        n_rel = np.minimum(np.diff(val.indptr)[chunk], k)
        idcg = np.cumsum(discounts)[n_rel - 1]
        total += float((dcg / idcg).sum())
    return total / max(len(users), 1)


def train_lightgcn(train: Dataset, p: dict[str, Any], seed: int) -> TrainResult:
    """Fit LightGCN (optionally social) on ``train`` with the parameters of ``NeuralModel``.

    ``threads`` sets torch's intra-op threads for the fit only (restored afterwards).
    """
    previous = torch.get_num_threads()
    if p["threads"] is not None:
        torch.set_num_threads(int(p["threads"]))
    try:
        return _train(train, p, seed)
    finally:
        torch.set_num_threads(previous)


def _train(train: Dataset, p: dict[str, Any], seed: int) -> TrainResult:
    started = time.perf_counter()
    device = torch.device(str(p["device"]))
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ModelError(
            f"neural device={p['device']!r} was asked for but PyTorch sees no CUDA GPU "
            f"(torch {torch.__version__}); use device=cpu"
        )
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    n_users, n_items = train.n_users, train.n_items
    layers, social = int(p["layers"]), train.social if p["social"] else None
    social_weight = float(p["social_weight"])
    social_items = (float(p["social_items"]), int(p["social_items_top"]))

    users, items = positives(train, p["min_rating"])
    is_val = carve_validation(users, n_users, float(p["val_fraction"]), rng)
    fit_u, fit_i = users[~is_val], items[~is_val]
    m_fit = SparseOp(propagation_matrix(fit_u, fit_i, n_users, n_items, social, social_weight,
                                        *social_items), device)

    use = bool(p["use_features"])
    uf = feature_matrix(train.user_features if use else None, n_users)
    itf = feature_matrix(train.item_features if use else None, n_items)
    net = LightGCN(n_users, n_items, int(p["dim"]),
                   None if uf is None else SparseOp(uf, device),
                   None if itf is None else SparseOp(itf, device), gen).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=float(p["lr"]))
    sampler = NegativeSampler(users, items, n_items, rng)

    val_users = np.unique(users[is_val])
    if len(val_users) > int(p["max_val_users"]):
        val_users = np.sort(rng.choice(val_users, int(p["max_val_users"]), replace=False))
    shape = (n_users, n_items)
    fit_seen = sp.csr_matrix((np.ones(len(fit_u), np.float32), (fit_u, fit_i)), shape=shape)
    val_m = sp.csr_matrix((np.ones(int(is_val.sum()), np.float32), (users[is_val], items[is_val])),
                          shape=shape)

    bs, reg, n_fit = int(p["batch_size"]), float(p["reg"]), len(fit_u)
    history: list[dict[str, float]] = []
    best, best_epoch, best_state, bad_checks = -1.0, 0, None, 0
    epoch = 0
    n_epochs = int(p["epochs"])
    for epoch in track(range(1, n_epochs + 1), n_epochs, "neural epochs (at most)"):
        net.train()
        perm = rng.permutation(n_fit)
        epoch_loss = 0.0
        for start in range(0, n_fit, bs):
            idx = perm[start : start + bs]
            bu, bp = fit_u[idx], fit_i[idx]
            bn = sampler(bu)
            e0, e = net(m_fit, layers)
            tu = torch.from_numpy(bu).to(device)
            tp = torch.from_numpy(bp + n_users).to(device)
            tn = torch.from_numpy(bn + n_users).to(device)
            u, pos, neg = e[tu], e[tp], e[tn]
            bpr = -torch.nn.functional.logsigmoid((u * pos).sum(1) - (u * neg).sum(1)).mean()
            l2 = (e0[tu].square().sum() + e0[tp].square().sum() + e0[tn].square().sum()) / (2 * len(idx))
            loss = bpr + reg * l2
            opt.zero_grad()
            loss.backward()
            opt.step()
            epoch_loss += float(bpr.detach()) * len(idx)
        out_of_time = time.perf_counter() - started > float(p["max_seconds"])
        last = epoch == int(p["epochs"]) or out_of_time
        if len(val_users) and (epoch % int(p["eval_every"]) == 0 or last):
            net.eval()
            with torch.no_grad():
                _, e = net(m_fit, layers)
                ndcg = validation_ndcg(e[:n_users], e[n_users:], val_users, fit_seen, val_m)
            history.append({"epoch": epoch, "loss": epoch_loss / n_fit, "val_ndcg@20": ndcg,
                            "seconds": time.perf_counter() - started})
            if ndcg > best:
                best, best_epoch, bad_checks = ndcg, epoch, 0
                best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
            else:
                bad_checks += 1
                if bad_checks >= int(p["patience"]):
                    break
        if out_of_time:
            break
    if best_state is not None:
        net.load_state_dict(best_state)
    else:
        best_epoch = epoch
    # Final embeddings over the full training graph: the validation edges carry signal too.
    m_full = SparseOp(propagation_matrix(users, items, n_users, n_items, social, social_weight,
                                         *social_items), device)
    net.eval()
    with torch.no_grad():
        _, e = net(m_full, layers)
        e = e.cpu().numpy().astype(np.float32)
    return TrainResult(np.ascontiguousarray(e[:n_users]), np.ascontiguousarray(e[n_users:]),
                       best_epoch, history)
