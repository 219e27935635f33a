"""What an index holds: articles, date span, counts by province and term, size."""

from __future__ import annotations

import os
from datetime import datetime

from whoosh.util.times import datetime_to_long, long_to_datetime

from .places import province_name
from .store import open_index, size_on_disk
from .terms import normalize_term


def index_stats(index_dir: str | os.PathLike) -> dict:
    ix = open_index(index_dir)
    with ix.reader() as reader:
        live = list(reader.all_doc_ids())
        # Raw column values: undated articles hold a sentinel no datetime can express.
        dates = reader.column_reader("published", translate=False)
        latest = datetime_to_long(datetime.max)
        published = sorted(long_to_datetime(v) for v in (dates[n] for n in live) if 0 < v < latest)

        def counts(fieldname: str, name) -> dict[str, int]:
            found = {}
            for term in reader.lexicon(fieldname):
                term = term.decode("utf-8")
                n = sum(1 for d in reader.postings(fieldname, term).all_ids() if not reader.is_deleted(d))
                if n:
                    found[name(term)] = n
            return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))

        return {
            "index": str(index_dir),
            "articles": len(live),
            "first_published": published[0].date().isoformat() if published else None,
            "last_published": published[-1].date().isoformat() if published else None,
            "undated": len(live) - len(published),
            "provinces": counts("province", province_name),
            "terms": counts("terms", lambda key: normalize_term(key) or key),
            "bytes": size_on_disk(index_dir),
        }
