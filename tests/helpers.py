"""Small helpers shared by the test modules (pytest puts this folder on sys.path:
the tests are not a package, so ``from helpers import ...`` works from any rootdir run)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from indexer.articles.dates import VIETNAM

TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def vn(*args) -> datetime:
    """A datetime in Vietnam time: ``vn(2020, 6, 22, 8, 36)``."""
    return datetime(*args, tzinfo=VIETNAM)


def windows_1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows software writes it: base letters (â ê ô ơ ư ă)
    precomposed, tone marks as combining characters after them."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
                   + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


CLI = [sys.executable, "-m", "search.cli"]


@functools.cache
def _unprivileged_prefix() -> tuple[str, ...] | str:
    """What to put before a command so file permissions bind it, or why that cannot be done here."""
    if os.geteuid() != 0:
        prefix: tuple[str, ...] = ()
    elif shutil.which("setpriv"):
        # Root keeps its uid (so an interpreter installed under /root still runs) but loses
        # the two capabilities that let it read, write and enter any folder whatever its mode.
        prefix = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--")
    else:
        return "running as root without setpriv: file permissions cannot be made to bind"
    with tempfile.TemporaryDirectory() as probe:
        os.chmod(probe, 0)
        try:
            run = subprocess.run([*prefix, sys.executable, "-c", "import os, sys; os.listdir(sys.argv[1])", probe],
                                 capture_output=True, timeout=60)
        finally:
            os.chmod(probe, 0o700)
    return prefix if run.returncode != 0 else "chmod 000 has no effect here (privileges could not be dropped)"


def unprivileged_cli() -> list[str]:
    """The command line of the CLI in a process bound by file permissions (skips the test where none can be)."""
    prefix = _unprivileged_prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    return [*prefix, *CLI]


_RUN_COMMANDS = """
import json, sys
from click.testing import CliRunner
from search.cli import main
results = [CliRunner().invoke(main, args) for args in json.loads(sys.argv[1])]
print(json.dumps([(r.exit_code, r.stdout, r.stderr) for r in results]))
"""


def unprivileged_commands(commands: list[list[str]], env: dict | None = None) -> list[tuple[int, str, str]]:
    """Exit status, stdout and stderr of each ``vnsearch`` command, run in one process bound by file
    permissions (one interpreter start for them all: the suite stays fast)."""
    prefix = unprivileged_cli()[:-3]  # without the CLI itself
    run = subprocess.run([*prefix, sys.executable, "-c", _RUN_COMMANDS, json.dumps(commands)],
                         capture_output=True, text=True, timeout=180, env=env)
    assert run.returncode == 0, run.stderr
    return [tuple(r) for r in json.loads(run.stdout)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(index_dir: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`vnsearch serve` over ``index_dir`` on a free loopback port, as a user starts it from a terminal
    (a process group of its own), once it answers: its address, and the process; stopped at the end."""
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--index", str(index_dir), "--port", str(port), *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"vnsearch serve did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
        process.stderr.close()
