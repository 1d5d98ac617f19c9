"""The distribution registers itself exactly as a third-party plugin would."""

from __future__ import annotations

from importlib.metadata import entry_points

import pluggy
from rectool_surprise import SVDModel

from rectool import hookspecs


def test_entry_point_is_registered() -> None:
    eps = {ep.name: ep for ep in entry_points(group="rectool")}
    assert "surprise" in eps, "run: pip install -e plugins/rectool-surprise"
    ep = eps["surprise"]
    assert ep.value == "rectool_surprise"
    assert ep.dist is not None and ep.dist.name == "rectool-surprise"


def test_hook_registers_model_through_pluggy() -> None:
    pm = pluggy.PluginManager("rectool")
    pm.add_hookspecs(hookspecs)
    (ep,) = [ep for ep in entry_points(group="rectool") if ep.name == "surprise"]
    pm.register(ep.load(), name=ep.name)
    pm.check_pending()
    found: dict[str, type] = {}
    pm.hook.register_models(register=lambda name, cls: found.setdefault(name, cls))
    assert found == {"svd": SVDModel}
