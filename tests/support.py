"""What several test files share: where the course data lies and how to load an example recipe.

``shared/`` stands beside the repository (as CI clones it), so its path is derived from this
file's place, never written out.
"""
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLES = REPO / "examples" / "seeds"


def example(name: str):
    """The module ``examples/seeds/<name>.py``, loaded from its file (the recipes are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
