"""``vnsearch`` (and ``python -m search``): the command, with a Ctrl-C during start-up answered in one line.

Loading the command loads whoosh, underthesea and click, a few tenths of a
second and more on a busy machine; a Ctrl-C then would print a traceback of
whichever module was loading. Past that point the commands answer it themselves.
"""

import signal
import sys


def main() -> None:
    try:
        from .cli import main as command
    except KeyboardInterrupt:
        sys.stderr.write("vnsearch: interrupted\n")
        sys.exit(128 + signal.SIGINT)
    command()


if __name__ == "__main__":
    main()
