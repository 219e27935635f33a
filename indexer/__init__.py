"""Reading Vietnamese news articles and building a whoosh index of them.

``build_index`` is the batch job; the rest of the package is its parts: the
analysis chain both sides share, the article reader, and the schema.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what a user's type checker sees; at run time each name loads on first use
    from .build import BuildError, BuildSummary, NothingToIndex, build_index, ensure_default_index

__all__ = ["BuildError", "BuildSummary", "NothingToIndex", "build_index", "ensure_default_index"]


def __getattr__(name: str) -> object:
    # Loaded on first use: searching imports parts of this package (the analysis
    # chain, the schema) and should not pay for the build's machinery.
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
