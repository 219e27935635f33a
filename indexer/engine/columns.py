"""A sortable field's values by document number, read segment by segment.

whoosh's multi-segment column reader leaves out the segments that have no
file for the column (a run of undated articles writes no ``published``
column) but keeps counting document numbers as if they were there: values
shift onto the wrong documents, a number past the last column ends in
``struct.error``, and an index where no segment has the column ends in
``IndexError``. Each segment's own reader knows its document count and gives
the column's default for what it does not hold, so the values are read from
each segment in turn and laid end to end, which is how the index numbers
its documents.
"""

from __future__ import annotations

from typing import Any

from whoosh.reading import IndexReader


def column_values(reader: IndexReader, fieldname: str) -> list[Any]:
    """Raw (untranslated) column values of every document, deleted ones included, by document number
    (whatever the column holds: ``published``'s are numbers, ``id``'s strings)."""
    values: list[Any] = []
    for leaf, offset in reader.leaf_readers():
        assert offset == len(values), "segments are numbered end to end"
        column = leaf.column_reader(fieldname, translate=False)
        values.extend(column[n] for n in range(leaf.doc_count_all()))
    return values
