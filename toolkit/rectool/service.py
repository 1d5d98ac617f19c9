"""Recommender: a fitted model that speaks the caller's ids, for use inside services.

``rectool.fit`` and ``rectool.load_model`` return one. Ids in and out are external ids: ``"1"``,
``1`` and ``np.int64(1)`` name the same user (``rectool.data.normalize_id``). Every list says
whether it is personalised or a fallback, and why. A ``Recommender`` never mutates itself after
construction, so one instance may serve many threads at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rectool.data.idmap import IdMap, normalize_id
from rectool.errors import ConfigError, ModelError
from rectool.models import Model, top_k

Status = Literal["personalised", "fallback"]
OnUnknown = Literal["popular", "error", "empty"]
ON_UNKNOWN = ("popular", "error", "empty")

UNKNOWN_USER = "unknown user"
NO_HISTORY = "no history"
ALL_SEEN = "all items already seen"
NO_SCORE = "the model scores none of the remaining items"


@dataclass(frozen=True)
class Recommendation:
    """One user's list: item ids (the caller's, as strings) best first, their scores, and why.

    ``status`` is ``personalised`` or ``fallback``; ``reason`` says why a fallback was served
    (``unknown user``, ``no history``, ``all items already seen`` -- then the list is empty);
    ``source`` names what produced the list (``model``, ``history``, ``friends``, ``popular``,
    or ``none`` when empty);
    ``detail`` adds a sentence where the reason alone would hide something.
    """

    user: str | None
    items: tuple[str, ...]
    scores: tuple[float, ...]
    status: Status
    reason: str | None = None
    source: str = "model"
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "user": self.user, "items": list(self.items),
            "scores": [None if not np.isfinite(s) else round(float(s), 6) for s in self.scores],
            "status": self.status, "reason": self.reason, "source": self.source,
        }
        if self.detail:
            out["detail"] = self.detail
        return out


class Recommender:
    """A fitted ``Model`` plus its id maps: recommend, score, fold in new users, save."""

    def __init__(self, model: Model) -> None:
        if not model.fitted:
            raise ModelError(f"{type(model).__name__} is not fitted; call fit(train) first")
        if model.user_ids is None or model.item_ids is None:
            raise ModelError(
                f"{type(model).__name__} has no id maps (it was loaded from an old save or "
                "fitted without a Dataset); refit it with rectool.fit"
            )
        assert model._seen is not None
        self.model = model
        self._seen = model._seen
        self._history = np.diff(model._seen.indptr)
        counts = np.bincount(model._seen.indices, minlength=model.n_items).astype(np.float32)
        self._popular_scores = counts
        self._popular = np.lexsort((np.arange(model.n_items), -counts))  # most popular first
        self._popular.flags.writeable = False

    # -- description -------------------------------------------------------------------------
    @property
    def users(self) -> IdMap:
        assert self.model.user_ids is not None
        return self.model.user_ids

    @property
    def items(self) -> IdMap:
        assert self.model.item_ids is not None
        return self.model.item_ids

    @property
    def name(self) -> str:
        reg = self.model.registered_as
        return reg[1] if reg else type(self.model).__name__

    @property
    def info(self) -> dict[str, Any]:
        """What the model is and what it saw (no arrays)."""
        reg = self.model.registered_as
        return {
            "model": self.name, "plugin": reg[0] if reg else None,
            "params": dict(self.model.params), "seed": self.model.seed,
            "users": self.model.n_users, "items": self.model.n_items,
            "dataset": self.model.dataset_name, "fingerprint": self.model.dataset_fingerprint,
        }

    def __repr__(self) -> str:
        return (f"Recommender({self.name!r}, users={self.model.n_users}, "
                f"items={self.model.n_items}, dataset={self.model.dataset_name!r})")

    def save(self, path: str | Path) -> None:
        """Write the model folder (JSON metadata + npz arrays); ``rectool.load_model`` reads it."""
        self.model.save(path)

    # -- known users -------------------------------------------------------------------------
    def recommend(
        self,
        user_ids: Iterable[Any] | str | int,
        k: int = 10,
        *,
        exclude_seen: bool = True,
        on_unknown: OnUnknown = "popular",
    ) -> list[Recommendation]:
        """One ``Recommendation`` per user id, in order (a single id gives a list of one).

        Users with training history get the model's top k (their training items masked unless
        ``exclude_seen=False``). Users in the id map without history get the popular items.
        Unknown ids follow ``on_unknown``: ``popular`` items, an ``error`` (ModelError), or an
        ``empty`` list; all three say ``unknown user``.
        """
        if on_unknown not in ON_UNKNOWN:
            raise ConfigError(f"on_unknown must be one of {', '.join(ON_UNKNOWN)}, got {on_unknown!r}")
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}")
        if isinstance(user_ids, (str, int, np.integer)):
            user_ids = [user_ids]
        keys = [normalize_id(u) for u in user_ids]
        idx = self.users.lookup(keys)
        unknown = idx < 0
        if on_unknown == "error" and unknown.any():
            bad = [keys[i] for i in np.flatnonzero(unknown)[:5]]
            raise ModelError(
                f"{int(unknown.sum())} user id(s) unknown to the model, e.g. "
                f"{', '.join(map(repr, bad))}; use on_unknown='popular' or 'empty' to serve them"
            )
        with_history = ~unknown
        with_history[with_history] = self._history[idx[with_history]] > 0
        rows = np.flatnonzero(with_history)
        ranked, scores = self.model.recommend(
            idx[rows], k, exclude_seen=exclude_seen, return_scores=True
        )
        out: list[Recommendation | None] = [None] * len(keys)
        # ids and scores converted for the whole batch at once (-1 padding sits at each row's end)
        lengths = (ranked >= 0).sum(axis=1).tolist()
        names = self.items.ids[np.maximum(ranked, 0)].tolist()
        values = scores.tolist()
        for j, r in enumerate(rows.tolist()):
            n = lengths[j]
            if n == 0:
                out[r] = self._nothing_left(keys[r], int(idx[r]), k)
                continue
            out[r] = Recommendation(keys[r], tuple(names[j][:n]), tuple(values[j][:n]),
                                    "personalised")
        for r in np.flatnonzero(~with_history):
            if unknown[r]:
                if on_unknown == "empty":
                    out[r] = Recommendation(keys[r], (), (), "fallback", UNKNOWN_USER, "none")
                else:
                    out[r] = self._popular_list(keys[r], k, UNKNOWN_USER)
            else:
                out[r] = self._popular_list(keys[r], k, NO_HISTORY)
        return out  # type: ignore[return-value]

    def _nothing_left(self, key: str, user: int, k: int) -> Recommendation:
        """A known user for whom masking left no scorable item."""
        seen = self._seen.indices[self._seen.indptr[user] : self._seen.indptr[user + 1]]
        if len(seen) >= self.model.n_items:  # nothing is left to recommend: say so, serve none
            return Recommendation(
                key, (), (), "fallback", ALL_SEEN, "none",
                f"all {self.model.n_items} items are in the user's history; "
                "exclude_seen=False ranks them",
            )
        return self._popular_list(key, k, NO_SCORE, exclude=seen)

    def _popular_list(self, key: str | None, k: int, reason: str,
                      exclude: np.ndarray | None = None, detail: str | None = None
                      ) -> Recommendation:
        order = self._popular
        if exclude is not None and len(exclude):
            order = order[~np.isin(order, exclude)]
        top = order[:k]
        return Recommendation(key, tuple(self.items.ids[top].tolist()),
                              tuple(self._popular_scores[top].tolist()), "fallback", reason,
                              "popular", detail)

    # -- new users ---------------------------------------------------------------------------
    def recommend_for(
        self,
        *,
        history: Iterable[Any] | None = None,
        friends: Iterable[Any] | None = None,
        features: Any = None,
        k: int = 10,
        exclude_seen: bool = True,
    ) -> Recommendation:
        """Recommendations for a user who is not in the training data.

        ``history`` (item ids the user interacted with) is folded into the model
        (``Model.fold_in``: exact for linear and popularity, a similarity-weighted average of
        the closest training users otherwise); failing that, ``friends`` (user ids): a model with
        ``fold_in_friends`` (lightfm-social, socialmf) scores the user's social feature row, any
        other averages the scores of the friends it knows with history -- a ``fallback`` with
        reason ``no history`` and source ``friends``; failing those, ``features`` (a mapping
        ``{name: value}`` or an iterable of names, valued 1; names as in the dataset's user
        features, e.g. ``gender:F``): a model with ``fold_in_features`` (lightfm fitted with
        user features) scores that row -- a ``fallback`` with source ``features``; failing
        all, the popular items with reason ``no history`` and, in ``detail``, why.
        """
        if k < 1:
            raise ConfigError(f"k must be at least 1, got {k}")
        wanted = None if features is None else _feature_weights(features)
        notes: list[str] = []
        known_items = np.empty(0, dtype=np.int64)
        if history is not None:
            hist_keys = [normalize_id(i) for i in history]
            found = self.items.lookup(hist_keys)
            known_items = np.unique(found[found >= 0])
            if len(found) and (found < 0).any():
                notes.append(f"{int((found < 0).sum())} of {len(found)} history items unknown")
        scores: np.ndarray | None = None
        source = "history"
        if len(known_items):
            scores = self.model.fold_in(known_items)
            if scores is None:
                notes.append("the model could not fold in this history")
        if scores is None and friends is not None:
            friend_idx = self.users.lookup([normalize_id(f) for f in friends])
            usable = np.unique(friend_idx[friend_idx >= 0])
            usable = usable[self._history[usable] > 0]
            if len(usable):
                # a model with a social feature space (lightfm-social, socialmf) scores the new
                # user's own social row; any other model averages the friends' score rows
                social = getattr(self.model, "fold_in_friends", None)
                scores = social(usable) if social is not None else None
                if scores is None:
                    scores = np.asarray(self.model.score(usable), dtype=np.float64).mean(axis=0)
                else:
                    notes.append(f"scored from the social feature rows of {len(usable)} friends")
                source = "friends"
            else:
                notes.append(f"none of the {len(friend_idx)} friends is known with history")
        if wanted is not None and scores is not None:
            notes.append(f"features not used: scored from the {source}")
        elif wanted is not None and not wanted:
            notes.append("no features given (every value was 0 or the list was empty)")
        elif wanted is not None:
            scores = self.model.fold_in_features(wanted)
            if scores is None:
                notes.append(f"{self.name} cannot score a new user from features alone (it was "
                             "fitted without user features, or does not use them)")
            else:
                source = "features"
        exclude = known_items if exclude_seen else None
        if scores is None:
            return self._popular_list(None, k, NO_HISTORY, exclude, "; ".join(notes) or None)
        row = np.array(scores, dtype=np.float32).reshape(1, -1)
        if exclude is not None and len(exclude):
            row[0, exclude] = -np.inf
        ranked, top = top_k(row, k, return_scores=True)
        n = int((ranked[0] >= 0).sum())
        if n == 0:
            return self._popular_list(None, k, ALL_SEEN if exclude is not None and
                                      len(exclude) >= self.model.n_items else NO_SCORE,
                                      exclude, "; ".join(notes) or None)
        cold_social = source != "history"  # no history of their own: friends or features
        return Recommendation(None, tuple(self.items.ids[ranked[0, :n]].tolist()),
                              tuple(top[0, :n].tolist()),
                              "fallback" if cold_social else "personalised",
                              NO_HISTORY if cold_social else None, source,
                              "; ".join(notes) or None)

    # -- scores ------------------------------------------------------------------------------
    def score(self, user_ids: Iterable[Any], item_ids: Iterable[Any]) -> np.ndarray:
        """Scores (users x items, float32) for known user and item ids; unknown ids are an error."""
        users = self._known(self.users, user_ids, "user")
        items = self._known(self.items, item_ids, "item")
        return np.asarray(self.model.score(users, items), dtype=np.float32)

    @staticmethod
    def _known(idmap: IdMap, ids: Iterable[Any], what: str) -> np.ndarray:
        if isinstance(ids, (str, int, np.integer)):
            ids = [ids]
        keys = [normalize_id(i) for i in ids]
        idx = idmap.lookup(keys)
        if (idx < 0).any():
            bad = [keys[i] for i in np.flatnonzero(idx < 0)[:5]]
            raise ModelError(f"unknown {what} id(s) {', '.join(map(repr, bad))}")
        return idx


def _feature_weights(features: Any) -> dict[str, float]:
    """``{name: weight}`` from a mapping, an iterable of names (weight 1) or one name; zero
    weights are left out. A weight that is not a finite positive number is a ModelError naming
    the feature: a NaN or infinite weight would silently turn the row into noise."""
    if isinstance(features, Mapping):
        given = dict(features)
    else:
        given = dict.fromkeys([features] if isinstance(features, str) else list(features), 1.0)
    out: dict[str, float] = {}
    for name, raw in given.items():
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = float("nan")
        if not np.isfinite(value) or value < 0:
            raise ModelError(f"feature {str(name)!r}: weight {raw!r} is not a finite number >= 0; "
                             "give 1 for a feature the user has, or leave it out")
        if value > 0:
            out[str(name)] = value
    return out
