"""Every hook in hookspecs.py is documented in docs/plugins.md with its exact signature."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOKSPECS = ROOT / "toolkit" / "rectool" / "hookspecs.py"
GUIDE = ROOT / "docs" / "plugins.md"


def hook_signatures() -> dict[str, str]:
    """``name -> "def name(args) -> ret"`` for each function decorated with ``@hookspec``."""
    tree = ast.parse(HOOKSPECS.read_text())
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
            ast.unparse(d).startswith("hookspec") for d in node.decorator_list
        ):
            returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
            out[node.name] = f"def {node.name}({ast.unparse(node.args)}){returns}"
    return out


def test_hookspecs_are_found():
    import rectool.hookspecs as specs

    marked = {n for n in dir(specs) if hasattr(getattr(specs, n), "rectool_spec")}
    assert set(hook_signatures()) == marked and marked


@pytest.mark.parametrize("hook", sorted(hook_signatures()))
def test_hook_is_documented_with_its_exact_signature(hook):
    guide = GUIDE.read_text()
    assert f"### {hook}\n" in guide, f"docs/plugins.md has no section '### {hook}'"
    signature = hook_signatures()[hook]
    assert signature in guide, (
        f"docs/plugins.md does not show the exact signature of {hook}; add:\n    {signature}"
    )
