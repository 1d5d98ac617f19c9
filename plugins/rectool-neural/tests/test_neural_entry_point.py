"""The distribution registers itself exactly as a third-party plugin would."""

from __future__ import annotations

from importlib.metadata import entry_points

import pluggy
from rectool_neural import NeuralModel, NeuralSocialModel

from rectool import hookspecs


def test_entry_point_registers_both_models() -> None:
    eps = {ep.name: ep for ep in entry_points(group="rectool")}
    assert "neural" in eps, "run: pip install -e plugins/rectool-neural"
    assert eps["neural"].dist is not None and eps["neural"].dist.name == "rectool-neural"
    pm = pluggy.PluginManager("rectool")
    pm.add_hookspecs(hookspecs)
    pm.register(eps["neural"].load(), name="neural")
    pm.check_pending()
    found: dict[str, type] = {}
    pm.hook.register_models(register=lambda name, cls: found.setdefault(name, cls))
    assert found == {"neural": NeuralModel, "neural-social": NeuralSocialModel}
