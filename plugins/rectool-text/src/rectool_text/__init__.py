"""rectool plugin: featurizer ``text``, sentence embeddings of the texts attached to items.

Registered through the ``rectool`` entry-point group. Importing this module never imports
``torch`` or ``sentence_transformers``; they load when texts are first embedded.
"""

from __future__ import annotations

from rectool import hookimpl
from rectool_text.embed import embed_texts
from rectool_text.featurizer import TextFeaturizer

__all__ = ["TextFeaturizer", "embed_texts", "register_featurizers"]
__version__ = "0.1.0"


@hookimpl
def register_featurizers(register) -> None:  # noqa: ANN001 - the rectool Register callback
    register("text", TextFeaturizer)
