"""rectool plugin: Surprise's SVD (biased matrix factorisation of ratings) as model ``svd``.

Registered through the ``rectool`` entry-point group. Importing this module never imports
``surprise`` itself (that happens inside ``fit``), so listing models stays fast and a missing
backend only fails when the model is actually trained.
"""

from __future__ import annotations

from rectool import hookimpl
from rectool_surprise.model import SVDModel

__all__ = ["SVDModel", "register_models"]
__version__ = "0.1.0"


@hookimpl
def register_models(register) -> None:  # noqa: ANN001 - the rectool Register callback
    register("svd", SVDModel)
