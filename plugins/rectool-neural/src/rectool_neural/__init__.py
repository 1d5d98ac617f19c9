"""rectool plugin: a LightGCN graph recommender in PyTorch, ``neural`` and ``neural-social``.

Registered through the ``rectool`` entry-point group. Importing this module never imports
``torch`` (that happens inside ``fit``), so listing models stays fast and a missing PyTorch only
fails when the model is trained, with a message that says what to install.
"""

from __future__ import annotations

from rectool import hookimpl
from rectool_neural.model import NeuralModel, NeuralSocialModel

__all__ = ["NeuralModel", "NeuralSocialModel", "register_models"]
__version__ = "0.1.0"


@hookimpl
def register_models(register) -> None:  # noqa: ANN001 - the rectool Register callback
    register("neural", NeuralModel)
    register("neural-social", NeuralSocialModel)
