"""The gate's size check: no function or method in indexer/ or search/ above cyclomatic
complexity 15 (radon's count) or longer than 60 lines, so each can be read whole.

    python .ci/complexity.py            # prints each one over, exit status 1 if any
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class

MAX_COMPLEXITY = 15
MAX_LINES = 60
ROOT = Path(__file__).resolve().parents[1]
#: Offline data tools, not on any path a user's build or search runs.
EXCLUDED = {"indexer/articles/data/derive_gazetteer.py"}


def over(path: Path) -> list[str]:
    """One line per function of ``path`` over either limit."""
    found = []
    for unit in cc_visit(path.read_text(encoding="utf-8")):  # functions and methods (a class's are listed too)
        if isinstance(unit, Class):
            continue
        lines = unit.endline - unit.lineno + 1
        if unit.complexity > MAX_COMPLEXITY or lines > MAX_LINES:
            found.append(f"{path.relative_to(ROOT)}:{unit.lineno}: {unit.fullname}: complexity {unit.complexity}, "
                         f"{lines} lines")
    return found


def main() -> int:
    found = [line for package in ("indexer", "search") for path in sorted((ROOT / package).rglob("*.py"))
             if path.relative_to(ROOT).as_posix() not in EXCLUDED for line in over(path)]
    print("\n".join(found) or f"every function within complexity {MAX_COMPLEXITY} and {MAX_LINES} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
