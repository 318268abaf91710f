"""Progress of a batch run: a tqdm bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, TextIO

from ..progress import BarOrLines, isatty, one_line, plural

_BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} files [{elapsed}<{remaining}{postfix}]"


class Progress(BarOrLines):
    """Counts files, pages and failures; shows pages/s and the ETA.

    On a terminal: one live bar (files, pages, pages/s, failures, ETA), shown from
    the start of the run (:meth:`phase` tells what happens before the first file is
    done: discovery, workers starting) and redrawn every second.  Not on a terminal
    (logs, CI): a line per phase, one per finished file and a failure line per bad file.
    """

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        quiet: bool = False,
        bar: bool | None = None,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.done = self.failed = self.pages = 0
        self.start = time.perf_counter()
        use_bar = isatty(self.stream) if bar is None else bar
        self.bar = None
        self._stop = threading.Event()
        if use_bar and not quiet:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                file=self.stream,
                unit="file",
                dynamic_ncols=True,
                leave=False,
                bar_format=_BAR_FORMAT,
            )
            threading.Thread(target=self._tick, name="progress-tick", daemon=True).start()

    def _tick(self) -> None:
        """Redraw the bar every second, so the elapsed time moves before the first file."""
        while not self._stop.wait(1.0):
            bar = self.bar
            if bar is not None:
                bar.refresh()

    def phase(self, text: str, total: int | None = None) -> None:
        """Say what the run is doing now (``"discovering inputs"``); set the file total."""
        if total is not None:
            self.total = total
            if self.bar is not None:
                self.bar.total = total
        if self.bar is not None:
            self.bar.set_postfix_str(text)
        elif not self.quiet:
            self.write(text)

    def close(self) -> None:
        self._stop.set()
        super().close()

    @property
    def pages_per_s(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.pages / elapsed if elapsed > 0 else 0.0

    def status(self) -> str:
        """``"3 pages, 1.5 pages/s, 0 failed"``."""
        return f"{plural(self.pages, 'page')}, {self.pages_per_s:.1f} pages/s, {self.failed} failed"

    def update(self, name: str, result: dict[str, Any]) -> None:
        name = one_line(name)
        self.done += 1
        self.pages += int(result.get("pages") or 0)
        ok = bool(result.get("ok"))
        if not ok:
            self.failed += 1
            self.write(
                f"{name}: {result.get('stage')}: {result.get('error_class')}: {result.get('error')}"
            )
        elif self.bar is None and not self.quiet:
            n = len(result.get("decrees") or [])
            self.write(
                f"[{self.done}/{self.total}] {name}: {plural(n, 'decree')}, "
                f"{plural(int(result.get('pages') or 0), 'page')} "
                f"({result.get('elapsed', 0.0):.1f} s); {self.status()}"
            )
        if self.bar is not None:
            self.bar.set_postfix_str(self.status(), refresh=False)
            self.bar.update(1)

