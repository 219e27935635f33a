"""``vnsearch`` (and ``python -m search``): the command, with what can go wrong while it loads answered in one line.

Loading the command loads whoosh, underthesea and click, a few tenths of a
second and more on a busy machine; a Ctrl-C then would print a traceback of
whichever module was loading. Past that point the commands answer it themselves.
A broken install (a missing package, or a whoosh other than the pinned one,
which ``indexer.engine.whoosh_internals`` refuses), found when the command or the
modules it loads later are imported, is also a user's problem to fix, not a
traceback to read: its line says what to install.
"""

import sys


def main() -> None:
    from indexer.interrupts import answer_sigterm, stopped  # a small module: the package loads lazily

    answer_sigterm()
    try:
        from .cli import main as command
        command()  # which loads the index and search modules when a command first needs them
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM while loading: past that, the commands answer it
        word, status = stopped(e)
        sys.stderr.write(f"vnsearch: {word}\n")
        sys.exit(status)
    except ImportError as e:
        sys.stderr.write(f"vnsearch: {e}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
