"""The plugin manager: built-ins and entry-point plugins, loaded through the same path.

``RECTOOL_LOAD_PLUGINS`` restricts which entry-point plugins load: unset loads all, an empty
string loads none (built-ins only), ``a,b`` loads the entry points or distributions named.
A plugin that fails to import, or implements a hook rectool does not know (a misspelling),
prints one line to stderr, is listed as failed by ``rectool plugins``, and the others keep
working; ``register_plugin`` (tests, notebooks) raises ``PluginError`` for the same faults.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pluggy

from rectool import hookspecs
from rectool.errors import PluginError

ENTRY_POINT_GROUP = "rectool"
LOAD_ENV = "RECTOOL_LOAD_PLUGINS"
DEFAULT_PLUGINS: tuple[str, ...] = (
    "rectool.builtins.models",
    "rectool.builtins.metrics",
    "rectool.builtins.datasets",
    "rectool.builtins.commands",
)


@dataclass
class PluginInfo:
    """What ``rectool plugins`` shows about one registered plugin."""

    name: str
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    hooks: list[str] = field(default_factory=list)
    error: str | None = None


_pm: pluggy.PluginManager | None = None
_info: dict[str, PluginInfo] = {}
_generation = 0  # bumped on every (un)registration so registries know to rebuild


def generation() -> int:
    return _generation


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built and loaded on first use."""
    global _pm
    if _pm is None:
        pm = pluggy.PluginManager("rectool")
        pm.add_hookspecs(hookspecs)
        _pm = pm
        load_plugins(pm)
    return _pm


def _selected() -> set[str] | None:
    raw = os.environ.get(LOAD_ENV)
    if raw is None:
        return None
    return {p.strip() for p in raw.split(",") if p.strip()}


def load_plugins(pm: pluggy.PluginManager) -> None:
    """Register built-ins, then every selected entry point; then ``check_pending``."""
    global _generation
    for modname in DEFAULT_PLUGINS:
        mod = importlib.import_module(modname)
        pm.register(mod, name=modname)
        _info[modname] = PluginInfo(name=modname, builtin=True, distribution="rectool")
    selected = _selected()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else None
        if selected is not None and ep.name not in selected and dist not in selected:
            continue
        if pm.has_plugin(ep.name):
            continue
        version = ep.dist.version if ep.dist is not None else None
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
            check_hooks(pm, plugin, ep.name)
        except Exception as exc:  # a broken plugin must not take the others down
            if pm.has_plugin(ep.name):  # pluggy may have registered part of it
                pm.unregister(name=ep.name)
            msg = " ".join(line.strip() for line in f"{type(exc).__name__}: {exc}".splitlines())
            _info[ep.name] = PluginInfo(ep.name, dist, version, error=msg)
            print(
                f"rectool: warning: plugin {ep.name!r} ({dist or 'unknown distribution'}) "
                f"failed to load and was skipped: {msg}",
                file=sys.stderr,
            )
            continue
        _info[ep.name] = PluginInfo(ep.name, dist, version)
    pm.check_pending()
    _generation += 1


def register_plugin(plugin: object, name: str) -> None:
    """Register a plugin object at run time (tests, notebooks); same path as entry points."""
    global _generation
    pm = get_plugin_manager()
    try:
        pm.register(plugin, name=name)
        check_hooks(pm, plugin, name)
    except Exception:
        if pm.has_plugin(name):
            pm.unregister(name=name)
        raise
    _info[name] = PluginInfo(name=name)
    _generation += 1


def check_hooks(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Raise ``PluginError`` naming the plugin when it implements a hook rectool does not know
    (a misspelling) or no hook at all (a missing ``@rectool.hookimpl`` marker)."""
    callers = pm.get_hookcallers(plugin) or []
    unknown = sorted(hc.name for hc in callers if not hc.has_spec())
    known = sorted(n for n in dir(hookspecs) if hasattr(getattr(hookspecs, n), "rectool_spec"))
    if unknown:
        hints = []
        for hook in unknown:
            close = difflib.get_close_matches(hook, known, n=1)
            hints.append(f"{hook!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise PluginError(
            f"plugin {name!r} implements unknown hook {', '.join(hints)}; "
            f"rectool hooks are: {', '.join(known)}"
        )
    if not callers:
        raise PluginError(
            f"plugin {name!r} implements no rectool hook; mark each hook function with "
            "@rectool.hookimpl (hooks: " + ", ".join(known) + ")"
        )


def unregister_plugin(name: str) -> None:
    global _generation
    pm = get_plugin_manager()
    if pm.has_plugin(name):
        pm.unregister(name=name)
    _info.pop(name, None)
    _generation += 1


def reset() -> None:
    """Forget the manager so the next use reloads plugins (honours a changed environment)."""
    global _pm, _generation
    _pm = None
    _info.clear()
    _generation += 1


def plugin_infos() -> list[PluginInfo]:
    """Every plugin with its distribution, version and implemented hooks (failed ones too)."""
    pm = get_plugin_manager()
    out = []
    for name, info in _info.items():
        plugin = pm.get_plugin(name)
        if plugin is not None:
            info.hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        out.append(info)
    return out
