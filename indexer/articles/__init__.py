"""Reading articles: from a source file's entries to an ``Article`` of title, body, date, places,
terms and byline, with nothing of whoosh in it.

``sources`` walks files and folders into entries; ``reader`` makes each entry an
``Article``, helped by ``boilerplate`` and ``bylines`` (what is not the story),
``dates``, ``places`` (with the gazetteer in ``data/``) and ``terms``.
"""
