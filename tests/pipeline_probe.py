"""What the pipeline makes of a fixed set of real articles, as one digest per probe set.

``PIPELINE_VERSION`` (``indexer.engine.schema``) is in every content hash: a build
re-indexes every article when it changes, and only then. It is set by hand, so a
refactor that changes no document costs no re-index; this probe catches a change that
does alter documents without the version being bumped: every field of every
document, and every term each field's analyzer makes of it, go into the digest.

    python tests/pipeline_probe.py --record    # after bumping PIPELINE_VERSION

records the digests for the current version in ``tests/data/pipeline-probe.json``.
The ``devset`` set needs ../shared (CI has it); the ``bundled`` set always runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from indexer.articles.sources import Item, iter_entries  # noqa: E402
from indexer.build import prepare  # noqa: E402
from indexer.engine.schema import PIPELINE_VERSION, make_schema  # noqa: E402

RECORDED = Path(__file__).parent / "data" / "pipeline-probe.json"
DEVSET = ROOT.parent / "shared" / "devset"
#: (file, records taken from its start): long national articles, provincial leads, 2017 news with titles.
DEVSET_PROBE = (("articles.jsonl", 80), ("local-leads.jsonl", 229), ("baomoi-2017.jsonl", 40))


def bundled_sources() -> list[Path]:
    return [ROOT / "corpus", *sorted((Path(__file__).parent / "fixtures").glob("*.jsonl"))]


def devset_sources(folder: Path) -> list[Path]:
    """The first records of each devset file, copied into ``folder`` (the build reads whole files)."""
    paths = []
    for name, n in DEVSET_PROBE:
        with open(DEVSET / name, encoding="utf-8") as f:
            lines = list(itertools.islice(f, n))
        path = folder / name
        path.write_text("".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def digest(sources: list[Path]) -> str:
    """One digest of every document the sources make: its fields' values and each field's terms.

    The content hash (``hash``) is left out: it holds the version itself.
    """
    schema = make_schema()
    out = hashlib.blake2b(digest_size=12)
    for entry in iter_entries(sources):
        assert isinstance(entry, Item), str(entry)
        document = prepare(entry)
        out.update(repr((entry.id, document if isinstance(document, str) else None)).encode())
        if isinstance(document, str):
            continue
        for name, value in sorted(document.items()):
            if name == "hash":
                continue
            field = schema[name]
            terms = sorted(field.index(value)) if field.indexed and value is not None and value != "" else []
            out.update(repr((name, value, terms)).encode())
    return out.hexdigest()


def recorded() -> dict:
    return json.loads(RECORDED.read_text(encoding="utf-8"))


def main() -> None:
    import tempfile

    if "--record" not in sys.argv[1:]:
        raise SystemExit("usage: python tests/pipeline_probe.py --record")
    figures = {"version": PIPELINE_VERSION, "bundled": digest(bundled_sources())}
    if DEVSET.is_dir():
        with tempfile.TemporaryDirectory() as folder:
            figures["devset"] = digest(devset_sources(Path(folder)))
    else:
        raise SystemExit(f"{DEVSET}: not found; the devset digest needs it")
    RECORDED.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
