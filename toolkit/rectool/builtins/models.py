"""Built-in models, registered through the same hook a third-party plugin uses."""

from __future__ import annotations

from rectool.builtins.linear import Linear
from rectool.builtins.popularity import Popularity
from rectool.builtins.socialmf import SocialMF
from rectool.hookspecs import Register, hookimpl


@hookimpl
def register_models(register: Register) -> None:
    register("popularity", Popularity)
    register("linear", Linear)
    register("socialmf", SocialMF)
