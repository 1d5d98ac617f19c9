"""rectool plugin: LightFM (WARP / BPR / logistic hybrid matrix factorisation) as model ``lightfm``,
and ``lightfm-social`` (the same with social user features on; needs a social graph).

Registered through the ``rectool`` entry-point group. Importing this module never imports
``lightfm`` itself (that happens inside ``fit``), so listing models stays fast and a missing
backend only fails when the model is actually trained.
"""

from __future__ import annotations

from rectool import hookimpl
from rectool_lightfm.model import LightFMModel, LightFMSocialModel

__all__ = ["LightFMModel", "LightFMSocialModel", "register_models"]
__version__ = "0.1.0"


@hookimpl
def register_models(register) -> None:  # noqa: ANN001 - the rectool Register callback
    register("lightfm", LightFMModel)
    register("lightfm-social", LightFMSocialModel)
