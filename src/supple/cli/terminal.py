"""The terminal's raw edges for the player: single keys without Enter, and sound.

Keys are read with ``select`` and a timeout (the player's next deadline), so the loop sleeps in
the kernel between events instead of spinning. Sound never waits: the bell is one byte, and
``espeak-ng``, when installed, runs as a separate process the loop does not wait for.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import termios
import tty
from types import TracebackType
from typing import Any

ARROWS = {"\x1b[C": "right", "\x1b[D": "left", "\x1b[A": "up", "\x1b[B": "down"}


class Keys:
    """Single key presses from a terminal in cbreak mode (Ctrl-C still interrupts)."""

    def __init__(self, fd: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if fd is None else fd
        self._saved: list[Any] | None = None
        self._pending: list[str] = []

    def __enter__(self) -> Keys:
        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout: float | None) -> str | None:
        """The next key, or None when ``timeout`` seconds pass first (None: wait forever)."""
        if self._pending:
            return self._pending.pop(0)
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 64).decode("utf-8", "replace")
        self._pending = _split(data)
        return self._pending.pop(0) if self._pending else None


def _split(data: str) -> list[str]:
    keys: list[str] = []
    i = 0
    while i < len(data):
        if data.startswith("\x1b[", i) and i + 2 < len(data):
            keys.append(ARROWS.get(data[i : i + 3], "escape"))
            i += 3
        else:
            keys.append(data[i])
            i += 1
    return keys


class Sound:
    """The terminal bell and, when ``espeak-ng`` is installed, spoken cues."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.voice = shutil.which("espeak-ng") if enabled else None
        self._speaking: subprocess.Popen[bytes] | None = None

    def bell(self) -> None:
        if self.enabled:
            os.write(sys.stdout.fileno(), b"\a")

    def say(self, text: str) -> None:
        if not self.voice:
            return
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()  # a newer cue matters more than the end of an old one
        try:
            self._speaking = subprocess.Popen(
                [self.voice, "-s", "165", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self.voice = None

    def close(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
            self._speaking.wait()
