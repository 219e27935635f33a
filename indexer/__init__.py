"""Reading Vietnamese news articles and building a whoosh index of them.

``build_index`` is the batch job; the rest of the package is its parts: the
analysis chain both sides share, the article reader, and the schema.
"""

from .build import BuildError, BuildSummary, build_index

__all__ = ["BuildError", "BuildSummary", "build_index"]
