"""The one module that reaches into whoosh's private names, tested on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from indexer import whoosh_internals as wi


def test_the_pinned_whoosh_is_accepted() -> None:
    wi.check_version(wi.PINNED)


@pytest.mark.parametrize("found", [(2, 7, 4), (2, 7, 6), (3, 0, 0)])
def test_another_whoosh_is_refused_in_one_line_naming_the_pin(found) -> None:
    with pytest.raises(wi.WhooshVersionError) as caught:
        wi.check_version(found)
    message = str(caught.value)
    assert "\n" not in message
    assert "whoosh-reloaded==2.7.5" in message and ".".join(map(str, found)) in message


def test_the_command_under_another_whoosh_says_so_in_one_line() -> None:
    # The check runs as the command loads; a user sees its line, not a traceback.
    script = "import whoosh; whoosh.__version__ = (2, 7, 6); from search.__main__ import main; main()"
    done = subprocess.run([sys.executable, "-c", script, "search", "hà nội"], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "vnsearch: vnsearch needs whoosh-reloaded 2.7.5 (found 2.7.6): pip install 'whoosh-reloaded==2.7.5'"]
