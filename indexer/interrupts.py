"""Ctrl-C and SIGTERM: a command stopped either way says so in one line, with the shell's exit status.

A service manager, ``timeout`` or ``kill`` stops a build with SIGTERM, whose
default ends the process at once: no message, and the build's partial segments
and temporary folders left for the next build to sweep. Raised as an exception
instead, it takes the same way out as Ctrl-C: the build cleans up, the command
prints one line.
"""

from __future__ import annotations

import signal
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so that every handler of one handles both."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def answer_sigterm() -> None:
    """From now on, SIGTERM raises ``Terminated`` in the main thread."""
    signal.signal(signal.SIGTERM, _raise_terminated)


def stopped(error: KeyboardInterrupt) -> tuple[str, int]:
    """What to say of a stop, and the exit status a shell gives it (128 + the signal's number)."""
    if isinstance(error, Terminated):
        return "terminated", 128 + signal.SIGTERM
    return "interrupted", 128 + signal.SIGINT
