"""Name -> registered thing, remembering which plugin registered it.

Names are unique per plugin and always addressable as ``plugin:name``. A bare name resolves
when exactly one plugin provides it; a name two plugins provide is an error only when used,
and the message lists both qualified names. Unknown names get a "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from typing import Any, Literal

from rectool import plugins
from rectool.errors import AmbiguousNameError, RectoolError, UnknownNameError

Kind = Literal["model", "metric", "dataset", "featurizer"]
_HOOKS: dict[Kind, str] = {
    "model": "register_models",
    "metric": "register_metrics",
    "dataset": "register_datasets",
    "featurizer": "register_featurizers",
}


@dataclass(frozen=True)
class Entry:
    """One registered thing."""

    name: str
    plugin: str
    obj: Any

    @property
    def qualified(self) -> str:
        return f"{self.plugin}:{self.name}"

    @property
    def description(self) -> str:
        doc = getattr(self.obj, "description", None) or getattr(self.obj, "__doc__", None) or ""
        return doc.strip().splitlines()[0] if doc.strip() else ""


class Registry:
    """All entries of one kind, collected from every plugin's hook implementation."""

    def __init__(self, kind: Kind, entries: list[Entry]) -> None:
        self.kind = kind
        self.entries = entries

    def names(self) -> list[str]:
        return sorted({e.name for e in self.entries})

    def resolve(self, name: str) -> Entry:
        """The entry for ``name`` or ``plugin:name``; clear errors for unknown or ambiguous."""
        if ":" in name:
            plugin, _, bare = name.rpartition(":")
            found = [e for e in self.entries if e.name == bare and e.plugin == plugin]
        else:
            found = [e for e in self.entries if e.name == name]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            options = ", ".join(sorted(e.qualified for e in found))
            raise AmbiguousNameError(
                f"{self.kind} name {name!r} is provided by more than one plugin: {options}; "
                "use the qualified name"
            )
        candidates = [e.qualified for e in self.entries] if ":" in name else self.names()
        close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        available = ", ".join(self.names()) or "none"
        raise UnknownNameError(
            f"unknown {self.kind} {name!r}.{hint} Available {self.kind}s: {available}. "
            "Run `rectool plugins` to see what is installed."
        )


_cache: dict[Kind, tuple[int, Registry]] = {}


def get_registry(kind: Kind) -> Registry:
    """The registry of one kind, rebuilt whenever plugins were (un)registered."""
    pm = plugins.get_plugin_manager()
    gen = plugins.generation()
    cached = _cache.get(kind)
    if cached and cached[0] == gen:
        return cached[1]
    entries: list[Entry] = []
    hook = getattr(pm.hook, _HOOKS[kind])
    for impl in hook.get_hookimpls():
        plugin_name = _short_name(impl.plugin_name)
        mine: list[Entry] = []

        def register(name: str, obj: Any, _plugin: str = plugin_name,
                     _mine: list[Entry] = mine) -> None:
            if any(e.name == name for e in _mine):
                raise RectoolError(f"plugin {_plugin!r} registered {kind} {name!r} twice")
            _mine.append(Entry(name=name, plugin=_plugin, obj=obj))

        try:
            impl.function(register=register)
        except Exception as exc:  # one plugin's broken hook must not take the others down
            msg = " ".join(f"{type(exc).__name__}: {exc}".split())
            print(f"rectool: warning: plugin {plugin_name!r} failed in {_HOOKS[kind]} and its "
                  f"{kind}s were skipped: {msg}", file=sys.stderr)
            continue
        entries.extend(mine)
    reg = Registry(kind, entries)
    _cache[kind] = (gen, reg)
    return reg


def _short_name(plugin_name: str) -> str:
    """``rectool.builtins.models`` -> ``builtin``; entry-point names are kept as they are."""
    return "builtin" if plugin_name.startswith("rectool.builtins.") else plugin_name


def resolve(kind: Kind, name: str) -> Entry:
    return get_registry(kind).resolve(name)
