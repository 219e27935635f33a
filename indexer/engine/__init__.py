"""The whoosh side of the index: its fields (``schema``), how segments are written (``codec``,
``segment``, ``columns``), opened and replaced (``store``, ``mapped_storage``).

``whoosh_internals`` is imported first: it checks the installed whoosh is the version whose
private names it uses, and routes every unpickling of index content through its allow-list,
before any other module here touches whoosh.
"""

from . import whoosh_internals  # noqa: F401  (first: the version check and the unpickling guard)
