"""The library API for services: load data, fit a registered model, load a saved one.

```python
import rectool
data = rectool.load_dataset("lastfm")
model = rectool.fit("lightfm", data, epochs=10)
model.save("models/lastfm")
served = rectool.load_model("models/lastfm")       # in another process
served.recommend(["2", 5], k=10)                   # the caller's ids, str or int
served.recommend_for(friends=["2", "275"])        # a new user
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rectool.data.dataset import Dataset
from rectool.errors import UnknownNameError
from rectool.loading import load_dataset
from rectool.models import read_saved
from rectool.registry import resolve
from rectool.service import Recommendation, Recommender

__all__ = ["Recommendation", "Recommender", "fit", "load_dataset", "load_model"]


def fit(
    model: str,
    data: Dataset | str | Path,
    *,
    seed: int = 0,
    dataset_options: dict[str, Any] | None = None,
    **params: Any,
) -> Recommender:
    """Fit the registered model ``model`` (bare or ``plugin:name``) on all of ``data``.

    ``data`` is a ``Dataset`` or anything ``load_dataset`` accepts (then ``dataset_options``
    are passed to it); ``params`` are the model's parameters (``rectool models`` lists them).
    """
    entry = resolve("model", model)
    dataset = data if isinstance(data, Dataset) else load_dataset(data, **(dataset_options or {}))
    instance = entry.obj(seed=seed, **params)
    instance.registered_as = (entry.plugin, entry.name)
    instance.fit(dataset)
    return Recommender(instance)


def load_model(path: str | Path, *, trust: bool = False) -> Recommender:
    """Load a model folder written by ``save``; the class is found through the registry.

    The plugin that saved it must be installed. ``trust=True`` is needed only for models whose
    backend can only pickle itself (none of rectool's own); never pass it for untrusted files.
    """
    header, arrays = read_saved(path)
    plugin, name = header.get("plugin"), header.get("model")
    if not plugin or not name:
        raise UnknownNameError(
            f"{path} was saved from the unregistered class {header.get('class')!r}; load it with "
            "that class's .load(path), or register the class through a plugin and save again"
        )
    try:
        entry = resolve("model", f"{plugin}:{name}")
    except UnknownNameError as exc:
        raise UnknownNameError(
            f"{path} holds model {name!r} from plugin {plugin!r} "
            f"(version {header.get('plugin_version')}), which is not installed here: {exc}"
        ) from None
    return Recommender(entry.obj.from_saved(path, header, arrays, trust=trust))
