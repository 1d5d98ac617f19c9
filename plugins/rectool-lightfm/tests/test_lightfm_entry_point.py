"""The distribution registers itself exactly as a third-party plugin would."""

from __future__ import annotations

from importlib.metadata import entry_points

import pluggy
from rectool_lightfm import LightFMModel, LightFMSocialModel

from rectool import hookspecs


def test_entry_point_is_registered() -> None:
    eps = {ep.name: ep for ep in entry_points(group="rectool")}
    assert "lightfm" in eps, "run: pip install -e plugins/rectool-lightfm"
    ep = eps["lightfm"]
    assert ep.value == "rectool_lightfm"
    assert ep.dist is not None and ep.dist.name == "rectool-lightfm"


def test_hook_registers_model_through_pluggy() -> None:
    pm = pluggy.PluginManager("rectool")
    pm.add_hookspecs(hookspecs)
    (ep,) = [ep for ep in entry_points(group="rectool") if ep.name == "lightfm"]
    pm.register(ep.load(), name=ep.name)
    pm.check_pending()
    found: dict[str, type] = {}
    pm.hook.register_models(register=lambda name, cls: found.setdefault(name, cls))
    assert found == {"lightfm": LightFMModel, "lightfm-social": LightFMSocialModel}
