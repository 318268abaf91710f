"""Where progress goes: a tqdm bar on a terminal, plain lines otherwise."""

from __future__ import annotations

from typing import Any, TextIO


class BarOrLines:
    """Writes a line above the live bar when there is one, else to the stream."""

    bar: Any = None
    stream: TextIO

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def plural(count: int, noun: str) -> str:
    """``"1 page"``, ``"2 pages"``, ``"0 errors"`` (English -s plural, as the log lines use)."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


_CONTROL_CHARS = {i: f"\\x{i:02x}" for i in [*range(0x20), 0x7F]}
_CONTROL_CHARS.update({0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"})


def one_line(text: str) -> str:
    """``text`` with newlines and other control characters escaped (``a\\nb.txt``),
    so a file name can never split a progress or error line."""
    return str(text).translate(_CONTROL_CHARS)
