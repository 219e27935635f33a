"""``vnsearch`` (and ``python -m search``): the command, with what can go wrong while it loads answered in one line.

Loading the command loads whoosh, underthesea and click, a few tenths of a
second and more on a busy machine; a Ctrl-C then would print a traceback of
whichever module was loading. Past that point the commands answer it themselves.
A broken install (a missing package, or a whoosh other than the pinned one,
which ``indexer.whoosh_internals`` refuses), found when the command or the
modules it loads later are imported, is also a user's problem to fix, not a
traceback to read: its line says what to install.
"""

import signal
import sys


def main() -> None:
    try:
        from .cli import main as command
        command()  # which loads the index and search modules when a command first needs them
    except KeyboardInterrupt:  # only while loading: past that, click and the commands answer it
        sys.stderr.write("vnsearch: interrupted\n")
        sys.exit(128 + signal.SIGINT)
    except ImportError as e:
        sys.stderr.write(f"vnsearch: {e}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
