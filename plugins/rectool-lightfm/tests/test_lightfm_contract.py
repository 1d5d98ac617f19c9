"""LightFM passes rectool's model contract suite, like any third-party model."""

from __future__ import annotations

from rectool_lightfm import LightFMModel

from rectool.testing import ModelContract


class TestLightFMContract(ModelContract):
    model_class = LightFMModel
    params = {"no_components": 8, "epochs": 10}
