"""LightFM (plain and social) passes rectool's model contract suite, like any third-party model."""

from __future__ import annotations

from rectool_lightfm import LightFMModel, LightFMSocialModel

from rectool.testing import ModelContract


class TestLightFMContract(ModelContract):
    model_class = LightFMModel
    params = {"no_components": 8, "epochs": 10}


class TestLightFMSocialContract(ModelContract):
    model_class = LightFMSocialModel
    params = {"no_components": 8, "epochs": 10}
